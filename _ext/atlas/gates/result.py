"""The result every gate returns: a status and the findings behind it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .context import GateContext

Status = Literal["pass", "fail", "pending"]


@dataclass(frozen=True)
class Finding:
    """One failed machine check: what is wrong and how to fix it.

    ``reported`` marks a problem already reported where it was written (a missing field,
    a dead link, a Mermaid syntax error): the gate records it without a second warning.
    """

    problem: str
    fix: str
    reported: bool = False


@dataclass(frozen=True)
class GateResult:
    status: Status
    findings: tuple[Finding, ...] = ()
    #: Why a gate is still pending (e.g. no reviewer verdict yet).
    waiting: tuple[str, ...] = ()
    #: The machine part alone (None when it could not run, e.g. nothing rendered).
    checks: Literal["pass", "fail"] | None = None

    @property
    def reasons(self) -> list[str]:
        return [f.problem for f in self.findings] + list(self.waiting)


#: A rule returns its findings (none when the need passes it).
Rule = Callable[["GateContext"], Iterable[Finding]]


@dataclass(frozen=True)
class Gate:
    """One quality gate: the need field it fills, the needs it judges, its machine rules,
    and the reviewer field whose verdict it waits for (if any)."""

    field: str
    title: str
    applies: Callable[[GateContext], bool]
    rules: tuple[Rule, ...]
    review_field: str | None = None
    reviewed_types: frozenset[str] = field(default_factory=frozenset)
    #: Returns why the gate cannot be judged yet (e.g. the diagram was not rendered).
    precondition: Callable[[GateContext], str | None] | None = None

    def judge(self, context: GateContext) -> GateResult:
        if self.precondition and (reason := self.precondition(context)):
            return GateResult("pending", waiting=(reason,))
        findings = tuple(f for rule in self.rules for f in rule(context))
        if findings:
            return GateResult("fail", findings, checks="fail")
        if self.review_field and context.need["type"] in self.reviewed_types:
            verdict = context.need.get(self.review_field)
            if verdict is None:
                waiting = (f"checks pass; waiting for a reviewer (:{self.review_field}:)",)
                return GateResult("pending", waiting=waiting, checks="pass")
            if verdict == "fail":
                reviewer = context.need.get("reviewer") or "a reviewer"
                return GateResult(
                    "fail", waiting=(f"{reviewer} declared it failed",), checks="pass"
                )
        return GateResult("pass", checks="pass")

    def review_status(self, need: object) -> Status | None:
        """The reviewer's part alone: None for needs no reviewer judges on this gate."""
        if not self.review_field or need["type"] not in self.reviewed_types:  # type: ignore[index]
            return None
        return need.get(self.review_field) or "pending"  # type: ignore[attr-defined]
