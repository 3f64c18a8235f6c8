"""Every command has help text and is documented in the README; the README's two commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from ecomplan.cli.app import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands():
    root = typer.main.get_command(app)
    for name, command in root.commands.items():
        if hasattr(command, "commands"):
            for sub_name, sub in command.commands.items():
                yield f"{name} {sub_name}", sub
        else:
            yield name, command


@pytest.mark.parametrize(
    ("name", "command"), list(commands()), ids=lambda value: value if isinstance(value, str) else ""
)
def test_command_has_help_and_is_in_readme(name, command):
    assert (command.help or "").strip(), f"`ecomplan {name}` has no help text"
    assert f"ecomplan {name}" in README, f"`ecomplan {name}` is not documented in README.md"


def test_readme_quick_start_commands_are_make_targets():
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    for target in ("demo", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, re.M)
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_every_issue_code_is_documented_and_nothing_else():
    from ecomplan.core.errors import ISSUE_CODES

    documented = set(re.findall(r"^\| `([a-z_]+)` \| ", README, re.M))
    for code, meaning in ISSUE_CODES.items():
        assert f"| `{code}` | {meaning} |" in README, f"issue code {code} is not in README.md's table"
    table = README.split("| code | meaning |", 2)[2].split("\n\n", 1)[0]
    assert set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M)) == set(ISSUE_CODES)
    assert documented >= set(ISSUE_CODES)


def test_an_issue_needs_a_known_code():
    from ecomplan.core.errors import Issue

    assert Issue("f.csv", "summary row dropped", code="summary_row").to_dict()["code"] == "summary_row"
    with pytest.raises(ValueError, match="unknown issue code"):
        Issue("f.csv", "something", code="no_such_code")


def test_the_readme_python_api_example_runs_and_prints_what_it_says(monkeypatch, capsys):
    block = README.split("## Python API", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out.split("\n")
    promised = [line.split("# ", 1)[1].strip() for line in block.splitlines() if line.startswith("print(")]
    assert [p.strip() for p in printed if p.strip()] == promised
