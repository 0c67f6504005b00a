"""The rest of the catalogue (issue #19): debugging guides, patterns, anti-patterns and
migrations as entry types, the graph their links make, the "What are you seeing?" index
and the catalogue's views."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import test_authoring_kit as kit
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import ROOTS, build_app, build_root, located_warnings


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return build_root("test-catalogue", tmp_path_factory)


def html(app: SphinxTestApp, page: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / page).read_text(), "html.parser")


def needs_of(app: SphinxTestApp) -> dict:
    data = json.loads((Path(app.outdir) / "needs.json").read_text())
    return data["versions"][data["current_version"]]["needs"]


def tables(app: SphinxTestApp, page: str) -> dict[str, list[list[str]]]:
    found = {}
    for table in html(app, page).select("table.atlas-view"):
        title = table.find_previous("p", class_="rubric").get_text()
        rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
                for tr in table.select("tr")]  # fmt: skip
        found[title] = rows
    return found


EXPECTED = [
    ("antipatterns.md", 14, "ANT-C-BAD", "field", "required field ':lure:' is missing"),
    ("antipatterns.md", 14, "ANT-C-BAD", "link", "':fixed_by:' must link a pattern"),
    ("migrations.md", 32, "MIG-C-BACK", "field", "':completed:' 2021-01-01 is before"),
    ("guides.md", 37, "GDE-C-VAGUE", "field", "required field ':area:' is missing"),
    ("guides.md", 37, "GDE-C-VAGUE", "field", "the guide has no {signals} block"),
    ("guides.md", 37, "GDE-C-VAGUE", "gate", "3 AM test: links no playbook"),
    ("patterns.md", 39, "PAT-C-WRONG", "link", "':implemented_by:' must link a system"),
    ("guides.md", 45, "GDE-C-VAGUE", "field", "check 1 names no command or query"),
]


def test_each_broken_rule_is_one_located_warning(cat: SphinxTestApp) -> None:
    found = located_warnings(cat)
    assert len(found) == len(EXPECTED), "\n".join(map(str, found))
    for file, line, need_id, rule, fragment in EXPECTED:
        assert any(w[:4] == (file, line, need_id, rule) and fragment in w[4] for w in found), (
            file, line, fragment, found,
        )  # fmt: skip


def test_the_links_make_one_graph_shown_both_ways(cat: SphinxTestApp) -> None:
    needs = needs_of(cat)
    assert needs["GDE-C-OOM"]["type"] == "guide" and needs["GDE-C-OOM"]["area"] == (
        "runtime-infrastructure"
    )
    # incident → the anti-pattern it shows → the pattern that prevents it → its systems
    assert needs["INC-C"]["examples_back"] == ["ANT-C-BAD", "ANT-C-RETRY"]
    assert needs["INC-C"]["seen_in_back"] == ["GDE-C-OOM"]
    assert needs["PAT-C-BREAKER"]["fixed_by_back"] == ["ANT-C-RETRY"]
    assert set(needs["SYS-C"]["implemented_by_back"]) == {"PAT-C-BREAKER", "PAT-C-BULKHEAD"}
    assert needs["PBK-C"]["playbooks_back"] == ["DGM-C-OOM-TREE", "GDE-C-OOM", "INC-C"]
    # Each card lists both directions.
    incident = html(cat, "world.html").find(id="INC-C")
    links = {
        dt.get_text(strip=True).rstrip(":"): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in incident.select(".atlas-links dt")
    }
    assert "ANT-C-RETRY" in links["Shows the anti-pattern"]
    assert "GDE-C-OOM" in links["Diagnosed with"]
    guide = html(cat, "guides.html").find(id="GDE-C-OOM")
    text = guide.get_text(" ", strip=True)
    assert "Seen in" in text and "INC-C" in text and "PBK-C" in text
    assert guide.select_one(".atlas-signals code").get_text() == "OOMKilled"


def test_levels_know_whose_publication_a_pattern_rests_on(cat: SphinxTestApp) -> None:
    """A pattern is about the organisations implementing it; an anti-pattern about those
    of the incidents where it did harm: a source of theirs supports level A."""
    needs = needs_of(cat)
    assert needs["PAT-C-BREAKER"]["gate_reality"] == "pass"
    assert needs["ANT-C-RETRY"]["gate_reality"] == "pass"


def test_what_are_you_seeing_finds_guides_and_playbooks_by_signal(cat: SphinxTestApp) -> None:
    index = tables(cat, "symptoms.html")["What are you seeing?"]
    assert index[0] == ["Area", "What you see", "Signals", "Open", "Kind", "Then follow"]
    rows = {row[3].split()[0]: row for row in index[1:]}
    assert rows["GDE-C-OOM"][0] == "Runtime and infrastructure"
    assert "OOMKilled as the container's last state" in rows["GDE-C-OOM"][2]
    assert rows["GDE-C-OOM"][5] == "PBK-C"
    assert rows["PBK-C"][4] == "playbook"
    assert "Back-off restarting failed container" in rows["PBK-C"][2]
    table = html(cat, "symptoms.html").select_one("table.atlas-view")
    assert {"atlas-faceted", "atlas-facet-0", "atlas-facet-4"} <= set(table["class"])
    csv_rows = list(csv.DictReader(io.StringIO((Path(cat.outdir) / "symptoms.csv").read_text())))
    assert {r["Kind"] for r in csv_rows} == {"debugging guide", "playbook"}


def test_sphinx_search_finds_an_exact_signal(cat: SphinxTestApp) -> None:
    """Sphinx's search indexes the text of code markup: the stemmed word of a signal
    leads to the guide's page (and to the index that lists it)."""
    from sphinx.search.en import SearchEnglish

    raw = (Path(cat.outdir) / "searchindex.js").read_text()
    index = json.loads(re.sub(r"^Search\.setIndex\(|\)$", "", raw.strip()))
    docnames = index["docnames"]
    stem = SearchEnglish({}).stem("OOMKilled".lower())
    hits = index["terms"][stem]
    pages = {docnames[i] for i in (hits if isinstance(hits, list) else [hits])}
    assert {"guides", "symptoms"} <= pages


