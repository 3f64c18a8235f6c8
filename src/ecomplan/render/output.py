"""Writing results: atomic files, JSON with stable keys, format from suffix."""

from __future__ import annotations

import datetime as dt
import glob
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ecomplan.core.errors import UsageError


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success rename it over `path`.

    A crash or an exception leaves the previous file (or nothing) in place,
    never a half-written report that cron would mail.
    """
    path = Path(path)
    tmp = _temporary_beside(path)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish_together(writers: dict[Path, Callable[[Path], object]]) -> list[Path]:
    """Write a set of files that belong together (a report's .md and .xlsx): each goes to a temporary
    file beside its target, and only when all are written are they renamed over their targets, one right
    after the other. A reader sees the old set or the new one, never a new .md beside an old .xlsx
    because a write failed half way; an exception removes every temporary file. A kill leaves them, and
    `remove_stale_temps` (called by the next run, under its lock) removes them.
    """
    temps: dict[Path, Path] = {}
    try:
        for path, write in writers.items():
            name = _temporary_beside(path)
            temps[path] = Path(name)
            write(temps[path])
            os.chmod(name, 0o644)
        for path, temporary in temps.items():
            os.replace(temporary, path)
    except BaseException:
        for temporary in temps.values():
            temporary.unlink(missing_ok=True)
        raise
    return list(writers)


def _temporary_beside(path: Path) -> str:
    """A new empty `.<name>.<random>.tmp` beside `path`. A folder that cannot be made or written is an
    OSError naming the folder, not the temporary file the user never asked for."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot create the folder ({exc.strerror})", exc.filename) from None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OSError(
            exc.errno, f"cannot write {path.name} in this folder ({exc.strerror})", str(path.parent)
        ) from None
    os.close(fd)
    return name


def remove_stale_temps(paths: list[Path]) -> None:
    """Temporary files an earlier, killed run left beside these targets (`.<name>.<random>.tmp`)."""
    for path in paths:
        for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
            stale.unlink(missing_ok=True)  # a link is removed, never followed


def write_text(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


_PLAIN = frozenset({str, int, bool, type(None)})


def to_jsonable(value):
    """Plain JSON types: dates as ISO strings, NaN/NaT as null, numpy scalars as numbers.

    Dispatches on the exact type first: a 100k-row result is millions of plain
    values, and isinstance chains on each would dominate the time.
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if kind is dict:
        return {k if type(k) is str else str(k): to_jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [to_jsonable(v) for v in value]
    return _convert(value)


def _convert(value):
    import numpy as np

    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump())
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (dt.datetime, dt.date)):
        if isinstance(value, dt.datetime) and value == value.replace(hour=0, minute=0, second=0, microsecond=0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (str, int, bool)):
        return value
    try:
        import pandas as pd

        if value is pd.NaT or pd.isna(value):
            return None
        if isinstance(value, pd.Timestamp):
            return to_jsonable(value.to_pydatetime())
    except (TypeError, ValueError):
        pass
    return str(value)


def dumps(value) -> str:
    """JSON text: indented for reading when small; compact when large (Python's indenting
    encoder is pure Python and takes ~5x longer on a 100k-item result)."""
    plain = to_jsonable(value)
    text = json.dumps(plain, ensure_ascii=False)
    return json.dumps(plain, ensure_ascii=False, indent=2) if len(text) < 1_000_000 else text


def output_format(path: str | Path, supported: tuple[str, ...]) -> str:
    """'.md' / '.xlsx' / '.json' / '.html' from the suffix, or a usage error."""
    suffix = Path(path).suffix.lower()
    if suffix not in supported:
        raise UsageError(f"{path}: unsupported output type {suffix or '(none)'}; use one of {', '.join(supported)}")
    return suffix
