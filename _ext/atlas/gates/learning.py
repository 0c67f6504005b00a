"""Gate 3, learning efficiency: acronyms explained, flowcharts oriented, a reviewer's verdict."""

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


GATE = Gate(
    field="gate_learning",
    title="Learning efficiency",
    applies=lambda ctx: ctx.need["type"] == "diagram",
    rules=(acronyms_in_glossary, flowchart_has_direction),
    review_field="review_learning",
    reviewed_types=frozenset({"diagram"}),
)
