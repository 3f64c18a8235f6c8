"""抖音电商罗盘 (Douyin Compass) reports and 巨量千川 (Qianchuan) ad reports.

The 抖店 order export is in `cn_orders`. No real file of these reports is public,
so every adapter here is marked inferred; where the headers come from:

- douyin/compass_product: column rename map of a 罗盘 商品 export loader
  (search-index file id 5166589977, rename_commodity_columns).
- douyin/compass_live_list: a Feishu-sheet reader of a 罗盘 live-session export and a
  sheet-formula script over the same export (search-index file ids 56836066085, 61172772511).
- qianchuan/plan_report: display tags of AdReportItem in github.com/JingruiLea/ad_boost
  (search-index file id 22722157563): names a tool gives 千川 API report fields.
- qianchuan/material_report: required-column check of a 千川 material upload
  (search-index file id 52458431312).

罗盘 product lists and 千川 plan/material reports cover the period chosen on the page and
have no date column: the date range comes from the file name or the description rows.
A 罗盘 product row has total columns and per-carrier blocks (直播间/短视频/商品卡); only
the totals are read, so nothing is counted twice. 罗盘 does not name a product's
visitors (it has 曝光人数 and 点击人数), so product visitors are left unread.
"""

from __future__ import annotations

from ecomplan.ingest.sources.base import Adapter, fill_period

DOUYIN_WORDS = ("抖音", "抖店", "罗盘", "电商罗盘", "compass")
QIANCHUAN_WORDS = ("千川", "巨量千川", "巨量引擎", "qianchuan")


ADAPTERS = [
    Adapter(
        "douyin",
        "compass_product",
        "products",
        titles=(*DOUYIN_WORDS, "商品列表", "商品分析"),
        title_zh="抖音电商罗盘 商品列表",
        title_en="Douyin Compass product list",
        signature=("商品编号", "成交金额"),
        columns={
            "sku": "商品编号",
            "name": "商品标题",
            "amount": "成交金额",
            "orders": "成交订单数",
            "units": "成交件数",
            "buyers": "成交人数",
            "refund_amount": "退款金额",
        },
        finish=fill_period("products"),
        inferred=True,
    ),
    Adapter(
        "douyin",
        "compass_live_list",
        None,  # one row per live session: no canonical kind holds sessions
        titles=(*DOUYIN_WORDS, "直播列表", "直播间"),
        title_zh="抖音电商罗盘 直播列表",
        title_en="Douyin Compass live sessions",
        signature=("直播开始时间", ("直播间用户支付金额", "直播间成交金额")),
        columns={
            "date": "直播开始时间",
            "visitors": "直播间观看人数",
            "paying_buyers": "直播间成交人数",
            "pay_amount": ("直播间用户支付金额", "直播间成交金额"),
        },
        inferred=True,
    ),
    Adapter(
        "qianchuan",
        "plan_report",
        "ads",
        titles=(*QIANCHUAN_WORDS, "计划"),
        title_zh="巨量千川 计划报表",
        title_en="Qianchuan plan report",
        signature=("广告计划ID", "消耗"),
        columns={
            "campaign_id": "广告计划ID",
            "campaign": "广告计划名称",
            "impressions": "展示次数",
            "clicks": "点击数",
            "spend": "消耗",
            "gmv": "直接成交金额",
            "orders": "直接成交笔数",
        },
        finish=fill_period("ads"),
        inferred=True,
    ),
    Adapter(
        "qianchuan",
        "material_report",
        "ads",
        titles=(*QIANCHUAN_WORDS, "素材"),
        title_zh="巨量千川 素材报表",
        title_en="Qianchuan material report",
        signature=("素材ID", "整体消耗"),
        columns={
            # the material (a video) is what the row is about, as 万相台's 主体
            "item_id": "素材ID",
            "item_name": "素材名称",
            "spend": "整体消耗",  # = 基础消耗 + 追投调控消耗: the parts are not read
        },
        finish=fill_period("ads"),
        inferred=True,
    ),
]
