"""`ecomplan rfm segment` and `ecomplan rfm repurchase` through the CLI."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from ecomplan.cli.app import app

runner = CliRunner()


@pytest.fixture
def orders(fixtures):
    return str(fixtures / "rfm" / "sycm_orders.csv")


def run(*args: str):
    return runner.invoke(app, ["rfm", *args])


def test_segment_json_contract(orders):
    result = run("segment", orders, "--json", "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-11-30"
    assert data["customers"] == 4
    assert set(data["thresholds"]) == {"recency", "frequency", "monetary"}
    assert data["thresholds"]["frequency"] == pytest.approx((3 + 1 + 1 + 1) / 4)
    assert data["rules"]["frequency"] == "F > 1.5"
    names = [s["segment"] for s in data["segments"]]
    assert names == [
        "重要价值客户",
        "重要发展客户",
        "重要保持客户",
        "重要挽留客户",
        "一般价值客户",
        "一般发展客户",
        "一般保持客户",
        "一般挽留客户",
    ]
    for item in data["segments"]:
        assert {"segment", "customers", "revenue", "share", "revenue_share", "action"} <= set(item)
    assert sum(s["customers"] for s in data["segments"]) == 4
    assert sum(s["revenue"] for s in data["segments"]) == pytest.approx(data["revenue"])
    assert data["excluded"]["orders_without_customer"] == 1
    assert data["repurchase"]["buyers"] == 4
    assert "warning: 1 sold orders" in result.stderr


def test_rfm11_segments_use_english_names(orders):
    result = run("segment", orders, "--json", "--scheme", "rfm11", "--variant", "B", "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["segments"][0]["segment"] == "Champions" and data["variant"] == "B"
    assert len(data["segments"]) == 11
    assert len(data["thresholds"]["recency"]) == 4


def test_markdown_excel_and_json_outputs(orders, tmp_path):
    for name in ("rfm.md", "rfm.xlsx", "rfm.json"):
        result = run(
            "segment",
            orders,
            "-o",
            str(tmp_path / name),
            "--as-of",
            "2026-11-30",
            "--lang",
            "en",
            "--compare-as-of",
            "2026-11-15",
        )
        assert result.exit_code == 0, result.output
    text = (tmp_path / "rfm.md").read_text(encoding="utf-8")
    assert "R (days since the last purchase) <" in text and "Key value customers" in text
    assert "Segment migration: 2026-11-15 → 2026-11-30" in text
    book = openpyxl.load_workbook(tmp_path / "rfm.xlsx")
    assert {"Segments", "Cohort retention", "Transitions"} <= set(book.sheetnames)
    assert book["Cohort retention"].conditional_formatting  # heat map
    assert json.loads((tmp_path / "rfm.json").read_text(encoding="utf-8"))["migration"]["before"] == "2026-11-15"


def test_terminal_report(orders):
    result = run("segment", orders, "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.output
    assert "重要价值客户" in result.stdout and "复购率" in result.stdout


def test_customers_file_is_masked_by_default(orders, tmp_path):
    path = tmp_path / "customers.csv"
    assert run("segment", orders, "--customers-out", str(path), "--json").exit_code == 0
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese correctly
    masked = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert set(masked["customer_id"]) == {"t**e", "t**1", "小**3", "b**6"}
    assert set(masked["phone"]) == {"138****1234", "139****5678", "137****1111", "135****2222"}
    assert list(masked.columns[:4]) == ["customer_id", "recency", "frequency", "monetary"]
    assert run("segment", orders, "--customers-out", str(path), "--no-mask", "--json").exit_code == 0
    plain = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert set(plain["customer_id"]) == {"tb_alice", "t**1", "小明123", "bob_2026"}


def test_customers_excel_and_migration_columns(orders, tmp_path):
    path = tmp_path / "customers.xlsx"
    result = run(
        "segment",
        orders,
        "--customers-out",
        str(path),
        "--compare-as-of",
        "2026-11-15",
        "--json",
        "--as-of",
        "2026-11-30",
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(path).worksheets[-1]
    header = [c.value for c in sheet[1]]
    assert "segment_before" in header and header.index("segment_before") == header.index("segment") + 1
    assert sheet.max_row == 1 + 4


def test_fixed_thresholds_from_config(orders, tmp_path):
    config = tmp_path / "ecomplan.toml"
    config.write_text(
        '[rfm]\nthreshold = "fixed"\nrecency_days = 15\nfrequency = 2\nmonetary = 100\n', encoding="utf-8"
    )
    result = run("segment", orders, "--json", "--config", str(config), "--as-of", "2026-11-30", "--window", "all")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["threshold"] == "fixed"
    assert data["rules"] == {"recency": "R < 15", "frequency": "F > 2", "monetary": "M > 100"}
    counts = {s["segment"]: s["customers"] for s in data["segments"]}
    # tb_alice R20 F3 M348 -> 011; t**1 R10 M56 -> 100; bob R9 M45 -> 100; 小明123 R182 M300 -> 001
    assert counts["重要保持客户"] == 1 and counts["一般发展客户"] == 2 and counts["重要挽留客户"] == 1
    override = run("segment", orders, "--json", "--config", str(config), "--threshold", "median")
    assert json.loads(override.stdout)["threshold"] == "median"


def test_refunds_option(fixtures, orders):
    refunds = str(fixtures / "rfm" / "sycm_refunds.csv")
    result = run("segment", orders, "--refunds", refunds, "--json", "--as-of", "2026-11-30", "--window", "all")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["revenue"] == pytest.approx(300 + 348 + 56 + 45)
    assert data["excluded"]["refund_amount_netted"] == 50.0


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--window", "3 months"], 2, "--window"),
        (["--scheme", "rfm11", "--threshold", "median"], 2, "applies to --scheme cn8"),
        (["--threshold", "fixed"], 2, "needs --config"),
        (["--as-of", "30/11/2026"], 2, "expected a date"),
        (["--compare-as-of", "2026-12-30", "--as-of", "2026-11-30"], 2, "must be before"),
        (["-o", "out.pdf"], 2, "unsupported output type"),
        (["--as-of", "2020-01-01"], 1, "no customer bought in the window"),
    ],
)
def test_usage_and_input_errors(orders, args, code, message):
    result = run("segment", orders, *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_bad_config_is_exit_1_naming_file_and_key(orders, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[rfm]\nthreshold = "fixed"\nrecency = 3\n', encoding="utf-8")
    result = run("segment", orders, "--config", str(config))
    assert result.exit_code == 1
    assert f"error: {config}: rfm.recency: Extra inputs are not permitted" in result.stderr


def test_orders_without_buyers_exit_1(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,paid_at,amount,status\nA1,2026-11-01 10:00:00,10,completed\n", encoding="utf-8")
    result = run("segment", str(path))
    assert result.exit_code == 1
    assert "no sold order has a customer id" in result.stderr


def test_repurchase_command(fixtures, tmp_path):
    path = str(fixtures / "rfm" / "generic_orders.csv")
    result = run("repurchase", path, "--json", "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["buyers"], data["repeat_buyers"]) == (2, 1)
    assert data["repurchase_rate"] == 0.5
    assert data["cohorts"][0] == {"cohort": "2026-11", "size": 2, "customers": [2], "retention": [1.0]}
    assert data["excluded"]["unsold_lines"] == {"cancelled": 1, "pending": 1}
    out = tmp_path / "repurchase.xlsx"
    assert run("repurchase", path, "-o", str(out)).exit_code == 0
    assert "同期群留存率" in openpyxl.load_workbook(out).sheetnames


def test_scheme_from_config_and_cli_precedence(orders, tmp_path):
    config = tmp_path / "ecomplan.toml"
    config.write_text('[rfm]\nscheme = "rfm11"\nvariant = "B"\n', encoding="utf-8")
    data = json.loads(run("segment", orders, "--json", "--config", str(config)).stdout)
    assert (data["scheme"], data["variant"]) == ("rfm11", "B")
    data = json.loads(run("segment", orders, "--json", "--config", str(config), "--scheme", "cn8").stdout)
    assert (data["scheme"], data["variant"]) == ("cn8", None)


def test_several_platforms_keep_customers_apart(fixtures, tmp_path):
    path = tmp_path / "customers.csv"
    result = run(
        "segment",
        str(fixtures / "rfm" / "sycm_orders.csv"),
        str(fixtures / "rfm" / "jd_orders.csv"),
        "--json",
        "--as-of",
        "2026-11-30",
        "--customers-out",
        str(path),
        "--no-mask",
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert list(table.columns[:2]) == ["platform", "customer_id"]
    assert set(zip(table["platform"], table["customer_id"], strict=False)) >= {
        ("sycm", "tb_alice"),
        ("jd", "jd_user01"),
    }


def test_comparison_date_before_any_purchase(fixtures):
    """Nobody had bought by the comparison date: the migration says so instead of failing."""
    path = fixtures / "rfm" / "generic_orders.csv"
    result = runner.invoke(
        app, ["rfm", "segment", str(path), "--json", "--as-of", "2026-11-30", "--compare-as-of", "2020-01-01"]
    )
    assert result.exit_code == 0, result.output
    migration = json.loads(result.stdout)["migration"]
    assert migration["thresholds_before"] is None


def test_json_alone_reads_no_contacts_but_the_customers_file_does(orders, tmp_path, monkeypatch):
    from ecomplan.rfm import metrics

    seen = []
    real = metrics.read_orders
    monkeypatch.setattr(metrics, "read_orders", lambda *a, **k: seen.append(k["contacts"]) or real(*a, **k))
    import ecomplan.rfm

    monkeypatch.setattr(ecomplan.rfm, "read_orders", metrics.read_orders)
    assert runner.invoke(app, ["rfm", "segment", str(orders), "--json"]).exit_code == 0
    out = tmp_path / "customers.csv"
    result = runner.invoke(app, ["rfm", "segment", str(orders), "--json", "--customers-out", str(out), "--no-mask"])
    assert result.exit_code == 0, result.output
    assert seen == [False, True]
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert {"customer_name", "phone"} <= set(header)


def test_terminal_tables_wrap_instead_of_cutting_cells_at_80_columns(fixtures):
    from rich.cells import cell_len

    path = fixtures / "rfm" / "online_retail_sample.csv"
    result = runner.invoke(app, ["rfm", "segment", str(path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout  # rich's mark of a cut cell
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80
    assert "重要价值" in result.stdout
