"""The customer rules on Spark give what they give on DuckDB, every output compared (issue #16).

Each fixture is read once by ecomplan's own reader; its canonical lines are written to Parquet (the
lake copy) and segmented by both engines: the `--json` documents must be equal byte for byte and the
per-customer tables row for row. Spark runs in local mode (PySpark from the package registry, Java 17).
Without pyspark or Java the tests skip, except in CI (`CI` set), where that is a failure.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecomplan.cli.app import app
from ecomplan.core.errors import InputError, SchemaError
from ecomplan.ingest.load import load
from ecomplan.render.output import dumps
from ecomplan.rfm import repurchase_report, segment
from ecomplan.rfm.value import predict

pytestmark = pytest.mark.spark
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ORDERS = ROOT / "examples" / "orders" / "淘宝订单导出_2025-10-01_2026-11-22.csv"
EXAMPLE_REFUNDS = ROOT / "examples" / "refunds" / "千牛_售后退款_2026-11.csv"


def _missing() -> str | None:
    try:
        import pyspark  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError:
        return "pyspark/sqlglot not installed (pip install 'ecomplan[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java (Spark needs Java 17)"
    return None


@pytest.fixture(scope="module")
def spark():
    missing = _missing()
    if missing and os.environ.get("CI"):
        pytest.fail(f"the Spark tests must run in CI: {missing}")
    if missing:
        pytest.skip(missing)
    from ecomplan.engines.spark import session

    return session(None, "Asia/Shanghai")


def lake(frame: pd.DataFrame, path: Path) -> Path:
    """The canonical lines as a lake table holds them: Parquet with microsecond timestamps."""
    frame.to_parquet(path, index=False, coerce_timestamps="us", allow_truncated_timestamps=True)
    return path


def on_spark(spark, path: Path, contacts: bool = False, mapping: Path | None = None, allow_skipped: bool = False):
    from ecomplan.engines.spark import SparkSource, read_lines

    return read_lines(
        spark, SparkSource(paths=(str(path),), mapping=mapping), contacts=contacts, allow_skipped=allow_skipped
    )


def same_document(local, remote) -> None:
    assert dumps(remote.to_dict()) == dumps(local.to_dict())


def same_customers(local, remote) -> None:
    key = local.key
    a = local.customer_table(mask=False).sort_values(key).reset_index(drop=True)
    b = remote.customer_table(mask=False).sort_values(key).reset_index(drop=True)
    assert set(a.columns) - set(b.columns) <= {"customer_name", "phone"}  # Spark reads contacts when asked
    pd.testing.assert_frame_equal(a[b.columns], b, check_dtype=False)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    frame = load(EXAMPLE_ORDERS, "orders").frame
    return frame, lake(frame, tmp_path_factory.mktemp("lake") / "orders.parquet")


def test_the_example_shop_segments_alike_with_the_default_as_of_and_a_comparison(spark, example):
    frame, path = example
    local = segment(frame, compare_as_of="2026-08-31")
    remote = segment(on_spark(spark, path), compare_as_of="2026-08-31")
    assert local.as_of == dt.date(2026, 11, 23) and len(local.customers) > 10_000
    same_document(local, remote)
    same_customers(local, remote)
    assert remote.migration is not None and dumps(remote.migration.to_dict()) == dumps(local.migration.to_dict())


@pytest.mark.parametrize(
    ("scheme", "frequency", "window", "threshold"),
    [("rfm11", "days", "all", "mean"), ("cn8", "days", "90d", "median"), ("rfm11", "orders", "365d", "mean")],
)
def test_schemes_frequencies_and_windows(spark, example, scheme, frequency, window, threshold):
    frame, path = example
    options = {"as_of": "2026-11-01", "window_days": window, "frequency": frequency, "threshold": threshold}
    local = segment(frame, scheme, **options)
    remote = segment(on_spark(spark, path), scheme, **options)
    same_document(local, remote)
    same_customers(local, remote)


def test_names_and_phones_come_back_alike(spark, example):
    frame, path = example
    local = segment(frame, as_of="2026-11-23")
    remote = segment(on_spark(spark, path, contacts=True), as_of="2026-11-23")
    same_customers(local, remote)
    assert remote.customer_table(mask=False)["customer_name"].notna().sum() > 10_000


def test_refunds_are_netted_alike(spark, example):
    frame, path = example
    refunds = load(EXAMPLE_REFUNDS, "refunds").frame
    local = segment(frame, as_of="2026-11-23", refunds=refunds)
    remote = segment(on_spark(spark, path), as_of="2026-11-23", refunds=refunds)
    assert local.exclusions.refund_amount_netted > 0
    same_document(local, remote)
    same_customers(local, remote)


def test_repurchase_and_cohorts_alike(spark, example):
    frame, path = example
    local, local_excluded = repurchase_report(frame, "2026-11-23", "all")
    remote, remote_excluded = repurchase_report(on_spark(spark, path), "2026-11-23", "all")
    assert dumps(remote.to_dict()) == dumps(local.to_dict())
    assert remote_excluded.to_dict() == local_excluded.to_dict()


def test_predicted_value_alike(spark, example):
    frame, path = example
    local = predict(frame, as_of=dt.date(2026, 11, 23))
    remote = predict(on_spark(spark, path), as_of=dt.date(2026, 11, 23))
    assert local.to_dict()["predicted_value"] > 0
    assert dumps(remote.to_dict()) == dumps(local.to_dict())


@pytest.mark.parametrize(
    "name",
    [
        "sycm_orders.csv",
        "jd_orders.csv",
        "shopify_orders.csv",
        "douyin_orders.csv",
        "pdd_orders.csv",
        "generic_orders.csv",
    ],
)
def test_every_platform_fixture_alike(spark, fixtures, tmp_path, name):
    """Status words, refunds on lines, customers without id, one fixture per platform (test_rfm_platforms)."""
    frame = load(fixtures / "rfm" / name, "orders").frame
    path = lake(frame, tmp_path / "orders.parquet")
    local = segment(frame, as_of="2026-11-30", window_days=None)
    remote = segment(on_spark(spark, path), as_of="2026-11-30", window_days=None)
    same_document(local, remote)
    same_customers(local, remote)
    # and through the command: `rfm segment orders.parquet --engine spark --json` = the run on the export,
    # but for the reading findings of the export itself (the lake copy is clean)
    options = ["--as-of", "2026-11-30", "--window", "all", "--json"]
    runner = CliRunner()
    on_export = runner.invoke(app, ["rfm", "segment", str(fixtures / "rfm" / name), *options])
    on_lake = runner.invoke(app, ["rfm", "segment", str(path), "--engine", "spark", *options])
    assert on_lake.exit_code == 0, on_lake.output
    expected, got = json.loads(on_export.stdout), json.loads(on_lake.stdout)
    expected.pop("issues"), got.pop("issues")
    assert got == expected


def test_several_platforms_keep_their_own_customers(spark, fixtures, tmp_path):
    frame = pd.concat(
        [load(fixtures / "rfm" / name, "orders").frame for name in ("sycm_orders.csv", "jd_orders.csv")],
        ignore_index=True,
    )
    path = lake(frame, tmp_path / "orders.parquet")
    local = segment(frame, as_of="2026-11-30", window_days=None)
    remote = segment(on_spark(spark, path), as_of="2026-11-30", window_days=None)
    assert local.key == ["platform", "customer_id"] == remote.key
    same_document(local, remote)
    same_customers(local, remote)


def test_the_tricky_lines_alike(spark, tmp_path):
    """Statuses unknown and odd, lines without customer or payment time, refunds on lines, a purchase after
    the as-of date, free and fully refunded orders (test_rfm_read's hand-worked file)."""
    from tests.test_rfm_read import AS_OF, TRICKY

    source = tmp_path / "orders.csv"
    source.write_text(TRICKY, encoding="utf-8")
    frame = load(source, "orders").frame
    path = lake(frame, tmp_path / "orders.parquet")
    for window in (365, None):
        local = segment(frame, as_of=AS_OF, window_days=window)
        remote = segment(on_spark(spark, path), as_of=AS_OF, window_days=window)
        same_document(local, remote)
        same_customers(local, remote)


def test_the_command_gives_the_same_json_on_parquet(spark, example, tmp_path):
    """`ecomplan rfm segment orders.parquet --engine spark --json` = the DuckDB run on the export itself."""
    _, path = example
    runner = CliRunner()
    local = runner.invoke(app, ["rfm", "segment", str(EXAMPLE_ORDERS), "--json", "--compare-as-of", "2026-10-31"])
    remote = runner.invoke(
        app, ["rfm", "segment", str(path), "--engine", "spark", "--json", "--compare-as-of", "2026-10-31"]
    )
    assert local.exit_code == 0 and remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    for command in (["rfm", "repurchase"], ["rfm", "value"]):
        local = runner.invoke(app, [*command, str(EXAMPLE_ORDERS), "--json"])
        remote = runner.invoke(app, [*command, str(path), "--engine", "spark", "--json"])
        assert remote.exit_code == 0, remote.output
        assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_a_csv_with_its_own_headers_through_a_mapping(spark, tmp_path):
    """Spark reads a plain CSV whose columns are named by a mapping file, status words included."""
    lines = (
        "单号,买家,付款时间,实付,状态\n"
        "A1,u1,2026-11-01 10:00:00,100.5,成交\n"
        "A2,u1,2026-11-10 10:00:00,20,成交\n"
        "A3,u2,2026-11-05 10:00:00,30,取消\n"
        "A4,u3,2026-10-05 10:00:00,45,已付款\n"
    )
    source = tmp_path / "orders.csv"
    source.write_text(lines, encoding="utf-8")
    mapping = tmp_path / "orders.toml"
    mapping.write_text(
        'kind = "orders"\n[columns]\norder_id = "单号"\ncustomer_id = "买家"\npaid_at = "付款时间"\n'
        'amount = "实付"\nstatus = "状态"\n[status]\n"成交" = "completed"\n"取消" = "cancelled"\n',
        encoding="utf-8",
    )
    local = segment(load(source, "orders", _options(mapping)).frame, as_of="2026-11-30")
    lines = on_spark(spark, source, mapping=mapping)
    remote = segment(lines, as_of="2026-11-30")
    same_document(local, remote)
    assert remote.to_dict()["customers"] == 2 and remote.exclusions.unsold_lines == {"cancelled": 1}
    assert lines.issues == []


def test_status_words_no_mapping_knows_are_reported_as_the_local_reader_does(spark, tmp_path):
    source = tmp_path / "orders.csv"
    source.write_text(
        "order_id,customer_id,paid_at,amount,status\n"
        "A1,u1,2026-11-01 10:00:00,10,completed\nA2,u1,2026-11-02 10:00:00,10,weird\n"
        "A3,u2,2026-11-03 10:00:00,10,weird\nA4,u2,2026-11-04 10:00:00,10,odd\n"
        "A5,u3,2026-11-05 10:00:00,10,unknown\n",
        encoding="utf-8",
    )
    lines = on_spark(spark, source)
    assert [(i.code, i.value, i.count) for i in lines.issues] == [
        ("unknown_status", "weird", 2),
        ("unknown_status", "odd", 1),
    ]
    assert segment(lines, as_of="2026-11-30").exclusions.unsold_lines == {"unknown": 4}


def _options(mapping: Path):
    from ecomplan.ingest.options import ReadOptions

    return ReadOptions(mapping=mapping)


def test_cells_that_do_not_cast_are_reported_masked_and_left_empty(spark, tmp_path):
    source = tmp_path / "orders.csv"
    source.write_text(
        "order_id,customer_id,paid_at,amount,phone\n"
        "A1,u1,2026-11-01 10:00:00,abc,13912345678\n"
        "A2,u1,yesterday,20,13912345678\n"
        "A3,u2,2026-11-05 10:00:00,1e308,13912345678\n"
        "A4,u2,2026-11-06 10:00:00,30,13912345678\n",
        encoding="utf-8",
    )
    lines = on_spark(spark, source, contacts=True)
    found = {issue.column: issue for issue in lines.issues}
    assert set(found) == {"amount", "paid_at"}
    assert found["amount"].count == 2 and "'abc'" in found["amount"].message and "1e308" in found["amount"].message
    assert found["paid_at"].count == 1 and "'yesterday'" in found["paid_at"].message
    result = segment(lines, as_of="2026-11-30")
    assert result.to_dict()["revenue"] == 30.0
    assert all("13912345678" not in str(issue) for issue in lines.issues)
    for command in ("segment", "repurchase", "value"):  # every command warns about them
        run = CliRunner().invoke(app, ["rfm", command, str(source), "--engine", "spark", "--json"])
        assert "2 cells are not a plain number" in run.stderr and "13912345678" not in run.output, run.output


def test_lines_without_order_id_stop_the_run_unless_allowed(spark, tmp_path):
    source = tmp_path / "orders.csv"
    source.write_text(
        "order_id,customer_id,paid_at,amount\nA1,u1,2026-11-01 10:00:00,10\n,u2,2026-11-02 10:00:00,99\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="1 of 2 lines have no order id"):
        on_spark(spark, source)
    lines = on_spark(spark, source, allow_skipped=True)
    assert lines.rows == 1 and [i.code for i in lines.issues] == ["missing_required"]


def test_a_source_without_the_needed_columns_names_them(spark, tmp_path):
    source = tmp_path / "orders.csv"
    source.write_text("id,who,when\n1,a,2026-11-01\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="no column for order_id, amount, paid_at"):
        on_spark(spark, source)


def test_what_spark_cannot_read_is_one_line(spark, tmp_path):
    result = CliRunner().invoke(app, ["rfm", "segment", str(tmp_path / "nowhere.parquet"), "--engine", "spark"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "Spark cannot read it" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--table", "db.orders"], "--table and --spark-remote go with --engine spark"),
        (["--engine", "spark", "--platform", "sycm"], "--platform read local exports"),
        (["--engine", "spark", "--table", "db.orders"], "not both"),
        (["--engine", "spark", "--spark-remote", "http://host:15002"], "expected sc://host:port"),
        (["--engine", "spark", "--spark-remote", "sc://host:port"], "expected sc://host:port"),
        # nothing listens on port 1: said at once (the Connect client would retry for ten minutes)
        (["--engine", "spark", "--spark-remote", "sc://127.0.0.1:1"], "nothing answers at 127.0.0.1:1"),
    ],
)
def test_flags_that_do_not_go_with_the_engine_are_usage_errors(args, message):
    """Checked before any session starts (no Spark needed)."""
    result = CliRunner().invoke(app, ["rfm", "segment", str(EXAMPLE_ORDERS), *args])
    assert result.exit_code == 2 and message in result.stderr


@pytest.fixture(scope="module")
def connect_server(spark, tmp_path_factory):
    """A Spark Connect server on this machine (pyspark ships it), on a free port; stopped afterwards."""
    import socket
    import subprocess
    import time

    import pyspark

    home = Path(pyspark.__file__).parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("connect")
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_PID_DIR": str(folder), "SPARK_LOG_DIR": str(folder)}
    env["SPARK_IDENT_STRING"] = f"ecomplan-test-{port}"
    start = [
        "bash",
        str(home / "sbin" / "start-connect-server.sh"),
        "--master",
        "local[2]",
        "--conf",
        f"spark.connect.grpc.binding.port={port}",
    ]
    subprocess.run(start, env=env, check=True, capture_output=True, timeout=120)
    try:
        deadline = time.monotonic() + 120
        while True:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in folder.glob("*.out"))
                pytest.fail(f"the Spark Connect server did not listen on {port}:\n{logs}")
            time.sleep(1)
        yield f"sc://localhost:{port}"
    finally:
        subprocess.run(["bash", str(home / "sbin" / "stop-connect-server.sh")], env=env, capture_output=True)


def test_spark_connect_gives_the_same_json(connect_server, example):
    """`--spark-remote sc://…`: the rules run in the server's session; the document is the DuckDB one. A
    process of its own: this one holds the local session, and PySpark keeps one kind per process."""
    import subprocess
    import sys

    _, path = example
    local = CliRunner().invoke(app, ["rfm", "segment", str(EXAMPLE_ORDERS), "--json"])
    command = ["rfm", "segment", str(path), "--engine", "spark", "--spark-remote", connect_server, "--json"]
    remote = subprocess.run(
        [sys.executable, "-m", "ecomplan", *command],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert remote.returncode == 0, remote.stderr
    assert remote.stderr == ""  # no Spark log line, no warning
    assert json.loads(remote.stdout) == json.loads(local.stdout)


@pytest.fixture(scope="module")
def shop(tmp_path_factory, example):
    """The example shop with its order export also as a Parquet lake table, and a config reading that."""
    folder = tmp_path_factory.mktemp("shop") / "shop"
    shutil.copytree(ROOT / "examples", folder)
    frame, _ = example
    lake(frame, folder / "orders.parquet")
    config = (folder / "ecomplan.toml").read_text(encoding="utf-8")
    assert 'files = ["orders/*.csv"]' in config
    spark_config = config.replace('files = ["orders/*.csv"]', 'files = ["orders.parquet"]\nengine = "spark"')
    (folder / "spark.toml").write_text(spark_config, encoding="utf-8")
    return folder


def test_the_weekly_report_reads_its_orders_through_spark_alike(spark, shop, tmp_path):
    """`[orders] engine = "spark"`: the orders paragraph, the customer tiers and the value line come out
    the same; every other section reads the same local exports."""
    runner = CliRunner()
    for config, out in (("ecomplan.toml", "duckdb"), ("spark.toml", "spark")):
        result = runner.invoke(
            app,
            [
                "report",
                "weekly",
                "--config",
                str(shop / config),
                "--week",
                "2026-W47",
                "--out-dir",
                str(tmp_path / out),
            ],
        )
        assert result.exit_code == 0, result.output
    local = (tmp_path / "duckdb" / "weekly-2026-W47.md").read_text(encoding="utf-8")
    remote = (tmp_path / "spark" / "weekly-2026-W47.md").read_text(encoding="utf-8")
    assert "重要价值客户" in local and "客户价值" in local
    assert remote == local


def test_the_weekly_engine_flag_overrides_the_config(shop, tmp_path):
    """`--engine duckdb` on a config whose [orders] is a Spark table cannot work: one line, exit 2 or 1."""
    config = (
        (shop / "spark.toml").read_text(encoding="utf-8").replace('files = ["orders.parquet"]', 'table = "dw.orders"')
    )
    (tmp_path / "table.toml").write_text(config.replace('"inventory/', f'"{shop}/inventory/'), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["report", "weekly", "--config", str(tmp_path / "table.toml"), "--engine", "duckdb", "--out-dir", "x"]
    )
    assert result.exit_code in (1, 2) and 'table and spark_remote need engine = "spark"' in result.stderr


def test_kpi_report_takes_its_orders_from_spark_alike(spark, shop):
    traffic = str(shop / "sycm" / "【生意参谋平台】交易概况_2025-10-01_2026-11-22.csv")
    common = ["--period", "2026-W47", "--as-of", "2026-11-25", "--json"]
    runner = CliRunner()
    local = runner.invoke(app, ["kpi", "report", traffic, str(EXAMPLE_ORDERS), *common])
    remote = runner.invoke(
        app, ["kpi", "report", traffic, "--engine", "spark", "--orders", str(shop / "orders.parquet"), *common]
    )
    assert remote.exit_code == 0, remote.output
    document = json.loads(remote.stdout)
    assert document["orders"]["buyers"] > 100
    assert document == json.loads(local.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--orders", "x.parquet"], "--orders, --table and --spark-remote go with --engine spark"),
        (["--engine", "spark"], "give the order lines Spark reads"),
    ],
)
def test_kpi_report_engine_flags_are_checked(args, message):
    result = CliRunner().invoke(app, ["kpi", "report", str(EXAMPLE_ORDERS), *args])
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize(
    ("orders", "message"),
    [
        ('files = ["o.csv"]\ntable = "db.orders"', 'need engine = "spark"'),
        ('engine = "spark"\nfiles = ["o.parquet"]\ntable = "db.orders"', "not both"),
        ('engine = "spark"\nplatform = "sycm"\ntable = "db.orders"', "use a mapping"),
        ("", "not both and not neither"),
    ],
)
def test_the_orders_table_of_the_config_is_checked(tmp_path, orders, message):
    from ecomplan.config import load_settings
    from ecomplan.core.errors import ConfigError

    (tmp_path / "shop.toml").write_text(f"[orders]\n{orders}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path / "shop.toml")


def test_a_table_of_the_session_catalog(spark, example):
    """`--table`: the lines come from a table Spark's catalog knows (here a view of the lake file)."""
    _, path = example
    spark.read.parquet(str(path)).createOrReplaceTempView("lake_orders")
    runner = CliRunner()
    local = runner.invoke(app, ["rfm", "segment", str(EXAMPLE_ORDERS), "--json"])
    remote = runner.invoke(app, ["rfm", "segment", "--engine", "spark", "--table", "lake_orders", "--json"])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)


@pytest.mark.parametrize("missing", ["pyspark", "sqlglot"])
def test_without_the_spark_extra_the_engine_says_how_to_get_it(monkeypatch, missing):
    """A user without `ecomplan[spark]` gets one line naming the extra (no Spark needed to check this)."""
    import sys

    for name in [m for m in sys.modules if m == missing or m.startswith(f"{missing}.")] + [missing]:
        monkeypatch.setitem(sys.modules, name, None)  # `import pyspark…` now raises ImportError
    result = CliRunner().invoke(app, ["rfm", "segment", "orders.parquet", "--engine", "spark"])
    assert result.exit_code == 2
    assert f"needs {missing}: pip install 'ecomplan[spark]'" in result.stderr and "Traceback" not in result.output


def _garbage(folder: Path) -> Path:
    path = folder / "garbage.parquet"
    path.write_bytes(bytes(range(256)) * 20)
    return path


def _empty(folder: Path) -> Path:
    path = folder / "empty.parquet"
    path.write_bytes(b"")
    return path


def _truncated_part(folder: Path) -> Path:
    """A lake folder whose second part file was cut short: found only when the rows are read."""
    frame = load(EXAMPLE_ORDERS, "orders").frame.head(500)
    lake_folder = folder / "orders"
    lake_folder.mkdir()
    whole = lake(frame, lake_folder / "part-0.parquet")
    (lake_folder / "part-1.parquet").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return lake_folder


@pytest.mark.parametrize("make", [_garbage, _empty, _truncated_part], ids=["garbage", "empty", "truncated_part"])
def test_a_broken_lake_file_is_one_line(spark, tmp_path, make):
    """Java errors (Py4JJavaError) as well as Spark's own: one `error:` line, exit 1, no stack trace."""
    source = make(tmp_path)
    result = CliRunner().invoke(app, ["rfm", "segment", str(source), "--engine", "spark", "--json"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "unexpected" not in lines[0]
    assert "\tat " not in result.stderr and "java.base" not in result.stderr
    assert "Spark" in lines[0]
