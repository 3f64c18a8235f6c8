"""Where the customer rules run: DuckDB in this process (the default) or Apache Spark.

The rules of `ecomplan.rfm.metrics` (lines -> orders, exclusions, R/F/M, purchase days, cohorts) are SQL
written once, in DuckDB's dialect. An engine runs that SQL over a relation of canonical order lines
named `input_lines`: `DuckDBEngine` as it is, `ecomplan.engines.spark.SparkEngine` after sqlglot
transpiles it to Spark SQL. Only per-customer rows come back, as Arrow tables; everything after
(thresholds, scores, segments, reports) is the same Python code for both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """What the customer rules need from an engine: make a named table of a query, read a query's rows
    (small) or its result as Arrow (per customer), and take a small pandas frame as a table."""

    def create_table(self, name: str, query: str) -> None: ...

    def rows(self, sql: str) -> list[tuple]: ...

    def arrow(self, sql: str) -> pa.Table: ...

    def register(self, name: str, frame: pd.DataFrame) -> None: ...


class DuckDBEngine:
    """A DuckDB connection as an `Engine`."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def create_table(self, name: str, query: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}")

    def rows(self, sql: str) -> list[tuple]:
        return self.connection.execute(sql).fetchall()

    def arrow(self, sql: str) -> pa.Table:
        return self.connection.sql(sql).to_arrow_table()

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self.connection.register(name, frame)
