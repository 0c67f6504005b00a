"""Reader-first pages: figures and sources at the end, the incident at a glance, the diagram
first (with a make-check rule), and the legibility rule of the learning gate (test-layout)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import build_root, located_warnings


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return build_root("test-layout", tmp_path_factory)


def page(app: SphinxTestApp, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / f"{name}.html").read_text(), "html.parser")


def needs(app: SphinxTestApp) -> dict:
    data = json.loads((Path(app.outdir) / "needs.json").read_text())
    return data["versions"][data["current_version"]]["needs"]


def test_figures_and_sources_close_the_page(layout: SphinxTestApp) -> None:
    html = page(layout, "incident")
    sections = html.select("section")
    last = [s for s in sections if s.find_parent("section") is sections[0]][-1]
    assert last["id"] == "figures-and-sources"
    assert last.h2.get_text().startswith("Figures and sources")
    # No card for a metric or a source in the reading path.
    assert not html.select(".atlas-card.atlas-metric, .atlas-card.atlas-source")
    row = last.select_one("table.atlas-figures tr#MET-L-DOWN")
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    assert cells[0].startswith("Minutes the service was down")
    assert "Locator: the post-mortem's timeline." in cells[0]
    assert cells[1:4] == ["42 minutes", "2026-03-01", "Level A historical"]
    assert row.find_all("td")[4].a["href"] == "#SRC-L-PM"
    source = last.select_one("ul.atlas-sources > li#SRC-L-PM")
    text = source.get_text(" ", strip=True)
    assert source.a["href"] == "https://example.org/postmortem"
    for fact in ("ExampleCorp", "published 2026-03-02", "postmortem", "read 2026-11-22"):
        assert fact in text
    assert "Read through a stored copy" in text


def test_references_in_the_prose_land_on_their_row(layout: SphinxTestApp) -> None:
    html = page(layout, "incident")
    lead = html.select("section > p")[0]
    metric, citation = lead.select("a.reference.internal")
    assert metric["href"] == "#MET-L-DOWN" and metric.get_text() == "42 minutes"
    assert "as of 2026-03-01" in metric["title"]
    assert citation["href"] == "#SRC-L-PM"
    for link in (metric, citation):
        assert html.find(id=link["href"][1:]) is not None
    # The registry is unchanged: the needs keep their ids and fields.
    registry = needs(layout)
    assert registry["MET-L-DOWN"]["value"] == "42"
    assert registry["MET-L-DOWN"]["sources"] == ["SRC-L-PM"]
    assert registry["SRC-L-PM"]["publisher"] == "ExampleCorp"
    assert registry["INC-L"]["trigger_kind"] == "deploy"


def test_the_section_is_in_the_page_toc(layout: SphinxTestApp) -> None:
    env = pickle.loads((Path(layout.doctreedir) / "environment.pickle").read_bytes())
    assert "Figures and sources" in env.tocs["incident"].astext()


def test_incident_at_a_glance_comes_before_the_diagram(layout: SphinxTestApp) -> None:
    html = page(layout, "incident")
    glance = html.select_one(".atlas-glance")
    diagram = html.select_one(".atlas-card.atlas-diagram")
    order = [tag for tag in html.find_all(True) if tag in (glance, diagram)]
    assert order == [glance, diagram]
    rows = {
        dt.get_text(strip=True).rstrip(":"): dd.get_text(" ", strip=True)
        for dt, dd in zip(glance.find_all("dt"), glance.find_all("dd"), strict=True)
    }
    assert rows["When"] == "2026-03-01 10:00 → 10:42 UTC (42m)"
    assert rows["Who was hit"] == "Every user of the service for 42 minutes"
    assert rows["What set it off"] == "deploy A deploy with a crashing build"
    button = glance.select_one("a.sd-btn")
    assert button["href"] == "playbook.html#PBK-L" and button.get_text() == "Roll back a bad deploy"
    # The full field list follows the diagram.
    card = html.select_one(".atlas-card.atlas-incident")
    assert [t for t in html.find_all(True) if t in (diagram, card)] == [diagram, card]


def test_a_diagram_off_the_first_screen_is_one_located_warning(layout: SphinxTestApp) -> None:
    found = sorted(w for w in located_warnings(layout) if w[3] == "layout")
    assert [(name, line, need_id) for name, line, need_id, _, _ in found] == [
        ("buried.md", 7, "DGM-L-BURIED"),
        ("longlead.md", 5, "DGM-L-LONGLEAD"),
    ]
    buried, longlead = (text for *_, text in found)
    assert "not on the first screen (before it: a paragraph of 64 characters)" in buried
    assert "(before it: a lead of 419 characters (at most 300))" in longlead
    for text in (buried, longlead):
        assert "Fix: put the diagram right after the page title and a lead" in text


def test_a_diagram_too_wide_to_read_fails_the_learning_gate(layout: SphinxTestApp) -> None:
    gate = [w for w in located_warnings(layout) if w[2] == "DGM-L-WIDE"]
    assert len(gate) == 1
    name, line, _, rule, text = gate[0]
    assert (name, line, rule) == ("wide.md", 5, "gate")
    assert "legible needs at least 11 px" in text
    assert "Fix: lay it out top-down ('flowchart TD'), shorten the labels, or split it" in text
    registry = needs(layout)
    assert registry["DGM-L-WIDE"]["gate_learning_checks"] == "fail"
    assert registry["DGM-L-CASCADE"]["gate_learning_checks"] == "pass"
    # Nothing else on these pages is wrong.
    assert {w[2] for w in located_warnings(layout)} == {
        "DGM-L-BURIED",
        "DGM-L-LONGLEAD",
        "DGM-L-WIDE",
    }


def test_a_diagram_is_never_shown_below_legible(layout: SphinxTestApp) -> None:
    """The page asks for a width at which the smallest label is at least 11 px."""
    html = page(layout, "wide")
    svg = html.select_one(".atlas-diagram-svg svg")
    width, font = float(svg["data-atlas-width"]), float(svg["data-atlas-font"])
    style = html.select_one(".atlas-diagram-svg")["style"]
    floor = int(style.split("--atlas-legible-width:")[1].strip().rstrip("px;"))
    assert width > 1044 and font == 16
    assert floor * font / width >= 11 > (floor - 1) * font / width


def test_each_diagram_offers_its_source_and_its_svg(layout: SphinxTestApp) -> None:
    html = page(layout, "incident")
    figure = html.select_one(".atlas-diagram-render")
    code = figure.select_one("code.atlas-mermaid-code").get_text()
    assert code == needs(layout)["DGM-L-CASCADE"]["content"]
    download = figure.select_one("a.atlas-diagram-download")
    assert download["download"] == "DGM-L-CASCADE.svg"
    assert (Path(layout.outdir) / download["href"]).read_text().startswith("<svg")
    assert figure.select_one("button.atlas-copy-source").get_text() == "Copy Mermaid source"
