"""The foundation: the extension's assets, downloads and configuration, on a small test root."""

from __future__ import annotations

import json
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
    (downloads / "atlas-systems.pdf").write_bytes(b"%PDF-1.7" + b"x" * 5_000)
    (downloads / "atlas-systems-discord.pdf").write_bytes(b"%PDF-1.7" + b"x" * 50_000)
    (downloads / "atlas-systems-stripe.pdf").write_bytes(b"%PDF-1.7" + b"x" * 60_000)
    # What the volumes builder writes beside the PDFs, in the order of atlas_volumes: the
    # systems volume is split, its first PDF then one per system.
    manifest = [
        ("systems", "systems", "Systems", 4, 5008),
        ("systems-discord", "systems", "Systems: Discord", 43, 50008),
        ("systems-stripe", "systems", "Systems: Stripe", 45, 60008),
        ("incidents", "incidents", "Incidents", 212, 2400008),
    ]
    (downloads / "volumes.json").write_text(json.dumps([
        {"slug": slug, "volume": volume, "title": title, "file": f"atlas-{slug}.pdf",
         "pages": pages, "bytes": size}
        for slug, volume, title, pages, size in manifest
    ]))  # fmt: skip
    second = make_app("html", srcdir=srcdir, confoverrides=overrides)
    second.build()
    files = ["atlas-systems.pdf", "atlas-systems-discord.pdf", "atlas-systems-stripe.pdf",
             "atlas-incidents.pdf", "atlas.epub"]  # fmt: skip
    sidebar = page(second).select(".atlas-downloads li")
    assert [item.a["href"] for item in sidebar] == files
    # The parts of a split volume are under their volume, folded away in the sidebar.
    assert [" ".join(item.get_text().split()) for item in sidebar][1:] == [
        "Systems: Discord (PDF, 43 pages, 50 kB)",
        "Systems: Stripe (PDF, 45 pages, 60 kB)",
        "Incidents (PDF, 212 pages, 2.4 MB)",
        "The whole handbook (EPUB, 280 kB)",
    ]
    folded = page(second).select(".atlas-downloads li details.atlas-download-parts")
    assert len(folded) == 1 and "2 PDFs, one per part" in folded[0].summary.get_text()
    assert [a["href"] for a in folded[0].select("a")] == files[1:3]
    assert (Path(second.outdir) / "atlas-incidents.pdf").read_bytes().startswith(b"%PDF-1.7")
    assert (Path(second.outdir) / "atlas-systems-stripe.pdf").is_file()
    # The landing page lists every volume the same way, each part under its volume.
    offer = page(second).select(".atlas-download-handbook li")
    assert [item.a["href"] for item in offer] == files
    top = page(second).select(".atlas-download-handbook > ul > li")
    assert [" ".join(item.p.get_text().split()) for item in top] == [
        "Systems (PDF, 4 pages, 5 kB), and one PDF per part (2):",
        "Incidents (PDF, 212 pages, 2.4 MB)",
        "The whole handbook (EPUB, 280 kB)",
    ]
    assert [a["href"] for a in top[0].ul.select("a")] == files[1:3]


@pytest.mark.sphinx("html", testroot="foundation", confoverrides={"atlas_downloads_dir": 42})
def test_wrong_config_type_is_refused(make_app, app_params) -> None:
    args, kwargs = app_params
    with pytest.raises(ConfigError, match=r"atlas_downloads_dir must be a str, got int"):
        make_app(*args, **kwargs)
