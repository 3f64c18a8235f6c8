"""The [rfm] table of --config (ecomplan.config.RfmSettings): fixed thresholds, validated strictly."""

from __future__ import annotations

import pytest

from ecomplan.config import load_settings
from ecomplan.core.errors import ConfigError


def load_config(path):
    return load_settings(path).rfm


def write(tmp_path, text: str):
    path = tmp_path / "ecomplan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_fixed_thresholds(tmp_path):
    config = load_config(
        write(
            tmp_path,
            '[kpi]\ntop = 5\n\n[rfm]\nthreshold = "fixed"\nrecency_days = 30\nfrequency = 2\nmonetary = 500\n',
        )
    )
    assert config.fixed() == {"recency_days": 30, "frequency": 2, "monetary": 500}


def test_no_file_and_no_table_mean_defaults(tmp_path):
    assert load_config(None).threshold == "mean"
    config = load_config(write(tmp_path, "[inventory]\nservice_level = 0.95\n"))
    assert config.threshold == "mean" and config.fixed() is None


@pytest.mark.parametrize(
    "text, message",
    [
        ('[rfm]\nthreshold = "fixed"\nrecency_days = 30\n', r"rfm: threshold = \"fixed\" needs frequency, monetary"),
        ('[rfm]\nthreshold = "fixed"\nrecency_day = 30\nfrequency = 2\nmonetary = 5\n', r"rfm\.recency_day: Extra"),
        ('[rfm]\nthreshold = "mean"\nmonetary = 500\n', "only used with threshold"),
        ('[rfm]\nthreshold = "p90"\n', r"rfm\.threshold: Input should be 'mean', 'median' or 'fixed'"),
        (
            '[rfm]\nthreshold = "fixed"\nrecency_days = -1\nfrequency = 2\nmonetary = 5\n',
            r"rfm\.recency_days: .*greater",
        ),
        ('[rfm]\nthreshold = "fixed"\nrecency_days = "thirty"\nfrequency = 2\nmonetary = 5\n', r"rfm\.recency_days"),
        ("rfm = 3\n", "expected a \\[rfm\\] table"),
        ("[rfm\nthreshold = 1\n", "not valid TOML"),
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as error:
        load_config(path)
    assert str(error.value).startswith(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_scheme_and_variant(tmp_path):
    config = load_config(write(tmp_path, '[rfm]\nscheme = "rfm11"\nvariant = "B"\n'))
    assert (config.scheme, config.variant, config.threshold) == ("rfm11", "B", "mean")
    with pytest.raises(ConfigError, match=r"rfm\.scheme"):
        load_config(write(tmp_path, '[rfm]\nscheme = "rfm6"\n'))
