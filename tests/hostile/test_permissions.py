"""What the system refuses: an unreadable source, folder or config, an output folder without write
permission. Each is one `error:` line naming the file or folder, a non-zero exit, no traceback.

Root reads and writes everything, so as root each command runs without the capabilities that let it
(`setpriv`, util-linux); as another user the file modes alone bite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples"
ORDERS = (
    "order_id,customer_id,paid_at,amount,status\n"
    "O1,C1,2026-11-01 10:00:00,10.00,已完成\nO2,C2,2026-11-02 11:00:00,20.00,已完成\n"
)
OVERRIDES = "-dac_override,-dac_read_search,-fowner"


def _prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): file modes cannot be made to bite")
    return [setpriv, "--bounding-set", OVERRIDES, "--inh-caps", OVERRIDES]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_prefix(), sys.executable, "-m", "ecomplan", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


def _one_error_line(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert result.returncode in (1, 2), (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for text in expected:
        assert text in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def place(tmp_path: Path):
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "closed.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "closed.csv").chmod(0)
    (tmp_path / "readonly").mkdir()
    (tmp_path / "readonly").chmod(0o555)
    yield tmp_path
    for path in tmp_path.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize(
    "args",
    [
        ["rfm", "segment", "closed.csv"],
        ["kpi", "report", "closed.csv"],
        ["inventory", "alerts", "--stock", "closed.csv"],
        ["inspect", "closed.csv"],
    ],
)
def test_an_unreadable_source_is_one_line(place, args):
    result = _run(args, place)
    assert result.returncode in (1, 2), result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    assert "closed.csv" in result.stderr
    assert "not readable" in result.stderr or "cannot be read (Permission denied)" in result.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["rfm", "segment", "orders.csv", "-o", "readonly/segments.json"], "readonly: cannot write segments.json"),
        (["rfm", "segment", "orders.csv", "-o", "readonly/segments.md"], "readonly/segments-charts: cannot create"),
        (["rfm", "segment", "orders.csv", "--customers-out", "readonly/c.csv"], "readonly: cannot write c.csv"),
        (["rfm", "segment", "orders.csv", "-o", "readonly/new/segments.json"], "readonly/new: cannot create"),
    ],
)
def test_an_output_folder_without_write_permission_is_one_line_naming_it(place, args, named):
    _one_error_line(_run(args, place), named, "Permission denied")
    assert sorted(p.name for p in (place / "readonly").iterdir()) == []


def test_the_weekly_into_a_read_only_folder_is_one_line_and_writes_nothing(place):
    result = _run(
        [
            "report",
            "weekly",
            "--config",
            str(EXAMPLES / "ecomplan.toml"),
            "--week",
            "2026-W47",
            "--out-dir",
            "readonly",
        ],
        place,
    )
    _one_error_line(result, "readonly", "Permission denied")
    assert list((place / "readonly").iterdir()) == []


def test_a_folder_a_config_glob_cannot_list_is_named(place):
    shop = place / "shop"
    shutil.copytree(EXAMPLES, shop)
    (shop / "orders").chmod(0)
    result = _run(
        ["report", "weekly", "--config", "shop/ecomplan.toml", "--week", "2026-W47", "--out-dir", "out"], place
    )
    _one_error_line(result, "orders/*.csv", "cannot list", "Permission denied")
    assert not (place / "out").exists() or list((place / "out").iterdir()) == []


def test_an_unreadable_config_is_one_line(place):
    (place / "ecomplan.toml").write_text("[report]\n", encoding="utf-8")
    (place / "ecomplan.toml").chmod(0)
    result = _run(["report", "weekly", "--config", "ecomplan.toml", "--out-dir", "out"], place)
    assert result.returncode == 2 and "ecomplan.toml" in result.stderr and "not readable" in result.stderr
    assert "Traceback" not in result.stderr
