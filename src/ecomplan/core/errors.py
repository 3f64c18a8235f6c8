"""Errors the user can fix, and data-quality findings.

Operational problems (a missing file, an unreadable format, a missing column)
are exceptions: the CLI prints them as one line and exits 1. Problems with
individual cells or rows are values (`Issue`), collected and reported next to
the result, so one bad row never hides the rest of the file.
"""

from __future__ import annotations

from dataclasses import dataclass


class EcomplanError(Exception):
    """A problem the user can fix. The CLI prints it without a traceback and exits 1."""


class InputError(EcomplanError):
    """File missing, unreadable, of an unsupported type, or not decodable."""


class SchemaError(EcomplanError):
    """The export lacks columns its canonical schema needs, or has unusable values."""


class ConfigError(EcomplanError):
    """The config, mapping or targets file is invalid."""


class UsageError(EcomplanError):
    """Options that contradict each other; the CLI exits 2 like any other usage error."""


@dataclass(frozen=True)
class Issue:
    """One data-quality finding: where it is, what was found, what was expected.

    `row` is the row number as the user sees it in Excel or a text editor
    (1-based, counting preamble and header rows), or None for file-level findings.
    `count` says how many rows share this finding when only the first is shown.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "warning"  # "warning": data was kept or skipped and reported; "info": a note
    count: int = 1

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        column = f" column {self.column!r}:" if self.column else ""
        value = f" (got {self.value!r})" if self.value is not None else ""
        more = f" [{self.count} rows]" if self.count > 1 else ""
        return f"{where}:{column} {self.message}{value}{more}"

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
            "count": self.count,
        }
