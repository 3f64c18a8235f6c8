"""`ecomplan abtest evaluate` and `ecomplan abtest plan` through the CLI."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from ecomplan.abtest import stats as S
from ecomplan.cli.app import app

runner = CliRunner()
RESULT_KEYS = {
    "metric",
    "variant",
    "control",
    "control_value",
    "variant_value",
    "absolute_diff",
    "absolute_ci",
    "relative_lift",
    "relative_ci",
    "p_value",
    "p_value_adjusted",
    "test",
    "decision",
}


def run(*args):
    return runner.invoke(app, ["abtest", *map(str, args)])


@pytest.fixture
def folder(fixtures):
    return fixtures / "abtest"


def test_evaluate_json_contract(folder):
    result = run("evaluate", folder / "agg_en.csv", "--metric", "all", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"p_value", "mismatch"} <= set(data["srm"]) and data["srm"]["mismatch"] is False
    assert len(data["results"]) == 3
    for row in data["results"]:
        assert set(row) >= RESULT_KEYS
        assert len(row["absolute_ci"]) == 2 and len(row["relative_ci"]) == 2
        assert row["decision"] in {"win", "lose", "inconclusive", "non_inferior", "invalid_srm"}
    conversion = data["results"][0]
    assert conversion["test"] == "two_proportion_z" and conversion["decision"] == "win"
    assert conversion["control_value"] == pytest.approx(75 / 1500)
    assert conversion["p_value"] == pytest.approx(S.two_proportion_ztest(75, 1500, 105, 1510).p_value)
    assert conversion["verdict"].startswith("B 的转化率比 A 高")


def test_evaluate_per_user_file_with_every_option(folder):
    result = run(
        "evaluate",
        folder / "users_en.csv",
        "--metric",
        "all",
        "--bayes",
        "--cuped",
        "pre_revenue",
        "--control",
        "A",
        "--weights",
        "50,50",
        "--alpha",
        "0.1",
        "--lang",
        "en",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["form"] == "per_user" and data["alpha"] == 0.1
    assert [r["test"] for r in data["results"]] == ["cuped_welch_t", "cuped_welch_t", "delta_method_t"]
    assert all(r["bayes"]["prob_beat_control"] > 0.5 for r in data["results"][:2])
    assert data["results"][0]["cuped"]["covariate"] == "pre_revenue"
    assert "CUPED-adjusted" in data["results"][0]["verdict"] and "90% CI" in data["results"][0]["verdict"]


def test_evaluate_sequential_and_margin(folder):
    result = run("evaluate", folder / "daily_en.csv", "--sequential", "msprt", "--json")
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["results"][0]
    assert row["test"] == "msprt" and len(row["sequential"]["looks"]) == 14
    result = run("evaluate", folder / "agg_en.csv", "--margin", "5%", "--json")
    row = json.loads(result.stdout)["results"][0]
    assert row["decision"] == "non_inferior" and row["margin"] == 0.05 and row["margin_relative"]
    assert row["relative_ci"][1] is None


def test_chinese_excel_with_a_mapping(folder):
    result = run("evaluate", folder / "agg_zh.xlsx", "--mapping", folder / "mapping_zh.toml", "--metric", "all")
    assert result.exit_code == 0, result.stderr
    text = "".join(result.stdout.split())
    assert "分流检查（SRM）" in text and "B的转化率比A高" in text


def test_chinese_headers_without_a_mapping(folder):
    agg = run("evaluate", folder / "agg_zh.xlsx", "--metric", "all", "--json")
    assert agg.exit_code == 0, agg.stderr
    users = run("evaluate", folder / "users_zh.xlsx", "--metric", "all", "--json", "--cuped", "实验前消费")
    assert users.exit_code == 0, users.stderr
    assert json.loads(agg.stdout)["results"][1]["test"] == "welch_t"
    assert json.loads(users.stdout)["results"][1]["cuped"]["covariate"] == "实验前消费"


@pytest.mark.parametrize("suffix", [".md", ".xlsx", ".json"])
def test_evaluate_writes_files(folder, tmp_path, suffix):
    target = tmp_path / f"ab{suffix}"
    result = run("evaluate", folder / "three_arms.csv", "--metric", "all", "--bayes", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert target.exists() and target.stat().st_size > 0
    if suffix == ".json":
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["omnibus"]["df"] == 2 and len(data["results"]) == 6
    if suffix == ".md":
        text = target.read_text(encoding="utf-8")
        assert "Holm 校正后" in text and "3 组转化率整体比较" in text


def test_srm_failure_exits_zero_but_calls_no_winner(tmp_path):
    path = tmp_path / "srm.csv"
    path.write_text("variant,visitors,conversions\nA,15612,531\nB,14388,640\n", encoding="utf-8")
    result = run("evaluate", path, "--lang", "en")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert text.index("Sample ratio mismatch") < text.index("Verdict")
    assert "no winner is called" in text
    data = json.loads(run("evaluate", path, "--json").stdout)
    assert data["srm"]["mismatch"] is True and data["results"][0]["decision"] == "invalid_srm"


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["bad_conversions.csv"], 1, "more conversions (120) than visitors (100)"),
        (["bad_negative.csv"], 1, "variant 'B' has no valid visitors"),
        (["bad_converted.csv"], 1, "must be 0 or 1"),
        (["no_variant.csv"], 1, "at least: variant"),
        (["no_moments.csv", "--metric", "revenue"], 1, "revenue_sum_sq (收入平方和) or revenue_std"),
        (["agg_en.csv", "--control", "Z"], 1, "control 'Z' is not a variant in the data; variants: A, B"),
        (["agg_en.csv", "--sequential", "msprt"], 1, "needs a date"),
        (["agg_en.csv", "--cuped", "pre_revenue"], 1, "one row per user"),
        (["users_en.csv", "--cuped", "nope"], 1, "no column 'nope' for --cuped"),
        (["agg_en.csv", "--weights", "1,2,3"], 2, "--weights has 3 values"),
        (["agg_en.csv", "--margin", "abc"], 2, "--margin must be"),
        (["agg_en.csv", "--alpha", "0.7"], 2, "--alpha must be between 0 and 0.5"),
        (["agg_en.csv", "--margin", "1%", "--alternative", "less"], 2, "drop --alternative"),
        (["agg_en.csv", "-o", "out.pdf"], 2, "unsupported output type"),
        (["missing.csv"], 1, "missing.csv: file not found"),
    ],
)
def test_evaluate_errors_are_one_clear_line(folder, args, code, message, monkeypatch, tmp_path):
    monkeypatch.chdir(folder)
    args = [a if a != "out.pdf" else str(tmp_path / a) for a in args]
    result = run("evaluate", *args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert message in " ".join(result.stderr.split()) or message in result.stderr
    assert "Traceback" not in result.stderr


def test_negative_count_warning_names_the_row(folder):
    result = run("evaluate", folder / "bad_negative.csv")
    assert "bad_negative.csv:3: column 'visitors'" in result.stderr


# --------------------------------------------------------------------------- plan


def test_plan_json_contract_and_evan_miller_numbers():
    result = run("plan", "--baseline", "0.2", "--mde", "0.05", "--absolute", "--daily-visitors", "300", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"per_variant", "total", "days"} <= set(data)
    assert round(data["per_variant_exact"]) == 1030  # Evan Miller's calculator: 20%, +5pp → 1,030
    assert data["per_variant"] == 1031 and data["total"] == 2062
    assert data["days_needed"] == 7 and data["days"] == 7 and data["weeks"] == 1


def test_plan_relative_mde_duration_in_whole_weeks():
    data = json.loads(run("plan", "--baseline", "5%", "--mde", "10%", "--daily-visitors", "4000", "--json").stdout)
    exact = S.sample_size_proportions(0.05, 0.005)
    assert data["per_variant"] == math.ceil(exact) and data["mde_relative"] == pytest.approx(0.1)
    assert data["days_needed"] == math.ceil(2 * math.ceil(exact) / 4000) and data["days"] % 7 == 0
    assert data["days"] >= data["days_needed"] > data["days"] - 7


def test_plan_more_variants_splits_alpha():
    two = json.loads(run("plan", "--baseline", "0.05", "--mde", "10%", "--json").stdout)
    three = json.loads(run("plan", "--baseline", "0.05", "--mde", "10%", "--variants", "3", "--json").stdout)
    assert three["alpha_per_comparison"] == pytest.approx(0.025)
    assert three["per_variant"] > two["per_variant"] and three["total"] == 3 * three["per_variant"]


def test_plan_mde_for_a_sample_size_and_power():
    data = json.loads(run("plan", "--baseline", "0.05", "--sample-size", "10000", "--json").stdout)
    assert data["mde_absolute"] == pytest.approx(S.mde_proportions(0.05, 10000), rel=1e-9)
    assert S.sample_size_proportions(0.05, data["mde_absolute"]) == pytest.approx(10000, rel=1e-6)
    both = json.loads(run("plan", "--baseline", "0.05", "--mde", "10%", "--sample-size", "10000", "--json").stdout)
    assert both["power_at_sample_size"] == pytest.approx(S.power_proportions(0.05, 0.005, 10000))
    assert both["power_at_sample_size"] < 0.8


def test_plan_for_a_mean_matches_statsmodels():
    from statsmodels.stats.power import NormalIndPower

    data = json.loads(run("plan", "--baseline", "12.5", "--std", "40", "--mde", "5%", "--json").stdout)
    reference = NormalIndPower().solve_power(effect_size=0.625 / 40, alpha=0.05, power=0.8)
    assert data["metric"] == "mean" and data["per_variant"] == pytest.approx(reference, rel=1e-3)


def test_plan_terminal_text():
    result = run("plan", "--baseline", "0.05", "--mde", "10%", "--daily-visitors", "4000", "--lang", "en")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "each variant needs 30,245 visitors" in text  # Evan Miller's formula
    assert "rounded up to 3 whole weeks (21 days)" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--baseline", "1.5", "--mde", "10%"], "conversion rate between 0 and 1"),
        (["--baseline", "0.05"], "give --mde"),
        (["--baseline", "0.05", "--mde", "-1"], "--mde must be positive"),
        (["--baseline", "0.9", "--mde", "0.2", "--absolute"], "cannot get there"),
        (["--baseline", "0.05", "--mde", "10%", "--power", "0.01"], "--power must be"),
        (["--baseline", "0.05", "--mde", "10%", "--variants", "1"], "at least 2"),
        (["--baseline", "x", "--mde", "10%"], "--baseline must be a number"),
    ],
)
def test_plan_errors(args, message):
    result = run("plan", *args)
    assert result.exit_code == 2 and message in result.stderr
