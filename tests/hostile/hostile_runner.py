"""Run ecomplan commands on hostile files, one after another in one process.

Usage: python hostile_runner.py JOBS RESULTS

JOBS is a JSON list of {"key", "args", "env", "seconds"}. Importing pandas, scipy and DuckDB takes seconds; a
fresh process per run would spend most of the test's time on it, so the runs go through the Typer
app in this process (exit code and stderr as `python -m ecomplan` gives them). Each run has its own
alarm (a hang is recorded as such); RESULTS gets a "started" line before a run and its record after
it, flushed at once, so when the process dies (a crash inside a C library) the caller knows which
run killed it and starts a new process for the rest.
"""

from __future__ import annotations

import json
import signal
import sys
import time
import traceback

RUN_SECONDS = 60


def commands(file: str, stock: str, options: list[str]) -> dict[str, list[str]]:
    """Every command that takes one input file, with `file` in that place."""
    return {
        "inspect": ["inspect", file, *options],
        "kpi_report": ["kpi", "report", file, "--period", "2026-11", "--as-of", "2026-12-01", *options],
        "rfm_segment": ["rfm", "segment", file, *options],
        "rfm_repurchase": ["rfm", "repurchase", file, *options],
        "rfm_value": ["rfm", "value", file, *options],
        "promo_thresholds": ["promo", "thresholds", file, *options],
        "inventory_stock": ["inventory", "alerts", "--stock", file, *options],
        "inventory_sales": [
            "inventory",
            "alerts",
            "--stock",
            stock,
            "--sales",
            file,
            "--as-of",
            "2026-11-23",
            *options,
        ],
        "abtest_evaluate": ["abtest", "evaluate", file, *options],
    }


class _Hang(BaseException):  # not an Exception: handle_errors must not turn it into an error line
    pass


def _alarm(signum, frame):
    raise _Hang


def main() -> None:
    jobs_file, results = sys.argv[1:3]
    with open(jobs_file, encoding="utf-8") as handle:
        jobs = json.load(handle)
    from typer.testing import CliRunner

    from ecomplan.cli.app import app

    signal.signal(signal.SIGALRM, _alarm)
    runner = CliRunner()
    with open(results, "a", encoding="utf-8") as out:
        for job in jobs:
            out.write(json.dumps({"key": job["key"], "started": True}) + "\n")
            out.flush()
            began = time.monotonic()
            record: dict = {"key": job["key"], "args": job["args"]}
            signal.alarm(job.get("seconds", RUN_SECONDS))
            try:
                result = runner.invoke(app, job["args"], env=job["env"], catch_exceptions=True)
                signal.alarm(0)
                stderr = result.stderr
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    if isinstance(result.exception, _Hang):
                        record["hang"] = True
                    assert result.exc_info is not None
                    stderr += "Traceback (most recent call last):\n" + "".join(
                        traceback.format_exception(*result.exc_info)
                    )
                record.update(exit_code=result.exit_code, stderr=stderr)
            except _Hang:
                record.update(exit_code=None, stderr="", hang=True)
            finally:
                signal.alarm(0)
            record["seconds"] = round(time.monotonic() - began, 2)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
