"""Reviewer views: each table built from the needs, its rows and cells, its CSV, and never stale."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import ROOTS, build_root
from conftest import build_app as build


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return build_root("test-gates", tmp_path_factory)


def tables(outdir: Path, page: str = "review") -> dict[str, list[list[str]]]:
    """Each view table on the page: its title → rows of cell texts (header first)."""
    html = BeautifulSoup((outdir / f"{page}.html").read_text(), "html.parser")
    found = {}
    for rubric in html.select("p.rubric"):
        table = rubric.find_next_sibling()
        while table is not None and table.name == "input":  # the filter box
            table = table.find_next_sibling()
        if table is None or table.name != "table":
            found[rubric.get_text()] = []
            continue
        found[rubric.get_text()] = [
            [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.find_all("tr")
        ]
    return found


def rows_by_id(table: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row for row in table[1:]}


def test_traceability_matrix(review: SphinxTestApp) -> None:
    matrix = tables(Path(review.outdir))["Diagram traceability matrix"]
    assert matrix[0] == [
        "Diagram", "Title", "System", "Kind", "Level", "Sources",
        "Reality", "Visual", "Learning", "3 AM", "Stale",
    ]  # fmt: skip
    rows = rows_by_id(matrix)
    assert len(rows) == 14
    assert rows["DGM-G-ARCH"][2:] == [
        "SYS-G", "architecture", "A", "SRC-G-OK", "pass", "pass", "pass", "pass", "—",
    ]  # fmt: skip
    assert rows["DGM-G-NOSLO"][6:10] == ["pass", "fail", "pending", "pending"]
    assert rows["DGM-G-STALE"][-1] == "stale"
    html = BeautifulSoup((Path(review.outdir) / "review.html").read_text(), "html.parser")
    table = html.select_one("table.atlas-sortable")
    link = table.find("a", href="passing.html#DGM-G-ARCH")
    assert link is not None, "each id links to its entry"


def test_coverage_matrix_shows_gaps(review: SphinxTestApp) -> None:
    coverage = tables(Path(review.outdir))["Coverage: the eight mandatory diagrams of each system"]
    assert coverage[0][1:] == [
        "architecture", "request-flow", "storage", "failure-domains",
        "scale-evolution", "cost", "novel-solutions", "operations",
    ]  # fmt: skip
    (row,) = coverage[1:]
    assert row[0] == "SYS-G"
    assert "DGM-G-ARCH , pass" in row[1] and "DGM-G-NOPLANES , fail" in row[1]
    assert row[2] == "DGM-G-NOSLO , fail"
    assert row[3] == "DGM-G-LOOSE , fail"
    assert "DGM-G-DOMAINS , pending" in row[4]
    assert row[5:] == ["gap"] * 4


def test_source_register_lists_what_rests_on_each_source(review: SphinxTestApp) -> None:
    found = tables(Path(review.outdir))
    register = rows_by_id(found["Source register"])
    assert register["SRC-G-OLD"][1:6] == [
        "An old post", "blog", "GateCo", "2020-01-01", "2026-11-22",
    ]  # fmt: skip
    assert register["SRC-G-OLD"][6] == "DGM-G-STALE"
    assert register["SRC-G-UNUSED"][6] == "nothing"
    assert rows_by_id(found["Sources nothing cites"]).keys() == {"SRC-G-UNUSED"}


def test_incident_playbook_matrix(review: SphinxTestApp) -> None:
    found = tables(Path(review.outdir))
    matrix = rows_by_id(found["Incident ↔ playbook matrix"])
    assert matrix["INC-G"][5:] == ["PBK-G", "pending"]
    assert matrix["INC-G-ORPHAN"][5:] == ["none", "fail"]
    assert rows_by_id(found["Incidents without a playbook"]).keys() == {"INC-G-ORPHAN"}


def test_staleness_report_oldest_first(review: SphinxTestApp) -> None:
    found = tables(Path(review.outdir))
    title = "Current-state figures older than 18 months (judged on 2026-11-22)"
    assert [row[:5] for row in found[title][1:]] == [
        ["MET-G-STALE", "Stale figure", "5 regions", "2024-01-01", "34"],
    ]
    pictures = found["Diagrams of the present whose newest source is older than the limit"]
    assert [row[0] for row in pictures[1:]] == ["DGM-G-STALE"]


def test_dashboard_counts(review: SphinxTestApp) -> None:
    found = tables(Path(review.outdir))
    entries = dict((row[0], row[1]) for row in found["Entries"][1:])
    assert entries == {
        "Source": "4", "System": "1", "Metric": "4", "Diagram": "14",
        "Incident": "2", "Playbook": "2", "Debugging guide": "0", "Pattern": "0",
        "Anti-pattern": "0", "Migration": "0",
    }  # fmt: skip
    gates = rows_by_id(found["Gate outcomes"])
    assert gates["Visual consistency"] == [
        "Visual consistency", "8", "6", "0", "57 %", "8", "6", "0",
    ]  # fmt: skip
    # Learning: one failed by its reviewer, the pending ones all pass their checks.
    learning = gates["Learning efficiency"]
    assert learning[7] == learning[3], "every pending learning verdict waits for a reviewer"
    progress = rows_by_id(found["Progress against the roadmap"])
    assert progress["incidents"] == ["incidents", "2", "100", "2 %"]


def test_matrices_are_downloadable_as_csv(review: SphinxTestApp) -> None:
    outdir = Path(review.outdir)
    rows = list(csv.reader(io.StringIO((outdir / "diagrams.csv").read_text())))
    assert rows[0][0] == "Diagram" and len(rows) == 15
    arch = next(r for r in rows if r[0] == "DGM-G-ARCH")
    assert arch[5] == "SRC-G-OK" and arch[6:10] == ["pass"] * 4
    for name in ("coverage.csv", "sources.csv", "incidents.csv", "stale.csv"):
        assert (outdir / name).read_text().count("\n") >= 2
    html = BeautifulSoup((outdir / "review.html").read_text(), "html.parser")
    assert html.find("a", href="diagrams.csv").get_text() == "Download as CSV (diagrams.csv)"


def needtable_cell(outdir: Path) -> str:
    """The gate_3am cell of the sphinx-needs needtable on review.md."""
    html = BeautifulSoup((outdir / "review.html").read_text(), "html.parser")
    row = html.select_one("table.NEEDS_TABLE tbody tr")
    return row.find_all("td")[1].get_text(strip=True)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


def test_views_and_backlinks_are_never_stale(tmp_path: Path) -> None:
    """Edit needs on one page between two incremental builds: every view shows the new state."""
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-gates", srcdir)
    outdir = srcdir / "_build" / "html"
    build(srcdir)
    assert rows_by_id(tables(outdir)["Diagram traceability matrix"])["DGM-G-ARCH"][9] == "pass"
    assert needtable_cell(outdir) == "pass"

    passing = srcdir / "passing.md"
    # 1. Only a gate outcome changes on passing.md: the 3 AM verdict is withdrawn.
    replace(
        passing,
        ":review_3am: pass\n:reviewer: Ada Reviewer\n:reviewed: 2026-11-20\nflowchart LR",
        ":reviewer: Ada Reviewer\n:review_learning: pass\n:reviewed: 2026-11-20\nflowchart LR",
    )
    build(srcdir)
    found = tables(outdir)
    assert rows_by_id(found["Diagram traceability matrix"])["DGM-G-ARCH"][9] == "pending"
    assert rows_by_id(found["Gate outcomes"])["3 AM test"][1:4] == ["1", "3", "14"]
    assert needtable_cell(outdir) == "pending", "sphinx-needs' own tables are refreshed too"

    # 2. A link moves to a source defined on another page.
    replace(
        passing,
        ":id: DGM-G-ARCH\n:kind: architecture\n:validation: A\n:sources: SRC-G-OK",
        ":id: DGM-G-ARCH\n:kind: architecture\n:validation: A\n:sources: SRC-G-OK, SRC-G-UNUSED",
    )
    second = build(srcdir)
    found = tables(outdir)
    arch = rows_by_id(found["Diagram traceability matrix"])["DGM-G-ARCH"]
    assert arch[5] == "SRC-G-OK , SRC-G-UNUSED"
    register = rows_by_id(found["Source register"])
    assert register["SRC-G-UNUSED"][6] == "DGM-G-ARCH"
    assert "Sources nothing cites" in found and found["Sources nothing cites"] == []
    # The source itself is listed at the end of its page (review.md), where links land.
    page = BeautifulSoup((outdir / "review.html").read_text(), "html.parser")
    assert page.select_one("#figures-and-sources li#SRC-G-UNUSED")
    assert second.warning.getvalue().count("WARNING") > 0  # the failing page still warns


def one_view_per_page(srcdir: Path) -> None:
    """Give each view (and a sphinx-needs chart) a page of its own."""
    views = ("traceability", "coverage", "sources", "incidents", "staleness", "dashboard")
    for name in (*views, "incident-explorer"):
        (srcdir / f"only-{name}.md").write_text(
            f"---\norphan: true\n---\n# {name}\n\n```{{atlas-view}} {name}\n```\n"
        )
    (srcdir / "only-levels.md").write_text(
        "---\norphan: true\n---\n# Levels\n\n```{needpie} Levels\n:labels: A, B, C\n\n"
        'validation == "A"\nvalidation == "B"\nvalidation == "C"\n```\n'
    )
    (srcdir / "only-flows.md").write_text(
        "---\norphan: true\n---\n# Flows\n\n```{atlas-system-flows}\n```\n"
    )


def test_an_edit_rewrites_only_the_views_that_read_what_changed(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-gates", srcdir)
    one_view_per_page(srcdir)
    outdir = srcdir / "_build" / "html"
    build(srcdir)

    def rewritten_by(edit_old: str, edit_new: str) -> set[str]:
        pages = {p: p.stat().st_mtime_ns for p in outdir.glob("only-*.html")}
        replace(srcdir / "failing.md", edit_old, edit_new)
        build(srcdir)
        return {p.stem[5:] for p, mtime in pages.items() if p.stat().st_mtime_ns != mtime}

    # A figure's value: only the staleness report shows it (the figure is stale).
    assert rewritten_by(":value: 5\n", ":value: 6\n") == {"staleness"}
    stale = tables(outdir, "only-staleness")
    assert stale[next(t for t in stale if t.startswith("Current-state"))][1][2] == "6 regions"
    # A diagram's kind: the matrices, the staleness report (it shows kinds) and the
    # dashboard's counts by kind — not the incident matrix or the levels chart.
    changed = rewritten_by(":id: DGM-G-LOOSE\n:kind: storage", ":id: DGM-G-LOOSE\n:kind: cost")
    assert {"traceability", "coverage", "staleness", "dashboard"} <= changed
    assert not changed & {"incidents", "levels", "incident-explorer"}
    by_kind = rows_by_id(tables(outdir, "only-dashboard")["Diagrams by kind"])
    assert by_kind["cost"][1] == "1"
    # A validation level: every page that counts or lists levels, including the chart.
    changed = rewritten_by(
        ":id: DGM-G-LOOSE\n:kind: cost\n:validation: A",
        ":id: DGM-G-LOOSE\n:kind: cost\n:validation: C",
    )
    assert {"traceability", "dashboard", "levels"} <= changed
    assert not changed & {"coverage", "sources", "incidents", "flows"}
    # A title: the system's flow graph draws it.
    assert "flows" in rewritten_by("{diagram} A node in no plane", "{diagram} A loose node")
    flows = BeautifulSoup((outdir / "only-flows.html").read_text(), "html.parser")
    graph = outdir / flows.select_one("img.graphviz")["src"]
    assert "A loose node" in graph.read_text()


class Recording(dict):
    """A need that remembers which fields were read."""

    def __init__(self, need: object, reads: set[str]) -> None:
        super().__init__(need)
        self.reads = reads

    def __getitem__(self, key: str) -> object:
        self.reads.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:
        self.reads.add(key)
        return super().get(key, default)

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.reads.add("*")
        return super().__iter__()


def test_each_view_declares_every_field_it_reads(review: SphinxTestApp) -> None:
    """The freshness of a view's page rests on the fields it declares: check them."""
    from sphinx_needs.data import SphinxNeedsData

    from atlas.views.base import LINKED, VIEW_READS, VIEWS

    needs = SphinxNeedsData(review.env).get_needs_view()
    assert set(VIEWS) == {
        "traceability",
        "coverage",
        "sources",
        "incidents",
        "staleness",
        "dashboard",
        "incident-explorer",
        "figures",
        "link-health",
        "symptoms",
        "patterns",
        "antipatterns",
        "migrations",
    }
    for name, view in VIEWS.items():
        reads: set[str] = set()
        view({i: Recording(n, reads) for i, n in needs.items()}, review)
        assert reads, name
        assert reads <= VIEW_READS[name] | LINKED, (name, reads - VIEW_READS[name])


