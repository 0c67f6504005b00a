"""``timeline``: an incident's events, one per line, rendered as a table in UTC.

Each line is ``TIME PHASE TEXT``: TIME is ``HH:MM[:SS]`` (on the current day, which
starts as the incident's start date), a full ``YYYY-MM-DDTHH:MM[:SS]Z``, or a date alone
``YYYY-MM-DD`` when no source gives the time of day; PHASE is one of :data:`PHASES`.
Times must not go backwards and the first event must be the incident's ``started``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..cards import badge
from ..placeholders import has_placeholder
from ..problems import report

PHASES = ("trigger", "detection", "escalation", "mitigation", "resolution", "follow-up")
PHASE_STYLES = {
    "trigger": "danger",
    "detection": "warning",
    "escalation": "warning",
    "mitigation": "info",
    "resolution": "success",
    "follow-up": "secondary",
}
LINE = re.compile(r"^(?P<time>\S+)\s+(?P<phase>\S+)\s+(?P<text>.+)$")
CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")
FULL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INCIDENT_CONTEXT = "atlas_incident"


@dataclass(frozen=True)
class Event:
    at: datetime
    phase: str
    text: str
    lineno: int
    # True when the source dates the event but gives no time of day.
    day_only: bool = False

    def before(self, other: Event) -> bool:
        """Earlier than ``other``; a dated-only event is only earlier on an earlier day."""
        if self.day_only or other.day_only:
            return self.at.date() < other.at.date()
        return self.at < other.at


def is_day_only(value: str | None) -> bool:
    """A date without a time of day: ``YYYY-MM-DD``."""
    return bool(value and DAY.match(value))


def parse_utc(value: str) -> datetime:
    """``YYYY-MM-DDTHH:MM[:SS]Z`` as an aware UTC datetime; a bare date as its midnight."""
    if is_day_only(value):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def parse_time(token: str, day: datetime) -> datetime | None:
    """An event time: a UTC date-time or date, or a clock time on ``day``; None if neither."""
    if FULL.match(token) or DAY.match(token):
        try:
            return parse_utc(token)
        except ValueError:
            return None
    if match := CLOCK.match(token):
        try:
            clock = time(int(match["h"]), int(match["m"]), int(match["s"] or 0))
        except ValueError:
            return None
        return datetime.combine(day.date(), clock, tzinfo=UTC)
    return None


def shown_time(event: Event, sep: str = " ") -> str:
    if event.day_only:
        return f"{event.at:%Y-%m-%d}"
    return event.at.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + ("Z" if sep == "T" else "")


def since_start(event: Event, started: datetime | None, start_day_only: bool) -> str:
    """Elapsed time from the start; in days when either end of the span has no time of day."""
    if started is None:
        return ""
    if start_day_only or event.day_only:
        return f"day {(event.at.date() - started.date()).days + 1}"
    return elapsed(event.at - started)


def elapsed(delta: timedelta) -> str:
    """``+1h05m`` style offset from the incident's start."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    text = f"{days}d" if days else ""
    text += f"{hours}h{mins:02d}m" if hours or days else f"{mins}m"
    return "+" + text


