"""EPUB output that does not crash on other extensions' nodes.

Sphinx looks up node visitors by builder name first and falls back to the format
("html") only when no extension registered anything for that name. sphinx-data-viewer
(pulled in by sphinx-needs) registers EPUB visitors, so every other extension's HTML
visitors (sphinx-design, sphinxcontrib-mermaid, …) vanish for EPUB. Merge them back.
"""

from __future__ import annotations

from sphinx.application import Sphinx

EPUB_BUILDERS = ("epub",)


def inherit_html_visitors(app: Sphinx) -> None:
    if app.builder.name not in EPUB_BUILDERS:
        return
    handlers = app.registry.translation_handlers
    epub = handlers.setdefault(app.builder.name, {})
    for node_name, visitors in handlers.get("html", {}).items():
        epub.setdefault(node_name, visitors)


def setup_epub(app: Sphinx) -> None:
    app.connect("builder-inited", inherit_html_visitors)
