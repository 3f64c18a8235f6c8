"""Example A/B-test exports for the example shop (seeded, reproducible).

- `abtest_results.csv`: a three-arm product-page test (A original, B new main
  image, C image + coupon banner) as the totals per variant an operator copies
  from the testing tool, Chinese headers (实验组, 访客数, 转化数, 收入, 收入平方和);
- `abtest_daily.csv`: the same test by day (日期 column), for
  `--sequential msprt`; its totals equal abtest_results.csv;
- `abtest_users.csv`: a two-arm checkout test with one row per user (用户ID,
  是否转化, 订单数, 收入, 日期 = first exposure) and each user's spend in the
  30 days before the test (实验前消费) for `--cuped 实验前消费`;
- `abtest_srm.csv`: a test whose 50/50 split came out 52/48 (a redirect lost
  visitors of B), with canonical English headers, to show the SRM alarm.

Users are simulated one by one, so every total and sum of squares is exact.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20260307  # product-page test; the checkout test uses SEED + 2
START = pd.Timestamp("2026-03-02")  # a Monday
DAYS = 14


def _users(rng: np.random.Generator, n: int, rate: float, basket: float, pre: np.ndarray | None = None):
    """Conversions, orders and revenue of n visitors; spend before the test (if given)
    raises both the chance to buy and the basket, as it does for loyal customers."""
    loyalty = np.ones(n) if pre is None else 0.15 + 0.85 * pre / pre.mean()
    converted = rng.random(n) < rate * loyalty
    orders = np.where(converted, 1 + (rng.random(n) < 0.08), 0)
    value = rng.lognormal(np.log(basket) - 0.18, 0.6, n) * (0.3 + 0.7 * loyalty)
    revenue = np.round(np.where(converted, orders * value, 0.0), 2)
    return converted.astype(int), orders, revenue


def _product_page_test(rng: np.random.Generator) -> pd.DataFrame:
    arms = {"A": (0.0310, 168.0), "B": (0.0375, 166.0), "C": (0.0330, 158.0)}
    rows = []
    for day in range(DAYS):
        weekday_factor = 1.25 if (START + pd.Timedelta(days=day)).weekday() >= 5 else 1.0
        for variant, (rate, basket) in arms.items():
            n = int(rng.poisson(700 * weekday_factor))
            converted, _, revenue = _users(rng, n, rate, basket)
            rows.append(
                {
                    "日期": (START + pd.Timedelta(days=day)).date().isoformat(),
                    "实验组": variant,
                    "访客数": n,
                    "转化数": int(converted.sum()),
                    "收入": round(float(revenue.sum()), 2),
                    "收入平方和": round(float((revenue**2).sum()), 2),
                }
            )
    return pd.DataFrame(rows)


def _checkout_test(rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    user = 100000
    for variant, rate in (("A", 0.042), ("B", 0.047)):
        n = int(rng.poisson(DAYS * 900))
        pre = np.round(rng.gamma(0.8, 120.0, n) * (rng.random(n) < 0.6), 2)
        converted, orders, revenue = _users(rng, n, rate, 152.0, pre + 15.0)
        days = rng.integers(0, DAYS, n)
        frames.append(
            pd.DataFrame(
                {
                    "用户ID": [f"U{user + i}" for i in range(n)],
                    "实验组": variant,
                    "日期": (START + pd.to_timedelta(days, "D")).strftime("%Y-%m-%d"),
                    "是否转化": converted,
                    "订单数": orders,
                    "收入": revenue,
                    "实验前消费": pre,
                }
            )
        )
        user += n
    users = pd.concat(frames, ignore_index=True)
    return users.sample(frac=1.0, random_state=SEED).sort_values("日期", kind="stable").reset_index(drop=True)


def generate(out_dir: Path) -> list[Path]:
    """Write the example experiment files into `out_dir`; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    daily = _product_page_test(np.random.default_rng(SEED))
    totals = daily.groupby("实验组", as_index=False, sort=False)[["访客数", "转化数", "收入", "收入平方和"]].sum()
    totals["收入"] = totals["收入"].round(2)
    totals["收入平方和"] = totals["收入平方和"].round(2)
    users = _checkout_test(np.random.default_rng(SEED + 2))
    srm = pd.DataFrame({"variant": ["A", "B"], "visitors": [15_612, 14_388], "conversions": [531, 540]})
    written = []
    for name, frame in (
        ("abtest_results.csv", totals),
        ("abtest_daily.csv", daily),
        ("abtest_users.csv", users),
        ("abtest_srm.csv", srm),
    ):
        path = out_dir / name
        frame.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    import sys

    for path in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent):
        print(path)
