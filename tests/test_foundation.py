"""The foundation: the extension's assets, downloads and configuration, on a small test root."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

from conftest import LOCAL_MERMAID, MERMAID_DIST


def page(app: SphinxTestApp, name: str = "index") -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / f"{name}.html").read_text(), "html.parser")


NO_BROWSER = {**LOCAL_MERMAID, "atlas_chromium": "/nonexistent/chromium"}


@pytest.mark.sphinx("html", testroot="foundation", confoverrides=NO_BROWSER)
def test_mermaid_is_served_from_the_site(app: SphinxTestApp) -> None:
    """The fallback route (no browser at build time) loads Mermaid from the site itself."""
    app.build()
    module = next(s for s in page(app).find_all("script") if "mermaid" in (s.string or ""))
    assert "_static/mermaid/mermaid.esm.min.mjs" in module.string
    served = Path(app.outdir) / "_static" / "mermaid"
    assert (served / "mermaid.esm.min.mjs").stat().st_size > 10_000
    # Every chunk the entry module imports is shipped, and no source map is.
    chunks = {p.name for p in (served / "chunks" / "mermaid.esm.min").iterdir()}
    expected = {p.name for p in (MERMAID_DIST / "chunks" / "mermaid.esm.min").glob("*.mjs")}
    assert chunks == expected
    assert not list(served.rglob("*.map"))
    assert "render in the reader's browser" in app.warning.getvalue()


@pytest.mark.sphinx(
    "html", testroot="foundation", confoverrides={"atlas_mermaid_dist": "/nonexistent/dist"}
)
def test_missing_mermaid_warns_with_the_fix(app: SphinxTestApp) -> None:
    app.build()
    warnings = app.warning.getvalue()
    assert "Mermaid is not installed at /nonexistent/dist" in warnings
    assert "npm ci" in warnings
    assert (Path(app.outdir) / "index.html").exists(), "the site still builds"


@pytest.mark.sphinx("html", testroot="foundation", confoverrides=LOCAL_MERMAID)
def test_no_download_link_without_files(app: SphinxTestApp) -> None:
    app.build()
    assert page(app).select(".atlas-downloads") == []


def test_downloads_are_shipped_and_linked(make_app, tmp_path: Path, rootdir: Path) -> None:
    """`make all`'s order: an HTML build, then the PDF/EPUB appear, then an incremental build."""
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    for item in (rootdir / "test-foundation").iterdir():
        (srcdir / item.name).write_bytes(item.read_bytes())
    downloads = tmp_path / "downloads"
    overrides = {**LOCAL_MERMAID, "atlas_downloads_dir": str(downloads)}
    first = make_app("html", srcdir=srcdir, confoverrides=overrides)
    first.build()
    assert page(first).select(".atlas-downloads") == []
    assert page(first).select(".atlas-download-handbook") == []

    downloads.mkdir()
    (downloads / "atlas.epub").write_bytes(b"PK epub" * 40_000)
    (downloads / "atlas-incidents.pdf").write_bytes(b"%PDF-1.7" + b"x" * 2_400_000)
    (downloads / "atlas-systems.pdf").write_bytes(b"%PDF-1.7" + b"x" * 50_000)
    # What the volumes builder writes beside the PDFs, in the order of atlas_volumes.
    (downloads / "volumes.json").write_text(
        '[{"slug": "systems", "title": "Systems", "file": "atlas-systems.pdf", "pages": 96,'
        ' "bytes": 50008}, {"slug": "incidents", "title": "Incidents",'
        ' "file": "atlas-incidents.pdf", "pages": 212, "bytes": 2400008}]'
    )
    second = make_app("html", srcdir=srcdir, confoverrides=overrides)
    second.build()
    files = ["atlas-systems.pdf", "atlas-incidents.pdf", "atlas.epub"]
    sidebar = page(second).select(".atlas-downloads li")
    assert [item.a["href"] for item in sidebar] == files
    assert [" ".join(item.get_text().split()) for item in sidebar] == [
        "Systems (PDF, 96 pages, 50 kB)",
        "Incidents (PDF, 212 pages, 2.4 MB)",
        "The whole handbook (EPUB, 280 kB)",
    ]
    assert (Path(second.outdir) / "atlas-incidents.pdf").read_bytes().startswith(b"%PDF-1.7")
    # The landing page lists every volume the same way.
    offer = page(second).select(".atlas-download-handbook li")
    assert [(item.a["href"], " ".join(item.get_text().split())) for item in offer] == [
        ("atlas-systems.pdf", "Systems (PDF, 96 pages, 50 kB)"),
        ("atlas-incidents.pdf", "Incidents (PDF, 212 pages, 2.4 MB)"),
        ("atlas.epub", "The whole handbook (EPUB, 280 kB)"),
    ]


@pytest.mark.sphinx("html", testroot="foundation", confoverrides={"atlas_downloads_dir": 42})
def test_wrong_config_type_is_refused(make_app, app_params) -> None:
    args, kwargs = app_params
    with pytest.raises(ConfigError, match=r"atlas_downloads_dir must be a str, got int"):
        make_app(*args, **kwargs)
