"""Purchases and per-customer R, F, M from canonical order lines.

The rules, in one place (the SQL of `measure`; a 10-row fixture and a
10-million-line export take the same path):

1. A line is **sold** when its canonical status is one of
   `ecomplan.ingest.schemas.PAID_STATUSES` (each adapter maps its platform's words:
   交易关闭, voided and `C` invoices are `cancelled`, 等待买家付款 is
   `pending`) and it has a payment time. A line without a status (no column,
   or an empty cell) is sold when it has a payment time; without `paid_at`
   the order time (`created_at`) stands in (`schemas.sold_lines`).
2. A line's **net** amount is `amount - refund`; a line whose status is
   `refunded` (a full refund) nets 0. Refunds from a separate refunds export
   (`refunds` kind, e.g. 千牛 售后) are subtracted from their order when they
   succeeded (status 退款成功 / success / refunded, or no status column),
   whatever their date: a refunded order was never a real sale, so a past
   as-of date is judged with today's knowledge and week-on-week changes
   reflect buying, not refund timing.
3. Lines are collapsed to **orders** by (customer, order id); the order date
   is the date of its earliest payment. An order is a **purchase** when its
   net amount is above 0; fully refunded and free orders (replacements,
   0-price samples) are not purchases. Order and customer sums are rounded
   to 6 decimals, so they do not depend on the order of the rows.
4. Sold lines without a customer id are counted and reported, never scored.
   When the lines come from several platforms the customer key is
   (platform, customer id): a Taobao nickname and a JD account are not the
   same person; an order is likewise (platform, order id).
5. For an as-of date D and a window of W days, the customer's purchases in
   the W calendar days ending on D (D included) give F (purchases, or
   distinct purchase days) and M (their net amount); R = D minus the date of
   the last purchase, in days (0 = bought on D). The first purchase comes
   from all history up to D. Customers whose purchases are all older than
   the window are counted as lapsed, not scored.

The aggregation runs in DuckDB in two steps. `create_orders` collapses the
lines into the table `orders`: one row per (customer, order) of the sold,
paid lines, and one per (status word, customer, order) of every other line,
so the excluded lines are counted in the same pass. Its lines are the
canonical frame the one read path gives (`read_orders`, `ecomplan.ingest.load`),
scanned by DuckDB where it lies. `measure` then computes one row per
customer from `orders`, with the metrics of every as-of date a command needs
(segments now, a week ago, at a comparison date) as FILTERed aggregates; only
one row per customer comes back to pandas (`benchmarks/bench_read.py` times
the whole command against a hand-written DuckDB script).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import pandas as pd

from ecomplan.core.errors import ArgumentError, InputError, Issue, SchemaError
from ecomplan.core.periods import parse_days
from ecomplan.engines import DuckDBEngine, Engine
from ecomplan.ingest.schemas import PAID_STATUSES, sold_lines

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecomplan.engines.spark import SparkLines
    from ecomplan.ingest.options import ReadOptions

    # Order lines: a canonical pandas frame (run in DuckDB) or lines Spark holds (`ecomplan.engines.spark`).
    Lines: TypeAlias = pd.DataFrame | SparkLines

SOLD_STATUSES = tuple(sorted(PAID_STATUSES))
# 退款状态 values meaning the money went back to the buyer (千牛 售后 退款成功, generic exports).
REFUND_DONE = (
    "退款成功",
    "已退款",
    "退款完成",
    "success",
    "successful",
    "succeeded",
    "refunded",
    "completed",
    "complete",
)
FREQUENCIES = ("orders", "days")
ACTIVITY_MONTHS = 63  # months of purchase activity kept per customer for cohorts (bits of a BIGINT)
# The canonical order columns RFM reads; only these are parsed out of a file.
ORDER_COLUMNS = (
    "order_id",
    "customer_id",
    "paid_at",
    "created_at",
    "amount",
    "refund",
    "status",
    "customer_name",
    "phone",
    "currency",
)
CONTACTS = ("customer_name", "phone")
STAND_INS = {"created_at": "paid_at"}  # the order time is the purchase time only without a payment time


def read_orders(
    files: Sequence[str | Path], options: ReadOptions | None = None, *, contacts: bool = True
) -> tuple[pd.DataFrame, list[Issue]]:
    """The canonical order lines of `files` (only the columns RFM reads) and the findings on the way.

    `contacts=False` leaves out names and phones: the segment counts and sums do not use them, only
    the per-customer table does (two text columns are a third of a 千牛 export's reading time)."""
    from ecomplan.ingest.load import load

    columns = [c for c in ORDER_COLUMNS if contacts or c not in CONTACTS]
    loaded = load(files, "orders", options, columns=columns, stand_ins=STAND_INS)
    return loaded.frame, list(loaded.issues)


def parse_window(text: str | int | None) -> int | None:
    """'365d' / '52w' / '365' -> days; 'all' (or None) -> None, meaning all history."""
    return parse_days(text, "window_days", minimum=1, allow_all=True)


@dataclass
class Exclusions:
    """Input rows that are in no customer's metrics, and why."""

    lines: int = 0
    unsold_lines: dict[str, int] = field(default_factory=dict)  # canonical status -> lines
    sold_lines_without_paid_at: int = 0
    lines_without_customer: int = 0  # sold and paid, but no customer id
    orders_without_customer: int = 0
    amount_without_customer: float = 0.0
    refund_rows: int = 0
    refund_rows_not_done: int = 0  # requested, rejected or closed: not netted
    refund_rows_without_order: int = 0  # their order id is not among the sold order lines
    refund_amount_netted: float = 0.0

    def to_dict(self) -> dict:
        return {**self.__dict__, "unsold_lines": dict(sorted(self.unsold_lines.items()))}


@dataclass
class Snapshot:
    """Customers' R, F and M as of one date."""

    as_of: dt.date
    window_days: int | None
    window_start: dt.date | None  # first day of the window; None: all history
    frequency: str
    customers: pd.DataFrame  # one row per customer with a purchase in the window
    lapsed: int  # customers with purchases up to as_of, none of them in the window
    previous_buyers: int  # buyers of the equally long window before this one
    returning_buyers: int  # previous buyers who bought again in this window
    orders_not_positive: int  # orders up to as_of with net amount <= 0 (fully refunded, free)
    purchases_after_as_of: int
    first_sale: dt.date | None  # earliest purchase of any customer in the data


@dataclass
class Measured:
    """What `measure` found: a snapshot per as-of date, exclusions, and monthly activity."""

    snapshots: list[Snapshot]
    exclusions: Exclusions
    activity: pd.DataFrame  # key columns, first_purchase, months (bit k: bought k months before as_of's month)
    key: list[str]
    issues: list[Issue]
    purchase_days: pd.DataFrame | None = None  # with_purchase_days: key columns, day, spend


def last_sale_date(lines: Lines) -> dt.date | None:
    """Date of the latest payment of a sold line (the default as-of date is the day after)."""
    if not isinstance(lines, pd.DataFrame):
        time_column = _time_column(lines.columns, lines.label, [])
        text = {c: c for c in ("status",) if c in lines}
        return lines.last_sale_date(_line_rules(text, time_column, False)["sold"], time_column)
    times = _purchase_times(lines)
    if times is None:
        return None
    latest = times[sold_lines(lines)].max()
    return None if pd.isna(latest) else latest.date()


def distinct_values(lines: Lines, column: str) -> list:
    """The distinct non-empty values of a column with few of them (currency, platform)."""
    if isinstance(lines, pd.DataFrame):
        return list(lines[column].dropna().unique())
    return [value for (value,) in lines.engine.rows(f"SELECT DISTINCT {column} FROM {lines.view}") if value is not None]


def latest_time(lines: Lines, column: str) -> pd.Timestamp | None:
    """The latest value of a time column over every line (how recent an export is), None when empty."""
    if isinstance(lines, pd.DataFrame):
        latest = lines[column].max()
    else:
        [(latest,)] = lines.engine.rows(f"SELECT max({column}) FROM {lines.view}")
    return None if latest is None or pd.isna(latest) else pd.Timestamp(latest)


def _purchase_times(lines: pd.DataFrame) -> pd.Series | None:
    if "paid_at" in lines:
        return lines["paid_at"]
    return lines.get("created_at", None)


def create_orders(
    engine: Engine,
    source: str,
    text: dict[str, str],
    time_column: str,
    has_refund: bool,
    contacts: list[str],
    platform: bool = False,
) -> None:
    """Collapse the lines of `source` (a relation with canonical columns) into the table `orders`.

    Sold, paid lines give one row per (customer, order) with `excluded` NULL;
    every other line is kept per (status word, customer, order) with
    `excluded` = '=' + its status word ('' without status; `status_word`
    reads it back), so one pass counts what the rules leave out. `day` is
    the order's earliest payment date, `last_paid` its latest, `net` the
    rounded net amount, `lines` how many lines it holds. `text` maps each text column to the SQL reading it;
    the word kept in `excluded` is the canonical status.
    """
    rules = _line_rules(text, time_column, has_refund)
    word = rules["status"]
    platform_column = "CAST(platform AS VARCHAR) AS platform, " if platform else ""
    contact_lines = "".join(f", {text[c]} AS {c}" for c in contacts)
    contact_orders = "".join(f", {_latest(c, 'paid_at')} AS {c}" for c in contacts)
    engine.create_table(
        "orders",
        f"""
        WITH lines AS (
            SELECT {platform_column}{rules["customer"]} AS customer_id, {text["order_id"]} AS order_id,
                   {time_column} AS paid_at, {rules["net"]} AS net,
                   CASE WHEN {rules["sold"]} THEN NULL ELSE coalesce('=' || {word}, '') END AS excluded{contact_lines}
            FROM {source}
        )
        SELECT {"platform, " if platform else ""}excluded, customer_id, order_id,
               CAST(min(paid_at) AS DATE) AS day, CAST(max(paid_at) AS DATE) AS last_paid,
               round(sum(net), 6) AS net, count(*) AS lines{contact_orders}
        FROM lines GROUP BY ALL""",
    )


def measure(
    lines: Lines,
    as_of: list[dt.date],
    window_days: int | None = 365,
    frequency: str = "orders",
    refunds: pd.DataFrame | None = None,
    file: str = "orders",
    with_purchase_days: bool = False,
) -> Measured:
    """Per-customer R/F/M at each date of `as_of` (the first one also gives the monthly activity).

    `lines` is a canonical frame (`read_orders`, `ecomplan.ingest.load(...).frame`), run in DuckDB, or
    `ecomplan.engines.spark.SparkLines`, run in Spark, by the same SQL. `with_purchase_days`
    also keeps `purchase_days`'s frame from the same pass (`rfm.value` needs both).
    """
    if frequency not in FREQUENCIES:
        raise ArgumentError("frequency", f"{frequency!r}: use orders or days")
    if not as_of:
        raise ValueError("measure() needs at least one as-of date")
    issues: list[Issue] = []
    with _orders_table(lines, file, issues, with_contacts=True) as (engine, key, contacts, exclusions):
        refund_join = ""
        if refunds is not None:
            _register_refunds(engine, refunds, exclusions)
            refund_join = "LEFT JOIN refund_totals r ON o.order_id = r.order_id"
        query = _metrics_sql(key, contacts, refund_join, as_of, window_days, frequency)
        wide = engine.arrow(query)
        keys = ", ".join(key)
        days = _to_pandas(engine.arrow(_purchase_days_query(keys, refund_join))) if with_purchase_days else None
    if wide.num_rows == 0:
        what = "no sold order has a customer id" if exclusions.lines_without_customer else "no sold orders"
        raise InputError(
            f"{file}: {what}; RFM needs paid orders with a buyer id (买家ID / 会员名 / e-mail). "
            "抖店 and 拼多多 exports hide buyers unless the export includes a buyer id column"
        )
    import pyarrow.compute as pc

    first_sale = pc.min(wide["first_purchase"]).as_py()
    snapshots = [
        _snapshot(wide, i, day, window_days, frequency, key, contacts, first_sale) for i, day in enumerate(as_of)
    ]
    bought = _rows(wide, pc.less_equal(wide["first_purchase"], as_of[0]))
    activity = _to_pandas(bought.select([*key, "first_purchase"]))
    activity["months"] = bought["months"].fill_null(0).to_numpy()
    return Measured(snapshots, exclusions, activity, key, issues, days)


def purchase_days(lines: Lines, file: str = "orders") -> tuple[pd.DataFrame, list[str], Exclusions]:
    """Each customer's purchase days with what they spent that day, by `measure`'s rules (sold, paid,
    with a customer id; an order whose net amount is not positive is no purchase): the input of models
    that count purchases by distinct day (`rfm.value`). Returns (frame of key columns + `day` + `spend`,
    key, exclusions)."""
    return _sold_orders(lines, file, _purchase_days_query)


def _purchase_days_query(keys: str, refund_join: str = "") -> str:
    """Customers' purchase days over `measure`'s `orders` table (less the refunds of `refund_join`), in one
    order (key, day), run after run."""
    columns = ", ".join(f"o.{k}" for k in keys.split(", "))
    return f"""
        SELECT {keys}, day, round(sum(net), 6) AS spend FROM (
            SELECT {columns}, o.day, {_net_sql(refund_join)} AS net FROM orders o {refund_join}
            WHERE o.excluded IS NULL AND o.customer_id IS NOT NULL)
        WHERE net > 0 GROUP BY {keys}, day ORDER BY {keys}, day"""


def _net_sql(refund_join: str) -> str:
    """An order's net amount: less its successful refunds when a refunds export is joined."""
    return "round(o.net - coalesce(r.refund, 0), 6)" if refund_join else "o.net"


def order_values(lines: Lines, file: str = "orders") -> tuple[pd.DataFrame, list[str], Exclusions]:
    """Every sold, paid order with a positive net amount (with or without a customer id): `platform` (when
    the lines hold several), `order_id`, `day`, `net`; the order values 满减 tiers are designed on."""
    return _sold_orders(lines, file, _order_values_query)


def _order_values_query(keys: str) -> str:
    platform = "platform, " if keys.startswith("platform") else ""  # keyed by platform when there are several
    return f"""
        SELECT {platform}order_id, min(day) AS day, round(sum(net), 6) AS net
        FROM orders WHERE excluded IS NULL
        GROUP BY {platform}order_id HAVING sum(net) > 0 ORDER BY {platform}order_id"""


def _sold_orders(lines: Lines, file: str, query) -> tuple[pd.DataFrame, list[str], Exclusions]:
    """`query(keys)` over the `orders` table `measure` builds from `lines` (one DuckDB pass, the same rules)."""
    issues: list[Issue] = []
    with _orders_table(lines, file, issues, with_contacts=False) as (engine, key, _, exclusions):
        table = engine.arrow(query(", ".join(key)))
    return _to_pandas(table), key, exclusions


@contextmanager
def _orders_table(
    lines: Lines, file: str, issues: list[Issue], with_contacts: bool
) -> Iterator[tuple[Engine, list[str], list[str], Exclusions]]:
    """The engine the lines live in, holding the table `orders` (`create_orders`): (engine, customer key,
    contact columns kept, exclusions). A pandas frame goes to a private DuckDB connection; Spark lines stay
    in their session, whose cached tables are released on leaving."""
    if isinstance(lines, pd.DataFrame):
        import duckdb

        with _scratch_folder() as scratch, duckdb.connect(config=_duckdb_config(scratch)) as db:
            db.execute("SET enable_progress_bar = false")
            engine = DuckDBEngine(db)
            yield _with_orders(
                engine, _register_frame(engine, lines, file, issues), len(lines), "refund" in lines, with_contacts
            )
        return
    try:
        columns = _spark_columns(lines, file, issues)
        yield _with_orders(lines.engine, columns, lines.rows, "refund" in lines, with_contacts)
    finally:
        lines.engine.close()


def _with_orders(
    engine: Engine,
    columns: tuple[list[str], list[str], str, dict[str, str]],
    rows: int,
    has_refund: bool,
    with_contacts: bool,
) -> tuple[Engine, list[str], list[str], Exclusions]:
    key, contacts, time_column, text = columns
    contacts = contacts if with_contacts else []
    create_orders(engine, "input_lines", text, time_column, has_refund, contacts, "platform" in key)
    return engine, key, contacts, _exclusions(engine, rows)


SCRATCH_PREFIX = "ecomplan-duckdb-"


# What DuckDB may hold beside the order lines (which live in pandas): 10M lines (5M orders) aggregate
# within it without spilling; larger exports spill to disk instead of needing several GB (bench_read.py).
DUCKDB_MEMORY = "640MB"


def _duckdb_config(scratch: Path) -> dict[str, str | bool | int | float | list[str]]:
    """Insertion order not kept (no result here depends on it, and the aggregates then run faster); what
    does not fit in `DUCKDB_MEMORY` spills to `scratch`, never to `.tmp` in the working folder."""
    return {"preserve_insertion_order": False, "temp_directory": str(scratch), "memory_limit": DUCKDB_MEMORY}


@contextmanager
def _scratch_folder() -> Iterator[Path]:
    """A private folder for DuckDB's spill files (they hold customer ids), removed on leaving; the folder
    of a run that was killed (its process is gone) is removed by the next run."""
    import shutil
    import tempfile

    _remove_orphaned_scratch()
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_orphaned_scratch() -> None:
    import shutil
    import tempfile

    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        pid = folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue  # a live process of another user


def status_word(excluded: str) -> str | None:
    """The status word an `orders.excluded` value holds; None for a line without status."""
    return excluded[1:] if excluded else None


def _exclusions(engine: Engine, lines: int) -> Exclusions:
    """What the `orders` table says was left out: lines by status, sold lines without payment time
    or without customer."""
    exclusions = Exclusions(lines=lines)
    for excluded, n_lines, n_orders, amount in engine.rows("""
            SELECT excluded, sum(lines), count(*), coalesce(sum(net), 0) FROM orders
            WHERE excluded IS NOT NULL OR customer_id IS NULL GROUP BY excluded ORDER BY excluded"""):
        if excluded is None:  # sold and paid, but no customer id
            exclusions.lines_without_customer, exclusions.orders_without_customer = int(n_lines), int(n_orders)
            exclusions.amount_without_customer = round(float(amount), 2)
            continue
        status = status_word(excluded)
        if status is None or status in SOLD_STATUSES:
            exclusions.sold_lines_without_paid_at += int(n_lines)
        else:
            exclusions.unsold_lines[status] = exclusions.unsold_lines.get(status, 0) + int(n_lines)
    return exclusions


def _to_pandas(table) -> pd.DataFrame:
    """The per-customer result as `.df()` types it (text as str, dates as datetime64[us], sums as float64),
    through Arrow: a million customer ids never become Python objects."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=False):
        kind = column.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            columns[name] = pd.Series(column, dtype="str")
        elif pa.types.is_date(kind):
            columns[name] = pd.Series(pc.cast(column, pa.timestamp("us")).to_numpy(), dtype="datetime64[us]")
        elif pa.types.is_decimal(kind) or pa.types.is_floating(kind):
            columns[name] = pd.Series(pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), dtype="float64")
        elif pa.types.is_integer(kind):
            columns[name] = pd.Series(column.to_numpy(), dtype="float64" if column.null_count else "int64")
        else:
            raise TypeError(f"unexpected column type {kind} of {name}")
    return pd.DataFrame(columns, copy=False)


def _register_frame(
    engine: Engine, lines: pd.DataFrame, file: str, issues: list[Issue]
) -> tuple[list[str], list[str], str, dict[str, str]]:
    """The frame's columns the rules read as `input_lines`: (key, contacts, time column, SQL of text columns)."""
    time_column = _time_column(lines.columns, file, issues)
    if not pd.api.types.is_datetime64_any_dtype(lines[time_column]):
        raise SchemaError(f"{file}: column {time_column} must hold datetimes (read files with ecomplan.ingest.load)")
    multi_platform = "platform" in lines and lines["platform"].nunique(dropna=True) > 1
    key = ["platform", "customer_id"] if multi_platform else ["customer_id"]
    contacts = [c for c in CONTACTS if c in lines]
    columns = [
        "order_id",
        "amount",
        time_column,
        *[c for c in ("customer_id", "status", "refund") if c in lines],
        *contacts,
        *(["platform"] if multi_platform else []),
    ]
    view = lines[columns]
    engine.register("input_lines", view)
    text = {c: _as_text(view, c) for c in ("order_id", "customer_id", "status", *contacts) if c in view}
    return key, contacts, time_column, text


def _spark_columns(
    lines: SparkLines, file: str, issues: list[Issue]
) -> tuple[list[str], list[str], str, dict[str, str]]:
    """As `_register_frame` for lines Spark holds: their text columns are trimmed text already."""
    time_column = _time_column(lines.columns, file, issues)
    multi_platform = (
        "platform" in lines and lines.engine.rows(f"SELECT count(DISTINCT platform) > 1 FROM {lines.view}")[0][0]
    )
    key = ["platform", "customer_id"] if multi_platform else ["customer_id"]
    contacts = [c for c in CONTACTS if c in lines]
    text = {c: c for c in ("order_id", "customer_id", "status", *contacts) if c in lines}
    return key, contacts, time_column, text


def _as_text(frame: pd.DataFrame, column: str) -> str:
    """SQL for a text column. The loader's frames hold trimmed strings or categories (read as they
    are); anything else (numeric ids in a hand-made frame) is cast and trimmed."""
    dtype = frame[column].dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return f"CAST({column} AS VARCHAR)"
    if pd.api.types.is_string_dtype(dtype) and dtype != object:  # noqa: E721 (numpy dtype equality)
        return column
    return f"trim(CAST({column} AS VARCHAR))"


def _time_column(columns, file: str, issues: list[Issue]) -> str:
    for required in ("order_id", "amount"):
        if required not in columns:
            raise SchemaError(f"{file}: order lines need a {required} column for RFM")
    column = "paid_at" if "paid_at" in columns else "created_at" if "created_at" in columns else None
    if column is None:
        raise SchemaError(f"{file}: order lines need a payment time (paid_at) or an order time (created_at)")
    if column == "created_at":
        issues.append(
            Issue(
                file,
                "no payment time column: the order time (created_at) is used as the purchase time",
                code="order_time_as_paid",
                severity="info",
            )
        )
    return column


def _register_refunds(engine: Engine, refunds: pd.DataFrame, exclusions: Exclusions) -> None:
    if "order_id" not in refunds or "refund_amount" not in refunds:
        raise SchemaError("the refunds export needs an order id and a refund amount column")
    engine.register("input_refunds", refunds[[c for c in ("order_id", "refund_amount", "status") if c in refunds]])
    done = (
        (f"coalesce(lower(trim(CAST(status AS VARCHAR))) IN {tuple(s.lower() for s in REFUND_DONE)}, FALSE)")
        if "status" in refunds
        else "TRUE"
    )
    engine.create_table(
        "refund_rows",
        f"""SELECT CAST(order_id AS VARCHAR) AS order_id, refund_amount, {done} AS done
        FROM input_refunds WHERE refund_amount IS NOT NULL""",
    )
    engine.create_table(
        "refund_totals",
        """SELECT order_id, sum(refund_amount) AS refund FROM refund_rows
        WHERE done AND order_id IN (SELECT order_id FROM orders)
        GROUP BY order_id""",
    )
    [(rows, not_done, orphan, netted)] = engine.rows("""
        SELECT count(*), count(*) FILTER (WHERE NOT r.done),
               count(*) FILTER (WHERE r.done AND t.order_id IS NULL),
               coalesce((SELECT sum(refund) FROM refund_totals), 0)
        FROM refund_rows r LEFT JOIN refund_totals t ON r.order_id = t.order_id""")
    exclusions.refund_rows, exclusions.refund_rows_not_done = int(rows), int(not_done)
    exclusions.refund_rows_without_order = int(orphan)
    exclusions.refund_amount_netted = round(float(netted), 2)


def _line_rules(text: dict[str, str], time_column: str, has_refund: bool) -> dict[str, str]:
    """SQL of the line-level rules: status, sold, net amount, customer id."""
    status = text.get("status", "'paid'")
    line_refund = " - coalesce(refund, 0)" if has_refund else ""
    return {
        "status": status,
        # = schemas.sold_lines: a purchase time and a paid-like status, or no status at all.
        "sold": f"({status} IN {SOLD_STATUSES} OR {status} IS NULL) AND {time_column} IS NOT NULL",
        "net": f"CASE WHEN {status} = 'refunded' THEN 0 ELSE coalesce(amount, 0){line_refund} END",
        "customer": f"NULLIF({text['customer_id']}, '')" if "customer_id" in text else "CAST(NULL AS VARCHAR)",
    }


def _latest(column: str, time: str) -> str:
    """SQL of a customer's latest non-empty `column` (name, phone) by `time`; between values of the same
    time the greatest, so the pick does not depend on the order rows arrive in (nor on the engine)."""
    return f"arg_max({column}, {{'at': {time}, 'value': {column}}}) FILTER (WHERE {column} IS NOT NULL)"


def _date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _metrics_sql(
    key: list[str], contacts: list[str], refund_join: str, as_of: list[dt.date], window_days: int | None, frequency: str
) -> str:
    """One query over `orders`: the purchases of customers -> (purchase days) -> one row per
    customer, with the metrics of every as-of date as FILTERed aggregates."""
    keys = ", ".join(key)
    contact_days = "".join(f", {_latest(c, 'day')} AS {c}" for c in contacts)
    net = _net_sql(refund_join)
    if frequency == "days":
        purchases = f"""
            SELECT {keys}, day, count(*) FILTER (WHERE net > 0) AS purchases, sum(net) FILTER (WHERE net > 0) AS net,
                   count(*) FILTER (WHERE NOT net > 0) AS not_positive{contact_days}
            FROM customer_orders GROUP BY ALL"""
    else:
        purchases = f"""
            SELECT {keys}, day, CAST(net > 0 AS INTEGER) AS purchases, CASE WHEN net > 0 THEN net END AS net,
                   CAST(NOT net > 0 AS INTEGER) AS not_positive{"".join(f", {c}" for c in contacts)}
            FROM customer_orders"""

    def tally(column: str, condition: str) -> str:
        """Purchases (or orders not positive) matching `condition`: a count when each row is one order."""
        if frequency == "days":
            return f"coalesce(sum({column}) FILTER (WHERE {condition}), 0)"
        return f"count(*) FILTER (WHERE {column} = 1 AND {condition})"

    per_date = []
    for i, day in enumerate(as_of):
        end = _date(day)
        if window_days:
            start = day - dt.timedelta(days=window_days - 1)
            in_window = f"day BETWEEN {_date(start)} AND {end}"
            in_previous = (
                f"day BETWEEN {_date(start - dt.timedelta(days=window_days))} AND {_date(start - dt.timedelta(days=1))}"
            )
        else:
            in_window, in_previous = f"day <= {end}", "FALSE"
        days = f"count(*) FILTER (WHERE purchases > 0 AND {in_window}) AS days_{i}," if frequency == "days" else ""
        per_date.append(f"""
                   max(day) FILTER (WHERE purchases > 0 AND day <= {end}) AS last_purchase_{i},
                   {tally("purchases", in_window)} AS orders_{i}, {days}
                   round(sum(net) FILTER (WHERE {in_window}), 6) AS monetary_{i},
                   {tally("purchases", in_previous)} AS previous_{i},
                   {tally("not_positive", f"day <= {end}")} AS not_positive_{i},
                   {tally("purchases", f"day > {end}")} AS after_{i},""")
    main = _date(as_of[0])
    # calendar months between the purchase's month and the as-of month (DuckDB's datediff('month') counts
    # these boundaries; Spark's counts whole months, so the arithmetic is spelled out for both)
    months = f"((year({main}) - year(day)) * 12 + month({main}) - month(day))"
    contact_customers = "".join(f", {_latest(c, 'day')} AS {c}" for c in contacts)
    return f"""
        WITH customer_orders AS (
            SELECT {", ".join(f"o.{k}" for k in key)}, o.day, {net} AS net{"".join(f", o.{c}" for c in contacts)}
            FROM orders o {refund_join}
            WHERE o.excluded IS NULL AND o.customer_id IS NOT NULL
        ), purchases AS ({purchases}
        )
        SELECT {keys},
               min(day) FILTER (WHERE purchases > 0) AS first_purchase,
               {"".join(per_date)}
               bit_or(CASE WHEN purchases > 0 AND day <= {main} AND {months} < {ACTIVITY_MONTHS}
                           THEN CAST(1 AS BIGINT) << {months} ELSE 0 END) AS months
               {contact_customers}
        FROM purchases GROUP BY {keys}"""


def _snapshot(
    wide,
    i: int,
    as_of: dt.date,
    window_days: int | None,
    frequency: str,
    key: list[str],
    contacts: list[str],
    first_sale: dt.date | None,
) -> Snapshot:
    """The customers who bought in the window ending `as_of`, from the Arrow table of `_metrics_sql`:
    filtered in Arrow, so only their columns are converted."""
    import pyarrow.compute as pc

    active = pc.greater(wide[f"orders_{i}"], 0)
    frequency_column = f"days_{i}" if frequency == "days" else f"orders_{i}"
    chosen = _to_pandas(
        _rows(
            wide.select(
                [
                    *key,
                    f"last_purchase_{i}",
                    frequency_column,
                    f"monetary_{i}",
                    f"orders_{i}",
                    *([f"days_{i}"] if frequency == "days" else []),
                    "first_purchase",
                    *contacts,
                ]
            ),
            active,
        )
    )
    last = chosen[f"last_purchase_{i}"]
    customers = pd.DataFrame(
        {
            **{k: chosen[k] for k in key},
            "recency": (pd.Timestamp(as_of) - last).dt.days.astype("int64"),
            "frequency": chosen[frequency_column].astype("int64"),
            "monetary": chosen[f"monetary_{i}"].astype("float64"),
            "orders": chosen[f"orders_{i}"].astype("int64"),
            **({"purchase_days": chosen[f"days_{i}"].astype("int64")} if frequency == "days" else {}),
            "first_purchase": chosen["first_purchase"],
            "last_purchase": last,
            **{c: chosen[c] for c in contacts},
        },
        copy=False,  # no consolidation into one 2-D block: a copy of every column of a million customers
    )
    has_history = pc.is_valid(wide[f"last_purchase_{i}"])
    previous = pc.greater(wide[f"previous_{i}"], 0)
    start = as_of - dt.timedelta(days=window_days - 1) if window_days else None
    return Snapshot(
        as_of=as_of,
        window_days=window_days,
        window_start=start,
        frequency=frequency,
        customers=customers,
        lapsed=_count(pc.and_(has_history, pc.invert(active))),
        previous_buyers=_count(previous),
        returning_buyers=_count(pc.and_(previous, active)),
        orders_not_positive=_total(wide[f"not_positive_{i}"]),
        purchases_after_as_of=_total(wide[f"after_{i}"]),
        first_sale=first_sale,
    )


def _rows(table, mask):
    """The rows of an Arrow table where `mask` holds. Allocated with malloc: on a million customers,
    pyarrow's default pool spends ~0.1 s growing on its first large allocation."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.filter(table, mask, memory_pool=pa.system_memory_pool())


def _count(mask) -> int:
    return _total(mask.cast("int64"))


def _total(column) -> int:
    import pyarrow.compute as pc

    return int(pc.sum(column).as_py() or 0)
