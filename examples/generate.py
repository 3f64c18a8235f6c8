"""Generate the example shop in examples/ (seeded: same bytes every run).

山野茶舍 sells tea on Tmall (生意参谋 exports + a 淘宝 order export), on JD
(京东商智 exports) and on its own site (GA4). The data tells a story the
weekly report should find for 2026-W47 (16-22 Nov 2026): the week after
Double 11, conversion fell, a broken banner link halved Tmall's visitors on
19 Nov, the best seller T001 sold out that day while its page kept getting
visitors, and one ad keyword spends without orders.

    python examples/generate.py            # rewrite everything under examples/

Numbers are consistent across files: Sycm's daily 支付金额 and 支付买家数 are
computed from the order export, product rows add up to the shop's GMV, and
weekly exports de-duplicate visitors (a weekly UV below the sum of daily UV).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
START, END = dt.date(2025, 10, 1), dt.date(2026, 11, 22)
SEED = 20261123

PRODUCTS = [  # sku, name, price, popularity, category
    ("T001", "明前西湖龙井 250g", 298.0, 9.0, "绿茶"),
    ("T002", "安溪铁观音 清香型 500g", 168.0, 6.0, "乌龙茶"),
    ("T003", "武夷山大红袍 礼盒 300g", 388.0, 4.0, "乌龙茶"),
    ("T004", "云南普洱熟茶 357g 饼", 128.0, 5.0, "黑茶"),
    ("T005", "正山小种 红茶 250g", 98.0, 6.5, "红茶"),
    ("T006", "福鼎白茶 白牡丹 200g", 158.0, 4.5, "白茶"),
    ("T007", "碧螺春 特级 125g", 188.0, 3.5, "绿茶"),
    ("T008", "茉莉花茶 罐装 200g", 68.0, 5.5, "花茶"),
    ("T009", "金骏眉 礼盒 200g", 458.0, 2.0, "红茶"),
    ("T010", "六安瓜片 250g", 218.0, 2.5, "绿茶"),
    ("T011", "冷泡绿茶 三角包 30袋", 49.9, 7.0, "袋泡茶"),
    ("T012", "陈皮白茶 饼 100g", 88.0, 3.0, "白茶"),
    ("T013", "黄山毛峰 250g", 138.0, 2.0, "绿茶"),
    ("T014", "凤凰单丛 鸭屎香 250g", 198.0, 2.5, "乌龙茶"),
    ("T015", "便携旅行茶具套装", 129.0, 1.5, "茶具"),
    ("T016", "手工粗陶茶杯 2只装", 79.0, 1.2, "茶具"),
    ("T017", "玻璃公道杯 300ml", 39.0, 1.0, "茶具"),
    ("T018", "老白茶 2015年 寿眉 饼", 268.0, 0.25, "白茶"),
    ("T019", "桂花乌龙 袋泡 20袋", 45.0, 0.18, "袋泡茶"),
    ("T020", "端午限定 龙舟茶礼盒", 328.0, 0.05, "礼盒"),
]
SOLD_OUT_SKU, SOLD_OUT_FROM = "T001", dt.date(2026, 11, 19)
OUTAGE_DAY = dt.date(2026, 11, 19)

# Campaign multipliers on Tmall visitors (warm-up, main days); the same windows go into ecomplan.toml.
CAMPAIGNS = [
    ("双11", dt.date(2025, 10, 20), dt.date(2025, 11, 11), 1.6),
    ("双12", dt.date(2025, 12, 8), dt.date(2025, 12, 12), 1.3),
    ("年货节", dt.date(2026, 1, 10), dt.date(2026, 1, 25), 1.35),
    ("618", dt.date(2026, 5, 20), dt.date(2026, 6, 18), 1.45),
    ("双11", dt.date(2026, 10, 15), dt.date(2026, 11, 11), 1.7),
]
PEAK_DAYS = {
    dt.date(2025, 11, 11): 4.5,
    dt.date(2026, 6, 18): 3.0,
    dt.date(2026, 11, 11): 5.0,
    dt.date(2025, 11, 1): 2.0,
    dt.date(2026, 11, 1): 2.2,
}


def days() -> pd.DatetimeIndex:
    return pd.date_range(START, END, freq="D")


def campaign_factor(day: dt.date) -> float:
    factor = 1.0
    for _, first, last, lift in CAMPAIGNS:
        if first <= day <= last:
            factor = max(factor, lift)
    return factor * PEAK_DAYS.get(day, 1.0)


def daily_traffic(rng: np.random.Generator, base: float, growth: float) -> pd.DataFrame:
    index = days()
    n = len(index)
    weekday = np.array([1.0, 0.97, 0.96, 0.98, 1.02, 1.15, 1.18])[index.day_of_week]
    trend = 1 + growth * np.arange(n) / n
    campaign = np.array([campaign_factor(d.date()) for d in index])
    visitors = np.round(base * weekday * trend * campaign * rng.lognormal(0, 0.07, n)).astype(int)
    conversion = 0.031 * np.where(campaign > 1.2, 1.25, 1.0) * rng.lognormal(0, 0.05, n)
    post_campaign = (index >= "2026-11-16") & (index <= "2026-11-22")
    conversion = np.where(post_campaign, conversion * 0.74, conversion)  # the W47 slump
    return pd.DataFrame({"date": index, "visitors": visitors, "conversion": conversion})


def tmall_traffic(rng: np.random.Generator) -> pd.DataFrame:
    traffic = daily_traffic(rng, base=1300, growth=0.25)
    # 19 Nov 2026: a broken link in the home-page banner sent half the day's traffic nowhere.
    outage = traffic["date"] == pd.Timestamp(OUTAGE_DAY)
    traffic.loc[outage, "visitors"] = (traffic.loc[outage, "visitors"] * 0.45).round().astype(int)
    return traffic


# ---------------------------------------------------------------------------------------------
# Orders (the 淘宝 order export) and everything Sycm derives from them
# ---------------------------------------------------------------------------------------------


def make_orders(rng: np.random.Generator, traffic: pd.DataFrame) -> pd.DataFrame:
    """One row per order (the classic ExportOrderList), with a main SKU and quantity."""
    skus = np.array([p[0] for p in PRODUCTS])
    prices = np.array([p[2] for p in PRODUCTS])
    popularity = np.array([p[3] for p in PRODUCTS])
    customers: list[str] = []
    loyalty: list[float] = []
    rows = []
    order_no = 3_901_234_567_890_000_000
    for day, visitors, conversion in traffic.itertuples(index=False):
        day = day.date()
        buyers = rng.binomial(visitors, min(conversion, 0.5))
        weights = popularity.copy()
        if day >= SOLD_OUT_FROM:
            weights[0] = 0.0
        if day > dt.date(2026, 6, 25):  # 端午 gift box: no sale after the festival season
            weights[19] = 0.0
        weights = weights / weights.sum()
        n_returning = min(int(buyers * 0.28), len(customers))
        returning = []
        if n_returning:
            p = np.array(loyalty)
            returning = list(rng.choice(len(customers), size=n_returning, replace=False, p=p / p.sum()))
        for b in range(buyers):
            if b < len(returning):
                customer = returning[b]
                loyalty[customer] *= 1.6
            else:
                customers.append(_nick(rng, len(customers)))
                loyalty.append(float(rng.gamma(1.2, 1.0)))
                customer = len(customers) - 1
            for _ in range(1 + (rng.random() < 0.05)):
                item = rng.choice(len(skus), p=weights)
                quantity = int(1 + (rng.random() < 0.22) + (rng.random() < 0.06))
                discount = 0.85 if campaign_factor(day) > 1.2 else 0.97
                amount = round(prices[item] * quantity * discount, 2)
                paid = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(seconds=int(rng.integers(0, 86400)))
                created = paid - dt.timedelta(seconds=int(rng.integers(20, 900)))
                order_no += int(rng.integers(1, 9999))
                age = (END - day).days
                status = (
                    "交易成功" if age > 10 else ("卖家已发货，等待买家确认" if age > 2 else "买家已付款，等待卖家发货")
                )
                if rng.random() < 0.025:
                    status = "付款以后用户退款成功，交易自动关闭"
                rows.append(
                    (
                        str(order_no),
                        customers[customer],
                        amount,
                        status,
                        created,
                        paid,
                        skus[item],
                        PRODUCTS[item][1],
                        quantity,
                    )
                )
        for _ in range(int(buyers * 0.12)):  # orders placed but never paid
            item = rng.choice(len(skus), p=weights)
            created = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(seconds=int(rng.integers(0, 86400)))
            order_no += int(rng.integers(1, 9999))
            rows.append(
                (
                    str(order_no),
                    _nick(rng, len(customers) + 10_000_000),
                    float(prices[item]),
                    "交易关闭",
                    created,
                    None,
                    skus[item],
                    PRODUCTS[item][1],
                    1,
                )
            )
    return pd.DataFrame(
        rows, columns=["order_id", "customer", "amount", "status", "created", "paid", "sku", "title", "quantity"]
    )


def _nick(rng: np.random.Generator, n: int) -> str:
    # 淘宝 masks buyer nicks in exports (t**1); the masked text is still a stable per-buyer key here.
    first = "tlmxzqwjhycs"[n % 12]
    return f"{first}**{n:05d}"


def write_order_export(orders: pd.DataFrame, path: Path) -> None:
    """淘宝 卖家中心 '导出订单', GBK, as the shop systems that clone it write it."""
    out = pd.DataFrame(
        {
            "订单编号": orders["order_id"],
            "买家会员名": orders["customer"],
            "买家应付货款": orders["amount"].map("{:.2f}".format),
            "买家实际支付金额": orders["amount"].map("{:.2f}".format),
            "订单状态": orders["status"],
            "收货人姓名": "张*",
            "联系手机": [f"1{3 + i % 6}{i % 10}****{(i * 7919) % 10000:04d}" for i in range(len(orders))],
            "订单创建时间": orders["created"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "订单付款时间": orders["paid"].dt.strftime("%Y-%m-%d %H:%M:%S").fillna(""),
            "宝贝标题": orders["title"],
            "宝贝总数量": orders["quantity"],
            "商家编码": orders["sku"],
            "店铺名称": "山野茶舍旗舰店",
        }
    )
    text = out.to_csv(index=False, lineterminator="\r\n")
    _write(path, text.encode("gbk"))


def sycm_overview(traffic: pd.DataFrame, orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    paid = orders[orders["paid"].notna()].copy()
    paid["day"] = paid["paid"].dt.normalize()
    first_seen = paid.groupby("customer")["day"].transform("min")
    paid["returning"] = paid["day"] > first_seen
    by_day = paid.groupby("day").agg(
        paying_buyers=("customer", "nunique"),
        pay_amount=("amount", "sum"),
        orders=("order_id", "count"),
        units=("quantity", "sum"),
    )
    returning = paid[paid["returning"]].groupby("day")["customer"].nunique()
    refunds = paid[paid["status"].str.startswith("付款以后")].copy()
    refunds["refund_day"] = refunds["day"] + pd.to_timedelta(rng.integers(1, 6, len(refunds)), unit="D")
    refund_by_day = refunds.groupby("refund_day")["amount"].sum()
    unpaid = orders[orders["paid"].isna()].copy()
    unpaid["day"] = unpaid["created"].dt.normalize()
    ordering_extra = unpaid.groupby("day")["customer"].nunique()
    frame = traffic.set_index("date").join(by_day).fillna(0)
    frame["returning_buyers"] = returning.reindex(frame.index).fillna(0)
    frame["new_buyers"] = frame["paying_buyers"] - frame["returning_buyers"]
    frame["ordering_buyers"] = frame["paying_buyers"] + ordering_extra.reindex(frame.index).fillna(0)
    frame["order_amount"] = frame["pay_amount"] * 1.08
    frame["refund_amount"] = refund_by_day.reindex(frame.index).fillna(0)
    frame["pageviews"] = np.round(frame["visitors"] * rng.normal(3.1, 0.15, len(frame)))
    frame["cart_buyers"] = np.round(frame["visitors"] * rng.normal(0.085, 0.006, len(frame)))
    frame["bounce_rate"] = rng.normal(0.68, 0.02, len(frame))
    return frame.reset_index()


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _count(value: float) -> str:
    return f"{round(value):,}"


def _pct(value: float) -> str:
    return "-" if not np.isfinite(value) else f"{value * 100:.2f}%"


def write_sycm_overview(frame: pd.DataFrame, path: Path, first: dt.date, last: dt.date, period_label=None) -> None:
    """生意参谋 交易概况 download: GBK CSV with description rows above the header."""
    lines = [
        ["【生意参谋平台】交易概况"],
        [f"统计时间：{first:%Y-%m-%d} ~ {last:%Y-%m-%d}"],
        ["终端：所有终端"],
        [],
    ]
    header = [
        "统计日期",
        "访客数",
        "浏览量",
        "加购人数",
        "下单买家数",
        "下单金额",
        "支付买家数",
        "支付金额",
        "支付子订单数",
        "支付件数",
        "支付转化率",
        "客单价",
        "跳失率",
        "成功退款金额",
        "支付新买家数",
        "支付老买家数",
    ]
    lines.append(header)
    for r in frame.itertuples(index=False):
        date = period_label or f"{r.date:%Y-%m-%d}"
        conversion = r.paying_buyers / r.visitors if r.visitors else float("nan")
        aov = r.pay_amount / r.paying_buyers if r.paying_buyers else float("nan")
        lines.append(
            [
                date,
                _count(r.visitors),
                _count(r.pageviews),
                _count(r.cart_buyers),
                _count(r.ordering_buyers),
                _money(r.order_amount),
                _count(r.paying_buyers),
                _money(r.pay_amount),
                _count(r.orders),
                _count(r.units),
                _pct(conversion),
                "-" if not np.isfinite(aov) else _money(aov),
                _pct(r.bounce_rate),
                _money(r.refund_amount),
                _count(r.new_buyers),
                _count(r.returning_buyers),
            ]
        )
    _write(path, _csv(lines).encode("gbk"))


def weekly_overview(daily: pd.DataFrame, orders: pd.DataFrame, first: dt.date, rng) -> pd.DataFrame:
    """A 7-day 交易概况 export: distinct counts de-duplicated over the week."""
    last = first + dt.timedelta(days=6)
    week = daily[(daily["date"] >= pd.Timestamp(first)) & (daily["date"] <= pd.Timestamp(last))]
    paid = orders[
        orders["paid"].notna()
        & (orders["paid"] >= pd.Timestamp(first))
        & (orders["paid"] < pd.Timestamp(last) + pd.Timedelta(days=1))
    ]
    row = week.drop(columns=["date"]).sum().astype(object)
    row["visitors"] = round(row["visitors"] * 0.87)  # visitors who came on several days count once
    row["cart_buyers"] = round(row["cart_buyers"] * 0.9)
    row["paying_buyers"] = paid["customer"].nunique()
    row["ordering_buyers"] = round(row["ordering_buyers"] * 0.98)
    row["new_buyers"] = round(row["new_buyers"] * 0.99)
    row["returning_buyers"] = row["paying_buyers"] - row["new_buyers"]
    row["bounce_rate"] = week["bounce_rate"].mean()
    row["date"] = pd.Timestamp(first)
    return pd.DataFrame([row])


def write_sycm_products(orders: pd.DataFrame, traffic: pd.DataFrame, rng, path: Path) -> None:
    """生意参谋 商品_全部 as .xlsx with its four description rows (header on row 5)."""
    paid = orders[orders["paid"].notna()].copy()
    paid["day"] = paid["paid"].dt.normalize()
    agg = (
        paid.groupby(["day", "sku"])
        .agg(buyers=("customer", "nunique"), units=("quantity", "sum"), amount=("amount", "sum"))
        .reset_index()
    )
    refunded = paid[paid["status"].str.startswith("付款以后")].groupby(["day", "sku"])["amount"].sum()
    popularity = np.array([p[3] for p in PRODUCTS])
    share = popularity / popularity.sum()
    rows = []
    for day, visitors in traffic[["date", "visitors"]].itertuples(index=False):
        for i, (sku, name, _price, _, _category) in enumerate(PRODUCTS):
            item_visitors = round(visitors * share[i] * 1.15 * rng.lognormal(0, 0.1))
            rows.append({"day": day, "sku": sku, "name": name, "visitors": item_visitors})
    frame = (
        pd.DataFrame(rows).merge(agg, on=["day", "sku"], how="left").fillna({"buyers": 0, "units": 0, "amount": 0.0})
    )
    frame["refund"] = [refunded.get((d, s), 0.0) for d, s in zip(frame["day"], frame["sku"], strict=False)]
    header = [
        "统计日期",
        "商品ID",
        "商品名称",
        "货号",
        "商品状态",
        "商品访客数",
        "商品浏览量",
        "商品加购人数",
        "下单买家数",
        "支付买家数",
        "支付件数",
        "支付金额",
        "商品支付转化率",
        "成功退款金额",
        "访客平均价值",
    ]
    ids = {p[0]: str(6_580_000_000_000 + 7919 * i) for i, p in enumerate(PRODUCTS)}
    data = []
    for r in frame.itertuples(index=False):
        conversion = r.buyers / r.visitors if r.visitors else float("nan")
        uv_value = r.amount / r.visitors if r.visitors else float("nan")
        data.append(
            [
                f"{r.day:%Y-%m-%d}",
                ids[r.sku],
                r.name,
                r.sku,
                "当前在线",
                r.visitors,
                round(r.visitors * 2.4),
                round(r.visitors * 0.09),
                int(r.buyers * 1.1 + 0.5),
                int(r.buyers),
                int(r.units),
                _money(r.amount),
                _pct(conversion),
                _money(r.refund),
                "-" if not np.isfinite(uv_value) else f"{uv_value:.2f}",
            ]
        )
    preamble = [["【生意参谋平台】商品_全部"], [f"统计时间：{START:%Y-%m-%d} ~ {END:%Y-%m-%d}"], ["终端：所有终端"], []]
    _write_xlsx(path, "【生意参谋平台】1", preamble, header, data)


SOURCE_TREE = [  # level 1, level 2, level 3, share of visitors, conversion factor
    ("淘内免费", "手淘搜索", None, 0.30, 1.15),
    ("淘内免费", "手淘推荐", "猜你喜欢", 0.14, 0.6),
    ("淘内免费", "手淘推荐", "微详情", 0.06, 0.5),
    ("淘内免费", "淘宝直播", None, 0.05, 1.4),
    ("付费推广", "万相台无界", "关键词推广", 0.12, 1.2),
    ("付费推广", "万相台无界", "精准人群推广", 0.08, 0.9),
    ("付费推广", "淘宝客", None, 0.04, 1.6),
    ("自主访问", "购物车", None, 0.07, 3.0),
    ("自主访问", "我的淘宝", None, 0.06, 2.0),
    ("自主访问", "直接访问", None, 0.03, 1.1),
    ("淘外媒体", "抖音", None, 0.03, 0.4),
    ("淘外媒体", "小红书", None, 0.02, 0.7),
]


def write_traffic_sources(daily: pd.DataFrame, first: dt.date, rng, path: Path, slump_search: bool) -> None:
    """Weekly 店铺流量来源 export (hierarchy with 汇总 subtotal rows), GBK CSV."""
    last = first + dt.timedelta(days=6)
    week = daily[(daily["date"] >= pd.Timestamp(first)) & (daily["date"] <= pd.Timestamp(last))]
    visitors_total = week["visitors"].sum() * 0.87
    buyers_total = week["paying_buyers"].sum()
    amount_total = week["pay_amount"].sum()
    leaves = []
    for l1, l2, l3, share, conv in SOURCE_TREE:
        factor = rng.lognormal(0, 0.06)
        if slump_search and l2 == "手淘搜索":
            factor *= 0.8
        visitors = round(visitors_total * share * factor)
        weight = share * conv
        leaves.append([l1, l2, l3, visitors, weight])
    weights = np.array([leaf[4] for leaf in leaves])
    header = [
        "流量载体",
        "一级来源",
        "二级来源",
        "三级来源",
        "四级来源",
        "访客数",
        "访客数环比",
        "支付买家数",
        "支付转化率",
        "支付金额",
        "客单价",
        "UV价值",
    ]
    rows = []

    def emit(l1, l2, l3, visitors, buyers, amount):
        rows.append(
            [
                "无线端",
                l1,
                l2 or "汇总",
                l3 or ("汇总" if l2 is None else "-"),
                "-",
                _count(visitors),
                f"{rng.normal(0, 8):.2f}%",
                _count(buyers),
                _pct(buyers / visitors if visitors else np.nan),
                _money(amount),
                "-" if not buyers else _money(amount / buyers),
                f"{amount / visitors:.2f}" if visitors else "-",
            ]
        )

    leaf_values = []
    for (l1, l2, l3, visitors, _), w in zip(leaves, weights, strict=False):
        buyers = round(buyers_total * w / weights.sum() * 1.05)
        amount = amount_total * w / weights.sum() * 1.04
        leaf_values.append((l1, l2, l3, visitors, buyers, amount))
    for l1 in dict.fromkeys(v[0] for v in leaf_values):
        group = [v for v in leaf_values if v[0] == l1]
        emit(l1, None, None, sum(v[3] for v in group) * 0.96, sum(v[4] for v in group), sum(v[5] for v in group))
        for l2 in dict.fromkeys(v[1] for v in group):
            sub = [v for v in group if v[1] == l2]
            if any(v[2] for v in sub):
                emit(l1, l2, None, sum(v[3] for v in sub) * 0.97, sum(v[4] for v in sub), sum(v[5] for v in sub))
                rows[-1][3] = "汇总"
            for v in sub:
                emit(*v)
                if v[2] is None:
                    rows[-1][3] = "-"
    preamble = [["【生意参谋平台】店铺流量来源"], [f"统计时间：{first:%Y-%m-%d} ~ {last:%Y-%m-%d}"], []]
    _write(path, _csv([*preamble, header, *rows]).encode("gbk"))


def write_wxt_plans(rng, path: Path, daily: pd.DataFrame) -> None:
    """万相台无界 计划报表, GB18030 CSV, one row per day x campaign (last 9 weeks)."""
    plans = [
        ("8100001", "关键词-龙井-拉新", "关键词推广", 0.35, 4.2),
        ("8100002", "人群-老客召回", "精准人群推广", 0.25, 6.5),
        ("8100003", "货品加速-白茶", "货品运营", 0.2, 2.1),
        ("8100004", "全站推广", "全站推广", 0.2, 3.4),
    ]
    header = [
        "日期",
        "场景ID",
        "场景名字",
        "计划ID",
        "计划名字",
        "展现量",
        "点击量",
        "花费",
        "点击率",
        "平均点击花费",
        "总成交金额",
        "总成交笔数",
        "总购物车数",
        "投入产出比",
    ]
    rows = []
    recent = daily[daily["date"] >= pd.Timestamp(END - dt.timedelta(days=62))]
    for day, pay_amount in recent[["date", "pay_amount"]].itertuples(index=False):
        for plan_id, name, scene, share, roi in plans:
            spend = round(pay_amount * 0.09 * share * rng.lognormal(0, 0.12), 2)
            clicks = int(spend / rng.normal(1.8, 0.15))
            impressions = int(clicks / rng.normal(0.021, 0.002))
            gmv = round(spend * roi * rng.lognormal(0, 0.2), 2)
            orders = int(gmv / 190)
            rows.append(
                [
                    f"{day:%Y-%m-%d}",
                    "10" + plan_id[-2:],
                    scene,
                    plan_id,
                    name,
                    impressions,
                    clicks,
                    f"{spend:.2f}",
                    f"{clicks / impressions:.4f}",
                    f"{spend / clicks:.2f}",
                    f"{gmv:.2f}",
                    orders,
                    int(clicks * 0.08),
                    f"{gmv / spend:.2f}",
                ]
            )
    _write(path, _csv([header, *rows]).encode("gb18030"))


def write_keywords(rng, path: Path) -> None:
    """直通车-style keyword report for the last two weeks; 茶叶礼盒 spends but never converts."""
    keywords = [
        ("龙井茶", 1.6, 0.045),
        ("西湖龙井 2026新茶", 2.2, 0.06),
        ("白茶饼", 1.4, 0.03),
        ("茶叶礼盒", 2.8, 0.0),
        ("普洱熟茶", 1.1, 0.025),
        ("冷泡茶", 0.9, 0.035),
        ("红茶 正山小种", 1.2, 0.03),
    ]
    header = [
        "日期",
        "计划名字",
        "关键词",
        "展现量",
        "点击量",
        "花费",
        "点击率",
        "平均点击花费",
        "总成交金额",
        "总成交笔数",
    ]
    rows = []
    for offset in range(14):
        day = END - dt.timedelta(days=13 - offset)
        for keyword, cpc, cvr in keywords:
            clicks = int(rng.poisson(60 if keyword != "茶叶礼盒" else 85))
            impressions = int(clicks / 0.03)
            spend = clicks * cpc * rng.lognormal(0, 0.05)
            orders = int(rng.binomial(clicks, cvr))
            rows.append(
                [
                    f"{day:%Y-%m-%d}",
                    "关键词-龙井-拉新",
                    keyword,
                    impressions,
                    clicks,
                    f"{spend:.2f}",
                    f"{clicks / impressions:.4f}",
                    f"{spend / max(clicks, 1):.2f}",
                    f"{orders * 236.0:.2f}",
                    orders,
                ]
            )
    _write(path, _csv([header, *rows]).encode("gb18030"))


# ---------------------------------------------------------------------------------------------
# JD 商智 and GA4
# ---------------------------------------------------------------------------------------------


def write_jd(rng, folder: Path) -> None:
    traffic = daily_traffic(rng, base=900, growth=0.15)
    rows, sku_rows, channel_rows = [], [], []
    popularity = np.array([p[3] for p in PRODUCTS[:12]])
    for day, visitors, conversion in traffic.itertuples(index=False):
        buyers = rng.binomial(visitors, conversion * 0.8)
        orders = round(buyers * 1.04)
        amount = round(float(np.sum(rng.gamma(3.0, 60.0, orders))), 2)
        rows.append(
            [
                f"{day:%Y-%m-%d}",
                visitors,
                int(visitors * 2.7),
                int(visitors * 0.07),
                int(buyers * 1.1),
                round(amount * 1.06, 2),
                buyers,
                orders,
                amount,
                f"{buyers / visitors * 100:.2f}%",
                round(amount / buyers, 2) if buyers else None,
            ]
        )
        if day >= pd.Timestamp(END - dt.timedelta(days=62)):
            split = rng.multinomial(orders, popularity / popularity.sum())
            for (sku, name, price, _, category), n in zip(PRODUCTS[:12], split, strict=False):
                sku_id = str(100_021_650_000 + int(sku[1:]) * 131)
                item_visitors = int(visitors * 0.12 * rng.lognormal(0, 0.2))
                sku_rows.append(
                    [
                        f"{day:%Y-%m-%d}",
                        sku_id,
                        name,
                        "茶",
                        category,
                        sku,
                        round(n * price * 0.95, 2),
                        int(n * 1.1),
                        int(n),
                        int(n),
                        item_visitors,
                        int(item_visitors * 2.2),
                        f"{(n / item_visitors * 100) if item_visitors else 0:.2f}%",
                    ]
                )
            for first, second, share in (
                ("京东站内", "搜索", 0.42),
                ("京东站内", "推荐", 0.25),
                ("京东站内", "购物车", 0.08),
                ("京东站外", "京东联盟", 0.1),
                ("付费流量", "京东快车", 0.15),
            ):
                v = int(visitors * share * rng.lognormal(0, 0.08))
                b = int(buyers * share * rng.lognormal(0, 0.15))
                channel_rows.append(
                    [
                        f"{day:%Y-%m-%d}",
                        first,
                        second,
                        int(v * 2.6),
                        f"{rng.normal(5, 10):.2f}%",
                        v,
                        f"{rng.normal(5, 10):.2f}%",
                        b,
                        f"{rng.normal(3, 12):.2f}%",
                        round(amount * share, 2),
                        f"{rng.normal(4, 12):.2f}%",
                    ]
                )
    header = [
        "日期",
        "访客数",
        "浏览量",
        "加购客户数",
        "下单客户数",
        "下单金额",
        "成交客户数",
        "成交单量",
        "成交金额",
        "成交转化率",
        "客单价",
    ]
    _write_xlsx(folder / "京东商智_经营概况_2025-10-01_2026-11-22.xlsx", "经营概况", [], header, rows)
    sku_header = [
        "时间",
        "SKU",
        "SKU名称",
        "一级类目",
        "三级类目",
        "货号",
        "成交金额",
        "成交商品件数",
        "成交单量",
        "成交客户数",
        "商品访客数",
        "商品浏览量",
        "成交转化率",
    ]
    _write_xlsx(folder / "京东商智_商品明细_2026-09-21_2026-11-22.xlsx", "商品明细", [], sku_header, sku_rows)
    channel_header = [
        "日期",
        "一级渠道",
        "二级渠道",
        "浏览量(PV)",
        "同比",
        "访客数(UV)",
        "同比",
        "成交客户数",
        "同比",
        "成交金额",
        "同比",
    ]
    _write_xlsx(folder / "京东商智_流量来源_2026-09-21_2026-11-22.xlsx", "流量来源", [], channel_header, channel_rows)


def write_ga4(rng, folder: Path) -> None:
    """Own-site GA4 'Report CSV Export' with a Date dimension, rows sorted by sessions (as GA does)."""
    traffic = daily_traffic(rng, base=650, growth=0.3)
    rows = []
    for day, users, _conversion in traffic.itertuples(index=False):
        sessions = int(users * rng.normal(1.25, 0.03))
        carts = int(sessions * rng.normal(0.075, 0.006))
        checkouts = int(carts * rng.normal(0.45, 0.03))
        purchases = int(checkouts * rng.normal(0.55, 0.04) * (0.8 if day >= pd.Timestamp("2026-11-16") else 1))
        revenue = round(float(np.sum(rng.gamma(2.5, 80.0, purchases))), 2)
        rows.append(
            [
                f"{day:%Y%m%d}",
                sessions,
                int(sessions * rng.normal(0.62, 0.02)),
                users,
                carts,
                checkouts,
                purchases,
                revenue,
            ]
        )
    rows.sort(key=lambda r: -r[1])
    header = [
        "Date",
        "Sessions",
        "Engaged sessions",
        "Total users",
        "Add to carts",
        "Checkouts",
        "Ecommerce purchases",
        "Purchase revenue",
    ]
    preamble = [
        "# ----------------------------------------",
        "# Report CSV Export",
        "# Account: 山野茶舍",
        "# Property: shanye-tea.com - GA4",
        "# ----------------------------------------",
        "# ",
        "# All Users",
        f"# Start date: {START:%Y%m%d}",
        f"# End date: {END:%Y%m%d}",
    ]
    text = "\r\n".join(preamble) + "\r\n" + _csv([header, *rows], "\r\n")
    _write(folder / "data-export.csv", text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Stock, targets, config
# ---------------------------------------------------------------------------------------------


def write_stock(orders: pd.DataFrame, path: Path) -> None:
    """An ERP stock snapshot (旺店通/聚水潭-style headers) taken the morning of 2026-11-23.

    On-hand quantities are set from each SKU's recent sales so the snapshot
    shows every alert state: sold out, urgent, reorder, ok, overstock, slow
    movers and dead stock.
    """
    paid = orders[orders["paid"].notna()]
    recent = paid[paid["paid"] >= pd.Timestamp(END - dt.timedelta(days=27))]
    daily = recent.groupby("sku")["quantity"].sum() / 28
    cover_days = {  # SKU -> days of cover to stock, or an absolute quantity for the edge cases
        "T001": ("qty", 0),
        "T002": ("days", 4),
        "T003": ("days", 22),
        "T004": ("days", 30),
        "T005": ("days", 11),
        "T006": ("days", 150),
        "T007": ("days", 28),
        "T008": ("days", 35),
        "T009": ("days", 9),
        "T010": ("days", 200),
        "T011": ("days", 26),
        "T012": ("days", 32),
        "T013": ("days", 40),
        "T014": ("days", 27),
        "T015": ("days", 33),
        "T016": ("days", 30),
        "T017": ("days", 45),
        "T018": ("qty", 120),
        "T019": ("qty", 260),
        "T020": ("qty", 85),
    }
    lead_times = {"T003": (20, 5), "T009": (20, 4), "T010": (15, 3)}
    rows = []
    for _i, (sku, name, price, _, category) in enumerate(PRODUCTS):
        mode, value = cover_days[sku]
        on_hand = value if mode == "qty" else round(daily.get(sku, 0) * value)
        lead, lead_std = lead_times.get(sku, (10, 2))
        in_transit = 40 if sku == "T005" else 0
        rows.append(
            [
                sku,
                name,
                category,
                on_hand,
                max(on_hand - (3 if on_hand > 20 else 0), 0),
                in_transit,
                lead,
                lead_std,
                50 if price < 100 else 20,
                10 if price < 100 else 5,
                round(price * 0.42, 2),
                "杭州龙坞茶厂" if category == "绿茶" else "福建茶叶合作社",
            ]
        )
    header = [
        "商家编码",
        "商品名称",
        "分类",
        "实际库存",
        "可用库存",
        "采购在途",
        "采购周期(天)",
        "采购周期标准差(天)",
        "最小起订量",
        "箱规",
        "成本价",
        "供应商",
    ]
    _write_xlsx(path, "库存", [], header, rows)


TARGETS = """\
# 山野茶舍 2026 targets. Monthly GMV targets are split into days evenly unless
# [gmv.weekdays] gives weekday weights or [gmv.days] pins campaign days.
[gmv]
year = 2026
annual = 8_500_000

