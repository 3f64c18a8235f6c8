"""Seeded generator of large canonical order CSVs for the benchmarks (fast: pyarrow, no Python row loop)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

COLUMNS = ["order_id", "customer_id", "paid_at", "amount", "status", "sku", "quantity", "channel"]


def generate(path: Path, lines: int, customers: int | None = None, encoding: str = "utf-8", seed: int = 7) -> Path:
    """Write `lines` order lines (about 2 lines per order) for `customers` buyers (default lines/10)."""
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    customers = customers or max(lines // 10, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    chunk = 1_000_000
    with pa.OSFile(str(tmp), "wb") as sink:
        for start in range(0, lines, chunk):
            n = min(chunk, lines - start)
            order = (np.arange(start, start + n) // 2 + 10**17).astype(np.int64)
            customer = rng.integers(0, customers, n)
            seconds = rng.integers(0, 365 * 86400, n) + 1_735_660_800  # 2025-01-01 Asia/Shanghai-ish
            amount = np.round(rng.gamma(2.0, 80.0, n), 2)
            status = np.array(["paid", "completed", "cancelled", "refunded"])[
                rng.choice(4, n, p=[0.3, 0.6, 0.07, 0.03])
            ]
            table = pa.table(
                {
                    "order_id": pc.cast(pa.array(order), pa.string()),
                    "customer_id": pc.binary_join_element_wise("C", pc.cast(pa.array(customer), pa.string()), ""),
                    "paid_at": pc.strftime(pa.array(seconds.astype("datetime64[s]")), format="%Y-%m-%d %H:%M:%S"),
                    "amount": pa.array(amount),
                    "status": pa.array(status),
                    "sku": pc.binary_join_element_wise(
                        "SKU", pc.cast(pa.array(rng.integers(0, 5000, n)), pa.string()), ""
                    ),
                    "quantity": pa.array(rng.integers(1, 4, n)),
                    "channel": pa.array(np.array(["tmall", "jd", "site"])[rng.integers(0, 3, n)]),
                }
            )
            buffer = pa.BufferOutputStream()
            pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=start == 0, quoting_style="none"))
            data = buffer.getvalue().to_pybytes()
            sink.write(data if encoding == "utf-8" else data.decode("utf-8").encode(encoding))
    tmp.rename(path)
    return path
