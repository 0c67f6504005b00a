"""The source register, the incident–playbook matrix and the staleness report."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..gates.reality import months_between
from ..gates.runner import settings_of
from ..quantities import figure_text, parse_value, plain_number
from .base import Cell, ViewTable, register_view
from .matrices import of_type


@register_view(
    "sources",
    reads=(
        "type",
        "id",
        "title",
        "kind",
        "publisher",
        "published",
        "published_unknown",
        "accessed",
        "sources_back",
    ),
)
def source_register(needs: Any, app: Any) -> list[ViewTable]:
    register = ViewTable(
        "Source register",
        ["Source", "Title", "Kind", "Publisher", "Published", "Accessed", "Rests on it"],
        csv_name="sources.csv",
        empty="No source yet.",
        wide=True,
    )
    uncited = ViewTable(
        "Sources nothing cites", ["Source", "Title", "Publisher"], empty="Every source is cited."
    )
    for source in of_type(needs, "source"):
        users = sorted(source["sources_back"])
        register.rows.append(
            [
                Cell.link(source["id"]),
                Cell(source["title"]),
                Cell(source["kind"] or "—"),
                Cell(source["publisher"] or "—"),
                Cell(source["published"] or ("not shown" if source["published_unknown"] else "—")),
                Cell(source["accessed"] or "—"),
                [Cell.link(u) for u in users] or Cell("nothing", badge="warning"),
            ]
        )
        if not users:
            uncited.rows.append(
                [Cell.link(source["id"]), Cell(source["title"]), Cell(source["publisher"] or "—")]
            )
    return [register, uncited]


def playbooks_of(incident: Any) -> list[str]:
    """Playbooks an incident names, and playbooks that say they mitigate it."""
    return sorted(set(incident["playbooks"]) | set(incident["mitigates_back"]))


@register_view(
    "incidents",
    reads=(
        "type", "id", "title", "organization", "started", "category", "playbooks",
        "mitigates_back", "gate_3am",
    ),
)  # fmt: skip
def incident_playbooks(needs: Any, app: Any) -> list[ViewTable]:
    matrix = ViewTable(
        "Incident ↔ playbook matrix",
        ["Incident", "Title", "Organisation", "Started (UTC)", "Category", "Playbooks", "3 AM"],
        csv_name="incidents.csv",
        empty="No incident yet.",
        wide=True,
    )
    orphans = ViewTable(
        "Incidents without a playbook",
        ["Incident", "Title"],
        empty="Every incident has a playbook.",
    )
    for incident in of_type(needs, "incident"):
        playbooks = playbooks_of(incident)
        matrix.rows.append(
            [
                Cell.link(incident["id"]),
                Cell(incident["title"]),
                Cell(incident["organization"] or "—"),
                Cell(incident["started"] or "—"),
                Cell(incident["category"] or "—"),
                [Cell.link(p) for p in playbooks] or Cell("none", badge="danger"),
                Cell.status(incident["gate_3am"]),
            ]
        )
        if not playbooks:
            orphans.rows.append([Cell.link(incident["id"]), Cell(incident["title"])])
    return [matrix, orphans]


@register_view(
    "staleness",
    reads=(
        "type", "id", "title", "type_name", "stale", "as_of", "value", "unit", "qualifier",
        "system", "sources", "kind",
    ),
)  # fmt: skip
def staleness(needs: Any, app: Any) -> list[ViewTable]:
    settings = settings_of(app)
    report = ViewTable(
        f"Current-state figures older than {settings.stale_after_months} months "
        f"(judged on {settings.today.isoformat()})",
        ["Metric", "Title", "Value", "As of", "Age (months)", "System", "Sources"],
        csv_name="stale.csv",
        empty="No figure is stale.",
    )
    stale = [m for m in of_type(needs, "metric") if m["stale"]]
    for metric in sorted(stale, key=lambda m: m["as_of"]):
        age = months_between(date.fromisoformat(metric["as_of"]), settings.today)
        report.rows.append(
            [
                Cell.link(metric["id"]),
                Cell(metric["title"]),
                Cell(figure_text(metric["value"], metric["unit"], metric["qualifier"])),
                Cell(metric["as_of"]),
                Cell(str(age)),
                [Cell.link(s) for s in metric["system"]] or Cell("—"),
                [Cell.link(s) for s in metric["sources"]] or Cell("—"),
            ]
        )
    pictures = ViewTable(
        "Diagrams of the present whose newest source is older than the limit",
        ["Diagram", "Title", "Kind", "Sources"],
        empty="No diagram is stale.",
    )
    for diagram in of_type(needs, "diagram"):
        if diagram["stale"]:
            pictures.rows.append(
                [
                    Cell.link(diagram["id"]),
                    Cell(diagram["title"]),
                    Cell(diagram["kind"]),
                    [Cell.link(s) for s in diagram["sources"]],
                ]
            )
    practice = ViewTable(
        "Guides and patterns whose newest source is older than the limit",
        ["Entry", "Title", "Type", "Sources"],
        empty="No guide or pattern is stale.",
    )
    for need_type in ("guide", "pattern"):
        for need in of_type(needs, need_type):
            if need["stale"]:
                practice.rows.append(
                    [Cell.link(need["id"]), Cell(need["title"]), Cell(need["type_name"]),
                     [Cell.link(s) for s in need["sources"]]]
                )  # fmt: skip
    return [report, pictures, practice]


@register_view(
    "figures",
    reads=(
        "type", "id", "title", "value", "unit", "qualifier", "as_of", "validation", "locator",
        "sources", "system", "historical",
    ),
)  # fmt: skip
def figures(needs: Any, app: Any) -> list[ViewTable]:
    """Every figure as its source states it, where in the source it stands, and its level:
    what a fact-checker needs to check one in a minute. Low and high are plain numbers so
    the columns sort (and chart) numerically; a single value has low = high."""
    register = ViewTable(
        "Figure register",
        ["Metric", "Title", "Figure", "Low", "High", "As of", "Level", "Where in the source",
         "Sources"],
        csv_name="figures.csv",
        empty="No figure is defined.",
        wide=True,
    )  # fmt: skip
    for metric in sorted(of_type(needs, "metric"), key=lambda m: m["id"]):
        figure = parse_value(metric["value"], metric["qualifier"])
        register.rows.append(
            [
                Cell.link(metric["id"]),
                Cell(metric["title"]),
                Cell(figure_text(metric["value"], metric["unit"], metric["qualifier"])),
                Cell(plain_number(figure.low) if figure else "—"),
                Cell(plain_number(figure.high) if figure else "—"),
                Cell(metric["as_of"] or "—"),
                Cell(metric["validation"] or "—"),
                Cell(metric["locator"] or "none given"),
                [Cell.link(s) for s in metric["sources"]] or Cell("—"),
            ]
        )
    return [register]
