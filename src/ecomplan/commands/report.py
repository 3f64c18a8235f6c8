"""`ecomplan report`: Scheduled reports (the cron-driven weekly report)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Scheduled reports (the cron-driven weekly report).", no_args_is_help=True)
