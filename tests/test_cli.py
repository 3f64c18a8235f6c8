"""The command line: conventions every command shares, and `ecomplan inspect`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ecomplan import __version__
from ecomplan.cli.app import app

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"ecomplan {__version__}"


def test_help_lists_the_command_groups():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for group in ("inspect", "kpi", "rfm", "inventory", "abtest", "report"):
        assert group in result.stdout


def test_cli_import_does_not_load_pandas_or_scipy():
    """`ecomplan --help` must stay fast: heavy libraries load inside commands."""
    code = (
        "import sys, ecomplan.cli.app; "
        "print(sorted(m for m in ('pandas', 'scipy', 'numpy', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


ORDERS_GBK = "sycm/订单导出_gbk.csv"
ALLOCATOR_RUNS = {
    # the command, and the library called on its own
    "cli": "from ecomplan.cli.app import main\nsys.argv = ['ecomplan', 'rfm', 'segment', {path!r}, '--json']\nmain()",
    "library": "from ecomplan.ingest.load import load\nload({path!r}, 'orders')",
}


@pytest.mark.parametrize("caller", sorted(ALLOCATOR_RUNS))
@pytest.mark.parametrize(("preset", "expected"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_reading_uses_the_system_allocator_unless_told_otherwise(fixtures, caller, preset, expected):
    """The first read picks Arrow's system allocator (mimalloc handed large buffers back to the OS at once:
    benchmarks/bench_read.py, bench_load.py); a user's own ARROW_DEFAULT_MEMORY_POOL is kept."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sys.modules['pyarrow'].default_memory_pool().backend_name))\n"
        + ALLOCATOR_RUNS[caller].format(path=str(fixtures / ORDERS_GBK))
    )
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if preset:
        env["ARROW_DEFAULT_MEMORY_POOL"] = preset
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == expected


def test_python_dash_m_entry_point():
    out = subprocess.run([sys.executable, "-m", "ecomplan", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("ecomplan ")


def test_inspect_json_contract(fixtures):
    result = runner.invoke(app, ["inspect", str(fixtures / "sycm/交易概况_gbk_preamble.csv"), "--json"])
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.stdout)
    for key in ("path", "platform", "report", "kind", "encoding", "header_row", "rows", "columns", "issues"):
        assert key in table
    assert (table["platform"], table["report"], table["kind"]) == ("sycm", "shop_overview", "traffic")
    assert (table["encoding"], table["header_row"], table["rows"]) == ("gb18030", 5, 3)
    assert table["columns"]["访客数"] == "visitors" and table["columns"]["支付转化率"] is None
    assert table["date_start"] == "2026-11-16" and table["date_end"] == "2026-11-18"
    assert table["issues"][0]["row"] == 9


def test_inspect_multi_table_file_gives_one_entry_per_table(fixtures):
    result = runner.invoke(app, ["inspect", str(fixtures / "ga4/Reports_snapshot.csv"), "--json"])
    tables = json.loads(result.stdout)
    assert [(t["report"], t["kind"]) for t in tables] == [
        ("daily", "traffic"),
        ("daily", "traffic"),
        ("channels", "traffic"),
        ("events", None),
    ]


def test_inspect_terminal_and_markdown(fixtures, tmp_path):
    path = str(fixtures / "sycm/无线店铺流量来源-2026-11-16_2026-11-22.csv")
    result = runner.invoke(app, ["inspect", path, "--lang", "en"])
    assert result.exit_code == 0 and "sycm/traffic_sources" in result.stdout and "subtotal rows" in result.stdout
    out = tmp_path / "inspect.md"
    result = runner.invoke(app, ["inspect", path, "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "# 文件检查" in text and "| 一级来源 | source_l1 |" in text and "| 访客数环比 | — |" in text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("binary_garbage.csv", "binary file"),
        ("report.pdf.xlsx", "is a PDF document"),
        ("truncated.xlsx", "damaged or truncated"),
        ("no_known_columns.csv", "not recognised"),
        ("date_column_text.csv", "none of its 2 values is a date"),
        ("latin1.csv", "pass --encoding"),
    ],
)
def test_bad_input_exit_1_with_one_clear_message(fixtures, name, message):
    result = runner.invoke(app, ["inspect", str(fixtures / "bad" / name)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_unreadable_file_beside_good_ones_still_reports_the_good_ones(fixtures):
    result = runner.invoke(app, ["inspect", str(fixtures / "bad/empty.csv"), str(fixtures / "jd/库存.xlsx"), "--json"])
    assert result.exit_code == 1
    entries = json.loads(result.stdout)
    assert entries[0]["error"].endswith("the file is empty (0 bytes)") and entries[1]["platform"] == "jd"


def test_password_option(fixtures):
    path = str(fixtures / "jd/商品明细_password_tea2026.xlsx")
    assert "pass --password" in runner.invoke(app, ["inspect", path]).stderr
    result = runner.invoke(app, ["inspect", path, "--password", "tea2026", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["encrypted"] is True


def test_usage_errors_exit_2(fixtures, tmp_path):
    assert runner.invoke(app, ["inspect"]).exit_code == 2
    assert runner.invoke(app, ["inspect", "--nope", "x"]).exit_code == 2
    result = runner.invoke(app, ["inspect", str(fixtures / "jd/库存.xlsx"), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "unsupported output type .pdf" in result.stderr


def test_mapping_option(fixtures):
    result = runner.invoke(
        app,
        [
            "inspect",
            str(fixtures / "generic/orders_mapped.csv"),
            "--mapping",
            str(fixtures / "generic/orders_mapping.toml"),
            "--json",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["columns"]["实收"] == "amount"


def test_debug_shows_the_traceback(fixtures):
    result = runner.invoke(app, ["--debug", "inspect", str(fixtures / "bad/no_known_columns.csv")])
    assert result.exit_code == 1  # an unrecognised file is a finding, not an exception
    result = runner.invoke(app, ["--debug", "inspect", str(fixtures / "bad/date_column_text.csv")])
    assert result.exit_code == 1


def test_data_through_is_the_last_day_of_data_not_the_run_date():
    """#14 point 3: a report run on 2 Dec about W47 says its data ends on 22 Nov and, apart, the report date."""
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    files = [str(p) for p in sorted((examples / "sycm").glob("*交易概况*.csv"))] + [
        str(p) for p in sorted((examples / "jd").glob("*.xlsx"))
    ]
    args = ["kpi", "report", *files, "--period", "2026-W47", "--as-of", "2026-12-02"]
    document = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert (document["as_of"], document["data_through"]) == ("2026-12-02", "2026-11-22")
    terminal = runner.invoke(app, [*args, "--lang", "en"], env={"COLUMNS": "120"}).stdout
    assert "Data through: 2026-11-22" in terminal and "Report date: 2026-12-02" in terminal


def _commands(command, path=()):
    yield path, command
    if hasattr(command, "commands"):  # a group (Typer carries its own click)
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


def test_no_help_text_loses_a_bracketed_word_to_rich_markup():
    """Rich reads `[spark]` in a help text as a style tag and drops it ('pip install ecomplan'): a bracketed
    word must be written `\\[spark]`."""
    import re

    import typer

    unescaped = re.compile(r"(?<!\\)\[[A-Za-z_.]+\]")
    found = [
        (" ".join(path), param.name, param.help)
        for path, command in _commands(typer.main.get_command(app))
        for param in command.params
        if getattr(param, "help", None) and unescaped.search(param.help)
    ]
    assert found == []
