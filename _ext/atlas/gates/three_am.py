"""Gate 4, the 3 AM test: failures lead to a playbook, and playbooks can be followed half asleep."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..directives.response import PROBLEM_SEPARATOR
from ..model import SIGNAL_DIAGRAM_KINDS
from .context import GateContext
from .result import Finding, Gate

FAILURE_KINDS = ("failure-domains", "operations", "incident", "debugging")
STEP = re.compile(r"^\s*\d+[.)]\s+\S", re.MULTILINE)
VERIFY = re.compile(r"\bverif(y|ication)\b", re.IGNORECASE)
ROLLBACK = re.compile(r"\broll\s?back\b", re.IGNORECASE)


def links_a_playbook(ctx: GateContext) -> Iterator[Finding]:
    need = ctx.need
    shows_failure = need["type"] in ("incident", "guide") or (
        need["type"] == "diagram" and need["kind"] in FAILURE_KINDS
    )
    if shows_failure and not ctx.linked("playbooks", "playbook"):
        yield Finding(
            "links no playbook for the failure it shows",
            "add ':playbooks: PBK-…' naming the playbook a responder should open",
        )


def shows_its_signal(ctx: GateContext) -> Iterator[Finding]:
    need = ctx.need
    shows_failure = need["type"] == "diagram" and need["kind"] in SIGNAL_DIAGRAM_KINDS
    if shows_failure and not need.get("signal"):
        yield Finding(
            "names no signal that shows the failure",
            "add ':signal:' with what a responder sees first: the error message, metric or "
            "alert, exact text in backticks",
        )


def lists_signals_and_first_checks(ctx: GateContext) -> Iterator[Finding]:
    """Found when the playbook or guide was read, and reported there at its line."""
    for problem in filter(None, (ctx.need.get("response_problems") or "").split(PROBLEM_SEPARATOR)):
        yield Finding(problem, "see the warning at its line", reported=True)


def playbook_is_followable(ctx: GateContext) -> Iterator[Finding]:
    if ctx.need["type"] != "playbook":
        return
    text = ctx.source_text
    if len(STEP.findall(text)) < 2:
        yield Finding("has no numbered steps", "write the response as a numbered list (1., 2., …)")
    if not VERIFY.search(text):
        yield Finding("has no verification", "add a Verification part: how to know it worked")
    if not ROLLBACK.search(text):
        yield Finding("has no rollback", "add a Rollback part: how to undo the steps")


GATE = Gate(
    field="gate_3am",
    title="3 AM test",
    applies=lambda ctx: ctx.need["type"] in ("diagram", "incident", "playbook", "guide"),
    rules=(
        links_a_playbook,
        shows_its_signal,
        lists_signals_and_first_checks,
        playbook_is_followable,
    ),
    review_field="review_3am",
    reviewed_types=frozenset({"diagram", "incident", "playbook", "guide"}),
)
