"""The layering of src/ecomplan: no import circles, flags only in cli/, no file I/O in analysis packages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """module -> the ecomplan modules it imports (at any level, lazy imports included)."""
    files = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from pkg import submodule` depends on the submodule, `from pkg import name` on pkg
                names = [
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in files else node.module
                    for alias in node.names
                ]
            for name in names:
                while name and name not in files:
                    name = name.rpartition(".")[0]
                if name.startswith("ecomplan") and name != module and name != "ecomplan":
                    targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_only_the_cli_names_flags_in_errors():
    """Library errors name arguments (`{as_of}`), which the CLI shows as flags (`--as-of`)."""
    offenders = []
    for path in (SRC / "ecomplan").rglob("*.py"):
        if "cli" in path.relative_to(SRC / "ecomplan").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                flagged = [s for s in _strings(node.exc) if re.search(r"(^|[\s(])--[a-z]", s)]
                offenders += [f"{path.name}:{node.lineno}: {s!r}" for s in flagged]
    assert offenders == []


def test_an_argument_error_reads_as_the_argument_in_python_and_as_the_flag_on_the_command_line():
    from ecomplan.cli.common import flag
    from ecomplan.core.errors import ArgumentError

    error = ArgumentError("window_days", "'3m': expected days, not {as_of}", others=("as_of",))
    assert str(error) == "window_days '3m': expected days, not as_of"
    assert error.render(flag) == "--window '3m': expected days, not --as-of"


ANALYSIS = ("ecomplan.core", "ecomplan.ingest", "ecomplan.kpi", "ecomplan.rfm", "ecomplan.inventory", "ecomplan.abtest")


def test_analysis_and_reading_never_import_the_cli_the_jobs_or_the_renderers():
    """Analysis returns values; only render/ writes reports and only cli/ knows flags."""
    graph = import_graph()
    wrong = {
        module: sorted(t for t in targets if t.startswith(("ecomplan.cli", "ecomplan.render", "ecomplan.jobs")))
        for module, targets in graph.items()
        if module.startswith(ANALYSIS)
    }
    assert {module: targets for module, targets in wrong.items() if targets} == {}


def test_core_imports_nothing_above_it():
    graph = import_graph()
    above = {
        m: sorted(t for t in ts if not t.startswith("ecomplan.core"))
        for m, ts in graph.items()
        if m.startswith("ecomplan.core")
    }
    assert {m: ts for m, ts in above.items() if ts} == {}


def test_the_public_api_resolves_to_functions_and_classes():
    import ecomplan

    for name in ecomplan.__all__:
        assert getattr(ecomplan, name) is not None, name
    from ecomplan import load

    assert callable(load) and load.__module__ == "ecomplan.ingest.load"


def test_the_platform_option_names_every_platform():
    """`--platform` help is plain text (the CLI imports no adapters to stay fast): it must not fall behind."""
    from ecomplan.cli.common import PlatformOpt
    from ecomplan.ingest.sources import PLATFORMS

    help_text = PlatformOpt.__metadata__[0].help
    assert [p for p in PLATFORMS if p not in help_text] == []
