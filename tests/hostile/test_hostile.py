"""Hostile inputs (issue #12, part 7): every command that takes a file answers every file of the
corpus (`hostile_corpus.py`) with exit 0, 1 or 2 and an `error: ...` line: no `unexpected` error
(a bug in cli/common.handle_errors' terms), no traceback, no hang, no changed input.

The corpus is generated into a temporary folder; each case runs in its own process
(`hostile_runner.py`, the seven commands one after another, 60 s each), the processes in parallel.
Outputs that are inputs are refused before anything is read, and a write error on stdout is one line.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hostile_corpus import build, cases
from hostile_runner import RUN_SECONDS, commands

HERE = Path(__file__).resolve().parent
STOCK = HERE.parent / "fixtures" / "inventory" / "stock_erp.csv"
ORDERS = HERE.parent / "fixtures" / "rfm" / "generic_orders.csv"
COMMANDS = list(commands("FILE", "STOCK", []))

# Known failures, each with its reason: (case, command) -> reason. Empty: every case passes.
XFAIL: dict[tuple[str, str], str] = {}


def _snapshot(path: Path) -> tuple | None:
    """What must not change: the entry itself (lstat), and for a regular file its bytes and mtime."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not path.is_symlink() and path.is_file():
        return status.st_mtime_ns, status.st_size, hashlib.sha256(path.read_bytes()).hexdigest()
    return status.st_mode, status.st_mtime_ns


def _environment(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOMPLAN_")}
    env.update(extra, ECOMPLAN_LANG="en", PYTHONUNBUFFERED="1")
    return env


def _run_jobs(jobs: list[dict], folder: Path) -> dict[str, dict]:
    """Run `jobs` in runner processes; a process that dies (or is killed after its timeout) is
    replaced by a new one for the jobs it did not reach. Returns each job's record by key."""
    records: dict[str, dict] = {}
    remaining = jobs
    for attempt in range(len(jobs) + 1):
        if not remaining:
            break
        tasks, results = folder / f"jobs-{attempt}.json", folder / f"results-{attempt}.jsonl"
        tasks.write_text(json.dumps(remaining), encoding="utf-8")
        try:
            process = subprocess.run(
                [sys.executable, str(HERE / "hostile_runner.py"), str(tasks), str(results)],
                cwd=folder,
                env=_environment({}),
                timeout=sum(job["seconds"] for job in remaining) + 60,
                capture_output=True,
                text=True,
                check=False,
            )
            death = f"the runner process ended with {process.returncode}: {process.stderr[-2000:]}"
        except subprocess.TimeoutExpired:
            death = "the runner process was killed after its timeout"
        started = set()
        if results.exists():
            for line in results.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if record.get("started"):
                    started.add(record["key"])
                else:
                    records[record["key"]] = record
        for key in started - set(records):
            records[key] = {"key": key, "exit_code": None, "crash": True, "stderr": death}
        remaining = [job for job in remaining if job["key"] not in records]
        if remaining and not started:
            break  # the runner cannot start at all: report the rest as not run
    return records


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("hostile")
    stock = root / "stock_erp.csv"
    shutil.copyfile(STOCK, stock)
    made = build(root / "cases")
    before = {case.name: (_snapshot(path), _snapshot(stock)) for case, path in made}
    groups: list[list[dict]] = [[], []]
    for number, (case, path) in enumerate(made):
        for command, args in commands(str(path), str(stock), list(case.options)).items():
            job = {"key": f"{case.name}/{command}", "args": args, "env": case.env, "seconds": case.seconds}
            groups[number % 2].append(job)
    folders = [root / "run-0", root / "run-1"]
    for folder in folders:
        folder.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        records = {k: v for part in pool.map(_run_jobs, groups, folders) for k, v in part.items()}
    return {
        case.name: {
            "runs": {c: records.get(f"{case.name}/{c}") for c in COMMANDS},
            "before": before[case.name],
            "after": (_snapshot(path), _snapshot(stock)),
        }
        for case, path in made
    }


def _params():
    for case in cases():
        for command in COMMANDS:
            reason = XFAIL.get((case.name, command))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(case.name, command, id=f"{case.name}-{command}", marks=marks)


def test_the_corpus_is_large_enough():
    assert len(cases()) >= 60
    assert len({c.name for c in cases()}) == len(cases())


@pytest.mark.parametrize(("case", "command"), list(_params()))
def test_a_command_answers_a_hostile_file_with_an_error_line(corpus, case, command):
    run = corpus[case]["runs"].get(command)
    assert run is not None, "the command did not run (the runner process failed before it)"
    assert not run.get("hang"), f"no answer in time: {run.get('stderr')}"
    assert not run.get("crash"), run["stderr"]
    stderr = run["stderr"]
    assert run["exit_code"] in {0, 1, 2}, stderr
    assert "unexpected" not in stderr, stderr
    assert "Traceback" not in stderr, stderr
    if run["exit_code"] == 1:
        errors = [line for line in stderr.splitlines() if line.startswith("error:")]
        assert errors, stderr
    if run["exit_code"] == 2:
        assert "error" in stderr.lower(), stderr


@pytest.mark.parametrize("case", [c.name for c in cases()])
def test_a_hostile_file_is_left_as_it_was(corpus, case):
    before, after = corpus[case]["before"], corpus[case]["after"]
    assert before == after


def test_the_caps_say_which_cap_was_hit_and_how_to_raise_it(corpus):
    expected = {
        "html_colspan_huge": "ECOMPLAN_MAX_SPAN",
        "html_colspan_endless_digits": "ECOMPLAN_MAX_SPAN",
        "html_rowspan_huge": "ECOMPLAN_MAX_SPAN",
        "html_cells_over_cap": "ECOMPLAN_MAX_CELLS",
        "html_wide_header_short_rows": "ECOMPLAN_MAX_CELLS",
        "html_rows_over_cap": "ECOMPLAN_MAX_ROWS",
        "zip_bomb_over_cap": "ECOMPLAN_MAX_DECOMPRESSED_MB",
        "gz_bomb_over_cap": "ECOMPLAN_MAX_DECOMPRESSED_MB",
        "xlsx_far_corner_cell": "ECOMPLAN_MAX_CELLS",
    }
    for case, variable in expected.items():
        run = corpus[case]["runs"]["inspect"]
        assert run["exit_code"] == 1, (case, run["stderr"])
        assert "the cap" in run["stderr"] and f"the environment variable {variable}" in run["stderr"], (case, run)


def test_the_readers_take_what_the_user_says(corpus):
    """UTF-16 without a byte order mark reads with --encoding utf-16; a truncated .gz says so."""
    for case in ("utf16_no_bom_forced", "utf16be_no_bom_forced"):
        assert corpus[case]["runs"]["inspect"]["exit_code"] == 0, corpus[case]["runs"]["inspect"]["stderr"]
    assert "truncated" in corpus["truncated_gz"]["runs"]["inspect"]["stderr"]
    assert corpus["gz_bomb_within_cap"]["runs"]["inspect"]["exit_code"] == 0


# ---- outputs that are inputs: refused before anything is read ----


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ecomplan", *args],
        cwd=cwd,
        env=_environment({}),
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        check=False,
    )


