"""Errors the user can fix, and data-quality findings.

Operational problems (a missing file, an unreadable format, a missing column)
are exceptions: the CLI prints them as one line and exits 1. Problems with
individual cells or rows are values (`Issue`), collected and reported next to
the result, so one bad row never hides the rest of the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class EcomplanError(Exception):
    """A problem the user can fix. The CLI prints it without a traceback and exits 1.

    A message may name an argument of the library function as `{name}`, listed
    in `arguments`: a Python caller reads the argument's name (`encoding`), the
    command line reads its flag (`--encoding`), which only the CLI knows.
    """

    def __init__(self, message: str, *, arguments: tuple[str, ...] = ()) -> None:
        self.template = message
        self.arguments = arguments
        super().__init__(self.render())

    def render(self, name_of: Callable[[str], str] = str) -> str:
        """The message with each `{argument}` shown as `name_of(argument)`."""
        text = self.template
        for argument in self.arguments:
            text = text.replace("{" + argument + "}", name_of(argument))
        return text


class InputError(EcomplanError):
    """File missing, unreadable, of an unsupported type, or not decodable."""


class SchemaError(EcomplanError):
    """The export lacks columns its canonical schema needs, or has unusable values."""


class ConfigError(EcomplanError):
    """The config, mapping or targets file is invalid."""


class UsageError(EcomplanError):
    """Options that contradict each other; the CLI exits 2 like any other usage error."""


class ArgumentError(UsageError):
    """A bad value of one argument of a library function: `ArgumentError("window", "'400x': expected ...")`.

    It reads `window '400x': ...` from Python and `--window '400x': ...` on the
    command line. `detail` may name other arguments as `{name}` (listed in `others`).
    """

    def __init__(self, argument: str, detail: str, *, others: tuple[str, ...] = ()) -> None:
        self.argument = argument
        self.detail = detail
        super().__init__("{" + argument + "} " + detail, arguments=(argument, *others))


# Every data-quality finding has a stable code, so a script reading `--json` can
# match on it instead of on message text. README.md lists the same table
# (tests/test_docs.py keeps the two equal).
ISSUE_CODES: dict[str, str] = {
    "summary_row": "a 合计/汇总/totals row was dropped (it is not data)",
    "subtotal_rows": "subtotal rows of a source hierarchy were skipped; leaf rows kept",
    "malformed_row": "a row with a different number of cells than the header was skipped",
    "unclosed_quote": "a quote that is never closed swallowed the rows below it; they were left out",
    "resaved_by_excel": "the file was re-saved by Excel; numbers may be rounded",
    "bad_number": "a cell is not a number, money amount, count or rate; left empty",
    "bad_date": "a cell is not a date or time; left empty",
    "bad_duration": "a cell is not a duration; left empty",
    "rounded_id": "an ID of more than 15 digits stored as an Excel number (already rounded)",
    "missing_required": "a row was skipped because a required field is empty",
    "not_recognised": "no known export matches the file's columns",
    "empty_column": "a column is empty in every row",
    "duplicate_rows": "several rows for the same key; they would be counted twice",
    "missing_days": "days missing inside the file's date range",
    "missing_customer_id": "order lines without a customer ID",
    "no_customer_id_column": "the order export has no customer ID column",
    "future_dates": "dates after today",
    "unknown_status": "an order status ecomplan does not know; those orders are excluded",
    "masked_customer_id": "buyer IDs are encrypted or masked; those orders have no customer",
    "date_from_order_number": "an empty order date was taken from the order number",
    "order_time_as_paid": "no payment time column; the order time is used as the purchase time",
    "duplicate_file": "the same file was given twice; it is read once",
    "duplicate_view": "a table repeats another table of the same file split by a segment; it is read once",
    "duplicate_header": "a header stands twice; the first column is read, the second (`name (2)`) left out",
    "placeholder_customer_id": "a placeholder buyer (REDACTED, 匿名) on many orders; those orders have no customer",
    "head_only": "only the first part of a large text file was read; rows are estimated, findings describe that part",
}


@dataclass(frozen=True)
class Issue:
    """One data-quality finding: where it is, what was found, what was expected.

    `row` is the row number as the user sees it in Excel or a text editor
    (1-based, counting preamble and header rows), or None for file-level findings.
    `count` says how many rows share this finding when only the first is shown.
    `code` is one of ISSUE_CODES: stable across versions, unlike the message.
    """

    file: str
    message: str
    code: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "warning"  # "warning": data was kept or skipped and reported; "info": a note
    count: int = 1

    def __post_init__(self) -> None:
        if self.code not in ISSUE_CODES:
            raise ValueError(f"unknown issue code {self.code!r}; add it to ISSUE_CODES and the README")

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        column = f" column {self.column!r}:" if self.column else ""
        value = f" (got {self.value!r})" if self.value is not None else ""
        more = f" [{self.count} rows]" if self.count > 1 else ""
        return f"{where}:{column} {self.message}{value}{more}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
            "count": self.count,
            "code": self.code,
        }