[gmv.monthly]
"2026-09" = 640_000
"2026-10" = 980_000
"2026-11" = 1_350_000
"2026-12" = 820_000

[gmv.days]        # campaign days carry more of the month than an even split
"2026-11-11" = 0.14
"2026-11-01" = 0.05

[conversion_rate.monthly]
"2026-11" = 0.032

# Each platform's own monthly target, tracked against that platform's GMV (the codes of the JSON).
[platforms.sycm.gmv.monthly]
"2026-11" = 800_000

[platforms.jd.gmv.monthly]
"2026-11" = 350_000

[platforms.ga4.gmv.monthly]
"2026-11" = 200_000
"""


def config_text() -> str:
    campaigns = "\n".join(
        f'[[campaigns]]\nname = "{name}"\nstart = {first:%Y-%m-%d}\nend = {last:%Y-%m-%d}\n'
        for name, first, last, _ in CAMPAIGNS
    )
    return f"""\
# ecomplan configuration for the example shop. Paths are relative to this file.
shop = "山野茶舍"
timezone = "Asia/Shanghai"
currency = "¥"
lang = "zh"
output_dir = "../reports"
targets = "targets.toml"

[[sources]]            # Tmall shop, 生意参谋 downloads
platform = "sycm"
files = ["sycm/*交易概况*.csv", "sycm/*商品_全部*.xlsx", "sycm/流量来源/*.csv", "sycm/*计划报表*.csv",
         "sycm/*关键词*.csv"]

