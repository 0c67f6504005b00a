"""The data model: every directive, link type and role, as readers and reviewers see it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import build_root


def html(app: SphinxTestApp, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / f"{name}.html").read_text(), "html.parser")


def registry(app: SphinxTestApp) -> dict:
    data = json.loads((Path(app.outdir) / "needs.json").read_text())
    return data["versions"][data["current_version"]]["needs"]


def warnings(app: SphinxTestApp) -> list[str]:
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line]


def card(page: BeautifulSoup, need_id: str):
    return page.find(id=need_id)


def footer_links(box) -> dict[str, list[str]]:
    """Footer rows of a card: label → the ids it links."""
    rows = {}
    for dt in box.select(".atlas-links dt"):
        dd = dt.find_next_sibling("dd")
        rows[dt.get_text(strip=True).rstrip(":")] = [c.get_text() for c in dd.select("code")]
    return rows


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return build_root("test-model", tmp_path_factory)


def test_valid_root_builds_without_a_warning(model: SphinxTestApp) -> None:
    assert warnings(model) == []


def test_registry_holds_every_entry_with_fields_and_links(model: SphinxTestApp) -> None:
    needs = registry(model)
    assert {n["type"] for n in needs.values()} == {
        "source",
        "system",
        "metric",
        "diagram",
        "incident",
        "playbook",
    }
    metric = needs["MET-EX-MESSAGES"]
    assert (metric["value"], metric["unit"], metric["as_of"], metric["validation"]) == (
        "1.5",
        "trillion messages",
        "2023-03-06",
        "A",
    )
    assert metric["sources"] == ["SRC-EX-BLOG"] and metric["system"] == ["SYS-EX"]
    assert needs["MET-EX-OUTAGE"]["historical"] is True
    assert needs["MET-EX-MESSAGES"]["historical"] is False
    diagram = needs["DGM-EX-STORAGE"]
    assert diagram["kind"] == "storage" and diagram["playbooks"] == ["PBK-EX-RESTORE"]
    assert "flowchart LR" in diagram["content"]
    incident = needs["INC-EX-OUTAGE"]
    assert incident["diagrams"] == ["DGM-EX-STORAGE"]
    assert incident["started"] == "2023-03-08T23:50Z"
    assert needs["PBK-EX-RESTORE"]["mitigates"] == ["INC-EX-OUTAGE"]
    # Backlinks: the blog lists everything that rests on it.
    assert sorted(needs["SRC-EX-BLOG"]["sources_back"]) == [
        "DGM-EX-STORAGE",
        "INC-EX-OUTAGE",
        "MET-EX-MESSAGES",
        "MET-EX-OUTAGE",
        "MET-EX-PEAK",
    ]
    assert needs["INC-EX-OUTAGE"]["mitigates_back"] == ["PBK-EX-RESTORE"]
    assert needs["MET-EX-PEAK"]["docname"] == "reference", "reStructuredText works too"


def test_source_is_listed_with_its_fields_at_the_end_of_its_page(model: SphinxTestApp) -> None:
    item = html(model, "sources").select_one("#figures-and-sources li#SRC-EX-BLOG")
    assert item.select_one("strong").get_text() == "Example engineering post"
    assert item.find("a", href="https://example.com/blog/storage")
    text = item.get_text(" ", strip=True)
    for fact in ("ExampleCorp", "published 2023-03-06", "blog", "read 2026-11-22"):
        assert fact in text
    # What rests on it is in the registry (and the source register), not in the reading path.
    rests_on = registry(model)["SRC-EX-BLOG"]["sources_back"]
    assert sorted(rests_on) == [
        "DGM-EX-STORAGE",
        "INC-EX-OUTAGE",
        "MET-EX-MESSAGES",
        "MET-EX-OUTAGE",
        "MET-EX-PEAK",
    ]


def test_field_text_is_escaped(model: SphinxTestApp) -> None:
    raw = (Path(model.outdir) / "sources.html").read_text()
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_metric_row_and_role(model: SphinxTestApp) -> None:
    page = html(model, "entries")
    row = page.select_one("#figures-and-sources table.atlas-figures tr#MET-EX-MESSAGES")
    assert row.select_one(".atlas-metric-value").get_text().startswith("1.5 ")
    assert row.select_one("abbr.atlas-badge").get_text() == "Level A"
    assert "published by the organisation" in row.select_one("abbr.atlas-badge")["title"]
    quoted = page.select_one("p a .atlas-metric-ref").parent
    assert quoted.get_text() == "1.5 trillion messages"
    assert quoted["href"] == "#MET-EX-MESSAGES"
    assert "as of 2023-03-06" in quoted["title"]
    assert "ExampleCorp: Example engineering post" in quoted["title"]
    citation = page.select_one(".atlas-citation").parent
    assert (citation.get_text(), citation["href"]) == (
        "ExampleCorp (2023)",
        "sources.html#SRC-EX-BLOG",
    )
    historical = page.select("tr#MET-EX-OUTAGE abbr.atlas-badge")
    assert [b.get_text() for b in historical] == ["Level B", "historical"]
    rst = html(model, "reference").select_one(".atlas-metric-ref")
    assert rst.get_text() == "12 million concurrent users"


def test_diagram_card_holds_the_mermaid_source(model: SphinxTestApp) -> None:
    box = card(html(model, "entries"), "DGM-EX-STORAGE")
    svg = box.select_one(".atlas-diagram-svg svg")
    labels = " ".join(svg.get_text(" ").split())  # Mermaid puts each word in its own <tspan>
    assert "p99 5 ms" in labels and "Message store" in labels
    assert svg.find("title").get_text() == "The API writes messages to the message store."
    assert box.select_one("figcaption .caption-text").get_text() == "Where messages live."
    links = footer_links(box)
    assert links["Sources"] == ["SRC-EX-BLOG"]
    assert links["System"] == ["SYS-EX"]
    assert links["Playbooks"] == ["PBK-EX-RESTORE"]
    assert links["Shown in"] == ["INC-EX-OUTAGE"]


def test_incident_card_and_timeline(model: SphinxTestApp) -> None:
    box = card(html(model, "entries"), "INC-EX-OUTAGE")
    fields = {
        dt.get_text(strip=True).rstrip(":"): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in box.select(".atlas-fields dt")
    }
    assert fields["Started (UTC)"] == "2023-03-08T23:50Z"
    assert fields["Duration"] == "43m"
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in box.select("table.atlas-timeline tbody tr")
    ]
    assert rows == [
        ["23:50", "+0m", "trigger", "Hot partition saturates a node"],
        ["23:58", "+8m", "detection", "Pager fires, see 1.5 trillion messages"],
        ["2023-03-09 00:10", "+20m", "mitigation", "Channel throttled"],
        ["2023-03-09 00:33", "+43m", "resolution", "Latency back to normal"],
    ]
    links = footer_links(box)
    assert links["Playbooks"] == ["PBK-EX-RESTORE"]
    assert links["Mitigated by"] == ["PBK-EX-RESTORE"]
    assert links["Diagrams"] == ["DGM-EX-STORAGE"]


def test_system_card_lists_what_describes_it(model: SphinxTestApp) -> None:
    box = card(html(model, "sources"), "SYS-EX")
    assert sorted(footer_links(box)["Described by"]) == [
        "DGM-EX-STORAGE",
        "INC-EX-OUTAGE",
        "MET-EX-MESSAGES",
        "MET-EX-PEAK",
    ]


def test_playbook_card(model: SphinxTestApp) -> None:
    box = card(html(model, "entries"), "PBK-EX-RESTORE")
    badges = [b.get_text() for b in box.select(".atlas-card-header .atlas-badge")]
    assert badges == ["Level C", "RTO 30m"]
    steps = box.select(":scope ol:not(.atlas-response ol) > li")
    assert steps[0].get_text() == "Drain the node with nodetool drain."
    assert box.select_one(".atlas-signals li code").get_text() == "nodetool status"
    assert box.select_one(".atlas-first-checks p.rubric").get_text() == "First checks"
    assert footer_links(box)["Mitigates"] == ["INC-EX-OUTAGE"]
