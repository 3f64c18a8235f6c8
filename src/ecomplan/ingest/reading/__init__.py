"""Reading layer: from a file as it comes off a platform to raw string tables.

Nothing here knows about platforms or canonical schemas; it finds out what a
file really is, decodes it, finds the header row, splits multi-table files and
hands back `RawTable`s of cells plus the row numbers the user sees.
"""

from ecomplan.ingest.reading.detect import read_tables
from ecomplan.ingest.reading.tables import FileInfo, RawTable, ReadResult

__all__ = ["FileInfo", "RawTable", "ReadResult", "read_tables"]
