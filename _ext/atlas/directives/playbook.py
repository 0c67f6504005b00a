"""``playbook``: the response to one failure: signals, first checks, numbered steps,
verification, rollback."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge, level_badge
from ..problems import report
from .base import AtlasNeedDirective
from .response import (
    ENTRY_BEING_READ,
    PROBLEM_SEPARATOR,
    response_problems,
    signal_texts,
    vague_steps,
)


class RespondingDirective(AtlasNeedDirective):
    """An entry a responder follows (playbook, debugging guide): its body must list the
    signals and the first checks; parsed once, before the need is registered, so that
    what it lacks, and the signals it lists, are stored on the need."""

    #: Whether its numbered steps must each name something exact.
    checks_steps = True

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        # The blocks inside name this entry in their warnings.
        self.env.temp_data[ENTRY_BEING_READ] = need_id
        try:
            self.parsed = self.parse_content_to_nodes() if self.content else []
        finally:
            self.env.temp_data.pop(ENTRY_BEING_READ, None)
        problems = response_problems(self.parsed)
        for problem, fix in problems:
            if fix:  # the others were reported at their own line
                report(self.location, need_id, f"the {self.directive} {problem}", fix, "field")
        if signals := signal_texts(self.parsed):
            fields["signals"] = PROBLEM_SEPARATOR.join(signals)
        for line, number in vague_steps(self.parsed) if self.checks_steps else ():
            problem = f"step {number} names no command, metric, file or console path"
            problems.append((problem, ""))
            report(
                (self.env.docname, line or self.lineno),
                need_id,
                problem,
                "say exactly what to run or open, in code markup (e.g. `kubectl rollout undo "
                "deployment/api`), or link the playbook to follow with {need}`PBK-…`",
                "field",
            )
        if problems:
            fields["response_problems"] = PROBLEM_SEPARATOR.join(p for p, _ in problems)

    def body(self, need_id: str | None, fields: dict[str, Any]) -> list[nodes.Node]:
        rows = self.summary_rows(fields)
        return [rows, *self.parsed] if rows.children else list(self.parsed)


class PlaybookDirective(RespondingDirective):
    directive = "playbook"

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        rto = fields.get("rto")
        return [
            level_badge(fields.get("validation")),
            badge(f"RTO {rto}", "primary", "Recovery-time objective") if rto else None,
        ]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        return [
            ("Scenario", fields.get("scenario")),
            ("Area", fields.get("area")),
            ("Tools", fields.get("tools")),
        ]


def setup_playbook(app: Sphinx) -> None:
    app.add_directive("playbook", PlaybookDirective, override=True)
