"""Foundations every layer uses: errors, the zh/en text catalogue, periods, formatting, the Report value."""
