"""Compute time of the KPI report on a year of daily data: 3 platforms, 500 products.

    python benchmarks/bench_kpi.py

Times `kpi_report.analyse` plus building the report sections on canonical
frames already in memory (what the weekly report does after reading the
files), best of 5 runs, and separately the end-to-end `ecomplan kpi report`
command on the example shop for comparison.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ecomplan.config import Settings
from ecomplan.core.periods import parse_period
from ecomplan.kpi.report import analyse, sections

ROOT = Path(__file__).resolve().parents[1]


def frames(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2025-11-24", "2026-11-22", freq="D")
    traffic = []
    for platform, base in (("sycm", 20000), ("jd", 9000), ("ga4", 6000)):
        visitors = rng.poisson(base, len(days)).astype(float)
        buyers = rng.binomial(visitors.astype(int), 0.03).astype(float)
        frame = pd.DataFrame(
            {
                "date": days,
                "visitors": visitors,
                "pageviews": visitors * 3,
                "add_to_cart_buyers": visitors * 0.08,
                "ordering_buyers": buyers * 1.1,
                "paying_buyers": buyers,
                "orders": buyers * 1.05,
                "pay_amount": buyers * 210.0,
                "refund_amount": buyers * 5.0,
            }
        )
        if platform == "ga4":
            frame = frame.rename(columns={"visitors": "users", "pay_amount": "revenue"}).drop(
                columns=["add_to_cart_buyers", "ordering_buyers", "paying_buyers"]
            )
            frame["sessions"] = frame["users"] * 1.2
        frame["platform"], frame["report"], frame["source_file"] = platform, "shop_overview", f"{platform}.csv"
        traffic.append(frame)
        sources = []
        for channel in ("搜索", "推荐", "直播", "付费", "站外"):
            part = frame[["date", "platform", "report", "source_file"]].copy()
            part["channel"], part["source"] = channel, channel
            part["visitors"] = visitors * rng.uniform(0.1, 0.3)
            part["paying_buyers"] = buyers * 0.2
            part["pay_amount"] = buyers * 42.0
            sources.append(part)
        traffic.extend(sources)
    traffic = pd.concat(traffic, ignore_index=True)
    skus = [f"SKU{i:04d}" for i in range(500)]
    products = []
    for platform in ("sycm", "jd"):
        grid = pd.MultiIndex.from_product([days, skus], names=["date", "sku"]).to_frame(index=False)
        grid["visitors"] = rng.poisson(40, len(grid)).astype(float)
        grid["units"] = rng.poisson(1.2, len(grid)).astype(float)
        grid["buyers"] = grid["units"]
        grid["amount"] = grid["units"] * 120.0
        grid["name"] = grid["sku"]
        grid["platform"], grid["report"], grid["source_file"] = platform, "product_daily", "p.xlsx"
        products.append(grid)
    products = pd.concat(products, ignore_index=True)
    ads = pd.DataFrame(
        {
            "date": np.repeat(days, 40),
            "campaign": np.tile([f"plan{i}" for i in range(40)], len(days)),
            "spend": rng.gamma(2, 50, len(days) * 40),
            "clicks": rng.poisson(80, len(days) * 40),
            "impressions": rng.poisson(4000, len(days) * 40),
            "gmv": rng.gamma(2, 150, len(days) * 40),
            "orders": rng.poisson(1, len(days) * 40),
        }
    )
    ads["keyword"] = ads["campaign"]
    ads["platform"], ads["report"], ads["source_file"] = "sycm", "wxt_plan", "a.csv"
    return traffic, products, ads


def main() -> None:
    traffic, products, ads = frames()
    period = parse_period("2026-W47", dt.date(2026, 11, 23))
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        result = analyse(traffic, period, dt.date(2026, 11, 23), Settings(), products=products, ads=ads)
        sections(result, "zh", ("kpis", "funnel", "channels", "products", "ads", "targets", "signals"))
        timings.append(time.perf_counter() - start)
    print(f"rows: traffic {len(traffic):,}, products {len(products):,}, ads {len(ads):,}")
    print(f"analyse + sections: best {min(timings):.3f} s, median {sorted(timings)[2]:.3f} s (5 runs)")
    files = [
        str(p)
        for p in (
            *ROOT.glob("examples/sycm/*.csv"),
            *ROOT.glob("examples/sycm/*.xlsx"),
            *ROOT.glob("examples/jd/*.xlsx"),
            ROOT / "examples/ga4/data-export.csv",
        )
    ]
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ecomplan",
            "kpi",
            "report",
            *files,
            "--period",
            "2026-W47",
            "--as-of",
            "2026-11-23",
            "--json",
        ],
        check=True,
        capture_output=True,
    )
    print(
        f"end to end `ecomplan kpi report` on examples/ (read 14 files + analyse + JSON): "
        f"{time.perf_counter() - start:.2f} s"
    )


if __name__ == "__main__":
    main()
