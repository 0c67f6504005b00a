"""``source``: a public document (post-mortem, blog post, talk, docs page) other needs rest on."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge
from .base import AtlasNeedDirective


class SourceDirective(AtlasNeedDirective):
    directive = "source"

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
