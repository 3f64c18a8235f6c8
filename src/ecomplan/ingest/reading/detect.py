"""`read_tables`: any supported file in, `RawTable`s of raw cells out.

The file type comes from the first bytes (`sniff`), never from the name: Sycm's
`.xls` downloads are often HTML or BIFF, and re-saved CSVs may be xlsx.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path
from typing import BinaryIO, cast

from ecomplan.core.errors import InputError
from ecomplan.ingest.reading import excel, htmltable, text
from ecomplan.ingest.reading.tables import FileInfo, ReadPlanner, ReadResult


def sniff(head: bytes) -> str:
    """Real file type from the first bytes: xlsx/zip, ole2, gzip, pdf, html, text or binary."""
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"%PDF"):
        return "pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta", b"<head")):
        return "html"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def read_tables(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    password: str | None = None,
    vocabulary: frozenset[str] = frozenset(),
    plan: ReadPlanner | None = None,
) -> ReadResult:
    """Read every table in `path`: CSV/TSV text (any encoding we can detect,
    optionally .gz or .zip), xlsx, BIFF xls (also when named .csv), HTML tables
    saved as .xls, and GA/UA multi-table CSVs. Raises InputError with the file
    name and what to do when the file can't be read.

    `vocabulary` holds known column names; it makes header detection sure-footed.
    `plan`, given the header of a large text table, may name the only columns
    to read and those to parse as numbers while reading (see `ReadPlan`).
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected an export file")
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(8192)
    kind = sniff(head)
    info = FileInfo(path=str(path), file_type="csv", size_bytes=size)

    if kind == "empty":
        raise InputError(f"{name}: the file is empty (0 bytes)")
    if kind == "pdf":
        raise InputError(f"{name}: is a PDF document, not a data export; download the report as Excel or CSV")
    if kind == "binary":
        raise InputError(f"{name}: is a binary file of unknown type, not a CSV or Excel export")
    if kind == "gzip":
        info.container = "gzip"
        # a GzipFile is a binary stream (read, seek) though typeshed does not declare it a BinaryIO
        return text.read_text(lambda: cast(BinaryIO, gzip.open(path, "rb")), info, encoding, vocabulary, plan)
    if kind == "zip":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise InputError(f"{name}: is a damaged or truncated zip/xlsx file ({exc})") from None
        with archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                info.file_type = "xlsx"
                return excel.read_workbook(path, info, sheet, password, vocabulary)
            members = [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX")]
            if len(members) != 1:
                raise InputError(
                    f"{name}: zip archive holds {len(members)} files ({', '.join(members[:5])}); "
                    "expected exactly one export inside - unzip it and pass the files separately"
                )
            info.container, info.member = "zip", members[0]
            data = archive.read(members[0])
        inner = sniff(data[:8192])
        if inner in {"zip", "ole2"}:
            info.file_type = "xlsx" if inner == "zip" else "xls"
            return excel.read_workbook(io.BytesIO(data), info, sheet, password, vocabulary)
        return text.read_text(lambda: io.BytesIO(data), info, encoding, vocabulary, plan)
    if kind == "ole2":
        info.file_type = "xls"
        return excel.read_workbook(path, info, sheet, password, vocabulary)
    if kind == "html":
        info.file_type = "html"
        return htmltable.read_html(path, info, encoding, vocabulary)
    return text.read_text(lambda: path.open("rb"), info, encoding, vocabulary, plan)
