"""``system``: an organisation's production platform, the subject of diagrams and metrics."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from .base import AtlasNeedDirective


class SystemDirective(AtlasNeedDirective):
    directive = "system"

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        return []


def setup_system(app: Sphinx) -> None:
    app.add_directive("system", SystemDirective, override=True)
