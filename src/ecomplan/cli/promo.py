"""`ecomplan promo`: 满减 threshold design from the shop's own order values."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ecomplan.cli.common import (
    AllowSkippedOpt,
    EncodingOpt,
    FilesArg,
    JsonOpt,
    Lang,
    LangOpt,
    MappingOpt,
    OutputOpt,
    PasswordOpt,
    PlatformOpt,
    SheetOpt,
    check_output,
    handle_errors,
    parse_day_option,
    read_options,
    refuse_overwrite,
    warn_issues,
    write_result,
)

app = typer.Typer(help="满减 (spend-and-save) threshold design from the shop's own order values.", no_args_is_help=True)


# Shares (0..1); the library checks the finer bounds (a margin of 0 makes no sense) and names the argument.
UptakeOpt = Annotated[
    float, typer.Option("--uptake", min=0.0, max=1.0, help="Share of orders within reach of a threshold that top up.")
]
MarginOpt = Annotated[float, typer.Option("--margin", min=0.0, max=1.0, help="Gross margin on the added sales.")]
BudgetOpt = Annotated[
    float, typer.Option("--budget", min=0.0, max=1.0, help="Most the discounts may cost, as a share of GMV.")
]
ReachOpt = Annotated[
    float,
    typer.Option("--reach", min=0.0, max=1.0, help="An order worth at least this share of a threshold can reach it."),
]
DiscountRateOpt = Annotated[
    float, typer.Option("--discount-rate", min=0.0, max=1.0, help="A tier's discount as a share of its threshold.")
]


@app.command("thresholds")
@handle_errors
def thresholds_command(
    files: FilesArg,
    uptake: UptakeOpt = 0.3,
    margin: MarginOpt = 0.45,
    budget: BudgetOpt = 0.05,
    reach: ReachOpt = 0.7,
    discount_rate: DiscountRateOpt = 0.1,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Only the orders paid in this period: 2026-11, 2026-Q3, 2026-09-01..2026-11-22."),
    ] = None,
    for_platform: Annotated[
        str | None, typer.Option("--for-platform", help="Only this platform's orders (sycm, jd, douyin…).")
    ] = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option("--as-of", parser=parse_day_option, metavar="YYYY-MM-DD", help="Today, for relative periods."),
    ] = None,
    output: OutputOpt = None,
    json_: JsonOpt = False,
    lang: LangOpt = Lang.zh,
    platform: PlatformOpt = None,
    mapping: MappingOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    password: PasswordOpt = None,
    allow_skipped: AllowSkippedOpt = False,
) -> None:
    """Propose 1-3 满减 tiers from the distribution of paid order values: who already qualifies, who is
    within reach, the AOV lift if some top up, the discount cost and the net effect on gross margin.

    Example: ecomplan promo thresholds orders.csv --uptake 0.3 --margin 0.45 --budget 0.05 -o 满减.xlsx
    """
    refuse_overwrite([*files, mapping], {"output": output})
    from ecomplan.config import load_settings
    from ecomplan.core.periods import parse_period, today_in
    from ecomplan.promo import Assumptions, design, thresholds_report
    from ecomplan.promo.orders import paid_order_values
    from ecomplan.rfm import currency_symbol, read_orders

    check_output(output)
    settings = load_settings(None)
    options = read_options(platform, mapping, encoding, sheet, password, settings.timezone, allow_skipped=allow_skipped)
    lines, issues = read_orders(files, options, contacts=False)
    warn_issues(issues)
    chosen = parse_period(period, as_of or today_in(settings.timezone)) if period else None
    values, scope = paid_order_values(lines, chosen, for_platform, files[0].name, lang.value)
    assumptions = Assumptions(uptake, margin, budget, reach, discount_rate)
    result = design(values, assumptions)
    report = thresholds_report(result, lang.value, [f.name for f in files], scope, currency_symbol(lines))
    write_result(output, json_, result.to_dict, report)
