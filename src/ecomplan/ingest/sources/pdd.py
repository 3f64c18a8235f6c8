"""拼多多 (Pinduoduo) 数据中心 and 推广 reports; the order export is in `cn_orders`.

No download of these pages is public, so every adapter is marked inferred; where the
headers come from:

- pdd/goods_overview: API-key -> label map of a 数据中心 商品概况 collector (search-index file id 55058592728).
- pdd/trade_overview: API-key -> label map of a 数据中心 交易概况 collector (search-index file id 55398860442).
- pdd/promo_star_shop: RPA connector doc rpa.conn.pinduoduo.promotion.star.report.download,
  推广平台-工具-报表下载-明星店铺 (search-index file id 70793650259).

交易概况 has no visitor count (its 成交转化率 and 平均访客价值 are visitor-based, but
visitors are not derived from rounded ratios); its 成交转化率 is a percent number.
"""

from __future__ import annotations

from ecomplan.ingest.sources.base import Adapter

PDD_WORDS = ("拼多多", "pdd", "pinduoduo")

ADAPTERS = [
    Adapter(
        "pdd",
        "goods_overview",
        "traffic",
        titles=(*PDD_WORDS, "数据中心", "商品数据", "商品概况"),
        title_zh="拼多多 数据中心 商品概况",
        title_en="Pinduoduo goods overview",
        signature=("统计日期", "商品访客数", "成交金额"),
        columns={
            "date": "统计日期",
            "visitors": "商品访客数",
            "pageviews": "商品浏览量",
            "paying_buyers": "成交买家数",
            "orders": "成交订单数",
            "pay_amount": "成交金额",
        },
        inferred=True,
    ),
    Adapter(
        "pdd",
        "trade_overview",
        "traffic",
        titles=(*PDD_WORDS, "数据中心", "交易数据", "交易概况"),
        title_zh="拼多多 数据中心 交易概况",
        title_en="Pinduoduo trade overview",
        signature=("统计日期", "成交买家数", "成交金额"),
        columns={
            "date": "统计日期",
            "paying_buyers": "成交买家数",
            "orders": "成交订单数",
            "pay_amount": "成交金额",
            "refund_amount": "退款金额",
        },
        inferred=True,
    ),
    Adapter(
        "pdd",
        "promo_star_shop",
        "ads",
        titles=(*PDD_WORDS, "推广", "明星店铺"),
        title_zh="拼多多 推广 明星店铺",
        title_en="Pinduoduo star-shop promotion",
        signature=("日期", "曝光量", "花费(元)"),
        columns={
            "date": "日期",
            "impressions": "曝光量",
            "clicks": "点击量",
            "spend": "花费(元)",
            "gmv": "交易额(元)",
            "orders": "成交笔数",
        },
        inferred=True,
    ),
]
