"""The `promo thresholds` document: the recommendation and why, the candidates, the histogram."""

from __future__ import annotations

import pandas as pd

from ecomplan.core.formatting import money, num, pct
from ecomplan.core.report import Chart, Column, Report, Section, Table
from ecomplan.core.text import t
from ecomplan.promo.thresholds import ThresholdResult, TierEffect


def _tier_name(tiers, lang: str) -> str:
    """满300减30 / 满500减60: plain numbers, as shops write them."""
    sep = " / "
    return sep.join(t("promo.tier", lang, threshold=num(a), discount=num(b)) for a, b in tiers)


def _explain(effect: TierEffect, result: ThresholdResult, currency: str, lang: str) -> str:
    a = result.assumptions
    return t(
        "promo.explain",
        lang,
        tiers=_tier_name(effect.tiers, lang),
        above=pct(effect.share_above, 1),
        in_reach=pct(effect.share_in_reach, 1),
        reach=pct(a.reach, 0),
        uptake=pct(a.uptake, 0),
        lift=money(effect.expected_aov_lift, currency, 2),
        lift_pct=pct(effect.expected_aov_lift / result.aov if result.aov else None, 1),
        cost=money(effect.discount_cost, currency),
        cost_share=pct(effect.cost_share, 1),
        net=money(effect.net_margin_effect, currency),
        margin=pct(a.margin, 0),
    )


def thresholds_report(result: ThresholdResult, lang: str, files: list[str], scope: str, currency: str = "¥") -> Report:
    a = result.assumptions
    report = Report(
        t("promo.title", lang),
        lang,
        currency=currency,
        meta=[
            (t("rfm.meta.files", lang), ", ".join(files)),
            (t("promo.meta.scope", lang), scope),
            (t("promo.meta.orders", lang), num(result.orders)),
            (t("promo.meta.aov", lang), money(result.aov, currency, 2)),
            (
                t("promo.meta.percentiles", lang),
                " · ".join(f"{k.upper()} {money(v, currency)}" for k, v in result.percentiles.items()),
            ),
        ],
    )
    if result.recommended is not None:
        bullets = [_explain(result.recommended, result, currency, lang)]
        if len(result.recommended.tiers) > 1:
            first = next(c for c in result.candidates if c.tiers == result.recommended.tiers[:1])
            bullets.append(t("promo.explain_single", lang, single=_explain(first, result, currency, lang)))
        headline = t("promo.recommend", lang, tiers=_tier_name(result.recommended.tiers, lang))
    else:
        bullets = []
        headline = t("promo.none", lang, budget=pct(a.budget, 1))
    report.sections.append(
        Section(
            t("promo.section.recommendation", lang),
            paragraphs=[
                headline,
                t(
                    "promo.assumptions",
                    lang,
                    reach=pct(a.reach, 0),
                    uptake=pct(a.uptake, 0),
                    margin=pct(a.margin, 0),
                    budget=pct(a.budget, 1),
                    rate=pct(a.discount_rate, 0),
                ),
            ],
            bullets=bullets,
        )
    )
    rows = [
        {
            "threshold": c.tiers[0][0],
            "discount": c.tiers[0][1],
            "share_above": c.share_above,
            "share_in_reach": c.share_in_reach,
            "expected_aov_lift": c.expected_aov_lift,
            "discount_cost": c.discount_cost,
            "cost_share": c.cost_share,
            "net_margin_effect": c.net_margin_effect,
        }
        for c in result.candidates
    ]
    report.sections.append(
        Section(
            t("promo.section.candidates", lang),
            tables=[
                Table(
                    "promo_candidates",
                    t("promo.section.candidates", lang),
                    pd.DataFrame(rows),
                    [
                        Column("threshold", t("promo.col.threshold", lang), "money"),
                        Column("discount", t("promo.col.discount", lang), "money"),
                        Column("share_above", t("promo.col.share_above", lang), "pct"),
                        Column("share_in_reach", t("promo.col.share_in_reach", lang), "pct"),
                        Column("expected_aov_lift", t("promo.col.aov_lift", lang), "money"),
                        Column("discount_cost", t("promo.col.discount_cost", lang), "money"),
                        Column("cost_share", t("promo.col.cost_share", lang), "pct"),
                        Column("net_margin_effect", t("promo.col.net", lang), "money"),
                    ],
                )
            ],
        )
    )
    tiers = {threshold for threshold, _ in (result.recommended.tiers if result.recommended else ())}
    bins = pd.DataFrame(result.histogram)
    if len(bins):
        bins["label"] = [
            f"{money(s, currency)}–{money(e, currency)}" + (" ◀" if any(s <= x < e for x in tiers) else "")
            for s, e in zip(bins["start"], bins["end"], strict=True)
        ]
        report.sections.append(
            Section(
                t("promo.section.histogram", lang),
                paragraphs=[t("promo.histogram_note", lang)] if tiers else [],
                tables=[
                    Table(
                        "promo_histogram",
                        t("promo.section.histogram", lang),
                        bins,
                        [
                            Column("label", t("promo.col.bin", lang)),
                            Column("orders", t("promo.col.orders", lang), "int"),
                        ],
                        chart=Chart("column", t("promo.section.histogram", lang), "label", ["orders"]),
                        excel_only=True,
                    )
                ],
            )
        )
    return report
