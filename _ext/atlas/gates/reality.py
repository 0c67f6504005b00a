"""Gate 1, production reality: the entry rests on complete, dated sources at an honest level.

Its problems are reported where they are written (a missing field at the source, a dead
link at the link, a level at the entry); the gate records them. Staleness is a flag,
not a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..levels import level_problem
from ..model import UNDATED_SOURCE_KINDS
from .context import GateContext
from .result import Finding, Gate

SOURCED = ("diagram", "metric", "incident", "guide", "pattern", "antipattern", "migration")
#: Diagram kinds that describe the present (others describe a past event or a pattern).
CURRENT_STATE_KINDS = (
    "architecture",
    "request-flow",
    "storage",
    "failure-domains",
    "cost",
    "operations",
    "performance",
    "capacity",
)


def has_sources(ctx: GateContext) -> Iterator[Finding]:
    if ctx.need["type"] in SOURCED and not ctx.linked("sources", "source"):
        yield Finding("rests on no source", "link at least one :sources:", reported=True)


def sources_complete(ctx: GateContext) -> Iterator[Finding]:
    for source in ctx.linked("sources", "source"):
        wanted = ("url", "publisher") + (
            ()
            if source["kind"] in UNDATED_SOURCE_KINDS or source["published_unknown"]
            else ("published",)
        )
        missing = [name for name in wanted if not source[name]]
        if missing:
            yield Finding(
                f"source {source['id']} has no valid {', '.join(missing)}",
                f"complete {source['id']}",
                reported=True,
            )


def metric_dated(ctx: GateContext) -> Iterator[Finding]:
    if ctx.need["type"] == "metric" and not ctx.need["as_of"]:
        yield Finding("the figure has no :as_of: date", "add :as_of:", reported=True)


def level_consistent(ctx: GateContext) -> Iterator[Finding]:
    if found := level_problem(ctx.need, ctx.needs):
        yield Finding(*found, reported=True)


def months_between(earlier: date, later: date) -> int:
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


def _living_document_date(source: Any) -> str | None:
    """An undated documentation page is as current as the day it was read."""
    return source["accessed"] if source["kind"] in UNDATED_SOURCE_KINDS else None


def is_stale(ctx: GateContext) -> bool:
    """A current-state figure (or picture) older than the freshness limit."""
    need, limit, today = ctx.need, ctx.settings.stale_after_months, ctx.settings.today
    if need["type"] == "metric" and not need["historical"] and need["as_of"]:
        return months_between(date.fromisoformat(need["as_of"]), today) > limit
    describes_present = need["type"] in ("guide", "pattern") or (
        need["type"] == "diagram" and need["kind"] in CURRENT_STATE_KINDS
    )
    if describes_present:
        dates = [
            date.fromisoformat(dated)
            for s in ctx.linked("sources", "source")
            if (dated := s["published"] or _living_document_date(s))
        ]
        return bool(dates) and months_between(max(dates), today) > limit
    return False


GATE = Gate(
    field="gate_reality",
    title="Production reality",
    applies=lambda ctx: ctx.need["type"] in (*SOURCED, "playbook"),
    rules=(has_sources, sources_complete, metric_dated, level_consistent),
)
