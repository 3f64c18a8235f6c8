"""Excel workbooks (xlsx, BIFF xls, password-protected) via python-calamine.

Never openpyxl for reading: calamine reads a 200k-row sheet in ~3 s where
openpyxl takes ~21 s. Every visible sheet with a table becomes a RawTable.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ecomplan.core.errors import InputError
from ecomplan.ingest.reading.header import detect_header_row, unique_headers
from ecomplan.ingest.reading.limits import ReadLimits
from ecomplan.ingest.reading.tables import FileInfo, RawTable, ReadResult, drop_summary_rows


def read_workbook(
    source: Path | io.BytesIO, info: FileInfo, sheet: str | None, password: str | None, vocabulary: frozenset[str]
) -> ReadResult:
    from python_calamine import CalamineError, CalamineWorkbook

    name = Path(info.path).name
    source = _decrypt_if_needed(source, info, password, name)
    try:
        book = CalamineWorkbook.from_object(source if isinstance(source, io.BytesIO) else str(source))
    except CalamineError as exc:
        raise InputError(f"{name}: is a damaged or truncated {info.file_type} file ({exc})") from None
    except Exception as exc:  # calamine raises plain errors for some broken containers
        raise InputError(f"{name}: cannot be read as {info.file_type}: {exc}") from None
    visible = [
        m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
    ]
    if sheet is not None:
        if sheet not in book.sheet_names:
            raise InputError(f"{name}: no sheet named {sheet!r}; sheets are: {', '.join(book.sheet_names)}")
        visible = [sheet]
    tables = []
    for sheet_name in visible:
        try:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except CalamineError as exc:
            raise InputError(f"{name}: sheet {sheet_name!r} cannot be read ({exc})") from None
        table = _sheet_table(sheet_name, rows, vocabulary)
        if table is not None:
            tables.append(drop_summary_rows(table, name))
    if not tables:
        raise InputError(f"{name}: no sheet holds a table (every sheet is empty or has a single column)")
    info.sheet = tables[0].name if len(tables) == 1 else None
    return ReadResult(info, tables)


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]{1,3})(\d{1,7})"')


def check_xlsx(archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    """Refuse an xlsx whose parts inflate past the decompression cap, or whose sheet spans more cells
    than the cell cap: the Excel reader allocates the whole rectangle from A1 to the last cell, so one
    cell at XFD1048576 asks for 17 billion cells (~400 GB) and aborts the process."""
    members = archive.infolist()
    if sum(m.file_size for m in members) > limits.max_decompressed_bytes:
        raise InputError(
            f"{name}: the workbook decompresses to more than {limits.max_decompressed_bytes:,} bytes, the cap; "
            "if the file is genuine, raise the cap with {max_decompressed_bytes}",
            arguments=("max_decompressed_bytes",),
        )
    for member in members:
        if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
            continue
        try:
            rows, columns = _extent(archive, member)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
            continue  # a damaged part: the Excel reader says so
        if rows * columns > limits.max_cells:
            sheet = member.filename.rsplit("/", 1)[-1]
            raise InputError(
                f"{name}: {sheet} spans {rows:,} rows x {columns:,} columns from A1, more than the cap of "
                f"{limits.max_cells:,} cells; if the file is genuine, raise the cap with {{max_cells}}",
                arguments=("max_cells",),
            )


def _extent(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int]:
    """(last row, last column) of a worksheet part: its <dimension>, else the largest cell reference."""
    with archive.open(member) as stream:
        head = stream.read(1 << 16)
        found = _DIMENSION.search(head)
        if found:
            last_column, last_row = (found.group(3), found.group(4)) if found.group(3) else found.group(1, 2)
            return int(last_row), _column_number(last_column)
        rows = columns = 0
        tail = b""
        chunk = head
        while chunk:
            text = tail + chunk
            for match in _CELL_REF.finditer(text):
                rows = max(rows, int(match.group(2)))
                columns = max(columns, _column_number(match.group(1)))
            tail = text[-256:]
            chunk = stream.read(1 << 20)
        return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _sheet_table(sheet_name: str, rows: list[list], vocabulary: frozenset[str]) -> RawTable | None:
    if not rows or not any(any(_filled(c) for c in r) for r in rows):
        return None
    header_index = detect_header_row(rows, vocabulary)
    if header_index is None:
        return None
    header = rows[header_index]
    width = max(i for i, c in enumerate(header) if _filled(c)) + 1
    columns = unique_headers(header[:width])
    body = [r[:width] + [""] * (width - len(r)) for r in rows[header_index + 1 :]]
    numbers = np.arange(header_index + 2, header_index + 2 + len(body), dtype=np.int64)
    keep = np.array([any(_filled(c) for c in r) for r in body], dtype=bool) if body else np.zeros(0, bool)
    body = [r for r, k in zip(body, keep, strict=False) if k]
    frame = (
        pd.DataFrame(body, columns=columns, dtype=object)
        if body
        else pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    )
    frame = frame.replace("", None) if not frame.empty else frame
    preamble = [" ".join(str(c) for c in r if _filled(c)) for r in rows[:header_index]]
    return RawTable(sheet_name, frame, numbers[keep], header_row=header_index + 1, preamble=[p for p in preamble if p])


def _filled(cell: object) -> bool:
    return not (cell is None or (isinstance(cell, str) and not cell.strip()))


def _decrypt_if_needed(source: Path | io.BytesIO, info: FileInfo, password: str | None, name: str):
    """Sycm lets shops password-protect downloads; msoffcrypto decrypts them."""
    import msoffcrypto
    from msoffcrypto.exceptions import FileFormatError, InvalidKeyError

    handle = source if isinstance(source, io.BytesIO) else open(source, "rb")  # noqa: SIM115 (closed below)
    try:
        try:
            office = msoffcrypto.OfficeFile(handle)
            encrypted = office.is_encrypted()
        except (FileFormatError, Exception):
            encrypted = False
        if not encrypted:
            handle.seek(0)
            return source
        info.encrypted = True
        if not password:
            raise InputError(
                f"{name}: the workbook is password-protected; pass {{password}} to open it", arguments=("password",)
            )
        decrypted = io.BytesIO()
        try:
            office.load_key(password=password)
            office.decrypt(decrypted)
        except InvalidKeyError:
            raise InputError(
                f"{name}: the password given with {{password}} is wrong", arguments=("password",)
            ) from None
        except Exception as exc:
            raise InputError(f"{name}: cannot decrypt the workbook ({exc})") from None
        decrypted.seek(0)
        info.file_type = "xlsx" if decrypted.getvalue()[:2] == b"PK" else "xls"
        return decrypted
    finally:
        if handle is not source:
            handle.close()
