"""``incident``: a major outage from its post-mortem, with a ``timeline`` in its body."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge, field_rows, level_badge
from ..layout import incident_glance
from ..nodes import need_reference
from ..problems import report
from .base import AtlasNeedDirective
from .timeline import INCIDENT_CONTEXT, is_day_only, parse_utc

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


def when(fields: dict[str, Any]) -> str | None:
    """The incident's span in one line, e.g. '2022-03-08 18:07 → 20:41 UTC (2h34m)'."""
    started, ended, duration = (fields.get(k) for k in ("started", "ended", "duration"))
    if not started:
        return None
    if is_day_only(started) or is_day_only(ended):
        return _when_dated(started, ended, duration)
    start = parse_utc(started)
    text = start.strftime("%Y-%m-%d %H:%M")
    if ended:
        end = parse_utc(ended)
        text += " → " + end.strftime("%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M")
        duration = duration or format_duration(end - start)
    text += " UTC"
    if duration:
        return f"{text} ({duration})"
    return f"{text}; end not stated" if fields.get("end_unknown") else text


def _moment(value: str) -> str:
    if is_day_only(value):
        return f"{value} (time of day not stated)"
    return f"{parse_utc(value):%Y-%m-%d %H:%M} UTC"


def _when_dated(started: str, ended: str | None, duration: str | None) -> str:
    """A start or end known only to the day: its date alone, and no computed duration."""
    text = _moment(started)
    if ended:
        text += f" → {_moment(ended)}"
    if duration:
        return f"{text} ({duration})"
    return text if ended else f"{text}; end not stated"


def _playbook_buttons(playbooks: list[str]) -> nodes.Node:
    if not playbooks:
        return nodes.Text("no playbook is linked yet")
    para = nodes.inline(classes=["atlas-glance-buttons"])
    for need_id in playbooks:
        para += need_reference("", role="need", target=need_id, button=True)
        para += nodes.Text(" ")
    return para


def glance_box(
    need_id: str | None, fields: dict[str, Any], playbooks: list[str]
) -> incident_glance:
    """When, who was hit, what set it off, which playbook to open: the first screen."""
    trigger = nodes.inline()
    if kind := fields.get("trigger_kind"):
        trigger += badge(kind, "secondary", f"Trigger kind: {kind}")
        trigger += nodes.Text(" ")
    trigger += nodes.Text(fields.get("trigger") or "")
    rows = field_rows(
        [
            ("When", when(fields)),
            ("Who was hit", fields.get("impact")),
            ("What set it off", trigger if trigger.astext().strip() else None),
            ("What to do", _playbook_buttons(playbooks)),
        ]
    )
    rows["classes"].append("atlas-glance-fields")
    box = incident_glance(classes=["atlas-glance"], need_id=need_id)
    box += nodes.rubric("At a glance", "At a glance")
    box += rows
    return box


def _unstated(fields: dict[str, Any]) -> str | None:
    reason = fields.get("end_unknown")
    return f"not stated: {reason}" if reason else None


class IncidentDirective(AtlasNeedDirective):
    directive = "incident"

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        started, ended, duration = (fields.get(k) for k in ("started", "ended", "duration"))
        # An end no source states is recorded as such, never guessed.
        unstated = fields.get("end_unknown") or "end_unknown" in self.options
        if not ended and not duration and "ended" not in self.options and not unstated:
            report(
                self.location,
                need_id,
                "an incident needs ':ended:' or ':duration:'",
                "add ':ended: YYYY-MM-DDTHH:MMZ' (UTC) or ':duration:' like 4h17m; if no source"
                " states the end, write ':end_unknown:' with what the sources say instead",
                "field",
            )
        if unstated and (ended or duration):
            report(
                self.location,
                need_id,
                "':end_unknown:' contradicts the ':ended:' or ':duration:' it also gives",
                "keep either the end or ':end_unknown:'",
                "field",
            )
        self.check_start_precision(need_id, started, fields)
        if not (started and ended):
            return
        if is_day_only(started) or is_day_only(ended):
            self.check_dated_order(need_id, started, ended)
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

    def check_dated_order(self, need_id: str | None, started: str, ended: str) -> None:
        """With a date alone at either end, only the days can be compared."""
        if parse_utc(ended).date() < parse_utc(started).date():
            report(
                self.location,
                need_id,
                f"':ended:' ({ended}) is before ':started:' ({started})",
                "check both are UTC and in the right order",
                "field",
            )

    def check_start_precision(
        self, need_id: str | None, started: str | None, fields: dict[str, Any]
    ) -> None:
        """A start known only to the day says why; a full start does not claim otherwise."""
        unstated = fields.get("start_time_unknown") or "start_time_unknown" in self.options
        if is_day_only(started) and not unstated:
            report(
                self.location,
                need_id,
                f"':started:' {started} gives no time of day and no reason",
                "add the UTC time (':started: YYYY-MM-DDTHH:MMZ'), or, if no source gives one, "
                "write ':start_time_unknown:' with which sources were read and what they say",
                "field",
            )
        elif started and not is_day_only(started) and unstated:
            report(
                self.location,
                need_id,
                "':start_time_unknown:' contradicts the time of day ':started:' gives",
                "keep either the time in ':started:' or ':start_time_unknown:' with the date alone",
                "field",
            )

    def run(self) -> list[nodes.Node]:
        self.glance: incident_glance | None = None
        shown = super().run()
        if self.glance is not None:
            self.glance.source, self.glance.line = self.get_source_info()
            shown.insert(0, self.glance)
        return shown

    def present(
        self, need_id: str | None, title: str, fields: dict[str, Any], links: dict[str, list[str]]
    ) -> nodes.Element:
        """The card with every field; and the glance box that the layout puts on top."""
        self.glance = glance_box(need_id, fields, links.get("playbooks", []))
        return super().present(need_id, title, fields, links)

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        category = fields.get("category")
        return [
            level_badge(fields.get("validation")),
            badge(category, "danger", f"Category: {category}") if category else None,
        ]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        started, ended = fields.get("started"), fields.get("ended")
        duration = fields.get("duration")
        if started and ended and not duration and not (is_day_only(started) or is_day_only(ended)):
            duration = format_duration(parse_utc(ended) - parse_utc(started))
        if is_day_only(started) and (reason := fields.get("start_time_unknown")):
            started = f"{started}; time of day not stated: {reason}"
        return [
            ("Organisation", fields.get("organization")),
            ("Trigger kind", fields.get("trigger_kind")),
            ("Started (UTC)", started),
            ("Ended (UTC)", ended or _unstated(fields)),
            ("Duration", duration),
            ("Impact", fields.get("impact")),
            ("Trigger", fields.get("trigger")),
            ("Root cause", fields.get("root_cause")),
            ("Detection", fields.get("detection")),
            ("Resolution", fields.get("resolution")),
        ]

    def body(self, need_id: str | None, fields: dict[str, Any]) -> list[nodes.Node]:
        started = fields.get("started")
        context = {
            "id": need_id,
            "started": parse_utc(started) if started else None,
            "day_only": is_day_only(started),
        }
        self.env.temp_data[INCIDENT_CONTEXT] = context
        try:
            return super().body(need_id, fields)
        finally:
            self.env.temp_data.pop(INCIDENT_CONTEXT, None)


def setup_incident(app: Sphinx) -> None:
    app.add_directive("incident", IncidentDirective, override=True)