[[sources]]            # JD shop, 京东商智 downloads
platform = "jd"
files = ["jd/*.xlsx"]

[[sources]]            # own site
platform = "ga4"
files = ["ga4/data-export.csv"]

[orders]
files = ["orders/*.csv"]

[inventory]
stock = "inventory/库存快照_2026-11-23.xlsx"
sales = ["orders/*.csv", "jd/*商品明细*.xlsx"]   # one warehouse serves both shops: both shops' sales
lead_time_days = 10
service_level = 0.95
window_days = 28

[report]
sections = ["kpis", "funnel", "channels", "products", "ads", "targets", "signals", "rfm", "inventory", "experiments"]

{campaigns}
[[experiments]]
name = "详情页首屏改版"
file = "abtest/abtest_results.csv"
control = "A"
metric = "conversion"
status = "running"
"""


# ---------------------------------------------------------------------------------------------


def _csv(rows: list[list], newline: str = "\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_xlsx(path: Path, sheet: str, preamble: list[list], header: list[str], rows: list[list]) -> None:
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    book.set_properties({"created": dt.datetime(2026, 11, 23, 9, 0)})
    ws = book.add_worksheet(sheet)
    r = 0
    for line in preamble:
        for c, value in enumerate(line):
            ws.write(r, c, value)
        r += 1
    for c, value in enumerate(header):
        ws.write_string(r, c, value)
    for row in rows:
        r += 1
        for c, value in enumerate(row):
            if value is None:
                continue
            ws.write(r, c, value)
    book.close()


def main(out: Path = HERE) -> list[Path]:
    rng = np.random.default_rng(SEED)
    traffic = tmall_traffic(rng)
    orders = make_orders(rng, traffic)
    write_order_export(orders, out / "orders" / "淘宝订单导出_2025-10-01_2026-11-22.csv")
    daily = sycm_overview(traffic, orders, rng)
    write_sycm_overview(daily, out / "sycm" / "【生意参谋平台】交易概况_2025-10-01_2026-11-22.csv", START, END)
    # Week views for W47, W46 and the same ISO week a year before, and a custom range for the same
    # dates a year before (同比 on the same dates: 2025-11-16, a Sunday, to 2025-11-22).
    for first, view in (
        (dt.date(2026, 11, 16), "周"),
        (dt.date(2026, 11, 9), "周"),
        (dt.date(2025, 11, 17), "周"),
        (dt.date(2025, 11, 16), "自定义"),
    ):
        last = first + dt.timedelta(days=6)
        week = weekly_overview(daily, orders, first, rng)
        write_sycm_overview(
            week,
            out / "sycm" / f"【生意参谋平台】交易概况_{view}_{first:%Y-%m-%d}_{last:%Y-%m-%d}.csv",
            first,
            last,
            period_label=f"{first:%Y-%m-%d}~{last:%Y-%m-%d}",
        )
    write_sycm_products(orders, traffic, rng, out / "sycm" / "【生意参谋平台】商品_全部_2025-10-01_2026-11-22.xlsx")
    for weeks_back in range(9):
        first = dt.date(2026, 11, 16) - dt.timedelta(days=7 * weeks_back)
        last = first + dt.timedelta(days=6)
        write_traffic_sources(
            daily,
            first,
            rng,
            out / "sycm" / "流量来源" / f"【生意参谋平台】无线店铺流量来源-{first:%Y-%m-%d}_{last:%Y-%m-%d}.csv",
            slump_search=weeks_back == 0,
        )
    write_wxt_plans(rng, out / "sycm" / "万相台无界_计划报表_2026-09-21_2026-11-22.csv", daily)
    write_keywords(rng, out / "sycm" / "直通车_关键词报表_2026-11-09_2026-11-22.csv")
    write_jd(rng, out / "jd")
    write_ga4(rng, out / "ga4")
    write_stock(orders, out / "inventory" / "库存快照_2026-11-23.xlsx")
    (out / "targets.toml").write_text(TARGETS, encoding="utf-8")
    (out / "ecomplan.toml").write_text(config_text(), encoding="utf-8")
    written = sorted(p for p in out.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts)
    sys.path.insert(0, str(HERE))
    for module in sorted(HERE.glob("_gen_*.py")):  # generators for other parts of the example shop
        generated = importlib.import_module(module.stem).generate(out / module.stem.removeprefix("_gen_"))
        written.extend(generated)
    return written


if __name__ == "__main__":
    for path in main():
        print(path.relative_to(HERE))
