"""The wheel carries the templates and the text catalogue, so a non-editable install run from cron finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_templates_and_entry_point(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("ecomplan-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("ecomplan/templates/")}
    assert shipped >= {p.name for p in (ROOT / "templates").glob("*.j2")}
    assert "ecomplan/core/text.toml" in names  # the zh/en text catalogue, read by ecomplan.core.text
    assert "ecomplan/engines/log4j2.properties" in names  # keeps a local Spark session's log off the terminal
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "ecomplan = ecomplan.cli.app:main" in entry_points


def test_templates_found_from_any_directory(tmp_path):
    code = "from ecomplan.render.templates import templates_dir; print(templates_dir())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert Path(out.stdout.strip(), "report.md.j2").is_file()
