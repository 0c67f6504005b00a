"""``source``: a public document (post-mortem, blog post, talk, docs page) other needs rest on."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..definitions import defined_entry
from .base import AtlasNeedDirective


class SourceDirective(AtlasNeedDirective):
    directive = "source"

    def present(
        self, need_id: str | None, title: str, fields: dict[str, Any], links: dict[str, list[str]]
    ) -> nodes.Element:
        """Listed in the page's "Figures and sources" section, not where it is written."""
        item = defined_entry(need_id=need_id, entry="source", title=title, **fields)
        item.extend(self.parse_content_to_nodes() if self.content else [])
        return item


def setup_source(app: Sphinx) -> None:
    app.add_directive("source", SourceDirective, override=True)
