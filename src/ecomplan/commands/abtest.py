"""`ecomplan abtest`: A/B tests: evaluate results and plan sample sizes."""

from __future__ import annotations

import typer

app = typer.Typer(help="A/B tests: evaluate results and plan sample sizes.", no_args_is_help=True)
