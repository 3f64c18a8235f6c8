"""The zh/en text catalogue `src/ecomplan/core/text.toml`: complete, consistent, and the keys the code uses exist."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ecomplan.core import text
from ecomplan.core.text import catalogue, placeholders, platform_name, problems, t

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "src" / "ecomplan").rglob("*.py")), *sorted((ROOT / "templates").glob("*.j2"))]
# t("key", ...) / has("key"), also split over lines, and their f-string forms t(f"kpi.col.{key}", ...)
CALL = re.compile(r"""\b(?:t|has)\(\s*(f?)"([^"\n]*)\"""")


def used_keys() -> list[tuple[str, str, bool]]:
    """(file, key, is an f-string) for every literal key passed to t() or has() in src/ecomplan and templates/."""
    found = []
    for path in SOURCES:
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(ROOT)), match.group(2), match.group(1) == "f"))
    return found


def f_string_pattern(key: str) -> re.Pattern[str]:
    """`rfm.{scheme}.{key}.action` -> a pattern where each replacement field stands for a non-empty part."""
    parts = re.split(r"\{[^{}]*\}", key)
    return re.compile(".+".join(re.escape(part) for part in parts))


def test_the_catalogue_file_is_valid_toml_and_loads():
    with text.CATALOGUE.open("rb") as file:
        raw = tomllib.load(file)
    assert raw == catalogue() and len(raw) > 500
    assert catalogue() is catalogue()  # read once


def test_every_key_has_non_empty_zh_and_en_with_the_same_placeholders():
    assert problems(catalogue()) == []
    for key, entry in catalogue().items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"] and entry["en"], key
        assert placeholders(entry["zh"]) == placeholders(entry["en"]), key


def test_the_scan_finds_the_keys_the_code_uses():
    keys = {key for _, key, _ in used_keys()}
    assert {"inspect.title", "kpi.title", "weekly.title", "inventory.title", "abtest.title"} <= keys
    assert "rfm.{scheme}.{key}" in keys and "report.sheet.summary" in keys
    assert f_string_pattern("rfm.{scheme}.{key}.action").fullmatch("rfm.cn8.111.action")
    assert not f_string_pattern("rfm.{scheme}.{key}.action").fullmatch("rfm.cn8.111")


def test_every_key_used_in_the_code_exists():
    keys = catalogue()
    missing = [(file, key) for file, key, formatted in used_keys() if not formatted and key not in keys]
    assert missing == []
    unmatched = [
        (file, key)
        for file, key, formatted in used_keys()
        if formatted and not any(f_string_pattern(key).fullmatch(k) for k in keys)
    ]
    assert unmatched == []


def test_segment_names_and_actions_come_from_the_catalogue():
    from ecomplan.rfm.scoring import CN8, RFM11, segments

    assert [s.key for s in segments("cn8")] == list(CN8)
    assert [s.key for s in segments("rfm11")] == list(RFM11)
    for scheme in ("cn8", "rfm11"):
        for seg in segments(scheme):
            assert seg.name_zh == t(f"rfm.{scheme}.{seg.key}", "zh")
            assert seg.action_en == t(f"rfm.{scheme}.{seg.key}.action", "en")
    assert segments("cn8")[0].name == "重要价值客户"
    assert {s.name for s in segments("rfm11")} == {s.name_en for s in segments("rfm11")} == set(RFM11)


def test_t_formats_and_platform_names_fall_back_to_the_code():
    assert t("kpi.title", "en", shop="", label="2026-W47") == "KPI report 2026-W47"
    assert t("inventory.basis.units", "zh") == "销量"
    with pytest.raises(KeyError):
        t("no.such.key", "zh")
    assert (platform_name("jd", "zh"), platform_name("jd", "en")) == ("京东", "JD")
    assert platform_name("amazon", "zh") == "amazon"


@pytest.mark.parametrize(
    "entries, expected",
    [
        ({"a": {"zh": "甲", "en": "A"}}, []),
        ({"a": {"zh": "甲"}}, ["a: no en text"]),
        ({"a": {"en": "A"}}, ["a: no zh text"]),
        ({"a": {"zh": "", "en": "A"}}, ["a: no zh text"]),
        ({"a": {"zh": "甲", "en": "A", "fr": "A"}}, ["a: unexpected fr"]),
        ({"a": {"zh": "{n} 个", "en": "{count} items"}}, ["a: placeholders differ, zh ['n'] vs en ['count']"]),
        ({"a": {"zh": "{n:.0%} 个", "en": "{n} items"}}, []),
        ({"a": {"zh": "{n", "en": "{n}"}}, ["a: not a format string"]),
        ({"a": "甲"}, ["a: not a table"]),
    ],
)
def test_the_checker_finds_a_bad_catalogue(entries, expected):
    found = problems(entries)
    assert len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected, strict=True))


def test_a_key_in_one_language_only_fails_the_check(tmp_path):
    bad = tmp_path / "text.toml"
    bad.write_text('["ok"]\nzh = "好"\nen = "OK"\n\n["half"]\nzh = "一半"\n', encoding="utf-8")
    with bad.open("rb") as file:
        assert problems(tomllib.load(file)) == ["half: no en text"]


def test_importing_the_cli_does_not_read_the_catalogue():
    code = "import ecomplan.cli.app; from ecomplan.core import text; print(text.catalogue.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
