"""``guide``: a debugging guide — from what the responder sees to the diagnosis: the
symptom, the signals, the first checks in order, a decision tree, and the playbooks to
follow once the cause is known."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge, level_badge
from .playbook import RespondingDirective


class GuideDirective(RespondingDirective):
    directive = "guide"
    checks_steps = False  # a guide diagnoses; the playbooks it links hold the steps

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        area = fields.get("area")
        return [
            level_badge(fields.get("validation")),
            badge(area, "secondary", "Where the symptom shows up") if area else None,
        ]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        return [
            ("What you see", fields.get("symptom")),
            ("Technologies", fields.get("technologies")),
        ]


def setup_guide(app: Sphinx) -> None:
    app.add_directive("guide", GuideDirective, override=True)
