"""The RFM section of the weekly report: segment sizes and change since last week."""

from __future__ import annotations

import datetime as dt

from ecomplan.rfm import weekly_section
from test_rfm_metrics import lines

ORDERS = lines(
    [
        ("o1", "a", "2026-11-02 10:00", 900.0, "completed"),
        ("o2", "a", "2026-11-20 10:00", 900.0, "completed"),
        ("o3", "b", "2026-11-03 10:00", 20.0, "completed"),
        ("o4", "c", "2026-11-19 10:00", 30.0, "completed"),
        ("o5", "d", "2026-11-21 10:00", 10.0, "completed"),
    ]
)


def test_weekly_lines_give_sizes_and_changes():
    section = weekly_section(ORDERS, dt.date(2026, 11, 22), "zh")
    assert section.title == "客户分层（RFM）"
    # Nov 15 (a, b): means R 12.5 F 1 M 460 -> a 001, b 100. Nov 22 (a, b, c, d): means R 6.25 F 1.25 M 465
    # -> a (R2 F2 M1800) 111, b (R19) 000, c (R3) 100, d (R1) 100.
    assert "重要价值客户 1 人（较上周 +1）" in section.bullets
    assert "重要挽留客户 0 人（较上周 -1）" in section.bullets
    assert "一般发展客户 2 人（较上周 +1）" in section.bullets
    assert "一般挽留客户 1 人（较上周 +1）" in section.bullets
    assert section.paragraphs[0] == "截至 2026-11-22，近 365 天有购买的客户 4 人（较上周 +2），按均值阈值分为八类。"
    table = section.tables[0].frame.set_index("segment")
    assert table.loc["一般发展客户", ["after", "change", "entered"]].tolist() == [2, 1, 2]


def test_weekly_english_and_rfm11():
    section = weekly_section(ORDERS, dt.date(2026, 11, 22), "en", scheme="rfm11")
    assert any(line.startswith("Champions: ") and line.endswith("vs last week)") for line in section.bullets)
    assert len(section.bullets) == 11


def test_weekly_section_explains_when_it_cannot_segment():
    no_buyers = lines([("o1", None, "2026-11-02 10:00", 9.0, "completed")])
    section = weekly_section(no_buyers, dt.date(2026, 11, 22), "en")
    assert section.paragraphs[0].startswith("Customer segments unavailable: ")
    assert "no sold order has a customer id" in section.paragraphs[0]


def test_weekly_section_follows_the_config(tmp_path):
    from ecomplan.config import RfmSettings

    config = RfmSettings(threshold="fixed", recency_days=5, frequency=1, monetary=100)
    section = weekly_section(ORDERS, dt.date(2026, 11, 22), "zh", threshold=config.threshold, fixed=config.fixed())
    # fixed R < 5, F > 1, M > 100 -> a 111, c 100, d 100, b 000
    assert "重要价值客户 1 人（较上周 +1）" in section.bullets
    assert "一般发展客户 2 人（较上周 +2）" in section.bullets
    assert "按固定（配置文件）阈值分为八类" in section.paragraphs[0]
