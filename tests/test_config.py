"""ecomplan.toml is validated once, with errors naming the file and the key path."""

from __future__ import annotations

import pytest

from ecomplan.config import parse_settings
from ecomplan.core.errors import ConfigError


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("{nope}", r"report\.title: unknown placeholder \{nope\}"),
        ("{0[9]}", r"unknown placeholder \{0\[9\]\}"),
        ("周报 {", "not a valid title"),
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
