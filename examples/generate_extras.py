"""Example files the README's commands read beyond the seeded shop of `generate.py`, derived from it:

- refunds/千牛_售后退款_2026-11.csv: a 千牛 售后 (refunds) export in GB18030 for November's orders
  (layout of tests/fixtures/rfm/sycm_refunds.csv);
- inventory/京东_库存_2026-11-23.xlsx: a 京东 库存 export with its 近7/28日出库 columns for the JD SKUs
  (layout of tests/fixtures/jd/库存.xlsx);
- abtest/abtest_results.xlsx: the A/B totals of abtest_results.csv as a workbook with Chinese headers.

    .venv/bin/python examples/generate_extras.py

Seeded: the same shop gives the same files. The weekly config does not read them, so the weekly report and
its golden files do not change.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

HERE = Path(__file__).resolve().parent
SEED = 20261123


def refunds(rng: np.random.Generator) -> None:
    orders = pd.read_csv(next((HERE / "orders").glob("淘宝订单导出_*.csv")), encoding="gb18030", dtype=str)
    november = orders[orders["订单付款时间"].fillna("").str.startswith("2026-11") & (orders["订单状态"] == "交易成功")]
    chosen = november.sample(n=40, random_state=SEED).sort_values("订单付款时间")
    statuses = rng.choice(
        ["退款成功", "买家已经申请退款，等待卖家同意", "卖家拒绝退款", "退款关闭"],
        size=len(chosen),
        p=[0.7, 0.1, 0.1, 0.1],
    )
    paid = chosen["买家实际支付金额"].astype(float).to_numpy()
    share = np.where(rng.random(len(chosen)) < 0.6, 1.0, np.round(rng.uniform(0.2, 0.8, len(chosen)), 2))
    asked = pd.to_datetime(chosen["订单付款时间"]) + pd.to_timedelta(rng.integers(1, 5, len(chosen)), unit="D")
    done = asked + pd.Timedelta(days=1)
    frame = pd.DataFrame(
        {
            "订单编号": chosen["订单编号"].to_numpy(),
            "退款编号": [str(88000 + i) for i in range(len(chosen))],
            "退款状态": statuses,
            "退款金额": [f"{v:.2f}" for v in np.round(paid * share, 2)],
            "退款申请时间": asked.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "退款完结时间": np.where(statuses == "退款成功", done.dt.strftime("%Y-%m-%d %H:%M:%S"), ""),
            "宝贝标题": chosen["宝贝标题"].to_numpy(),
        }
    )
    target = HERE / "refunds" / "千牛_售后退款_2026-11.csv"
    target.parent.mkdir(exist_ok=True)
    frame.to_csv(target, index=False, encoding="gb18030", lineterminator="\r\n")


def jd_stock(rng: np.random.Generator) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(next((HERE / "jd").glob("京东商智_商品明细_*.xlsx"))))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    products = pd.DataFrame(rows[1:], columns=rows[0]).drop_duplicates("SKU")[["SKU", "SKU名称", "三级类目"]]
    target = HERE / "inventory" / "京东_库存_2026-11-23.xlsx"
    workbook = xlsxwriter.Workbook(str(target))
    sheet = workbook.add_worksheet("Sheet1")
    headers = ["时间", "商品名称", "SKU", "品牌", "配送中心", "上下柜状态", "商品价格", "库存件数", "可用库存"]
    sheet.write_row(0, 0, [*headers, "近7日出库商品件数", "近28日出库商品件数"])
    for i, product in enumerate(products.itertuples(index=False), start=1):
        week = int(rng.integers(0, 40))
        stock = int(rng.integers(0, 6) * week) if i % 4 else 0  # every fourth SKU sold out
        sheet.write_row(
            i,
            0,
            [
                "2026-11-23",
                product[1],
                str(product[0]),
                "山野茶舍",
                "北京RDC" if i % 2 else "上海RDC",
                "上柜",
                str(int(rng.integers(60, 400))),
                str(stock),
                str(max(stock - int(rng.integers(0, 3)), 0)),
                str(week),
                str(week * 4 + int(rng.integers(0, 10))),
            ],
        )
    workbook.close()


def abtest_workbook() -> None:
    frame = pd.read_csv(HERE / "abtest" / "abtest_results.csv", dtype=str)
    target = HERE / "abtest" / "abtest_results.xlsx"
    workbook = xlsxwriter.Workbook(str(target))
    sheet = workbook.add_worksheet("实验结果")
    sheet.write_row(0, 0, list(frame.columns))
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        sheet.write_row(i, 0, [row[0], *(float(v) for v in row[1:])])
    workbook.close()


def main() -> None:
    rng = np.random.default_rng(SEED)
    refunds(rng)
    jd_stock(rng)
    abtest_workbook()


if __name__ == "__main__":
    main()
