"""How the read path uses Arrow's memory: which allocator, and when freed memory goes back to the OS."""

from __future__ import annotations

import functools
import os


@functools.cache
def prefer_system_allocator() -> None:
    """Arrow's system allocator for the process, unless ARROW_DEFAULT_MEMORY_POOL says otherwise.

    pyarrow's default, mimalloc, hands large freed buffers (the CSV reader's 16 MB blocks, whole columns)
    back to the OS at once, so the next one is fresh pages, which some machines are slow to hand out.
    Measured on this project's 2-core VM: `ecomplan.ingest.load` of a 10M-line order CSV, all columns,
    6.4-7.0 s against 17.8-20.3 s; `rfm segment` on the 10M-line 千牛 GB18030 export 12.5-15.1 s against
    15.2-24.5 s (alternating runs). Buffers already made keep the pool they came from."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def release_unused() -> None:
    """Hand memory Arrow's allocator freed but kept back to the OS (malloc_trim under the system pool)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
