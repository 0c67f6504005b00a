"""``playbook``: the response to one failure: signals, first checks, numbered steps,
verification, rollback."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge, level_badge
from ..problems import report
from .base import AtlasNeedDirective
from .response import ENTRY_BEING_READ, response_problems, vague_steps

#: Joins the problems stored on the need (read by the 3 AM gate).
PROBLEM_SEPARATOR = " | "


class PlaybookDirective(AtlasNeedDirective):
    directive = "playbook"

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        """The body must give signals, first checks and concrete steps; parsed once, here,
        so that what it lacks is stored on the need for the 3 AM gate."""
        # The blocks inside name this entry in their warnings.
        self.env.temp_data[ENTRY_BEING_READ] = need_id
        try:
            self.parsed = self.parse_content_to_nodes() if self.content else []
        finally:
            self.env.temp_data.pop(ENTRY_BEING_READ, None)
        problems = response_problems(self.parsed)
        for problem, fix in problems:
            if fix:  # the others were reported at their own line
                report(self.location, need_id, f"the playbook {problem}", fix, "field")
        for line, number in vague_steps(self.parsed):
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

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        rto = fields.get("rto")
        return [
            level_badge(fields.get("validation")),
            badge(f"RTO {rto}", "primary", "Recovery-time objective") if rto else None,
        ]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        return [("Scenario", fields.get("scenario")), ("Tools", fields.get("tools"))]


def setup_playbook(app: Sphinx) -> None:
    app.add_directive("playbook", PlaybookDirective, override=True)
