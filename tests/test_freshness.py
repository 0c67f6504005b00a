"""Incremental builds never show a stale figure, link or backlink (sphinx-needs issue #354)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import ROOTS
from conftest import build_app as build

#: The diagram's link lines in test-model/entries.md (unique in the file).
DIAGRAM_SOURCES = ":sources: SRC-EX-BLOG\n:system: SYS-EX\n:playbooks: PBK-EX-RESTORE\n:alt:"


def sources_page(app: SphinxTestApp) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / "sources.html").read_text(), "html.parser")


def described_by(page: BeautifulSoup, need_id: str) -> list[str]:
    """The backlinks a system card (on sources.md) lists from entries of entries.md."""
    box = page.find(id=need_id)
    for dt in box.select(".atlas-links dt"):
        if dt.get_text(strip=True).startswith("Described by"):
            return sorted(c.get_text() for c in dt.find_next_sibling("dd").select("code"))
    return []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new, 1))


def test_pages_showing_changed_needs_are_rewritten(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", srcdir)
    entries = srcdir / "entries.md"

    first = sources_page(build(srcdir))
    assert first.select_one(".atlas-metric-ref").get_text() == "1.5 trillion messages"
    everything = described_by(first, "SYS-EX")
    assert "DGM-EX-STORAGE" in everything

    # Only entries.md changes: a figure quoted on sources.md and a link into it.
    without = DIAGRAM_SOURCES.replace(":system: SYS-EX\n", ":organization: ExampleCorp\n")
    edit(entries, ":value: 1.5", ":value: 2.5")
    edit(entries, DIAGRAM_SOURCES, without)
    second_app = build(srcdir)
    assert second_app.warning.getvalue() == ""
    second = sources_page(second_app)
    assert second.select_one(".atlas-metric-ref").get_text() == "2.5 trillion messages"
    assert described_by(second, "SYS-EX") == [i for i in everything if i != "DGM-EX-STORAGE"]

    # Writing the link again brings the backlink back (the target's page is rewritten too).
    edit(entries, without, DIAGRAM_SOURCES)
    third = sources_page(build(srcdir))
    assert described_by(third, "SYS-EX") == everything


def test_unchanged_build_rewrites_nothing(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", srcdir)
    build(srcdir)
    page = Path(build(srcdir).outdir) / "sources.html"
    before = page.stat().st_mtime_ns
    build(srcdir)
    assert page.stat().st_mtime_ns == before


def test_gate_badges_follow_changes_on_other_pages(tmp_path: Path) -> None:
    """Defining an acronym in the glossary clears the gate of a diagram on another page."""
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-gates", srcdir)

    def learning_badge() -> str:
        page = BeautifulSoup((srcdir / "_build/html/failing.html").read_text(), "html.parser")
        row = page.find(id="DGM-G-ACRONYM").select_one(".atlas-gates")
        return next(b.get_text() for b in row.select(".atlas-badge") if "Learning" in b.get_text())

    build(srcdir)
    assert learning_badge() == "✗ Learning"
    edit(srcdir / "index.md", "CDN\n", "TLS\n  Transport Layer Security.\n\nCDN\n")
    build(srcdir)
    assert learning_badge() == "Learning: checks ✓ · review pending"


def test_prose_edit_rewrites_only_its_page(tmp_path: Path) -> None:
    """No need changed, so no other page (not even the one quoting its figures) is written."""
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", srcdir)
    outdir = Path(build(srcdir).outdir)
    written = {page: page.stat().st_mtime_ns for page in outdir.glob("*.html")}
    entries = srcdir / "entries.md"
    entries.write_text(entries.read_text() + "\nA sentence of prose, no need changed.\n")
    build(srcdir)
    rewritten = {page.name for page, mtime in written.items() if page.stat().st_mtime_ns != mtime}
    assert "entries.html" in rewritten
    assert "sources.html" not in rewritten
    assert "A sentence of prose" in (outdir / "entries.html").read_text()


def test_prose_edit_keeps_every_gate_outcome(tmp_path: Path) -> None:
    """Gates are judged again only for the edited page's entries; the registry is unchanged."""
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-gates", srcdir)

    def outcomes(app: SphinxTestApp) -> dict[str, tuple]:
        needs = json.loads((Path(app.outdir) / "needs.json").read_text())
        registry = next(iter(needs["versions"].values()))["needs"]
        fields = ("gate_reality", "gate_visual", "gate_learning", "gate_3am", "gate_notes")
        return {i: tuple(n.get(f) for f in fields) for i, n in registry.items()}

    first = outcomes(build(srcdir))
    assert any(o[1] == "fail" for o in first.values()) and any(
        o[0] == "pass" for o in first.values()
    )
    failing = srcdir / "failing.md"
    failing.write_text(failing.read_text() + "\nA sentence of prose.\n")
    again = build(srcdir)
    assert outcomes(again) == first
    assert "A sentence of prose" in (Path(again.outdir) / "failing.html").read_text()


def test_only_pages_showing_a_changed_need_are_rewritten(tmp_path: Path) -> None:
    """A new title reaches the backlinks on another page; an edit to a need that links
    nothing there leaves that page alone, though other needs of the edited page link it."""
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", srcdir)
    entries, outdir = srcdir / "entries.md", Path(build(srcdir).outdir)
    page = outdir / "sources.html"

    edit(entries, ":rto: 30m", ":rto: 45m")  # the playbook links only entries.md
    before = page.stat().st_mtime_ns
    build(srcdir)
    assert page.stat().st_mtime_ns == before
    assert "45m" in (outdir / "entries.html").read_text()

    edit(entries, "{diagram} Storage overview", "{diagram} Where messages are stored")
    build(srcdir)
    card = BeautifulSoup(page.read_text(), "html.parser").find(id="SYS-EX")
    assert "DGM-EX-STORAGE Where messages are stored" in card.select_one(".atlas-links").get_text()
