"""Ship the PDF and EPUB with the HTML site and link them from every page's sidebar.

``make all`` builds the PDF and EPUB first and copies them into ``atlas_downloads_dir``;
the HTML build then copies that folder to the site root and tells the templates
which files exist, so a link never points at a file that was not built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from .config import atlas_config

FORMATS = {".pdf": "PDF", ".epub": "EPUB"}


def available_downloads(folder: Path) -> list[dict[str, str]]:
    """The handbook files in ``folder``, PDF before EPUB."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.suffix in FORMATS and p.is_file()]
    found.sort(key=lambda p: list(FORMATS).index(p.suffix))
    return [{"file": p.name, "label": FORMATS[p.suffix]} for p in found]


def _add_extra_path(app: Sphinx) -> None:
    downloads: list[dict[str, str]] = []
    if app.builder.format == "html" and not app.builder.name.startswith("epub"):
        config = atlas_config(app)
        folder = config.resolve(app.confdir, config.downloads_dir)
        downloads = available_downloads(folder)
        if downloads:
            app.config.html_extra_path = [*app.config.html_extra_path, str(folder)]
    # The sidebar of every page shows the list: when it changes, every page is outdated.
    app.env.atlas_downloads_changed = (  # type: ignore[attr-defined]
        getattr(app.env, "atlas_downloads", downloads) != downloads
    )
    app.env.atlas_downloads = downloads  # type: ignore[attr-defined]


def _outdated_when_downloads_change(
    app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    return sorted(env.found_docs) if getattr(env, "atlas_downloads_changed", False) else []


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    context["atlas_downloads"] = getattr(app.env, "atlas_downloads", [])


class downloads_placeholder(nodes.General, nodes.Element):
    """Where a page offers the handbook files (filled in when the HTML is written)."""


class DownloadsDirective(SphinxDirective):
    """``atlas-downloads``: "Download the handbook (PDF, EPUB)" when those files were built."""

    def run(self) -> list[nodes.Node]:
        return [downloads_placeholder()]


def _fill_downloads(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    downloads = getattr(app.env, "atlas_downloads", [])
    for node in list(doctree.findall(downloads_placeholder)):
        if not downloads or app.builder.format != "html" or app.builder.name != "html":
            node.replace_self([])
            continue
        here = app.builder.get_target_uri(docname)
        line = nodes.paragraph(classes=["atlas-download-handbook"])
        line += nodes.strong(text="Download the handbook: ")
        for index, item in enumerate(downloads):
            if index:
                line += nodes.Text(" · ")
            uri = relative_uri(here, item["file"])
            line += nodes.reference("", item["label"], refuri=uri, classes=["atlas-download"])
        node.replace_self(line)


def setup_downloads(app: Sphinx) -> None:
    app.add_node(downloads_placeholder)
    app.add_directive("atlas-downloads", DownloadsDirective)
    app.connect("doctree-resolved", _fill_downloads)
    app.connect("builder-inited", _add_extra_path)
    app.connect("env-get-outdated", _outdated_when_downloads_change)
    app.connect("html-page-context", _page_context)
