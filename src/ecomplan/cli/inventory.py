"""`ecomplan inventory`: Stock alerts: safety stock, reorder points, days of cover, slow movers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ecomplan.cli.common import (
    EXIT_ALERTS,
    AllowSkippedOpt,
    EncodingOpt,
    JsonOpt,
    Lang,
    LangOpt,
    MappingOpt,
    OutputOpt,
    PasswordOpt,
    PlatformOpt,
    check_output,
    handle_errors,
    parse_day_option,
    read_options,
    refuse_overwrite,
    warn_issues,
    write_result,
)

app = typer.Typer(help="Stock alerts: safety stock, reorder points, days of cover, slow movers.", no_args_is_help=True)


def _window(value: str | int) -> int:
    """The parser of --window: '28d', '28' or '4w' -> days, at least 2 (bad values exit 2)."""
    from ecomplan.core.errors import ArgumentError
    from ecomplan.core.periods import parse_days

    try:
        days = parse_days(value, minimum=2)
    except ArgumentError as exc:
        raise typer.BadParameter(exc.detail) from None
    assert days is not None  # only None gives None
    return days


@app.command("alerts")
@handle_errors
def alerts_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="More sales files, so that a shell glob after --sales works (--sales orders/*.csv).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    stock: Annotated[
        Path | None,
        typer.Option(
            "--stock",
            help="Stock snapshot: ERP 库存表, JD 库存 export or a sheet with canonical columns (sku, "
            "on_hand, available, in_transit, lead_time_days, moq, case_pack, unit_cost ...).",
            dir_okay=False,
        ),
    ] = None,
    sales: Annotated[
        list[Path] | None,
        typer.Option(
            "--sales",
            help="Sales files: order exports or product daily exports (生意参谋 商品_全部, 京东商智 商品明细); "
            "repeat for several, units are added up. Without sales files the stock sheet's 近N日出库 columns are "
            "used.",
            dir_okay=False,
        ),
    ] = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Date of the stock snapshot (YYYY-MM-DD); sales from this day on are ignored. Default: "
            "the sheet's snapshot date, else the day after the last sale.",
            parser=parse_day_option,
        ),
    ] = None,
    lead_time: Annotated[
        float | None,
        typer.Option(
            "--lead-time",
            min=0,
            help="Default supplier lead time in days for SKUs without one in the stock sheet (default 14).",
        ),
    ] = None,
    service_level: Annotated[
        float | None,
        typer.Option(
            "--service-level", min=0.5, max=0.9999, help="Default cycle service level for safety stock (default 0.95)."
        ),
    ] = None,
    window: Annotated[
        int | None,
        typer.Option(
            "--window",
            parser=_window,
            metavar="DAYS",
            help="Days of sales that average daily demand: 28d (default), 56d, 8w ...",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="ecomplan.toml: its inventory table (files, thresholds, pricing rules) and campaigns.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    output: OutputOpt = None,
    json_: JsonOpt = False,
    fail_on_alerts: Annotated[
        bool, typer.Option("--fail-on-alerts", help="Exit with code 3 when a SKU is out of stock or urgent (for cron).")
    ] = False,
    lang: LangOpt = Lang.zh,
    platform: PlatformOpt = None,
    mapping: MappingOpt = None,
    stock_platform: Annotated[
        str | None, typer.Option("--stock-platform", help="Force the stock sheet's adapter (erp, jd, generic).")
    ] = None,
    stock_mapping: Annotated[
        Path | None,
        typer.Option(
            "--stock-mapping",
            help='TOML column mapping for a stock sheet ecomplan does not know (kind = "inventory").',
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Read only this sheet of the stock workbook.")] = None,
    encoding: EncodingOpt = None,
    password: PasswordOpt = None,
    allow_skipped: AllowSkippedOpt = False,
) -> None:
    """Reorder list and stock health per SKU: safety stock, reorder point, days of cover, projected
    stock-out date, order quantity (MOQ / case pack), ABC/XYZ, and the status stockout / urgent /
    reorder / ok / overstock / slow_moving / dead with a reason.

    --platform and --mapping apply to the sales files, --stock-platform, --stock-mapping and --sheet to the stock.

    Example: ecomplan inventory alerts --stock 库存.xlsx --sales 订单.csv --as-of 2026-11-23 --lead-time 10
    """
    refuse_overwrite([stock, *(sales or []), *(files or []), config, mapping, stock_mapping], {"output": output})
    from ecomplan.config import load_settings
    from ecomplan.core.errors import UsageError
    from ecomplan.inventory import InventoryPolicy, alerts, build_report, from_settings, load_sales, load_stock, to_json

    shop = load_settings(config)
    configured = from_settings(shop) if config else None
    settings = configured.settings if configured else InventoryPolicy()
    stock_path = stock or (configured.stock if configured else None)
    if stock_path is None:
        raise UsageError('--stock FILE is required (or [inventory] stock = "..." in --config)')
    sales_paths = [*(sales or []), *(files or [])] or list(configured.sales if configured else [])
    refuse_overwrite([stock_path, *sales_paths], {"output": output})  # the files the config named
    check_output(output)
    stock_options = read_options(
        stock_platform, stock_mapping, encoding, sheet, password, shop.timezone, allow_skipped=allow_skipped
    )
    stock_frame, issues = load_stock(stock_path, stock_options)
    sales_options = read_options(
        platform, mapping, encoding, None, password, shop.timezone, allow_skipped=allow_skipped
    )
    sales_frames, sales_issues = load_sales(sales_paths, sales_options)
    warn_issues([*issues, *sales_issues])
    result = alerts(
        stock_frame,
        sales_frames or None,
        as_of,
        lead_time_days=lead_time,
        service_level=service_level,
        window_days=window,
        settings=settings,
    )
    for finding in result.findings:
        if finding.severity == "warning":
            typer.echo(f"warning: {finding.message(lang.value)}", err=True)
    currency = configured.currency if configured else "¥"
    full = build_report(result, lang.value, currency=currency) if output is not None else None
    terminal = (
        build_report(result, lang.value, compact=True, currency=currency) if output is None and not json_ else None
    )
    write_result(output, json_, lambda: to_json(result, lang.value), full, terminal_report=terminal)
    if fail_on_alerts and result.has_alerts:
        raise typer.Exit(EXIT_ALERTS)
