"""Gate 3, learning efficiency: acronyms explained, flowcharts oriented, few nodes with short
labels, legible as shown on the page, and a reviewer's verdict."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import ACRONYM, GateContext
from .result import Finding, Gate

DIRECTION = re.compile(r"^\s*(flowchart|graph)\b(?P<rest>[^\n]*)", re.MULTILINE)
DIRECTIONS = {"LR", "RL", "TB", "TD", "BT"}


def acronyms(labels: list[str]) -> set[str]:
    found = set()
    for label in labels:
        for token in ACRONYM.findall(label):
            found.add(token[:-1] if token.endswith("s") and token[:-1].isupper() else token)
    return found


def acronyms_in_glossary(ctx: GateContext) -> Iterator[Finding]:
    if not ctx.rendered:
        return
    unknown = sorted(a for a in acronyms(ctx.rendered.labels) if a.lower() not in ctx.glossary)
    if unknown:
        yield Finding(
            f"acronym(s) not in the glossary: {', '.join(unknown)}",
            "define each in source/glossary.md, or spell it out in the label",
        )


def flowchart_has_direction(ctx: GateContext) -> Iterator[Finding]:
    match = DIRECTION.search(ctx.source_text)
    if match and not set(match["rest"].split()[:1]) & DIRECTIONS:
        yield Finding(
            "the flowchart declares no direction",
            "write 'flowchart LR' (or TB, RL, BT) on the first line",
        )


def legible(ctx: GateContext) -> Iterator[Finding]:
    if ctx.rendered and ctx.rendered.node_count > ctx.settings.max_nodes:
        yield Finding(
            f"{ctx.rendered.node_count} nodes (limit {ctx.settings.max_nodes})",
            "split the diagram, or group detail into fewer nodes",
        )


def shown_label_px(width: float, font: float, column: float) -> float:
    """The size a label of ``font`` px is shown at when the drawing fits ``column`` px."""
    return font * min(1.0, column / width)


def legible_as_shown(ctx: GateContext) -> Iterator[Finding]:
    """At the widest the page shows it, the smallest label must stay legible."""
    geometry = ctx.rendered.geometry if ctx.rendered else None
    if geometry is None:
        return
    width, font = geometry
    column, floor = ctx.settings.diagram_width, ctx.settings.legible_px
    shown = shown_label_px(width, font, column)
    if shown < floor:
        yield Finding(
            f"{width:.0f} px wide: at the page's {column} px its {font:g} px labels show at "
            f"{shown:.1f} px (legible needs at least {floor:g} px)",
            "lay it out top-down ('flowchart TD'), shorten the labels, or split it",
        )


def labels_short(ctx: GateContext) -> Iterator[Finding]:
    limit = ctx.settings.max_label_chars
    long = [
        label for label, _ in (ctx.rendered.nodes if ctx.rendered else []) if len(label) > limit
    ]
    if long:
        yield Finding(
            f"{len(long)} node label(s) longer than {limit} characters, e.g. '{long[0][:60]}…'",
            "keep a node to a name and a figure; move the explanation into the caption or prose",
        )


GATE = Gate(
    field="gate_learning",
    title="Learning efficiency",
    applies=lambda ctx: ctx.need["type"] == "diagram",
    rules=(acronyms_in_glossary, flowchart_has_direction, legible, legible_as_shown, labels_short),
    review_field="review_learning",
    reviewed_types=frozenset({"diagram"}),
)
