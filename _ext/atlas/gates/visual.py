"""Gate 2, visual consistency: judged on Mermaid's own output, never by re-parsing by hand."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..mermaid.settings import PLANE_TEXT, PLANES
from .context import GateContext
from .result import Finding, Gate

PLANE_KINDS = ("architecture", "request-flow", "storage", "failure-domains", "operations")
SLO_KINDS = ("architecture", "request-flow")
CLASSDEF = re.compile(r"^\s*classDef\s+(\w+)\s+(.*)$", re.MULTILINE)
FILL = re.compile(r"fill\s*:\s*(#[0-9a-fA-F]{3,8})")
SLO = re.compile(
    r"\bp(50|90|95|99|99\.9|999)\b\s*[:=]?\s*[<≤~]?\s*\d+(\.\d+)?\s*(µs|us|ms|s|min)\b", re.I
)
FLOWCHART = re.compile(r"^\s*(flowchart|graph)\b", re.MULTILINE)


def _is_flowchart(ctx: GateContext) -> bool:
    return bool(FLOWCHART.search(ctx.source_text))


def not_rendered(ctx: GateContext) -> str | None:
    if ctx.rendered is None:
        return "not rendered at build time (no Chromium), so Mermaid could not judge it"
    return None


def parses(ctx: GateContext) -> Iterator[Finding]:
    if ctx.rendered and ctx.rendered.error:
        yield Finding(
            f"Mermaid cannot parse it: {ctx.rendered.error}", "fix the syntax", reported=True
        )


def uses_the_planes(ctx: GateContext) -> Iterator[Finding]:
    if ctx.need["kind"] not in PLANE_KINDS or not _is_flowchart(ctx) or not ctx.rendered:
        return
    declared = {name: FILL.search(style) for name, style in CLASSDEF.findall(ctx.source_text)}
    wrong = [
        (plane, colour)
        for plane, (colour, _) in PLANES.items()
        if (fill := declared.get(plane)) is None or fill.group(1).upper() != colour.upper()
    ]
    if wrong:
        yield Finding(
            "plane classDef missing or wrongly coloured: " + ", ".join(p for p, _ in wrong),
            "declare "
            + "; ".join(f"'classDef {p} fill:{c},color:{PLANE_TEXT[p]}'" for p, c in wrong),
        )
    loose = [
        label or "(unlabelled)"
        for label, classes in ctx.rendered.nodes
        if not classes & PLANES.keys()
    ]
    if loose:
        yield Finding(
            f"node(s) in no plane: {', '.join(loose)}",
            "give each node a plane with 'class <ids> edge|service|state|control'",
        )


def labels_latency(ctx: GateContext) -> Iterator[Finding]:
    if ctx.need["kind"] not in SLO_KINDS or not ctx.rendered:
        return
    if not any(SLO.search(label) for label in ctx.rendered.edge_labels):
        yield Finding(
            "no edge carries a latency or SLO label",
            "label at least one edge with a sourced percentile, e.g. '-->|p99 40 ms|'",
        )


def accessible(ctx: GateContext) -> Iterator[Finding]:
    text = ctx.source_text
    if "accTitle" not in text and "accDescr" not in text and not ctx.need["alt"]:
        yield Finding(
            "no text for screen readers",
            "add 'accTitle:'/'accDescr:' to the Mermaid source or an :alt: option",
        )


#: WCAG 2 AA for normal text.
CONTRAST_AA = 4.5


def labels_contrast(ctx: GateContext) -> Iterator[Finding]:
    """Every node's label must stand out from its fill (measured in the rendered SVG)."""
    measured = ctx.rendered.contrast if ctx.rendered else None
    if measured is None or measured[0] >= CONTRAST_AA:
        return
    ratio, label = measured
    yield Finding(
        f"the label '{label}' has {ratio:.1f}:1 contrast against its fill "
        f"(WCAG AA needs {CONTRAST_AA}:1)",
        "give the node a plane class (the theme sets a readable label colour), or set its "
        "classDef's color: to dark text (#1b1f24) on light or bright fills, #fff on dark ones",
    )


GATE = Gate(
    field="gate_visual",
    title="Visual consistency",
    applies=lambda ctx: ctx.need["type"] == "diagram",
    rules=(
        parses,
        uses_the_planes,
        labels_latency,
        accessible,
        labels_contrast,
    ),
    precondition=not_rendered,
)
