"""The catalogue's views: the "What are you seeing?" index that leads a responder from a
symptom to its guide or playbook, the pattern catalogue, the anti-pattern ↔ incident
matrix and the migrations by year."""

from __future__ import annotations

from typing import Any

from ..directives.response import PROBLEM_SEPARATOR
from ..model import AREAS
from .base import Cell, ViewTable, register_view
from .matrices import of_type

#: How each area reads in the index (the field's values are slugs).
AREA_TITLES = {
    "service-latency": "Service and latency",
    "data": "Data",
    "runtime-infrastructure": "Runtime and infrastructure",
    "network": "Network",
    "security": "Security",
}


def _signals(need: Any) -> str:
    return "; ".join(filter(None, (need["signals"] or "").split(PROBLEM_SEPARATOR))) or "—"


@register_view(
    "symptoms",
    reads=("type", "id", "title", "area", "symptom", "scenario", "signals", "playbooks"),
)
def symptoms(needs: Any, app: Any) -> list[ViewTable]:
    """Every guide's and playbook's symptom and exact signals, by area: type an error
    message in the filter box (or in the site's search) to find what to open."""
    index = ViewTable(
        "What are you seeing?",
        ["Area", "What you see", "Signals", "Open", "Kind", "Then follow"],
        csv_name="symptoms.csv",
        empty="No guide or playbook yet.",
        wide=True,
        facets=("Area", "Kind"),
    )
    entries = of_type(needs, "guide") + of_type(needs, "playbook")
    order = {area: rank for rank, area in enumerate(AREAS)}
    for need in sorted(entries, key=lambda n: (order.get(n["area"], len(AREAS)), n["id"])):
        index.rows.append(
            [
                Cell(AREA_TITLES.get(need["area"], "not yet placed")),
                Cell(need["symptom"] or need["scenario"] or "—"),
                Cell(_signals(need)),
                Cell.link_titled(need["id"], need["title"]),
                Cell("debugging guide" if need["type"] == "guide" else "playbook"),
                [Cell.link(p) for p in need["playbooks"] or []] or Cell("—"),
            ]
        )
    return [index]


@register_view(
    "patterns",
    reads=("type", "id", "title", "problem", "implemented_by", "diagrams", "related",
           "fixed_by_back", "validation"),
)  # fmt: skip
def patterns(needs: Any, app: Any) -> list[ViewTable]:
    catalogue = ViewTable(
        "Pattern catalogue: patterns × the systems that implement them",
        ["Pattern", "Problem", "Implemented by", "Prevents", "Related", "Level"],
        csv_name="patterns.csv",
        empty="No pattern yet.",
        wide=True,
    )
    for pattern in of_type(needs, "pattern"):
        catalogue.rows.append(
            [
                Cell.link_titled(pattern["id"], pattern["title"]),
                Cell(pattern["problem"] or "—"),
                [Cell.link(s) for s in pattern["implemented_by"]] or Cell("none", badge="danger"),
                [Cell.link(a) for a in pattern["fixed_by_back"]] or Cell("—"),
                [Cell.link(p) for p in pattern["related"]] or Cell("—"),
                Cell(pattern["validation"] or "—"),
            ]
        )
    return [catalogue]


@register_view(
    "antipatterns",
    reads=("type", "id", "title", "examples", "fixed_by", "examples_back", "category"),
)
def antipatterns(needs: Any, app: Any) -> list[ViewTable]:
    matrix = ViewTable(
        "Anti-pattern ↔ incident matrix",
        ["Anti-pattern", "Incidents where it did harm", "Fixed by"],
        csv_name="antipatterns.csv",
        empty="No anti-pattern yet.",
    )
    for anti in of_type(needs, "antipattern"):
        matrix.rows.append(
            [
                Cell.link_titled(anti["id"], anti["title"]),
                [Cell.link(i) for i in anti["examples"]] or Cell("none", badge="danger"),
                [Cell.link(p) for p in anti["fixed_by"]] or Cell("no pattern yet", badge="warning"),
            ]
        )
    unnamed = ViewTable(
        "Incidents that name no anti-pattern yet",
        ["Incident", "Title", "Category"],
        empty="Every incident is linked to an anti-pattern.",
    )
    for incident in of_type(needs, "incident"):
        if not incident["examples_back"]:
            unnamed.rows.append(
                [Cell.link(incident["id"]), Cell(incident["title"]),
                 Cell(incident["category"] or "—")]
            )  # fmt: skip
    return [matrix, unnamed]


@register_view(
    "migrations",
    reads=("type", "id", "title", "organization", "migrated_from", "migrated_to", "began",
           "completed", "system"),
)  # fmt: skip
def migrations(needs: Any, app: Any) -> list[ViewTable]:
    by_year = ViewTable(
        "Migrations by year",
        ["Began", "Migration", "Organisation", "From", "To", "Completed", "System"],
        csv_name="migrations.csv",
        empty="No migration yet.",
        facets=("Organisation",),
    )
    for migration in sorted(of_type(needs, "migration"), key=lambda m: m["began"] or ""):
        by_year.rows.append(
            [
                Cell((migration["began"] or "—")[:4]),
                Cell.link_titled(migration["id"], migration["title"]),
                Cell(migration["organization"] or "—"),
                Cell(migration["migrated_from"] or "—"),
                Cell(migration["migrated_to"] or "—"),
                Cell(migration["completed"] or "ongoing or unknown"),
                [Cell.link(s) for s in migration["system"]] or Cell("—"),
            ]
        )
    return [by_year]
