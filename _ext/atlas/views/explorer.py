"""The incident explorer: every incident in one table, with a select box per facet.

The page is the full plain table without JavaScript; with it, each facet column gets a
select box, and the chosen filters live in the page's URL (``?category=dns&year=2021``),
so a filtered view can be shared (see ``atlas-tables.js``).
"""

from __future__ import annotations

from typing import Any

from ..directives.incident import format_duration, parse_duration
from ..directives.timeline import is_day_only, parse_utc
from .base import Cell, ViewTable, register_view
from .matrices import of_type

HEADER = (
    "Incident",
    "Started (UTC)",
    "Year",
    "Duration",
    "Length",
    "Organisation",
    "Category",
    "Trigger kind",
    "Level",
    "Playbooks",
)
FACETS = ("Year", "Length", "Organisation", "Category", "Trigger kind", "Level", "Playbooks")
#: Duration bands for the "Length" facet: (upper bound in hours, label).
BANDS = ((1, "under 1 h"), (6, "1–6 h"), (24, "6–24 h"), (float("inf"), "over a day"))


def duration_of(need: Any) -> str | None:
    """The incident's duration as ``4h17m``: its field, or its start to its end."""
    if need["duration"]:
        return str(need["duration"])
    # A start known only to the day gives no honest duration.
    timed = not (is_day_only(need["started"]) or is_day_only(need["ended"]))
    if need["started"] and need["ended"] and timed:
        return format_duration(parse_utc(need["ended"]) - parse_utc(need["started"]))
    return None


def band(duration: str | None) -> str:
    if not duration:
        return "unknown"
    hours = parse_duration(duration).total_seconds() / 3600
    return next(label for limit, label in BANDS if hours < limit)


@register_view(
    "incident-explorer",
    reads=(
        "type",
        "id",
        "title",
        "started",
        "ended",
        "duration",
        "organization",
        "category",
        "trigger_kind",
        "validation",
        "playbooks",
    ),
)
def incident_explorer(needs: Any, app: Any) -> list[ViewTable]:
    table = ViewTable(
        "Every incident",
        HEADER,
        csv_name="incidents-explorer.csv",
        empty="No incident yet.",
        wide=True,
        facets=FACETS,
    )
    incidents = sorted(of_type(needs, "incident"), key=lambda n: n["started"] or "")
    for need in incidents:
        duration = duration_of(need)
        started = str(need["started"] or "")
        table.rows.append(
            [
                Cell.link_titled(need["id"], str(need["title"])),
                Cell(started.replace("T", " ").rstrip("Z") or "—"),
                Cell(started[:4] or "—"),
                Cell(duration or "—"),
                Cell(band(duration)),
                Cell(need["organization"] or "—"),
                Cell(need["category"] or "—"),
                Cell(need["trigger_kind"] or "—"),
                Cell(need["validation"] or "—"),
                [Cell.link(p) for p in need["playbooks"]] or Cell("—"),
            ]
        )
    return [table]
