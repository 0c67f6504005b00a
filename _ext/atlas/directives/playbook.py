"""``playbook``: the response to one failure: signals, numbered steps, verification, rollback."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge, level_badge
from .base import AtlasNeedDirective


class PlaybookDirective(AtlasNeedDirective):
    directive = "playbook"

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        rto = fields.get("rto")
        return [
            level_badge(fields.get("validation")),
            badge(f"RTO {rto}", "primary", "Recovery-time objective") if rto else None,
        ]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        return [("Scenario", fields.get("scenario")), ("Tools", fields.get("tools"))]


def setup_playbook(app: Sphinx) -> None:
    app.add_directive("playbook", PlaybookDirective, override=True)
