"""``pattern``: a design pattern as production runs it — the problem, the solution, its
trade-offs, when not to use it, and the systems that implement it (with their sources)."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from .base import AtlasNeedDirective


class PatternDirective(AtlasNeedDirective):
    directive = "pattern"

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        return [
            ("Problem", fields.get("problem")),
            ("Solution", fields.get("solution")),
            ("Trade-offs", fields.get("tradeoffs")),
            ("When not to use it", fields.get("avoid_when")),
        ]


def setup_pattern(app: Sphinx) -> None:
    app.add_directive("pattern", PatternDirective, override=True)
