"""``antipattern``: a practice that hurt real systems — its symptoms, the incidents where
it did harm, why teams fall into it, and the fix (the patterns that prevent it)."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from .base import AtlasNeedDirective


class AntipatternDirective(AtlasNeedDirective):
    directive = "antipattern"

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        return [
            ("Symptoms", fields.get("symptoms")),
            ("Why teams fall into it", fields.get("lure")),
            ("Fix", fields.get("fix")),
        ]


def setup_antipattern(app: Sphinx) -> None:
    app.add_directive("antipattern", AntipatternDirective, override=True)
