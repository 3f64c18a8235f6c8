"""`ecomplan kpi`: KPI reports: funnel, KPIs, period-over-period, targets."""

from __future__ import annotations

import typer

app = typer.Typer(help="KPI reports: funnel, KPIs, period-over-period, targets.", no_args_is_help=True)
