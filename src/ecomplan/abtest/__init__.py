"""A/B tests: evaluate results (SRM, significance, lift, verdicts) and plan sample sizes."""
