"""Report text in Chinese and English. Every label a report prints comes from here."""

from __future__ import annotations

LANGS = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {}


def add(entries: dict[str, tuple[str, str]]) -> None:
    """Register `key: (zh, en)` pairs; modules add their own vocabulary."""
    for key, (zh, en) in entries.items():
        TEXT[key] = {"zh": zh, "en": en}


def t(key: str, lang: str, **values) -> str:
    """The text for `key` in `lang`, formatted with `values`; unknown keys fail loudly."""
    text = TEXT[key][lang]
    return text.format(**values) if values else text


add(
    {
        "inspect.title": ("文件检查", "File inspection"),
        "inspect.file": ("文件", "File"),
        "inspect.table": ("表", "Table"),
        "inspect.platform": ("平台", "Platform"),
        "inspect.report": ("报表", "Report"),
        "inspect.kind": ("标准数据类型", "Canonical kind"),
        "inspect.type": ("文件类型", "File type"),
        "inspect.encoding": ("编码", "Encoding"),
        "inspect.sheet": ("工作表", "Sheet"),
        "inspect.header_row": ("表头行", "Header row"),
        "inspect.rows": ("数据行数", "Rows"),
        "inspect.date_range": ("日期范围", "Date range"),
        "inspect.columns": ("列映射", "Column mapping"),
        "inspect.unmapped": ("未使用的列", "Unused columns"),
        "inspect.issues": ("数据质量", "Data quality"),
        "inspect.none": ("无", "none"),
        "inspect.unrecognised": ("未识别", "not recognised"),
        "inspect.inferred": (
            "（表头来自第三方代码，尚未用真实文件核对）",
            "(headers known from third-party code, not yet checked against a real file)",
        ),
    }
)

PLATFORMS = {
    "sycm": ("天猫/淘宝", "Tmall/Taobao"),
    "jd": ("京东", "JD"),
    "ga4": ("独立站 (GA4)", "Own site (GA4)"),
    "ga_ua": ("独立站 (UA)", "Own site (UA)"),
    "shopify": ("Shopify", "Shopify"),
    "douyin": ("抖店", "Douyin"),
    "pdd": ("拼多多", "Pinduoduo"),
    "online_retail": ("发票明细", "Invoice lines"),
    "erp": ("ERP", "ERP"),
    "generic": ("通用", "Generic"),
    "total": ("全店合计", "All platforms"),
}


def platform_name(code: str, lang: str) -> str:
    """How a platform code reads in a report (JSON keeps the code)."""
    names = PLATFORMS.get(str(code))
    return names[0 if lang == "zh" else 1] if names else str(code)
