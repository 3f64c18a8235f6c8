"""Report text in Chinese and English. Every label a report prints comes from `text.toml` next to this
module: one table per key with its `zh` and `en` text, read on first use (not at import, so
`ecomplan --help` doesn't pay for it)."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import cast

LANGS = ("zh", "en")
CATALOGUE = Path(__file__).with_name("text.toml")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key -> {"zh": text, "en": text}, in the file's order."""
    import tomllib

    with CATALOGUE.open("rb") as file:
        return cast(dict[str, dict[str, str]], tomllib.load(file))


def has(key: str) -> bool:
    """Whether `key` has a text (for keys built from data that may fall outside the vocabulary)."""
    return key in catalogue()


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`, formatted with `values`; unknown keys fail loudly."""
    text = catalogue()[key][lang]
    return text.format(**values) if values else text


def enumerate_names(names: Iterable[object], lang: str) -> str:
    """A list as the language writes one: 天猫/淘宝、京东 / Tmall/Taobao, JD."""
    return ("、" if lang == "zh" else ", ").join(str(name) for name in names)


def platform_name(code: str, lang: str) -> str:
    """How a platform code reads in a report (JSON keeps the code); `platform.{code}` in the catalogue."""
    names = catalogue().get(f"platform.{code}")
    return names["zh" if lang == "zh" else "en"] if names else str(code)


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a str.format text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def problems(entries: Mapping[str, object]) -> list[str]:
    """What is wrong with a catalogue: a key without a non-empty `zh` and `en` text, a field other
    than those two, or placeholders that differ between the languages. Empty when all is well."""
    found: list[str] = []
    for key, entry in entries.items():
        if not isinstance(entry, dict):
            found.append(f"{key}: not a table")
            continue
        missing = [lang for lang in LANGS if not (isinstance(entry.get(lang), str) and entry[lang])]
        if missing:
            found.append(f"{key}: no {' or '.join(missing)} text")
        extra = sorted(str(field) for field in entry if field not in LANGS)
        if extra:
            found.append(f"{key}: unexpected {', '.join(extra)}")
        if missing:
            continue
        try:
            fields = [placeholders(entry[lang]) for lang in LANGS]
        except ValueError as error:
            found.append(f"{key}: not a format string ({error})")
            continue
        if fields[0] != fields[1]:
            found.append(f"{key}: placeholders differ, zh {sorted(fields[0])} vs en {sorted(fields[1])}")
    return found
