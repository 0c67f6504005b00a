"""The badge row under each gated card: four gates, the validation level, the stale flag.

Each badge explains itself on hover; failing and pending reasons are also listed below.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx_needs.data import SphinxNeedsData

from ..cards import badge, level_badge
from ..nodes import gate_badges
from .runner import GATES, NOTE_SEPARATOR

SHORT = {
    "gate_reality": "Reality",
    "gate_visual": "Visual",
    "gate_learning": "Learning",
    "gate_3am": "3 AM",
}
STYLE = {"pass": ("success", "✓"), "fail": ("danger", "✗"), "pending": ("secondary", "…")}


def reasons_by_gate(notes: str | None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for note in (notes or "").split(NOTE_SEPARATOR):
        title, _, reason = note.partition(": ")
        if reason:
            found.setdefault(title, []).append(reason)
    return found


def badge_row(need) -> list[nodes.Node]:  # type: ignore[no-untyped-def]
    row = nodes.paragraph(classes=["atlas-gates"])
    reasons = reasons_by_gate(need["gate_notes"])
    listed = []
    for gate in GATES:
        status = need[gate.field]
        if status is None:
            continue
        style, mark = STYLE[status]
        why = reasons.get(gate.title, [])
        explanation = f"{gate.title}: {status}" + (" — " + "; ".join(why) if why else "")
        row += badge(_label(gate, need, mark), style, explanation)
        row += nodes.Text(" ")
        listed += [f"{gate.title} ({status}): {reason}" for reason in why]
    if (level := level_badge(need["validation"])) is not None:
        row += level
    if need["stale"]:
        row += nodes.Text(" ")
        row += badge("stale", "warning", "A current-state figure older than the freshness limit")
    result: list[nodes.Node] = [row]
    if listed:
        notes = nodes.bullet_list(classes=["atlas-gate-notes"])
        for text in listed:
            notes += nodes.list_item("", nodes.paragraph(text=text))
        result.append(notes)
    return result


def _label(gate, need, mark: str) -> str:  # type: ignore[no-untyped-def]
    """ "✓ 3 AM" when settled; "3 AM: checks ✓ · review pending" (or "· review ✗") when the
    machine checks pass and the reviewer's part decides, so a reader sees which part waits."""
    review = gate.review_status(need)
    checks = need.get(f"{gate.field}_checks")
    if review is None or checks != "pass" or review == "pass":
        return f"{mark} {SHORT[gate.field]}"
    shown = "pending" if review == "pending" else STYLE[review][1]
    return f"{SHORT[gate.field]}: checks ✓ · review {shown}"


def stale_mark(need) -> list[nodes.Node]:  # type: ignore[no-untyped-def]
    """The figures table's compact row: only what the level cell lacks (a stale flag)."""
    if not need["stale"]:
        return []
    row = nodes.paragraph(classes=["atlas-gates"])
    row += badge("stale", "warning", "A current-state figure older than the freshness limit")
    return [row]


def resolve_badges(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    needs = SphinxNeedsData(app.env).get_needs_view()
    for node in list(doctree.findall(gate_badges)):
        need = needs.get(node["need_id"])
        render = stale_mark if node.get("compact") else badge_row
        node.replace_self(render(need) if need is not None else [])


def setup_badges(app: Sphinx) -> None:
    app.add_node(gate_badges)
    app.connect("doctree-resolved", resolve_badges)
