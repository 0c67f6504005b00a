"""``source``: a public document (post-mortem, blog post, talk, docs page) other needs rest on."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge
from ..config import atlas_config
from ..definitions import defined_entry
from .base import AtlasNeedDirective


class SourceDirective(AtlasNeedDirective):
    directive = "source"

    def present(
        self, need_id: str | None, title: str, fields: dict[str, Any], links: dict[str, list[str]]
    ) -> nodes.Element:
        """Listed in the page's "Figures and sources" section, not where it is written
        (or as a card where it is written, with ``atlas_figures_section = False``)."""
        if not atlas_config(self.env.app).figures_section:
            return super().present(need_id, title, fields, links)
        item = defined_entry(need_id=need_id, entry="source", title=title, **fields)
        item.extend(self.parse_content_to_nodes() if self.content else [])
        return item

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        kind = fields.get("kind")
        return [badge(kind, "secondary", f"Kind of source: {kind}") if kind else None]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        url = fields.get("url")
        link = nodes.reference(url, url, refuri=url, classes=["atlas-url"]) if url else None
        return [
            ("Publisher", fields.get("publisher")),
            ("Published", fields.get("published")),
            ("Accessed", fields.get("accessed")),
            ("URL", link),
        ]


def setup_source(app: Sphinx) -> None:
    app.add_directive("source", SourceDirective, override=True)
