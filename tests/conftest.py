"""Shared test fixtures.

Tests marked `realdata` read the real exports in `../shared/data` (beside the
repository); they skip with a reason where that folder is absent, as in a
user's clone. CI always has it. `--update-golden` rewrites golden files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check results, not speed (speed goals live in benchmarks/): no per-example deadline, so a
# loaded CI machine cannot fail a correct test.
hypothesis_settings.register_profile("ecomplan", deadline=None)
hypothesis_settings.load_profile("ecomplan")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = Path(os.environ.get("ECOMPLAN_SHARED", ROOT.parent / "shared"))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files instead of comparing")


def pytest_collection_modifyitems(config, items):
    if (SHARED / "data").is_dir():
        return
    skip = pytest.mark.skip(reason=f"real exports not available: {SHARED / 'data'} is absent (only in CI/dev)")
    for item in items:
        if "realdata" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def shared_data() -> Path:
    return SHARED / "data"


@pytest.fixture
def shared_dir() -> Path:
    return SHARED


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def examples() -> Path:
    return ROOT / "examples"


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def check_golden(name: str, text: str, update: bool) -> None:
    """Compare `text` with tests/golden/<name>, or rewrite it with --update-golden."""
    path = GOLDEN / name
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {path} did not exist; written now - review and commit it")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the golden file; rerun with --update-golden after review"