def _weekly_config(folder: Path) -> list[str]:
    (folder / "ecomplan.toml").write_text(
        'output_dir = "."\n[[sources]]\nfiles = ["weekly-2026-W47.md"]\n', encoding="utf-8"
    )
    return ["report", "weekly", "--config", "ecomplan.toml", "--week", "2026-W47"]


# (input file name, command line, the output it names); the input holds garbage, so a command that read
# it first would exit 1 instead of 2.
OVERWRITES = [
    ("orders.csv", ["rfm", "segment", "orders.csv", "--customers-out", "orders.csv"], "orders.csv"),
    ("orders.csv", ["rfm", "repurchase", "orders.csv", "-o", "orders.csv"], "orders.csv"),
    ("products.xlsx", ["kpi", "report", "t.csv", "products.xlsx", "-o", "products.xlsx"], "products.xlsx"),
    ("s.xlsx", ["inventory", "alerts", "--stock", "s.xlsx", "-o", "s.xlsx"], "s.xlsx"),
    ("s.csv", ["inventory", "alerts", "--stock", "x.csv", "--sales", "s.csv", "-o", "s.csv"], "s.csv"),
    ("r.csv", ["abtest", "evaluate", "r.csv", "-o", "r.csv"], "r.csv"),
    ("f.json", ["inspect", "f.json", "-o", "f.json"], "f.json"),
    ("orders.csv", ["rfm", "segment", "orders.csv", "-o", "link.md"], "link.md"),
    ("orders.csv", ["rfm", "segment", "orders.csv", "--customers-out", "hard.csv"], "hard.csv"),
    ("weekly-2026-W47.md", None, "weekly-2026-W47.md"),
]


