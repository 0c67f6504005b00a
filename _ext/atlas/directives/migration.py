"""``migration``: how an organisation moved from one architecture or store to another —
dates, phases, how downtime was avoided, the rollback plan and the outcome."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge, level_badge
from ..problems import report
from .base import AtlasNeedDirective


class MigrationDirective(AtlasNeedDirective):
    directive = "migration"

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        began, completed = fields.get("began"), fields.get("completed")
        if began and completed and completed < began:
            report(
                self.location,
                need_id,
                f"':completed:' {completed} is before ':began:' {began}",
                "correct the dates (both YYYY-MM-DD)",
                "field",
            )
            fields.pop("completed")

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        began, completed = fields.get("began"), fields.get("completed")
        span = f"{began[:4]}–{completed[:4] if completed else 'ongoing'}" if began else None
        return [
            level_badge(fields.get("validation")),
            badge(span, "secondary", "Years the migration ran") if span else None,
        ]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        moved = " → ".join(f for f in (fields.get("migrated_from"), fields.get("migrated_to")) if f)
        return [
            ("Organisation", fields.get("organization")),
            ("Moved", moved or None),
            ("Began", fields.get("began")),
            ("Completed", fields.get("completed") or "not yet, or not published"),
            ("Phases", fields.get("phases")),
            ("Downtime", fields.get("downtime")),
            ("Rollback plan", fields.get("rollback")),
            ("Outcome", fields.get("outcome")),
        ]


def setup_migration(app: Sphinx) -> None:
    app.add_directive("migration", MigrationDirective, override=True)
