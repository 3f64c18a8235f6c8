"""满减 threshold design (issue #15 part 2): the tier model on hand-worked orders, synthetic distributions
with known answers, its invariants, and the `promo thresholds` command."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ecomplan.cli.app import app
from ecomplan.core.errors import InputError
from ecomplan.promo import Assumptions, design, evaluate

ORDERS = "examples/orders/淘宝订单导出_2025-10-01_2026-11-22.csv"
runner = CliRunner()


def test_one_tier_worked_by_hand():
    values = np.array([50, 80, 90, 100, 150.0])
    effect = evaluate(values, [(100, 10)], Assumptions(uptake=0.5, margin=0.4, reach=0.7))
    # 100 and 150 qualify already; 80 and 90 are within 70-100 of 100; 50 is not
    assert (effect.share_above, effect.share_in_reach) == (0.4, 0.4)
    assert effect.added_sales == pytest.approx(0.5 * (20 + 10))
    assert effect.expected_aov_lift == pytest.approx(15 / 5)
    assert effect.discount_cost == pytest.approx(2 * 10 + 0.5 * 10 * 2)
    assert effect.net_margin_effect == pytest.approx(0.4 * 15 - 30)


def test_two_tiers_worked_by_hand():
    values = np.array([50, 80, 90, 100, 150.0])
    effect = evaluate(values, [(150, 20), (100, 10)], Assumptions(uptake=0.5, margin=0.4, reach=0.7))
    # 100 has tier 1 and is not within reach of 150 (needs 105); 150 has tier 2
    assert effect.tiers == ((100.0, 10.0), (150.0, 20.0))
    assert effect.discount_cost == pytest.approx(10 + 20 + 0.5 * 10 * 2)
    assert effect.added_sales == pytest.approx(15)
    upgrade = evaluate(np.array([110.0]), [(100, 10), (150, 20)], Assumptions(uptake=0.5, margin=0.4, reach=0.7))
    # 110 has tier 1 and is within reach of 150: half top up by 40 and get 20 instead of 10
    assert upgrade.added_sales == pytest.approx(20) and upgrade.discount_cost == pytest.approx(15)


def _cluster(rng, centre, spread, n):
    return rng.uniform(centre - spread, centre + spread, n)


def test_a_cluster_below_a_round_number_gets_the_highest_threshold_still_within_its_reach():
    """3,000 orders at ¥150-160: a threshold T reaches them while 0.7 T <= 150, so ¥210 (not ¥220, which
    loses the orders below ¥154, and not ¥200, which asks each of them for ¥10 less)."""
    rng = np.random.default_rng(7)
    values = np.concatenate([_cluster(rng, 155, 5, 3000), _cluster(rng, 50, 10, 1000), _cluster(rng, 250, 5, 100)])
    assumptions = Assumptions(uptake=0.3, margin=0.45, budget=0.05, discount_rate=0.05)
    result = design(values, assumptions, max_tiers=1)
    assert result.recommended is not None and result.recommended.tiers == ((210.0, 10.0),)
    # the figures, computed here independently
    in_reach = (values >= 147) & (values < 210)
    added = 0.3 * (210 - values[in_reach]).sum()
    cost = 10 * (values >= 210).sum() + 0.3 * 10 * in_reach.sum()
    assert result.recommended.net_margin_effect == pytest.approx(0.45 * added - cost)


def test_a_bimodal_shop_gets_no_threshold_in_the_empty_valley():
    """Orders at ¥72-88 and at ¥285-315. A threshold in the valley (¥130-280) has nobody within reach and
    the whole upper mode as free riders; the best threshold is the highest one that still reaches the upper
    mode (0.7 × ¥410 = ¥287)."""
    rng = np.random.default_rng(3)
    values = np.concatenate([_cluster(rng, 80, 8, 3000), _cluster(rng, 300, 15, 1500)])
    result = design(values, Assumptions(uptake=0.4, margin=0.5, budget=0.08, discount_rate=0.05), max_tiers=1)
    valley = [c for c in result.candidates if 130 <= c.tiers[0][0] <= 280]
    assert valley and all(c.share_in_reach == 0 and c.net_margin_effect < 0 for c in valley)
    assert result.recommended is not None and result.recommended.tiers == ((410.0, 20.0),)


def test_no_tier_is_recommended_when_every_one_loses_margin():
    rng = np.random.default_rng(1)
    values = rng.lognormal(5, 0.6, 5000)
    result = design(values, Assumptions(uptake=0.05, margin=0.2, budget=0.05, discount_rate=0.15))
    assert result.recommended is None and result.to_dict()["recommended"] == []
    assert all(c.net_margin_effect <= 0 or c.cost_share > 0.05 for c in result.candidates)


def test_too_few_orders_is_an_error():
    with pytest.raises(InputError, match="too few"):
        design(np.array([100.0] * 10))


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(1, 2000), min_size=1, max_size=60),
    tiers=st.lists(st.tuples(st.floats(20, 1500), st.floats(1, 100)), min_size=1, max_size=3, unique_by=lambda x: x[0]),
    uptake=st.floats(0, 1),
    margin=st.floats(0.01, 1),
)
def test_the_effect_adds_up(values, tiers, uptake, margin):
    values = np.array(values)
    a = Assumptions(uptake=uptake, margin=margin)
    effect = evaluate(values, tiers, a)
    assert effect.net_margin_effect == pytest.approx(margin * effect.added_sales - effect.discount_cost, abs=1e-6)
    assert 0 <= effect.share_above <= 1 and 0 <= effect.share_in_reach <= 1
    free = evaluate(values, tiers, Assumptions(uptake=0.0, margin=margin))
    assert free.added_sales == 0  # with no one topping up, the tiers only give discounts away
    lowest = min(t for t, _ in tiers)
    assert free.share_above == pytest.approx((values >= lowest).mean())


def test_promo_thresholds_on_the_example_shop():
    result = runner.invoke(
        app,
        ["promo", "thresholds", ORDERS, "--uptake", "0.6", "--margin", "0.6", "--discount-rate", "0.05", "--json"],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) >= {"orders", "aov", "percentiles", "candidates", "recommended", "assumptions"}
    assert set(doc["candidates"][0]) >= {
        "threshold", "discount", "share_above", "share_in_reach", "expected_aov_lift", "discount_cost",
        "net_margin_effect",
    }  # fmt: skip
    assert doc["recommended"] and set(doc["recommended"][0]) == {"threshold", "discount"}
    assert doc["aov"] == pytest.approx(doc["gmv"] / doc["orders"])
    assert doc["assumptions"]["uptake"] == 0.6


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--for-platform", "jd"], 2, "--for-platform"),
        (["--uptake", "1.5"], 2, "--uptake"),
        (["--period", "1999-01"], 1, "no sold, paid order"),
    ],
)
def test_promo_thresholds_refuses_with_a_reason(args, code, message):
    result = runner.invoke(app, ["promo", "thresholds", ORDERS, *args])
    assert result.exit_code == code, result.output
    assert message in result.output and "Traceback" not in result.output


def test_promo_report_renders(tmp_path):
    for suffix in (".md", ".xlsx", ".html"):
        out = tmp_path / f"promo{suffix}"
        result = runner.invoke(
            app,
            [
                "promo",
                "thresholds",
                ORDERS,
                "--uptake",
                "0.6",
                "--margin",
                "0.6",
                "--discount-rate",
                "0.05",
                "-o",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        assert out.is_file()
    markdown = (tmp_path / "promo.md").read_text(encoding="utf-8")
    assert "建议档位：满520减25" in markdown and "假设：" in markdown and "promo-charts/" in markdown
