"""Diagrams pre-rendered at build time: inline SVG, errors located, warm cache, fallbacks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import SphinxError
from sphinx.testing.util import SphinxTestApp

from conftest import ROOTS
from conftest import build_app as build


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("diagrams") / "src"
    shutil.copytree(ROOTS / "test-diagrams", target)
    return target


@pytest.fixture(scope="module")
def built(srcdir: Path) -> SphinxTestApp:
    return build(srcdir)


def page(app: SphinxTestApp, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / f"{name}.html").read_text(), "html.parser")


def svg_text(svg) -> str:
    """The label text of an SVG as a reader sees it (Mermaid puts each word in a <tspan>)."""
    return " ".join(svg.get_text(" ").split())


def test_diagrams_are_inline_svg_with_their_labels(built: SphinxTestApp) -> None:
    index = page(built, "index")
    svgs = index.select(".atlas-diagram-svg svg")
    assert len(svgs) == 2
    flowchart, sequence = svgs
    assert "Mobile client" in svg_text(flowchart) and "p99 120 ms" in svg_text(flowchart)
    assert "Charge card" in svg_text(sequence)
    assert not index.find("foreignobject"), "labels are SVG text, not HTML in foreignObject"
    for svg in svgs:
        assert svg["role"] == "img"
        title_id = svg["aria-labelledby"]
        assert svg.find("title", id=title_id).get_text()
    assert flowchart.find("title").get_text() == "Request path"
    assert (
        sequence.find("title").get_text() == "The shop asks the payment service to charge a card."
    )
    # No Mermaid JavaScript on a page whose diagrams are pre-rendered.
    assert not [
        s for s in index.find_all("script") if "mermaid" in (s.get("src", "") + (s.string or ""))
    ]
    # Large diagrams can be opened full size.
    full = index.select_one(".atlas-diagram-full")["href"]
    assert (Path(built.outdir) / full).read_text().startswith("<svg")


def test_broken_diagram_is_located_and_shown(built: SphinxTestApp) -> None:
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", built.warning.getvalue()).splitlines()
    located = [w for w in warnings if "atlas.mermaid" in w]
    assert len(located) == 1
    assert re.search(
        r"index\.md:42: WARNING: DGM-BROKEN: Mermaid cannot render the diagram: ", located[0]
    )
    assert "Expecting" in located[0]
    box = page(built, "index").select_one(".atlas-diagram-error")
    assert "c[Unclosed" in box.find("pre").get_text()
    assert "Expecting" in box.get_text()


def test_state_diagram_and_repeated_diagram_keep_ids_unique(built: SphinxTestApp) -> None:
    more = page(built, "more")
    svgs = more.select(".atlas-diagram-svg svg")
    assert "error rate above SLO" in svg_text(svgs[0])
    ids = [tag["id"] for tag in more.find_all(id=True)]
    assert len(ids) == len(set(ids)), "no duplicate id on the page"


def test_warm_cache_renders_nothing(built: SphinxTestApp, srcdir: Path) -> None:
    (srcdir / "more.md").write_text((srcdir / "more.md").read_text() + "\nEdited.\n")
    again = build(srcdir)
    assert "rendering" not in again.status.getvalue()
    assert "Edited." in page(again, "more").get_text()
    assert page(again, "more").select(".atlas-diagram-svg svg")


def test_without_chromium_html_falls_back_to_the_local_mermaid(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-diagrams", srcdir)
    app = build(srcdir, atlas_chromium="/nonexistent/chromium")
    warnings = [w for w in app.warning.getvalue().splitlines() if "WARNING" in w]
    assert len(warnings) == 1
    assert (
        "render in the reader's browser" in warnings[0]
        and "apt-get install chromium" in warnings[0]
    )
    index = page(app, "index")
    assert index.select("pre.mermaid")
    module = next(s for s in index.find_all("script") if "mermaid" in (s.string or ""))
    assert "_static/mermaid/mermaid.esm.min.mjs" in module.string


def test_without_chromium_epub_stops_with_the_reason(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-diagrams", srcdir)
    with pytest.raises(SphinxError, match=r"cannot pre-render.*apt-get install chromium"):
        build(srcdir, "epub", atlas_chromium="/nonexistent/chromium")


def test_epub_uses_the_svg_as_an_image(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-diagrams", srcdir)
    app = build(srcdir, "epub")
    xhtml = BeautifulSoup((Path(app.outdir) / "index.xhtml").read_text(), "html.parser")
    images = xhtml.select("img.atlas-diagram-image")
    assert len(images) == 2
    for image in images:
        assert (Path(app.outdir) / image["src"]).read_text().startswith("<svg")
        assert image["alt"]
