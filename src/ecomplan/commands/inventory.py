"""`ecomplan inventory`: Stock alerts: safety stock, reorder points, days of cover, slow movers."""

from __future__ import annotations

import typer

app = typer.Typer(help="Stock alerts: safety stock, reorder points, days of cover, slow movers.", no_args_is_help=True)
