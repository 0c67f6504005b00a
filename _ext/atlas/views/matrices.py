"""The traceability and coverage matrices: which diagram rests on what and passes which gate,
and which system lacks which of its eight mandatory diagrams."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..model import MANDATORY_DIAGRAM_KINDS
from .base import Cell, ViewTable, register_view

GATES = ("gate_reality", "gate_visual", "gate_learning", "gate_3am")
SEVERITY = {"fail": 3, "pending": 2, "pass": 1, None: 0}


def of_type(needs: Any, need_type: str) -> list[Any]:
    return sorted((n for n in needs.values() if n["type"] == need_type), key=lambda n: n["id"])


def worst_gate(need: Any) -> str | None:
    return max((need[g] for g in GATES), key=lambda s: SEVERITY[s])


#: The catalogue's entry types that the traceability view lists after the diagrams.
CATALOGUE_TYPES = ("guide", "pattern", "antipattern", "migration")


@register_view(
    "traceability",
    reads=(
        "type", "id", "title", "type_name", "system", "kind", "validation", "sources", *GATES,
        "stale",
    ),
)  # fmt: skip
def traceability(needs: Any, app: Any) -> list[ViewTable]:
    table = ViewTable(
        "Diagram traceability matrix",
        [
            "Diagram",
            "Title",
            "System",
            "Kind",
            "Level",
            "Sources",
            "Reality",
            "Visual",
            "Learning",
            "3 AM",
            "Stale",
        ],
        csv_name="diagrams.csv",
        empty="No diagram yet.",
        wide=True,
    )
    for need in of_type(needs, "diagram"):
        table.rows.append(
            [
                Cell.link(need["id"]),
                Cell(need["title"]),
                [Cell.link(s) for s in need["system"]] or Cell("—"),
                Cell(need["kind"] or "—"),
                Cell(need["validation"] or "—"),
                [Cell.link(s) for s in need["sources"]] or Cell("—"),
                *(Cell.status(need[g]) for g in GATES),
                Cell("stale", badge="warning") if need["stale"] else Cell("—"),
            ]
        )
    return [table, catalogue_traceability(needs)]


def catalogue_traceability(needs: Any) -> ViewTable:
    """Guides, patterns, anti-patterns and migrations: what each rests on and its gates."""
    table = ViewTable(
        "Catalogue traceability: guides, patterns, anti-patterns and migrations",
        ["Entry", "Title", "Type", "Level", "Sources", "Reality", "3 AM"],
        csv_name="catalogue.csv",
        empty="No guide, pattern, anti-pattern or migration yet.",
        wide=True,
    )
    for need_type in CATALOGUE_TYPES:
        for need in of_type(needs, need_type):
            table.rows.append(
                [
                    Cell.link(need["id"]),
                    Cell(need["title"]),
                    Cell(need["type_name"]),
                    Cell(need["validation"] or "—"),
                    [Cell.link(s) for s in need["sources"]] or Cell("—"),
                    Cell.status(need["gate_reality"]),
                    Cell.status(need["gate_3am"]),
                ]
            )
    return table


@register_view(
    "coverage",
    reads=("type", "id", "system", "kind", *GATES, "implemented_by_back", "system_back"),
)
def coverage(needs: Any, app: Any) -> list[ViewTable]:
    table = ViewTable(
        "Coverage: the eight mandatory diagrams of each system",
        ["System", *MANDATORY_DIAGRAM_KINDS],
        csv_name="coverage.csv",
        empty="No system yet.",
        wide=True,
    )
    by_place: dict[tuple[str, str], list[Any]] = defaultdict(list)  # (system, kind) → diagrams
    for diagram in of_type(needs, "diagram"):
        for system_id in diagram["system"]:
            by_place[(str(system_id), diagram["kind"])].append(diagram)
    for system in of_type(needs, "system"):
        row: list[Any] = [Cell.link(system["id"])]
        for kind in MANDATORY_DIAGRAM_KINDS:
            found = by_place.get((system["id"], kind), [])
            if not found:
                row.append(Cell("gap", badge="danger"))
                continue
            cells = []
            for diagram in found:
                cells += [Cell.link(diagram["id"]), Cell.status(worst_gate(diagram))]
            row.append(cells)
        table.rows.append(row)
    catalogue = ViewTable(
        "Coverage: the catalogue's entries for each system",
        ["System", "Patterns it implements", "Migrations"],
        csv_name="coverage-catalogue.csv",
        empty="No system yet.",
    )
    for system in of_type(needs, "system"):
        migrations = [i for i in system["system_back"] if needs[i]["type"] == "migration"]
        catalogue.rows.append(
            [
                Cell.link(system["id"]),
                [Cell.link(p) for p in system["implemented_by_back"]] or Cell("none yet"),
                [Cell.link(m) for m in migrations] or Cell("none yet"),
            ]
        )
    return [table, catalogue]
