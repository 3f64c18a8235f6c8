"""`read_tables`: any supported file in, `RawTable`s of raw cells out.

The file type comes from the first bytes (`sniff`), never from the name: Sycm's
`.xls` downloads are often HTML or BIFF, and re-saved CSVs may be xlsx.
"""

from __future__ import annotations

import codecs
import gzip
import io
import stat
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, cast

from ecomplan.core.errors import InputError
from ecomplan.ingest.reading import excel, htmltable, text
from ecomplan.ingest.reading.limits import DEFAULT_LIMITS, ReadLimits
from ecomplan.ingest.reading.memory import prefer_system_allocator
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
    limits: ReadLimits = DEFAULT_LIMITS,
    head_bytes: int | None = None,
) -> ReadResult:
    """Read every table in `path`: CSV/TSV text (any encoding we can detect,
    optionally .gz or .zip), xlsx, BIFF xls (also when named .csv), HTML tables
    saved as .xls, and GA/UA multi-table CSVs. Raises InputError with the file
    name and what to do when the file can't be read.

    `vocabulary` holds known column names; it makes header detection sure-footed.
    `plan`, given the header of a large text table, may name the only columns
    to read and those to parse as numbers while reading (see `ReadPlan`).
    `limits` caps what a hostile file may cost (cells, spans, decompressed bytes).
    `head_bytes` reads only that many bytes of a text table's rows (whole rows from the top; see
    `FileInfo.head_bytes_read`). Workbooks, HTML tables and `.gz` files (whose size is not known
    before they are decompressed) are read whole.
    """
    prefer_system_allocator()
    path = Path(path)
    name = path.name
    if not path.exists():
        if path.is_symlink():
            raise InputError(f"{path}: is a broken symbolic link (or a symlink loop)")
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected an export file")
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a fifo would block the reader forever, a device never ends
            raise InputError(f"{path}: is not a regular file (a pipe, socket or device); save the export to a file")
        size = status.st_size
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    kind = sniff(head)
    if kind == "binary" and encoding and _wide_encoding(encoding):
        kind = "text"  # UTF-16/32 without a byte order mark: the user said what it is
    info = FileInfo(path=str(path), file_type="csv", size_bytes=size)

    if kind == "empty":
        raise InputError(f"{name}: the file is empty (0 bytes)")
    if kind == "pdf":
        raise InputError(f"{name}: is a PDF document, not a data export; download the report as Excel or CSV")
    if kind == "binary":
        raise InputError(
            f"{name}: is a binary file of unknown type, not a CSV or Excel export (UTF-16 text without a byte "
            "order mark reads with {encoding} utf-16)",
            arguments=("encoding",),
        )
    if kind == "gzip":
        info.container = "gzip"
        cap = limits.max_decompressed_bytes
        # read whole, whatever `head_bytes` says: the size of its rows is known only once they are decompressed
        # a GzipFile is a binary stream (read, seek) though typeshed does not declare it a BinaryIO
        return text.read_text(lambda: cast(BinaryIO, _CappedGzip(path, cap)), info, encoding, vocabulary, plan)
    if kind == "zip":
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise InputError(f"{name}: is a damaged or truncated zip/xlsx file ({exc})") from None
        with archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                info.file_type = "xlsx"
                excel.check_xlsx(archive, name, limits)
                return excel.read_workbook(path, info, sheet, password, vocabulary)
            members = [n for n in names if not n.endswith("/") and not n.startswith("__MACOSX")]
            if len(members) != 1:
                raise InputError(
                    f"{name}: zip archive holds {len(members)} files ({', '.join(members[:5])}); "
                    "expected exactly one export inside - unzip it and pass the files separately"
                )
            info.container, info.member = "zip", members[0]
            data = _read_member(archive, members[0], name, limits)
        inner = sniff(data[:8192])
        if inner in {"zip", "ole2"}:
            info.file_type = "xlsx" if inner == "zip" else "xls"
            if inner == "zip":
                try:
                    with zipfile.ZipFile(io.BytesIO(data)) as nested:
                        excel.check_xlsx(nested, name, limits)
                except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                    raise InputError(f"{name}: {members[0]} is a damaged zip/xlsx file ({exc})") from None
            return excel.read_workbook(io.BytesIO(data), info, sheet, password, vocabulary)
        if inner in {"gzip", "pdf", "binary", "empty"}:
            raise InputError(f"{name}: {members[0]} inside the zip is not a CSV or Excel export ({inner})")
        return text.read_text(
            lambda: io.BytesIO(data), info, encoding, vocabulary, plan, head_bytes=head_bytes, size=len(data)
        )
    if kind == "ole2":
        info.file_type = "xls"
        return excel.read_workbook(path, info, sheet, password, vocabulary)
    if kind == "html":
        info.file_type = "html"
        return htmltable.read_html(path, info, encoding, vocabulary, limits)
    return text.read_text(lambda: path.open("rb"), info, encoding, vocabulary, plan, head_bytes=head_bytes, size=size)


def _wide_encoding(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    except LookupError:
        return False


def _too_big(name: str, what: str, limits: ReadLimits) -> InputError:
    return InputError(
        f"{name}: {what} decompresses to more than {limits.max_decompressed_bytes:,} bytes, the cap; "
        "if the file is genuine, raise the cap with {max_decompressed_bytes}",
        arguments=("max_decompressed_bytes",),
    )


def _read_member(archive: zipfile.ZipFile, member: str, name: str, limits: ReadLimits) -> bytes:
    """The bytes of one zip member, refused before reading when it says it is larger than the cap
    (the zip reader stops at the declared size, so a lying header cannot inflate it further)."""
    if archive.getinfo(member).file_size > limits.max_decompressed_bytes:
        raise _too_big(name, member, limits)
    try:
        return archive.read(member)
    except RuntimeError as exc:  # an encrypted member
        raise InputError(f"{name}: cannot read {member} inside the zip ({exc})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError) as exc:
        raise InputError(f"{name}: {member} inside the zip is damaged or truncated ({exc})") from None


class _CappedGzip(gzip.GzipFile):
    """A .gz stream that stops at `cap` decompressed bytes and turns a truncated or damaged
    stream into an InputError instead of EOFError/zlib.error deep inside the CSV reader."""

    def __init__(self, path: Path, cap: int) -> None:
        super().__init__(filename=str(path), mode="rb")
        self._cap = cap
        self._label = path.name

    def _guarded(self, action):
        try:
            return action()
        except EOFError:
            raise InputError(
                f"{self._label}: the gzip file is truncated (it ends before its end-of-stream marker); "
                "download or copy it again"
            ) from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise InputError(f"{self._label}: is a damaged gzip file ({exc})") from None

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        data = self._guarded(lambda: super(_CappedGzip, self).read(size))
        if self.tell() > self._cap:
            raise _too_big(self._label, "the gzip file", ReadLimits(max_decompressed_bytes=self._cap))
        return data

    def read1(self, size: int = -1) -> bytes:
        return self.read(size if size >= 0 else 1 << 20)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET and offset > self._cap:
            raise _too_big(self._label, "the gzip file", ReadLimits(max_decompressed_bytes=self._cap))
        return self._guarded(lambda: super(_CappedGzip, self).seek(offset, whence))
