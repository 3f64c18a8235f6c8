"""Jinja2 environment over the shipped templates (or a user's --templates DIR)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def templates_dir() -> Path:
    """`ecomplan/templates` inside an installed wheel; the repo's top-level
    `templates/` in a source checkout or editable install."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[3] / "templates"
    if source.is_dir():
        return source
    raise FileNotFoundError(f"ecomplan templates not found in {packaged} or {source}; reinstall ecomplan")


@lru_cache(maxsize=4)
def environment(extra_dir: str | None = None):
    import jinja2

    from ecomplan.core import formatting

    loaders = [jinja2.FileSystemLoader(extra_dir)] if extra_dir else []
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(formatting.FILTERS)
    return env


def render(name: str, extra_dir: str | None = None, **context) -> str:
    return environment(extra_dir).get_template(name).render(**context)