class TimelineDirective(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        incident = self.env.temp_data.get(INCIDENT_CONTEXT)
        need_id = incident["id"] if incident else None
        started: datetime | None = incident["started"] if incident else None
        start_day_only = bool(incident and incident.get("day_only"))
        if incident is None:
            self.warn(None, "a timeline is used outside an incident", "move it into an incident")
        events = self.parse_events(need_id, started)
        if events and started:
            self.check_first(need_id, events[0], started, start_day_only)
        return [self.table(events, started, start_day_only)]

    def check_first(
        self, need_id: str | None, first: Event, started: datetime, start_day_only: bool
    ) -> None:
        if start_day_only:
            if not (first.day_only and first.at.date() == started.date()):
                self.warn(
                    need_id,
                    f"the incident's :started: is the date {started:%Y-%m-%d} alone, but the "
                    f"first timeline event is '{shown_time(first)}'",
                    f"start the timeline with a line dated '{started:%Y-%m-%d}' and no time",
                )
            return
        if first.day_only or first.at != started:
            self.warn(
                need_id,
                f"the first timeline event ({shown_time(first, 'T')}) is not the "
                f"incident's :started: ({started:%Y-%m-%dT%H:%M:%SZ})",
                "make :started: and the first event the same moment (both in UTC)",
            )

    def content_line(self, offset: int) -> int:
        """The 1-based file line of content line ``offset``.

        rST gives content lines as absolute 0-based offsets; MyST as offsets from the fence.
        """
        _, line = self.content.info(offset)
        if line is not None and line >= self.lineno:
            return line + 1
        return self.lineno + 1 + offset

    def warn(self, need_id: str | None, problem: str, fix: str, lineno: int | None = None) -> None:
        report((self.env.docname, lineno or self.lineno), need_id, problem, fix, "timeline")

    def parse_events(self, need_id: str | None, started: datetime | None) -> list[Event]:
        events: list[Event] = []
        day = started or datetime(1970, 1, 1, tzinfo=UTC)
        for offset, raw in enumerate(self.content):
            line = raw.strip()
            if not line or has_placeholder(line):
                continue
            lineno = self.content_line(offset)
            match = LINE.match(line)
            at = parse_time(match["time"], day) if match else None
            if match is None or at is None:
                self.warn(
                    need_id,
                    f"cannot read timeline line '{line}'",
                    "write 'HH:MM PHASE text', 'YYYY-MM-DDTHH:MMZ PHASE text', or "
                    "'YYYY-MM-DD PHASE text' when no source gives the time of day",
                    lineno,
                )
                continue
            if match["phase"] not in PHASES:
                self.warn(
                    need_id,
                    f"unknown timeline phase '{match['phase']}'",
                    f"use one of {', '.join(PHASES)}",
                    lineno,
                )
                continue
            event = Event(at, match["phase"], match["text"], lineno, bool(DAY.match(match["time"])))
            if events and event.before(events[-1]):
                self.warn(
                    need_id,
                    f"the timeline goes backwards at '{match['time']}' "
                    f"(after {shown_time(events[-1])} UTC)",
                    "order the events by time; after midnight write the full "
                    "date-time (YYYY-MM-DDTHH:MMZ)",
                    lineno,
                )
                continue
            if FULL.match(match["time"]) or event.day_only:
                day = at
            events.append(event)
        return events

    def table(
        self, events: list[Event], started: datetime | None, start_day_only: bool = False
    ) -> nodes.table:
        table = nodes.table(classes=["atlas-timeline"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (14, 8, 12, 66):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += self.row([nodes.Text(h) for h in ("Time (UTC)", "Elapsed", "Phase", "Event")])
        group += head
        body = nodes.tbody()
        first_day = started.date() if started else (events[0].at.date() if events else None)
        for event in events:
            if event.day_only:
                shown = f"{event.at:%Y-%m-%d}"
            elif event.at.date() == first_day and not start_day_only:
                shown = f"{event.at:%H:%M}"
            else:
                shown = f"{event.at:%Y-%m-%d %H:%M}"
            since = since_start(event, started, start_day_only)
            text, _ = self.parse_inline(event.text, lineno=event.lineno)
            body += self.row(
                [
                    nodes.literal(shown, shown),
                    nodes.Text(since),
                    badge(event.phase, PHASE_STYLES[event.phase]),
                    *[nodes.inline("", "", *text)],
                ]
            )
        group += body
        return table

    @staticmethod
    def row(cells: list[nodes.Node]) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph("", "", cell)
            row += entry
        return row


def setup_timeline(app: Sphinx) -> None:
    app.add_directive("timeline", TimelineDirective)
