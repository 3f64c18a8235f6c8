"""`ecomplan rfm`: Customer tiers (RFM), repurchase, cohorts and segment migration."""

from __future__ import annotations

import typer

app = typer.Typer(help="Customer tiers (RFM), repurchase, cohorts and segment migration.", no_args_is_help=True)
