"""Benchmark: `rfm segment` on Spark (local mode) beside DuckDB, the same order lines (issue #16).

The lines are bench_read.py's seeded canonical export (10M lines, 1M customers by default). DuckDB reads
the CSV as users download it (`ecomplan rfm segment orders.csv --json`); Spark reads the same lines as a
lake holds them, Parquet with typed columns (`--engine spark`), with `local[N]` on this machine. Each run is
its own process; the wall time and the peak memory of the whole process tree (the JVM included, sampled
every 0.1 s from /proc) are printed, best of `--repeat`. The two JSON documents must be equal.

    python benchmarks/bench_spark.py                          # 10M lines, local[2]
    python benchmarks/bench_spark.py --lines 2000000 --customers 200000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_read import AS_OF, WINDOW, generate  # noqa: E402  (the same seeded lines)

SEED = 13  # bench_read.py's default seed: the files are shared

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak tree RSS and stdout of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{err.decode()[-2000:]}")
    return seconds, peak, out.decode()


def to_parquet(csv: Path) -> Path:
    """The canonical CSV as a lake table: Parquet, typed columns (DuckDB writes it once)."""
    import duckdb

    target = csv.with_suffix(".parquet")
    if not target.exists():
        duckdb.sql(f"""
            COPY (SELECT order_id, customer_id, CAST(paid_at AS TIMESTAMP) AS paid_at,
                         CAST(created_at AS TIMESTAMP) AS created_at, CAST(amount AS DOUBLE) AS amount, status
                  FROM read_csv('{csv}', all_varchar = true, header = true))
            TO '{target}' (FORMAT parquet)""")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    options = parser.parse_args()
    files = generate(options.lines, options.customers, SEED)
    csv = files["canonical-utf8"]
    parquet = to_parquet(csv)
    ecomplan = [sys.executable, "-m", "ecomplan", "rfm", "segment"]
    common = ["--as-of", AS_OF, "--window", f"{WINDOW}d", "--json"]
    env = {**os.environ, "ECOMPLAN_SPARK_MASTER": options.master}
    runs = {
        "duckdb (canonical CSV)": [*ecomplan, str(csv), *common],
        f"spark {options.master} (Parquet)": [*ecomplan, str(parquet), "--engine", "spark", *common],
    }
    print(f"{os.cpu_count()} CPUs, {options.lines:,} lines, best of {options.repeat}")
    documents = {}
    for name, args in runs.items():
        best = None
        for _ in range(options.repeat):
            seconds, peak, out = run(args, env)
            best = (seconds, peak) if best is None or seconds < best[0] else best
            documents[name] = json.loads(out)
        assert best is not None
        mb = {"CSV": csv, "Parquet": parquet}["Parquet" if "Parquet" in name else "CSV"].stat().st_size >> 20
        print(f"  {name:28s} {mb:6,d} MB  {best[0]:7.2f} s  peak {best[1] >> 20:6,d} MB")
    first, second = documents.values()
    print("  same JSON:", "yes" if first == second else "NO")


if __name__ == "__main__":
    main()
