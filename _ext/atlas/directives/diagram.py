"""``diagram``: a Mermaid diagram whose body is the Mermaid source, traced to its sources.

The source is kept verbatim (never parsed as MyST) so renderers and gates can read it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinxcontrib.mermaid import mermaid

from ..cards import badge, level_badge
from ..mermaid.pipeline import first_content_line
from ..problems import report
from .base import AtlasNeedDirective


class DiagramDirective(AtlasNeedDirective):
    directive = "diagram"
    parse_body = False

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        if not "\n".join(self.content).strip():
            report(
                self.location,
                need_id,
                "the diagram has no Mermaid source",
                "write the Mermaid code as the directive's body",
                "field",
            )

    def present(
        self, need_id: str | None, title: str, fields: dict[str, Any], links: dict[str, list[str]]
    ) -> nodes.Element:
        box = super().present(need_id, title, fields, links)
        box["atlas_kind"] = fields.get("kind")  # read by the reader-first layout check
        return box

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        kind = fields.get("kind")
        return [
            level_badge(fields.get("validation")),
            badge(kind, "secondary", f"Diagram kind: {kind}") if kind else None,
        ]

    def body(self, need_id: str | None, fields: dict[str, Any]) -> list[nodes.Node]:
        code = "\n".join(self.content)
        if not code.strip():
            return []
        diagram = mermaid()
        diagram["code"] = code
        diagram["options"] = {}
        diagram["alt"] = fields.get("alt") or self.arguments[0]
        diagram["atlas_line"] = first_content_line(self)
        diagram["atlas_need"] = need_id
        diagram.source, diagram.line = self.get_source_info()
        caption = fields.get("caption")
        shown: list[nodes.Node] = [diagram]
        if caption:
            figure = nodes.figure("", diagram, classes=["atlas-diagram"])
            figure += nodes.caption(caption, caption)
            shown = [figure]
        return shown + self.signal(fields.get("signal"))

    def signal(self, text: str | None) -> list[nodes.Node]:
        """What shows this failure to a responder, right under the picture of it."""
        if not text:
            return []
        inline, messages = self.parse_inline(text, lineno=self.lineno)
        line = nodes.paragraph(classes=["atlas-signal"])
        line += nodes.strong("Signal: ", "Signal: ")
        line.extend(inline)
        return [line, *messages]


def setup_diagram(app: Sphinx) -> None:
    app.add_directive("diagram", DiagramDirective, override=True)