#: A diagram whose title needs escaping and whose source does not exist.
AWKWARD_DIAGRAM = """
```{diagram} Dead source & "quotes" <b> ops@example.org
:id: DGM-G-AWKWARD
:kind: storage
:validation: C
:note: from memory
:sources: SRC-G-NOWHERE
:system: SYS-G
:alt: The service writes to the store.
flowchart LR
    svc[Service] -->|p99 5 ms| db[(Store)]
```
"""


def test_direct_html_tables_equal_the_docutils_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HTML builder's table writer gives the node route's pages byte for byte, and a dead
    link in a table is shown as missing without a second warning (it is reported where
    it is written)."""
    from atlas.views.html import TableWriter

    written = []
    node = TableWriter.node
    monkeypatch.setattr(TableWriter, "node", lambda self, *a: written.append(a) or node(self, *a))
    apps = {}
    for fast in (True, False):
        srcdir = tmp_path / f"fast-{fast}"
        shutil.copytree(ROOTS / "test-gates", srcdir)
        with (srcdir / "review.md").open("a") as page:
            page.write(AWKWARD_DIAGRAM)
        apps[fast] = build(srcdir, atlas_fast_views=fast)
    assert len(written) == sum(1 for rows in tables(Path(apps[True].outdir)).values() if rows), (
        "every non-empty table of the fast build came from the writer"
    )
    fast_out, node_out = (Path(apps[flag].outdir) for flag in (True, False))
    pages = sorted(p.relative_to(fast_out) for p in fast_out.rglob("*.html"))
    assert pages == sorted(p.relative_to(node_out) for p in node_out.rglob("*.html"))
    for page in pages:
        assert (fast_out / page).read_text() == (node_out / page).read_text(), page
    warnings = [app.warning.getvalue().replace(str(app.srcdir), "") for app in apps.values()]
    assert warnings[0] == warnings[1]
    dead = [line for line in warnings[0].splitlines() if "SRC-G-NOWHERE" in line]
    assert len(dead) == 1 and "DGM-G-AWKWARD: ':sources:' links" in dead[0], dead
    row = rows_by_id(tables(fast_out)["Diagram traceability matrix"])["DGM-G-AWKWARD"]
    assert row[1] == 'Dead source & "quotes" <b> ops@example.org' and row[5] == "SRC-G-NOWHERE"
    html = BeautifulSoup((fast_out / "review.html").read_text(), "html.parser")
    assert html.select_one("table.atlas-sortable span.atlas-missing").get_text() == "SRC-G-NOWHERE"
