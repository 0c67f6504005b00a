"""The fast furo navigation gives exactly the HTML of furo's own per-page route."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.navigation import NavigationTemplate
from conftest import PROJECT, run_sphinx


def test_every_page_is_identical_to_the_stock_route(
    handbook: Path, sphinx_build: Path, tmp_path: Path
) -> None:
    """The handbook fixture is built with the fast route; build it again the stock way."""
    stock = tmp_path / "stock"
    result = run_sphinx(
        sphinx_build, PROJECT, PROJECT / "source", stock, "-Datlas_fast_navigation=0"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    pages = sorted(p.relative_to(handbook) for p in handbook.rglob("*.html"))
    assert len(pages) > 40 and any(len(p.parts) == 3 for p in pages), "nested folders are covered"
    different = [str(p) for p in pages if (handbook / p).read_text() != (stock / p).read_text()]
    assert different == []


@pytest.fixture
def tree() -> NavigationTemplate:
    html = (
        '<ul>\n<li class="toctree-l1"><a class="reference internal" href="a.html">A</a></li>\n'
        '<li class="toctree-l1 has-children"><a class="reference internal" href="b.html">B</a>'
        '<input aria-label="Toggle navigation of B" class="toctree-checkbox" id="c1" name="c1"'
        ' role="switch" type="checkbox"/><label for="c1"><span class="icon"><svg><use'
        ' href="#svg-arrow-right"></use></svg></span></label><ul>\n<li class="toctree-l2">'
        '<a class="reference internal" href="c.html">C</a></li>\n</ul>\n</li>\n</ul>'
    )
    return NavigationTemplate(html)


def test_marks_the_page_and_its_ancestors(tree: NavigationTemplate) -> None:
    marked = tree.for_page("c.html")
    assert (
        '<li class="toctree-l2 current current-page"><a class="current reference internal"'
        ' href="#">C</a>' in marked
    )
    assert '<li class="toctree-l1 current has-children">' in marked
    assert (
        '<input aria-label="Toggle navigation of B" checked="" class="toctree-checkbox"' in marked
    )
    assert marked.startswith('<ul class="current">') and marked.count('<ul class="current">') == 2
    assert '<li class="toctree-l1"><a class="reference internal" href="a.html">A</a>' in marked


def test_a_page_outside_the_tree_gets_it_unmarked(tree: NavigationTemplate) -> None:
    assert tree.for_page("genindex.html") == tree.html
