"""``incident``: a major outage from its post-mortem, with a ``timeline`` in its body."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge, level_badge
from ..problems import report
from .base import AtlasNeedDirective
from .timeline import INCIDENT_CONTEXT, parse_utc

DURATION_PART = re.compile(r"(\d+)([dhms])")
UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    return timedelta(seconds=sum(int(n) * UNIT_SECONDS[u] for n, u in DURATION_PART.findall(text)))


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in UNIT_SECONDS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


class IncidentDirective(AtlasNeedDirective):
    directive = "incident"

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        started, ended, duration = (fields.get(k) for k in ("started", "ended", "duration"))
        if not ended and not duration and "ended" not in self.options:
            report(
                self.location,
                need_id,
                "an incident needs ':ended:' or ':duration:'",
                "add ':ended: YYYY-MM-DDTHH:MMZ' (UTC) or ':duration:' like 4h17m",
                "field",
            )
        if not (started and ended):
            return
        length = parse_utc(ended) - parse_utc(started)
        if length <= timedelta(0):
            report(
                self.location,
                need_id,
                f"':ended:' ({ended}) is not after ':started:' ({started})",
                "check both are UTC and in the right order",
                "field",
            )
        elif duration and parse_duration(duration) != length:
            report(
                self.location,
                need_id,
                f"':duration:' {duration} disagrees with started→ended ({format_duration(length)})",
                "drop ':duration:' or correct it",
                "field",
            )

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        category = fields.get("category")
        return [
            level_badge(fields.get("validation")),
            badge(category, "danger", f"Category: {category}") if category else None,
        ]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        started, ended = fields.get("started"), fields.get("ended")
        duration = fields.get("duration")
        if started and ended and not duration:
            duration = format_duration(parse_utc(ended) - parse_utc(started))
        return [
            ("Organisation", fields.get("organization")),
            ("Started (UTC)", started),
            ("Ended (UTC)", ended),
            ("Duration", duration),
            ("Impact", fields.get("impact")),
            ("Trigger", fields.get("trigger")),
            ("Root cause", fields.get("root_cause")),
            ("Detection", fields.get("detection")),
            ("Resolution", fields.get("resolution")),
        ]

    def body(self, need_id: str | None, fields: dict[str, Any]) -> list[nodes.Node]:
        started = fields.get("started")
        context = {"id": need_id, "started": parse_utc(started) if started else None}
        self.env.temp_data[INCIDENT_CONTEXT] = context
        try:
            return super().body(need_id, fields)
        finally:
            self.env.temp_data.pop(INCIDENT_CONTEXT, None)


def setup_incident(app: Sphinx) -> None:
    app.add_directive("incident", IncidentDirective, override=True)
