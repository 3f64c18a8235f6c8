"""The customer rules on Apache Spark: order lines read where they lie (Parquet, ORC, CSV, JSON on any
file system Spark reads, or a table), mapped to canonical columns, and `ecomplan.rfm.metrics`' SQL run
there after sqlglot transpiles it from DuckDB's dialect.

What Spark reads is expected to hold plain values, as a lake or warehouse table does: numbers as numbers
(or text Spark casts, `1234.5`), times as timestamps or ISO text. The decorated cells of platform
downloads (`1,234`, `12.5%`, GB18030) are the local reader's work (`--engine duckdb`). A cell that does
not cast is reported by column, with how many and the first values (contact values masked), and left
empty, as the local reader does; a line without an order id is left out and counted.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecomplan.core.errors import ArgumentError, ConfigError, InputError, Issue, SchemaError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# canonical order columns Spark lines may hold, by how a cell is read
ID_COLUMNS = ("order_id", "customer_id", "phone")
TEXT_COLUMNS = ("customer_name", "platform", "currency")
MONEY_COLUMNS = ("amount", "refund")
TIME_COLUMNS = ("paid_at", "created_at")
STATUS_COLUMN = "status"
CONTACTS = ("customer_id", "customer_name", "phone")
FORMATS = {".parquet": "parquet", ".pq": "parquet", ".orc": "orc", ".csv": "csv", ".tsv": "csv", ".txt": "csv"}
FORMATS.update({".json": "json", ".jsonl": "json", ".ndjson": "json"})
EXAMPLES = 3  # bad values quoted per column


def _largest() -> float:
    from ecomplan.ingest.validate import LARGEST

    return LARGEST


@dataclass(frozen=True)
class SparkSource:
    """Where Spark finds the order lines: `paths` (files, folders, globs or URIs: `s3a://`, `hdfs://`,
    `oss://` with the user's Spark config) or a `table` (`db.orders`), and an optional TOML `mapping`
    (`ecomplan inspect --write-mapping`'s format: `[columns]` canonical = "column", `[status]` word =
    canonical status) for columns without canonical names."""

    paths: tuple[str, ...] = ()
    table: str | None = None
    mapping: Path | None = None
    file_format: str | None = None  # parquet, orc, csv, json; None: from the paths' suffixes (parquet for folders)

    def __post_init__(self) -> None:
        if bool(self.paths) == bool(self.table):
            raise ArgumentError("table", "give either paths or a table, not both and not neither")

    @property
    def label(self) -> str:
        return self.table or (self.paths[0] if len(self.paths) == 1 else f"{self.paths[0]} (+{len(self.paths) - 1})")

    def format(self) -> str:
        if self.file_format:
            return self.file_format
        found = {_suffix_format(path) for path in self.paths}
        if len(found) > 1:
            raise ArgumentError("paths", f"mixed file formats ({', '.join(sorted(found))}); read one format at a time")
        return found.pop()


def _suffix_format(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1].lower()
    for suffix in (".gz", ".bz2", ".snappy", ".zst"):
        name = name.removesuffix(suffix)
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    return FORMATS.get(suffix, "parquet")  # a folder of part files (a lake table's directory) is Parquet


def session(remote: str | None = None, time_zone: str = "Asia/Shanghai"):
    """A Spark session: Spark Connect at `remote` (`sc://host:15002`); else, under `spark-submit`, one with
    its master and config; else the master `ECOMPLAN_SPARK_MASTER` names (default `local[*]`, every core
    here), quiet. Timestamps with a time zone become the shop's `time_zone` dates, as the local reader's."""
    try:
        import sqlglot  # noqa: F401  (the rules' SQL is transpiled for Spark; checked before a session starts)
        from pyspark.sql import SparkSession
    except ImportError as exc:
        missing = (exc.name or "pyspark").split(".")[0]
        raise ArgumentError("engine", f"the Spark engine needs {missing}: pip install 'ecomplan[spark]'") from None
    if remote:
        from pyspark.errors import PySparkImportError, PySparkRuntimeError

        _reachable(remote)

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                spark = SparkSession.builder.remote(remote).getOrCreate()
        except PySparkImportError:
            raise ArgumentError(
                "spark_remote", "Spark Connect needs its client libraries: pip install 'ecomplan[spark]'"
            ) from None
        except PySparkRuntimeError as exc:  # e.g. a local session already runs in this Python process
            raise ArgumentError("spark_remote", f"{remote}: {str(exc).splitlines()[0]}") from None
    elif "PYSPARK_GATEWAY_PORT" in os.environ:  # under spark-submit: its master and config stand
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            spark = SparkSession.builder.appName("ecomplan").getOrCreate()
    else:
        master = os.environ.get("ECOMPLAN_SPARK_MASTER", "local[*]")
        quiet = Path(__file__).with_name("log4j2.properties")
        builder = (
            SparkSession.builder.appName("ecomplan")
            .master(master)
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{quiet}")
        )
        if master.startswith("local"):  # one machine: a few shuffle partitions per core, not 200 for a cluster
            builder = builder.config("spark.sql.shuffle.partitions", str(4 * (os.cpu_count() or 2)))
        with _java_stderr_silenced(), warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pyspark's note on pandas 3 (it converts none)
            spark = builder.getOrCreate()
    spark.conf.set("spark.sql.session.timeZone", time_zone)
    return spark


def _reachable(remote: str, seconds: float = 10.0) -> None:
    """Fail fast when nothing answers at a Spark Connect URL: the client itself retries for ten minutes
    (meant for a server that restarts), far too long for a cron job pointed at a wrong host."""
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(remote)
        scheme, host, port = parts.scheme, parts.hostname, parts.port or 15002
    except ValueError:  # a port that is no number
        scheme, host, port = "", None, 0
    if scheme != "sc" or not host:
        raise ArgumentError("spark_remote", f"{remote!r}: expected sc://host:port (Spark Connect)")
    try:
        socket.create_connection((host, port), timeout=seconds).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ArgumentError("spark_remote", f"{remote}: nothing answers at {host}:{port} ({reason})") from None


@contextmanager
def _java_stderr_silenced() -> Iterator[None]:
    """The local JVM starts with /dev/null as its stderr: what goes wrong reaches Python as an exception,
    which ecomplan reports in one line; Spark's banner and log lines would bury it."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class SparkEngine:
    """A Spark session as an `ecomplan.engines.Engine`: DuckDB-dialect SQL transpiled by sqlglot;
    tables are cached temporary views, released by `close`."""

    def __init__(self, spark) -> None:
        self.spark = spark
        self._cached: list[Any] = []

    @staticmethod
    def spark_sql(sql: str) -> str:
        import sqlglot

        return sqlglot.transpile(sql, read="duckdb", write="spark")[0]

    def create_table(self, name: str, query: str) -> None:
        with _spark_errors():
            frame = self.spark.sql(self.spark_sql(query)).cache()
            self._cached.append(frame)
            frame.createOrReplaceTempView(name)

    def rows(self, sql: str) -> list[tuple]:
        with _spark_errors():
            return [tuple(row) for row in self.spark.sql(self.spark_sql(sql)).collect()]

    def arrow(self, sql: str) -> pa.Table:
        with _spark_errors(), warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pyspark's note on pandas 3; no pandas is used here
            return self.spark.sql(self.spark_sql(sql)).toArrow()

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """A small local frame (a refunds export) as a view; text as Python strings, which Spark takes."""
        import pandas as pd

        plain = pd.DataFrame(
            {c: frame[c].astype(object).where(frame[c].notna(), None) for c in frame.columns}, copy=False
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            self.spark.createDataFrame(plain).createOrReplaceTempView(name)

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        self._cached.clear()


@contextmanager
def _spark_errors() -> Iterator[None]:
    """A query Spark refuses or fails (a column of the wrong type, a lost connection) is an InputError
    with the first line of Spark's message, not a Java stack trace."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        yield
    except (PySparkException, Py4JJavaError) as exc:
        raise InputError(f"Spark: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    """The line of a Spark error that says what went wrong: a Java error's message after its class name
    (`org.apache.spark.SparkException: [FAILED_READ_FILE…] …`), never its stack trace."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in lines:
        head, found, message = line.partition("Exception: ")
        if found and not head.startswith("at "):
            return message
    return lines[0] if lines else type(exc).__name__


@dataclass
class SparkLines:
    """Canonical order lines as the Spark view `input_lines` (what `ecomplan.rfm.segment` and friends
    take instead of a pandas frame), with what reading them found."""

    engine: SparkEngine
    columns: tuple[str, ...]
    rows: int
    label: str
    issues: list[Issue] = field(default_factory=list)
    view: str = "input_lines"

    def __contains__(self, column: object) -> bool:
        return column in self.columns

    def __len__(self) -> int:
        return self.rows

    def last_sale_date(self, sold: str, time_column: str) -> dt.date | None:
        """The latest purchase day of the lines where the SQL condition `sold` holds."""
        [(day,)] = self.engine.rows(f"SELECT max(CAST({time_column} AS DATE)) FROM {self.view} WHERE {sold}")
        return day


def read_lines(spark, source: SparkSource, *, contacts: bool = False, allow_skipped: bool = False) -> SparkLines:
    """The order lines of `source` as canonical columns in the view `input_lines`, and the findings.

    `contacts=False` leaves names and phones out (only a per-customer table shows them)."""
    mapping, statuses = _mapping(source.mapping)
    with _spark_errors():
        return _read(spark, source, mapping, statuses, contacts, allow_skipped)


def open_lines(
    paths: Sequence[str],
    table: str | None,
    mapping: Path | None,
    remote: str | None,
    time_zone: str,
    *,
    contacts: bool = False,
    allow_skipped: bool = False,
) -> SparkLines:
    """`read_lines` in the session `session(remote, time_zone)` gives: what the commands and jobs call."""
    source = SparkSource(paths=tuple(paths), table=table, mapping=mapping)
    return read_lines(session(remote, time_zone), source, contacts=contacts, allow_skipped=allow_skipped)


def _read(spark, source: SparkSource, mapping, statuses, contacts: bool, allow_skipped: bool) -> SparkLines:
    raw = _raw_frame(spark, source)
    found = _columns(raw.columns, mapping, source.label)
    wanted = {c: r for c, r in found.items() if contacts or c not in ("customer_name", "phone")}
    types = dict(raw.dtypes)
    raw.createOrReplaceTempView("raw_lines")
    expressions = {c: _cast(c, f"`{r}`", types[r], statuses) for c, r in wanted.items()}
    engine = SparkEngine(spark)
    checks = [f"count_if(`{r}` IS NOT NULL AND {expressions[c]} IS NULL) AS `{c}`" for c, r in wanted.items()]
    checks.append(f"count_if({expressions['order_id']} IS NULL) AS no_order_id")
    [counts] = spark.sql(f"SELECT count(*) AS total, {', '.join(checks)} FROM raw_lines").collect()
    issues = [
        _bad_cells(spark, source.label, column, wanted[column], expressions[column], counts[column])
        for column in wanted
        if counts[column] and column not in ("order_id", STATUS_COLUMN)
    ]
    if STATUS_COLUMN in wanted:
        issues += _unknown_statuses(spark, source.label, wanted[STATUS_COLUMN], expressions[STATUS_COLUMN])
    no_order = counts["no_order_id"]
    if no_order:
        _left_out(source.label, no_order, counts["total"], allow_skipped, issues)
    selected = ", ".join(f"{expression} AS {c}" for c, expression in expressions.items())
    lines = spark.sql(f"SELECT {selected} FROM raw_lines").where("order_id IS NOT NULL")
    lines.createOrReplaceTempView("input_lines")
    return SparkLines(engine, tuple(wanted), counts["total"] - no_order, source.label, issues)


def _raw_frame(spark, source: SparkSource):
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        if source.table:
            return spark.table(source.table)
        reader = spark.read.format(source.format())
        if source.format() == "csv":
            delimiter = "\t" if all(p.lower().removesuffix(".gz").endswith(".tsv") for p in source.paths) else ","
            reader = reader.options(header="true", inferSchema="false", sep=delimiter, multiLine="true")
        return reader.load(list(source.paths))
    except (PySparkException, Py4JJavaError) as exc:
        raise InputError(f"{source.label}: Spark cannot read it ({_first_line(exc)})") from None


def _mapping(path: Path | None) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """canonical column -> the columns it may be called, and status word -> canonical status."""
    from ecomplan.ingest.sources.generic import COMMON_STATUS, read_mapping

    if path is None:
        return {}, dict(COMMON_STATUS)
    mapping = read_mapping(path)  # the same checks as the local reader's --mapping
    if mapping.kind != "orders":
        raise ConfigError(f"{path}: kind must be orders for the Spark engine (got {mapping.kind!r})")
    columns = {c: (raw,) if isinstance(raw, str) else tuple(raw) for c, raw in mapping.columns.items()}
    return columns, mapping.statuses


def _columns(present: list[str], mapping: Mapping[str, tuple[str, ...]], label: str) -> dict[str, str]:
    """canonical column -> the source's column: the mapping's names, else the canonical names themselves
    (case folded)."""
    by_fold = {name.strip().lower(): name for name in present}
    known = (*ID_COLUMNS, *TEXT_COLUMNS, *MONEY_COLUMNS, *TIME_COLUMNS, STATUS_COLUMN)
    found: dict[str, str] = {}
    for column in known:
        names = mapping.get(column, ()) if mapping else (column,)
        match = next((by_fold[n.strip().lower()] for n in names if n.strip().lower() in by_fold), None)
        if match is not None:
            found[column] = match
    missing = [c for c in ("order_id", "amount") if c not in found]
    if not any(c in found for c in TIME_COLUMNS):
        missing.append("paid_at (or created_at)")
    if missing:
        raise SchemaError(
            f"{label}: no column for {', '.join(missing)} (columns: {', '.join(present[:20])}"
            f"{' …' if len(present) > 20 else ''}); name them canonically or pass a mapping file"
        )
    return found


def _cast(column: str, raw: str, kind: str, statuses: Mapping[str, str]) -> str:
    """Spark SQL reading one source column as its canonical column."""
    if column in ID_COLUMNS or column in TEXT_COLUMNS:
        text = f"CAST({raw} AS STRING)"
        if kind in ("float", "double"):  # an id stored as a floating number: whole numbers only, no `.0`
            text = (
                f"CASE WHEN {raw} = floor({raw}) AND abs({raw}) < 1e15 THEN CAST(CAST({raw} AS BIGINT) AS STRING) END"
            )
        return f"NULLIF(trim({text}), '')"
    if column in MONEY_COLUMNS:
        number = f"CAST({raw} AS DOUBLE)" if _is_number(kind) else f"try_cast(trim({raw}) AS DOUBLE)"
        return f"CASE WHEN abs({number}) <= {_largest():.0f} THEN {number} END"
    if column in TIME_COLUMNS:
        if kind.startswith("timestamp"):
            return f"CAST({raw} AS TIMESTAMP_NTZ)" if kind == "timestamp" else raw
        if kind == "date":
            return f"CAST({raw} AS TIMESTAMP_NTZ)"
        return f"try_cast(NULLIF(trim(CAST({raw} AS STRING)), '') AS TIMESTAMP_NTZ)"
    words = " ".join(
        f"WHEN {_literal(word.strip().lower())} THEN {_literal(status)}" for word, status in sorted(statuses.items())
    )
    folded = f"lower(trim(CAST({raw} AS STRING)))"
    return f"CASE WHEN {folded} IS NULL OR {folded} = '' THEN NULL ELSE CASE {folded} {words} ELSE 'unknown' END END"


def _is_number(kind: str) -> bool:
    return kind in ("tinyint", "smallint", "int", "bigint", "float", "double") or kind.startswith("decimal")


def _literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _bad_cells(spark, label: str, column: str, raw: str, expression: str, count: int) -> Issue:
    from ecomplan.ingest.validate import shown

    examples = [
        shown(column, row[0])
        for row in spark.sql(
            f"SELECT DISTINCT CAST(`{raw}` AS STRING) FROM raw_lines WHERE `{raw}` IS NOT NULL AND {expression} IS NULL"
        )
        .limit(EXAMPLES)
        .collect()
    ]
    money = column in MONEY_COLUMNS
    expected = (
        f"a plain number within ±{_largest():.0e}" if money else "a timestamp or ISO text like 2026-11-23 10:30:00"
    )
    if column in ID_COLUMNS or column in TEXT_COLUMNS:
        expected = "a text or whole-number id"
    return Issue(
        label,
        f"{count:,} cells are not {expected}; left empty (e.g. {', '.join(repr(e) for e in examples)})",
        code="bad_number" if money or column in ID_COLUMNS else "bad_date",
        column=raw,
        count=count,
    )


def _unknown_statuses(spark, label: str, raw: str, expression: str) -> list[Issue]:
    """The status words no mapping knows (their lines are excluded as `unknown`), most frequent first, as
    the local reader reports them."""
    words = spark.sql(
        f"SELECT CAST(`{raw}` AS STRING) AS word, count(*) AS n FROM raw_lines "
        f"WHERE {expression} = 'unknown' AND lower(trim(CAST(`{raw}` AS STRING))) <> 'unknown' "
        "GROUP BY 1 ORDER BY n DESC, word LIMIT 5"
    ).collect()
    return [
        Issue(
            label,
            "unknown order status; such orders are excluded from sales (map it in the mapping file's [status] "
            "if it means paid)",
            code="unknown_status",
            column=raw,
            value=word,
            count=int(n),
        )
        for word, n in words
    ]


def _left_out(label: str, count: int, total: int, allow_skipped: bool, issues: list[Issue]) -> None:
    """Lines without an order id: left out and counted; an error unless `allow_skipped` (they may carry
    money the numbers would miss)."""
    if not allow_skipped:
        raise InputError(
            f"{label}: {count:,} of {total:,} lines have no order id and would be left out; fix the data, "
            "or pass {allow_skipped} to go on without them",
            arguments=("allow_skipped",),
        )
    issues.append(
        Issue(label, f"{count:,} lines without an order id were left out", code="missing_required", count=count)
    )
