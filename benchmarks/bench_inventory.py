"""Benchmark: `ecomplan.inventory.alerts()` on 100,000 SKUs × 90 days of sales (issue #4: "in seconds").

Generates, seeded and in memory, canonical frames like the loaders return:

- a stock snapshot: one row per SKU with on hand, in transit, lead time and
  its std. dev., MOQ, case pack, unit cost (mixed so every status occurs);
- product days (`products`, like 生意参谋 商品_全部 by day): one row per SKU
  and day with units > 0 (long-tail Poisson demand, ~40% of cells), or
- order lines (`orders`): one line per unit bundle, 1-3 units each.

and times `alerts()` (median of --repeat runs), then the JSON document
(`to_dict`) that `--json` prints. `--cli` also writes the stock and product
days as canonical CSVs and times `ecomplan inventory alerts --json` end to
end in a subprocess (reading, parsing, evaluating, printing).

    python benchmarks/bench_inventory.py                       # 100k SKUs × 90 days, product days
    python benchmarks/bench_inventory.py --kind orders
    python benchmarks/bench_inventory.py --skus 20000 --cli    # plus the CLI on generated CSVs
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

AS_OF = pd.Timestamp("2026-11-23")


def make_stock(rng: np.random.Generator, skus: np.ndarray, rate: np.ndarray) -> pd.DataFrame:
    n = len(skus)
    cover_days = rng.choice(
        [0, 3, 8, 15, 25, 40, 60, 150, 400], size=n, p=[0.03, 0.07, 0.10, 0.15, 0.25, 0.15, 0.10, 0.10, 0.05]
    )
    on_hand = np.round(rate * cover_days + rng.integers(0, 3, n))
    return pd.DataFrame(
        {
            "sku": skus,
            "name": np.char.add("商品 ", skus.astype(str)),
            "on_hand": on_hand,
            "available": np.maximum(on_hand - rng.integers(0, 3, n), 0),
            "in_transit": np.where(rng.random(n) < 0.1, rng.integers(10, 200, n), 0).astype(float),
            "lead_time_days": rng.choice([7.0, 10.0, 15.0, 30.0], size=n),
            "lead_time_std_days": rng.choice([0.0, 1.0, 2.0, 5.0], size=n),
            "moq": rng.choice([0.0, 20.0, 50.0], size=n),
            "case_pack": rng.choice([1.0, 5.0, 10.0, 12.0], size=n),
            "unit_cost": np.round(rng.uniform(5, 300, n), 2),
        }
    )


def make_sales(rng: np.random.Generator, skus: np.ndarray, rate: np.ndarray, days: int, kind: str) -> pd.DataFrame:
    n = len(skus)
    units = rng.poisson(np.tile(rate, days))  # day-major: day 0 for every SKU, then day 1 ...
    day_index = np.repeat(np.arange(days), n)
    sku_index = np.tile(np.arange(n), days)
    sold = units > 0
    units, day_index, sku_index = units[sold], day_index[sold], sku_index[sold]
    dates = (AS_OF - pd.Timedelta(days=days)).to_datetime64() + day_index.astype("timedelta64[D]")
    price = np.round(rng.uniform(10, 500, n), 2)
    if kind == "products":
        return pd.DataFrame(
            {
                "date": dates.astype("datetime64[ns]"),
                "sku": skus[sku_index],
                "units": units.astype(float),
                "amount": units * price[sku_index],
            }
        )
    lines = np.repeat(np.arange(len(units)), 1)  # one line per SKU-day bundle, 1-3 units
    seconds = rng.integers(0, 86400, len(units)).astype("timedelta64[s]")
    paid = (dates + seconds).astype("datetime64[ns]")
    return pd.DataFrame(
        {
            "order_id": np.char.add("O", lines.astype(str)),
            "sku": skus[sku_index],
            "quantity": units.astype(float),
            "paid_at": paid,
            "status": "completed",
            "amount": units * price[sku_index],
        }
    )


def generate(n_skus: int, days: int, kind: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    skus = np.char.add("SKU", np.arange(n_skus).astype(str).astype("U7"))
    rate = rng.lognormal(mean=-0.5, sigma=1.2, size=n_skus)  # long tail: median 0.6 units a day
    rate[rng.random(n_skus) < 0.05] = 0.0  # dead SKUs
    stock = make_stock(rng, skus, rate)
    sales = make_sales(rng, skus, rate, days, kind)
    stock["sku"] = stock["sku"].astype("str")
    sales["sku"] = sales["sku"].astype("str")
    return stock, sales


def time_library(stock: pd.DataFrame, sales: pd.DataFrame, repeat: int) -> None:
    from ecomplan.inventory import alerts

    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = alerts(stock, sales, AS_OF, window_days=28)
        timings.append(time.perf_counter() - start)
    start = time.perf_counter()
    document = result.to_dict("en")
    to_dict = time.perf_counter() - start
    print(
        f"alerts():           median {statistics.median(timings):.2f} s over {repeat} runs "
        f"(min {min(timings):.2f}, max {max(timings):.2f})"
    )
    print(f"to_dict() for JSON: {to_dict:.2f} s ({len(document['items']):,} items)")
    print(f"statuses: {result.counts()}")


def time_cli(stock: pd.DataFrame, sales: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stock_csv, sales_csv = Path(tmp) / "stock.csv", Path(tmp) / "sales.csv"
        stock.to_csv(stock_csv, index=False)
        sales.to_csv(sales_csv, index=False, date_format="%Y-%m-%d %H:%M:%S")
        command = [
            sys.executable,
            "-m",
            "ecomplan",
            "inventory",
            "alerts",
            "--stock",
            str(stock_csv),
            "--sales",
            str(sales_csv),
            "--as-of",
            AS_OF.date().isoformat(),
            "--json",
        ]
        start = time.perf_counter()
        done = subprocess.run(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if done.returncode != 0:
            raise SystemExit(f"CLI failed ({done.returncode}): {done.stderr}")
        size = sales_csv.stat().st_size / 1e6
        print(f"CLI end to end:     {elapsed:.2f} s, peak RSS {peak:,.0f} MB (sales CSV {size:,.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--kind", choices=["products", "orders"], default="products")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--cli", action="store_true", help="also time the CLI on generated canonical CSVs")
    args = parser.parse_args()
    start = time.perf_counter()
    stock, sales = generate(args.skus, args.days, args.kind, args.seed)
    print(
        f"generated {args.skus:,} SKUs × {args.days} days: {len(sales):,} {args.kind} rows "
        f"in {time.perf_counter() - start:.1f} s"
    )
    time_library(stock, sales, args.repeat)
    if args.cli:
        time_cli(stock, sales)


if __name__ == "__main__":
    main()
