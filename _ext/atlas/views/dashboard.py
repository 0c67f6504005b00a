"""The dashboard's figures: entries by type, diagrams against the roadmap's targets and by
kind, gate pass rates and validation levels (charts are sphinx-needs' needpie/needbar)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..config import atlas_config
from ..model import DIAGRAM_KINDS, KINDS, MANDATORY_DIAGRAM_KINDS
from .base import Cell, ViewTable, register_view
from .matrices import GATES, of_type

GATE_TITLES = dict(
    zip(
        GATES,
        ("Production reality", "Visual consistency", "Learning efficiency", "3 AM test"),
        strict=True,
    )
)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "—"


TYPES_WITH_LEVELS = (
    "metric", "diagram", "incident", "playbook", "guide", "pattern", "antipattern", "migration",
)  # fmt: skip
REVIEWS = {"gate_learning": "review_learning", "gate_3am": "review_3am"}


@register_view(
    "dashboard",
    reads=(
        "type", "id", "title", "kind", "system", "validation", *GATES,
        *(f"{g}_checks" for g in GATES), *REVIEWS.values(),
    ),
)  # fmt: skip
def dashboard(needs: Any, app: Any) -> list[ViewTable]:
    counts = Counter(n["type"] for n in needs.values())
    diagrams = of_type(needs, "diagram")
    entries = ViewTable("Entries", ["Type", "Count"], sortable=False)
    entries.rows = [[Cell(kind.title), Cell(str(counts[name]))] for name, kind in KINDS.items()]

    actual = {
        **diagram_progress(diagrams),
        "diagrams": len(diagrams),
        "incidents": counts["incident"],
        "playbooks": counts["playbook"],
        "debugging guides": counts["guide"],
        "patterns": counts["pattern"],
        "anti-patterns": counts["antipattern"],
        "migrations": counts["migration"],
    }
    targets = ViewTable(
        "Progress against the roadmap", ["What", "Now", "Target", "Done"], sortable=False
    )
    for name, target in atlas_config(app).targets.items():
        have = actual.get(name, 0)
        targets.rows.append(
            [Cell(name), Cell(str(have)), Cell(str(target)), Cell(_percent(have, target))]
        )

    by_kind = ViewTable(
        "Diagrams by kind", ["Kind", "Diagrams", "Mandatory for systems"], sortable=False
    )
    kinds = Counter(d["kind"] for d in diagrams)
    by_kind.rows = [
        [Cell(kind), Cell(str(kinds[kind])), Cell("yes" if kind in MANDATORY_DIAGRAM_KINDS else "")]
        for kind in DIAGRAM_KINDS
    ]

    gates = ViewTable(
        "Gate outcomes",
        ["Gate", "Pass", "Fail", "Pending", "Pass rate", "Checks pass", "Checks fail",
         "Checks pass, review pending"],
        sortable=False,
    )  # fmt: skip
    for gate in GATES:
        judged = [n for n in needs.values() if n.get(gate)]
        tally = Counter(n[gate] for n in judged)
        checks = Counter(n.get(f"{gate}_checks") for n in judged)
        gates.rows.append(
            [
                Cell(GATE_TITLES[gate]),
                *(Cell(str(tally[s])) for s in ("pass", "fail", "pending")),
                Cell(_percent(tally["pass"], len(judged))),
                Cell(str(checks["pass"])),
                Cell(str(checks["fail"])),
                Cell(str(len(_awaiting_review(judged, gate)))),
            ]
        )
    waiting = ViewTable(
        "Where a reviewer is needed: machine checks pass, review pending",
        ["Entry", "Type", "Gates waiting"],
        csv_name="awaiting-review.csv",
        empty="No entry waits for a reviewer.",
    )
    for need in sorted(needs.values(), key=lambda n: n["id"]):
        gates_waiting = [GATE_TITLES[g] for g in REVIEWS if _awaiting_review([need], g)]
        if gates_waiting:
            waiting.rows.append(
                [Cell.link_titled(need["id"], need["title"]), Cell(need["type"]),
                 Cell(", ".join(gates_waiting))]
            )  # fmt: skip

    levels = ViewTable(
        "Validation levels",
        ["Level", *(KINDS[t].title + "s" for t in TYPES_WITH_LEVELS)],
        sortable=False,
    )
    for level in ("A", "B", "C"):
        levels.rows.append(
            [Cell(level)]
            + [
                Cell(str(sum(n["validation"] == level for n in of_type(needs, t))))
                for t in TYPES_WITH_LEVELS
            ]
        )
    return [entries, targets, by_kind, gates, waiting, levels]


#: The roadmap's diagram rows outside the systems, by the diagram kind they count.
ROADMAP_KINDS = {
    "incident diagrams": "incident",
    "debugging diagrams": "debugging",
    "scale diagrams": "scale-evolution",
    "performance diagrams": "performance",
    "pattern diagrams": "pattern",
    "cost diagrams": "cost",
    "migration diagrams": "migration",
    "capacity diagrams": "capacity",
    "comparison diagrams": "comparison",
}


def diagram_progress(diagrams: list[Any]) -> dict[str, int]:
    """Diagrams against the roadmap's rows, each counted once: a mandatory kind on a system
    is a system diagram; anything else counts under its kind."""
    on_system = [d for d in diagrams if d["kind"] in MANDATORY_DIAGRAM_KINDS and d["system"]]
    rest = Counter(d["kind"] for d in diagrams if d not in on_system)
    progress = {name: rest[kind] for name, kind in ROADMAP_KINDS.items()}
    return {"system diagrams": len(on_system), **progress}


def _awaiting_review(judged: list[Any], gate: str) -> list[Any]:
    """Entries whose machine checks pass and whose reviewer's verdict is still missing."""
    review = REVIEWS.get(gate)
    return [
        n
        for n in judged
        if review and n.get(gate) == "pending" and n.get(f"{gate}_checks") == "pass"
        and not n.get(review)
    ]  # fmt: skip