def test_catalogue_views(cat: SphinxTestApp) -> None:
    found = tables(cat, "review.html")
    patterns = {r[0].split()[0]: r for r in found[
        "Pattern catalogue: patterns × the systems that implement them"][1:]}  # fmt: skip
    assert patterns["PAT-C-BREAKER"][2] == "SYS-C" and patterns["PAT-C-BREAKER"][3] == "ANT-C-RETRY"
    assert patterns["PAT-C-BREAKER"][4] == "PAT-C-BULKHEAD"
    matrix = {r[0].split()[0]: r for r in found["Anti-pattern ↔ incident matrix"][1:]}
    assert matrix["ANT-C-RETRY"][1:] == ["INC-C", "PAT-C-BREAKER"]
    assert "Every incident is linked to an anti-pattern." in html(cat, "review.html").get_text()
    years = found["Migrations by year"]
    assert years[1][0] == "2019" and years[1][1].startswith("MIG-C-MOVE")
    progress = {r[0]: r for r in found["Progress against the roadmap"][1:]}
    assert progress["debugging guides"][1:3] == ["2", "100"]
    assert progress["patterns"][1:3] == ["3", "80"]
    assert progress["debugging diagrams"][1] == "1" and progress["pattern diagrams"][1] == "1"
    assert progress["migration diagrams"][1] == "1"
    trace = {r[0]: r for r in found[
        "Catalogue traceability: guides, patterns, anti-patterns and migrations"][1:]}  # fmt: skip
    assert trace["GDE-C-OOM"][2:] == ["Debugging guide", "C", "SRC-C-DOCS", "pass", "pending"]
    assert trace["GDE-C-VAGUE"][6] == "fail" and trace["MIG-C-MOVE"][5] == "pass"
    coverage = found["Coverage: the catalogue's entries for each system"]
    assert coverage[1] == ["SYS-C", "PAT-C-BREAKER , PAT-C-BULKHEAD", "MIG-C-MOVE"]
    stale = found["Guides and patterns whose newest source is older than the limit"]
    assert [row[0] for row in stale[1:]] == ["PAT-C-BULKHEAD"]
    entries = dict((r[0], r[1]) for r in found["Entries"][1:])
    assert entries["Anti-pattern"] == "2" and entries["Migration"] == "2"


def test_views_follow_an_edit_in_an_incremental_build(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-catalogue", srcdir)
    build_app(srcdir)
    page = srcdir / "antipatterns.md"
    page.write_text(
        page.read_text().replace(":fixed_by: PAT-C-BREAKER", ":fixed_by: PAT-C-BULKHEAD")
    )
    app = build_app(srcdir)
    found = tables(app, "review.html")
    matrix = {r[0].split()[0]: r for r in found["Anti-pattern ↔ incident matrix"][1:]}
    assert matrix["ANT-C-RETRY"][2] == "PAT-C-BULKHEAD"
    patterns = {r[0].split()[0]: r for r in found[
        "Pattern catalogue: patterns × the systems that implement them"][1:]}  # fmt: skip
    assert patterns["PAT-C-BREAKER"][3] == "—" and patterns["PAT-C-BULKHEAD"][3] == "ANT-C-RETRY"


CATALOGUE_SCAFFOLDS = [
    ["guide", "GDE-ACME-OOM", "--title", "A pod keeps being killed"],
    ["pattern", "PAT-ACME-BREAKER", "--title", "Circuit breaker"],
    ["antipattern", "ANT-ACME-RETRY", "--title", "Unbounded retries"],
    ["migration", "MIG-ACME-SHARDS", "--title", "One database to shards", "--system", "SYS-EX"],
]
CATALOGUE_VALUES = {
    "area": "data",
    "began": "2019-01-01",
    "completed": "2021-06-30",
    "organization": "ExampleCorp",
    "publisher": "ExampleCorp",
    "playbooks": "PBK-EX-RESTORE",
    "seen_in": "INC-EX-OUTAGE",
    "examples": "INC-EX-OUTAGE",
    "fixed_by": "PAT-ACME-BREAKER",
    "implemented_by": "SYS-EX",
}


def test_atlas_new_catalogue_pages_pass_make_check_once_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", root)
    for args in CATALOGUE_SCAFFOLDS:
        result = kit.atlas_new(root, *args)
        assert result.returncode == 0, result.stderr
    unfilled = build_app(root)
    assert "placeholder left" in unfilled.warning.getvalue()
    for name, value in CATALOGUE_VALUES.items():
        monkeypatch.setitem(kit.FIELD_VALUES, name, value)
    kit.fill(root)
    for folder in ("guides", "patterns", "antipatterns"):
        for page in (root / folder).glob("*.md"):
            page.write_text(page.read_text().replace(":validation: A", ":validation: C"))
    app = build_app(root)
    assert app.warning.getvalue() == ""
    needs = needs_of(app)
    assert needs["GDE-ACME-OOM"]["gate_3am_checks"] == "pass"
    assert needs["PAT-ACME-BREAKER"]["implemented_by"] == ["SYS-EX"]
    assert needs["ANT-ACME-RETRY"]["fixed_by"] == ["PAT-ACME-BREAKER"]
    assert needs["MIG-ACME-SHARDS"]["diagrams"] == ["DGM-ACME-SHARDS-MIGRATION"]
    index = (root / "guides" / "index.md").read_text()
    assert "acme-oom" in index
