"""`ecomplan inventory alerts` through the CLI: outputs, exit codes, options, the example shop."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ecomplan.cli.app import app

runner = CliRunner()


@pytest.fixture
def shop(fixtures):
    folder = fixtures / "inventory"
    return [
        "--stock",
        str(folder / "stock_erp.csv"),
        "--sales",
        str(folder / "orders.csv"),
        "--as-of",
        "2026-03-01",
        "--lead-time",
        "10",
    ]


def run(*args: str):
    return runner.invoke(app, ["inventory", "alerts", *args], env={"COLUMNS": "200"})


def test_json_output(shop):
    result = run(*shop, "--json", "--lang", "en")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2026-03-01" and doc["as_of_from"] == "given"
    assert doc["parameters"]["lead_time_days"] == 10 and doc["parameters"]["window_days"] == 28
    statuses = {item["sku"]: item["status"] for item in doc["items"]}
    assert statuses["B200"] == "urgent" and statuses["J000"] == "inactive"
    for key in (
        "sku",
        "on_hand",
        "avg_daily_demand",
        "safety_stock",
        "reorder_point",
        "days_of_cover",
        "suggested_order_qty",
        "status",
        "reason",
        "suggestion",
        "abc",
        "xyz",
        "projected_stockout_date",
    ):
        assert all(key in item for item in doc["items"]), key
    assert doc["summary"]["by_status"] == {
        "stockout": 2,
        "urgent": 1,
        "reorder": 1,
        "ok": 1,
        "overstock": 1,
        "slow_moving": 1,
        "dead": 2,
        "inactive": 1,
    }
    codes = {f["code"] for f in doc["findings"]}
    assert {"stock_without_sales", "sales_without_stock", "sales_without_sku"} <= codes
    assert "Z999" in result.stderr  # warnings go to stderr, stdout stays JSON
    assert doc["sources"][0]["kind"] == "orders" and doc["sources"][0]["first_date"] == "2025-08-01"


def test_fail_on_alerts_exits_3(shop):
    assert run(*shop, "--json", "--fail-on-alerts").exit_code == 3
    assert run(*shop, "--json").exit_code == 0


def test_fail_on_alerts_is_quiet_without_stockouts(fixtures, tmp_path):
    stock = tmp_path / "stock.csv"
    stock.write_text("sku,on_hand,available,lead_time_days\nA100,100,100,10\nE500,500,500,10\n", encoding="utf-8")
    result = run(
        "--stock",
        str(stock),
        "--sales",
        str(fixtures / "inventory" / "orders.csv"),
        "--as-of",
        "2026-03-01",
        "--json",
        "--fail-on-alerts",
    )
    assert result.exit_code == 0, result.output
    assert {i["status"] for i in json.loads(result.stdout)["items"]} == {"ok", "overstock"}


def test_terminal_output(shop):
    result = run(*shop, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Replenishment alerts" in result.stdout and "B200" in result.stdout
    assert "Order 76 units" in result.stdout


def test_file_outputs(shop, tmp_path):
    for suffix in (".md", ".xlsx", ".json"):
        path = tmp_path / f"alerts{suffix}"
        result = run(*shop, "-o", str(path))
        assert result.exit_code == 0, result.output
        assert path.stat().st_size > 0
    markdown = (tmp_path / "alerts.md").read_text(encoding="utf-8")
    assert "# 库存预警 2026-03-01" in markdown and "| B200 |" in markdown and "数据核对" in markdown
    assert json.loads((tmp_path / "alerts.json").read_text(encoding="utf-8"))["as_of"] == "2026-03-01"
    from openpyxl import load_workbook

    sheets = load_workbook(tmp_path / "alerts.xlsx").sheetnames
    assert sheets == ["概览", "状态", "补货预警", "超储与滞销", "全部 SKU"]


def test_config_supplies_files_thresholds_and_campaigns(fixtures):
    result = run("--config", str(fixtures / "inventory" / "config.toml"), "--as-of", "2026-03-01", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["parameters"]["overstock_days"] == 120
    assert doc["parameters"]["campaign"]["name"] == "38节"
    items = {i["sku"]: i for i in doc["items"]}
    assert items["G700"]["markdown_pct"] == 0.3 and items["F600"]["markdown_pct"] == 0.2
    assert items["B200"]["stop_promotion"] and "38节" in items["B200"]["suggestion"]
    # Options win over the config.
    override = json.loads(
        run(
            "--config",
            str(fixtures / "inventory" / "config.toml"),
            "--as-of",
            "2026-03-01",
            "--window",
            "2w",
            "--service-level",
            "0.99",
            "--json",
        ).stdout
    )
    assert override["parameters"]["window_days"] == 14 and override["parameters"]["service_level"] == 0.99


def test_sales_files_as_arguments_after_a_glob(fixtures):
    folder = fixtures / "inventory"
    result = run(
        "--stock",
        str(folder / "stock_erp.csv"),
        "--as-of",
        "2026-03-01",
        "--json",
        "--sales",
        str(folder / "orders.csv"),
        str(folder / "orders.csv"),
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {i["sku"]: i["units_window"] for i in doc["items"]}["A100"] == 56  # the same file twice counts once
    assert "given twice" in result.stderr


def test_jd_stock_without_sales_files(fixtures):
    result = run("--stock", str(fixtures / "inventory" / "stock_jd.csv"), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2026-03-01" and doc["as_of_from"] == "stock"
    first = {i["sku"]: i for i in doc["items"]}["100001"]
    assert first["on_hand"] == 60 and first["available"] == 58  # two RDC rows
    assert first["avg_daily_demand"] == 3.0  # (56 + 28) / 28
    assert doc["sources"][0]["kind"] == "stock_columns"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--window", "soon"], 2, "28d"),
        (["--as-of", "23/11/2026"], 2, "2026-11-23"),
        (["--service-level", "1.5"], 2, "service-level"),
        (["-o", "alerts.pdf"], 2, "unsupported output"),
    ],
)
def test_bad_options(shop, args, code, message):
    result = run(*shop, *args)
    assert result.exit_code == code
    assert message in result.output


def test_missing_stock_is_a_usage_error(fixtures):
    result = run("--sales", str(fixtures / "inventory" / "orders.csv"))
    assert result.exit_code == 2 and "--stock" in result.output


def test_a_file_that_is_not_sales_exits_1(fixtures):
    folder = fixtures / "inventory"
    result = run("--stock", str(folder / "stock_erp.csv"), "--sales", str(folder / "stock_erp.csv"))
    assert result.exit_code == 1
    assert "stock_erp.csv: not a sales file" in result.output and "erp/stock" in result.output
    assert "Traceback" not in result.output


def test_a_sales_file_that_is_not_stock_exits_1(fixtures):
    folder = fixtures / "inventory"
    result = run("--stock", str(folder / "orders.csv"), "--sales", str(folder / "orders.csv"))
    assert result.exit_code == 1 and "no inventory table" in result.output


def test_the_example_shop_shows_every_alert_state(examples):
    """The example snapshot (examples/generate.py) is designed to produce each status from the Tmall orders."""
    orders = examples / "orders" / "淘宝订单导出_2025-10-01_2026-11-22.csv"
    result = run("--config", str(examples / "ecomplan.toml"), "--sales", str(orders), "--as-of", "2026-11-23", "--json")
    assert result.exit_code == 0, result.output
    items = {i["sku"]: i for i in json.loads(result.stdout)["items"]}
    assert items["T001"]["status"] == "stockout"
    assert items["T002"]["status"] == "urgent" and items["T009"]["status"] == "urgent"
    assert items["T003"]["status"] == "reorder"  # 21.7 days of cover, 20-day lead time
    assert items["T006"]["status"] == "overstock" and items["T010"]["status"] == "overstock"
    assert items["T018"]["status"] == "slow_moving" and items["T019"]["status"] == "slow_moving"
    assert items["T020"]["status"] in {"slow_moving", "dead"}  # dead once its sales stop after 端午
    assert items["T004"]["status"] == "ok"
    t002 = items["T002"]
    assert t002["days_of_cover"] == pytest.approx(t002["available"] / t002["avg_daily_demand"])


def test_the_example_config_counts_both_shops_sales(examples):
    """One warehouse serves both shops: the config's sales are the Tmall orders and JD's 商品明细, so the
    weekly report's stock section and `inventory alerts --config` give the figures of the README's
    two-file command (#14 point 6: T001 sells 26.36 a day, order 1,235)."""
    result = run("--config", str(examples / "ecomplan.toml"), "--as-of", "2026-11-23", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert sorted((s["kind"], s["platform"]) for s in doc["sources"]) == [("orders", "sycm"), ("products", "jd")]
    t001 = next(i for i in doc["items"] if i["sku"] == "T001")
    assert t001["avg_daily_demand"] == pytest.approx(26.357, abs=1e-3) and t001["suggested_order_qty"] == 1235
