"""ecomplan.toml is validated once, with errors naming the file and the key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecomplan.config import parse_settings
from ecomplan.core.errors import ConfigError


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("{nope}", r"report\.title: unknown placeholder \{nope\}"),
        ("{0[9]}", r"unknown placeholder \{0\[9\]\}"),
        ("周报 {", "not a valid title"),
        ("{shop:>{x}}", r"not a valid title \('x'\)"),  # a field inside the format spec
        ("{shop:d}", "Unknown format code 'd'"),
    ],
)
def test_a_title_with_unknown_placeholders_is_a_config_error(title, message):
    with pytest.raises(ConfigError, match=message):
        parse_settings({"report": {"title": title}}, ".", "shop.toml")


def test_a_title_with_shop_and_week_is_fine():
    settings = parse_settings({"report": {"title": "{shop} 周报 {week}"}}, ".", "shop.toml")
    assert settings.report.title is not None
    assert settings.report.title.format(shop="山野茶舍", week="2026-W47") == "山野茶舍 周报 2026-W47"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"rfm": {"scheme": "rfm6"}}, "rfm.scheme"),
        ({"inventory": {"service_level": "high"}}, "inventory.service_level"),
        ({"experiments": [{"name": "x"}]}, "experiments.0.file"),
        ({"campaigns": [{"name": "618", "start": "2026-06-18"}]}, "campaigns.0.end"),
        ({"kpi": {"top": 0}}, "kpi.top"),
    ],
)
def test_every_table_is_validated_with_its_key_path(data, path):
    with pytest.raises(ConfigError, match=rf"^shop\.toml: {path.replace('.', chr(92) + '.')}: "):
        parse_settings(data, ".", "shop.toml")


def test_config_globs_are_bounded_and_follow_no_folder_links(tmp_path, monkeypatch):
    """A `**` pattern from the file-system root walked every disk for minutes (#17); a link loop among
    the folders hung glob. Bounded: folders walked, depth, matches, each named in the error."""
    import glob

    from ecomplan import config as cfg
    from ecomplan.core.errors import ConfigError

    for folder in ("a/b/c", "a/d", ".hidden"):
        (tmp_path / folder).mkdir(parents=True)
    for name in ("a/x.csv", "a/b/y.csv", "a/b/c/z.csv", "a/d/w.xlsx", ".hidden/h.csv", "a/.lock.csv", "top.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    for pattern in ("**/*.csv", "a/*.csv", "a/*/*.csv", "*.csv", "a/**/*.xlsx", "a/b/**/*.csv"):
        expected = sorted(
            Path(p) for p in glob.glob(str(tmp_path / pattern), recursive=True) if "loop" not in p and Path(p).is_file()
        )
        assert cfg.expand_glob(tmp_path / pattern) == expected, pattern
    monkeypatch.setattr(cfg, "GLOB_MAX_FOLDERS", 3)
    with pytest.raises(ConfigError, match="walks more than 3 folders"):
        cfg.expand_glob(tmp_path / "**" / "*.csv")
    monkeypatch.setattr(cfg, "GLOB_MAX_FOLDERS", 1000)
    monkeypatch.setattr(cfg, "GLOB_MAX_MATCHES", 2)
    with pytest.raises(ConfigError, match="matches more than 2 files"):
        cfg.expand_glob(tmp_path / "**" / "*.csv")
