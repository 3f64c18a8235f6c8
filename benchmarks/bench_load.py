"""Time and peak memory of loading large order CSVs into the canonical orders schema.

    python benchmarks/bench_load.py              # 1M and 10M lines
    python benchmarks/bench_load.py --lines 1000000

Each load runs in a fresh subprocess so peak RSS is that load's own. The
files are generated once (seeded) into benchmarks/_data/ (gitignored).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CHILD = """
import json, resource, sys, time
from ecomplan.ingest.load import load
columns = json.loads(sys.argv[2])
start = time.perf_counter()
loaded = load(sys.argv[1], "orders", columns=columns or None)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "rows": len(loaded.frame)}))
"""


def run(path: Path, columns: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), json.dumps(columns)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main() -> None:
    from orders_data import generate

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, nargs="*", default=[1_000_000, 10_000_000])
    args = parser.parse_args()
    for lines in args.lines:
        path = generate(HERE / "_data" / f"orders_{lines}.csv", lines)
        size = path.stat().st_size / 1e6
        for label, columns in (
            ("all columns", []),
            ("RFM columns", ["order_id", "customer_id", "paid_at", "amount", "status"]),
        ):
            t0 = time.perf_counter()
            result = run(path, columns)
            print(
                f"{lines:>11,} lines ({size:,.0f} MB), {label:<12}: load {result['seconds']:6.2f} s, "
                f"peak RSS {result['peak_mb']:7.0f} MB, process {time.perf_counter() - t0:6.2f} s, "
                f"{result['rows']:,} rows"
            )


if __name__ == "__main__":
    main()