@pytest.mark.parametrize(
    ("source", "args", "output"), OVERWRITES, ids=[" ".join(a or ["weekly"])[:40] for _, a, _ in OVERWRITES]
)
def test_an_output_that_is_an_input_is_refused_before_reading(tmp_path, source, args, output):
    garbage = b"\x00\x01not an export\x02" * 10
    path = tmp_path / source
    path.write_bytes(garbage)
    (tmp_path / "t.csv").write_text("date,visitors\n2026-11-20,1\n", encoding="utf-8")
    (tmp_path / "x.csv").write_bytes(garbage)
    (tmp_path / "link.md").symlink_to(source)
    os.link(path, tmp_path / "hard.csv")
    before = _snapshot(path)
    result = _cli(args or _weekly_config(tmp_path), tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert output in lines[0] and f"input file {source}" in lines[0].replace(str(tmp_path) + "/", "")
    assert _snapshot(path) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_write_error_on_stdout_is_one_line(tmp_path):
    shutil.copyfile(ORDERS, tmp_path / "orders.csv")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "ecomplan", "inspect", "orders.csv", "--json"],
            cwd=tmp_path,
            env=_environment({}),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=RUN_SECONDS,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["error: cannot write the result: No space left on device"]


# ---- option values at the edges of the calendar and of the caps: usage errors (exit 2) ----

EDGES = [
    ["kpi", "report", "ORDERS", "--period", "0000-01"],
    ["kpi", "report", "ORDERS", "--period", "0001-01-01..9999-12-31"],
    ["kpi", "report", "ORDERS", "--period", "9999-Q4"],
    ["kpi", "report", "ORDERS", "--as-of", "0001-01-01"],
    ["rfm", "segment", "ORDERS", "--as-of", "9999-12-31"],
    ["rfm", "segment", "ORDERS", "--window", "99999999999d"],
    ["inventory", "alerts", "--stock", "STOCK", "--window", "99999999999d"],
]


@pytest.mark.parametrize("args", EDGES, ids=[" ".join(a[:2] + a[-2:]) for a in EDGES])
def test_an_option_value_at_the_edge_of_the_calendar_is_a_usage_error(tmp_path, args):
    from typer.testing import CliRunner

    from ecomplan.cli.app import app

    paths = {"ORDERS": str(ORDERS), "STOCK": str(STOCK)}
    result = CliRunner().invoke(app, [paths.get(a, a) for a in args], env={"ECOMPLAN_CONFIG": None})
    assert result.exit_code == 2, result.stderr
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1e9", "١٢"])
def test_a_cap_that_is_not_a_positive_whole_number_is_a_usage_error(value):
    from typer.testing import CliRunner

    from ecomplan.cli.app import app

    result = CliRunner().invoke(app, ["inspect", str(ORDERS)], env={"ECOMPLAN_MAX_CELLS": value})
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ECOMPLAN_MAX_CELLS=")


@pytest.mark.parametrize("command", ["kpi_report", "rfm_segment", "rfm_repurchase", "inventory_sales"])
@pytest.mark.parametrize("case", ["unclosed_quote_swallows_rows", "unclosed_quote", "ragged_rows"])
def test_no_row_is_lost_silently(corpus, case, command):
    """Rows in = rows used + rows reported: rows a quote swallowed or a ragged row are an error naming
    them (exit 1), never a report with exit 0 that is missing them."""
    run = corpus[case]["runs"][command]
    assert run["exit_code"] == 1, run["stderr"]
    errors = [line for line in run["stderr"].splitlines() if line.startswith("error:")]
    assert errors and ("left out" in errors[0] or "no " in errors[0]), run["stderr"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ('"/**/*.csv"', "folders; start it from a narrower folder"),  # every disk: bounded, not minutes
        ('"loop/**/*.csv"', "no file matches"),  # a folder link loop: not followed
    ],
)
def test_a_config_glob_that_would_walk_forever_is_one_line(tmp_path, files, message):
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "again").symlink_to(tmp_path / "loop", target_is_directory=True)
    (tmp_path / "ecomplan.toml").write_text(f"[[sources]]\nfiles = [{files}]\n", encoding="utf-8")
    started = time.monotonic()
    result = _cli(["report", "weekly", "--config", "ecomplan.toml", "--week", "2026-W47"], tmp_path)
    assert time.monotonic() - started < 60
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert "unexpected" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
