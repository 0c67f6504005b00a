"""Ship the PDF volumes and the EPUB with the HTML site and link them from every page.

``make all`` builds the volumes and the EPUB first and copies them, with the volumes builder's
``volumes.json`` (title, pages and size of each), into ``atlas_downloads_dir``; the HTML build
then copies that folder to the site root and tells the templates which files exist, so a link
never points at a file that was not built.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from .config import atlas_config

FORMATS = {".pdf": "PDF", ".epub": "EPUB"}


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} kB"


def available_downloads(folder: Path) -> list[dict[str, Any]]:
    """The handbook files in ``folder``: the PDF volumes in their order, each split volume with
    its parts (one PDF per system, …) under ``parts``, then the EPUB."""
    if not folder.is_dir():
        return []
    try:
        volumes = json.loads((folder / "volumes.json").read_text())
    except (OSError, ValueError):
        volumes = []
    found: list[dict[str, Any]] = []
    by_volume: dict[str, dict[str, Any]] = {}
    for volume in volumes:
        if not (folder / volume["file"]).is_file():
            continue
        details = f"PDF, {volume['pages']} pages, {_size(volume['bytes'])}"
        item = {"file": volume["file"], "label": volume["title"], "details": details, "parts": []}
        parent = by_volume.get(volume.get("volume", volume["slug"]))
        if parent is not None and volume["slug"] != parent["slug"]:
            parent["item"]["parts"].append(item)
        else:
            by_volume[volume.get("volume", volume["slug"])] = {"slug": volume["slug"], "item": item}
            found.append(item)
    listed = {item["file"] for item in found} | {
        part["file"] for item in found for part in item["parts"]
    }
    for path in sorted(
        folder.iterdir(),
        key=lambda p: (list(FORMATS).index(p.suffix) if p.suffix in FORMATS else 9, p.name),
    ):
        if path.suffix in FORMATS and path.is_file() and path.name not in listed:
            details = f"{FORMATS[path.suffix]}, {_size(path.stat().st_size)}"
            label = "The whole handbook" if path.suffix == ".epub" else path.stem
            found.append({"file": path.name, "label": label, "details": details, "parts": []})
    return found


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
        box = nodes.container(classes=["atlas-download-handbook"])
        intro = nodes.paragraph("", "", nodes.strong(text="Download the handbook"))
        intro += nodes.Text(": one PDF per part, and the whole handbook as an EPUB.")
        box += intro
        box += _download_list(downloads, here)
        node.replace_self(box)


def _download_list(items: list[dict[str, Any]], here: str) -> nodes.bullet_list:
    listing = nodes.bullet_list()
    for item in items:
        uri = relative_uri(here, item["file"])
        entry = nodes.paragraph()
        entry += nodes.reference("", item["label"], refuri=uri, classes=["atlas-download"])
        entry += nodes.Text(f" ({item['details']})")
        if item["parts"]:
            entry += nodes.Text(f", and one PDF per part ({len(item['parts'])}):")
        listed = nodes.list_item("", entry)
        if item["parts"]:
            listed += _download_list(item["parts"], here)
        listing += listed
    return listing


def setup_downloads(app: Sphinx) -> None:
    app.add_node(downloads_placeholder)
    app.add_directive("atlas-downloads", DownloadsDirective)
    app.connect("doctree-resolved", _fill_downloads)
    app.connect("builder-inited", _add_extra_path)
    app.connect("env-get-outdated", _outdated_when_downloads_change)
    app.connect("html-page-context", _page_context)
