"""``metric``: one sourced, dated figure, defined once and quoted with the ``{metric}`` role."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..placeholders import has_placeholder
from ..problems import report
from ..definitions import defined_entry
from .base import AtlasNeedDirective


class MetricDirective(AtlasNeedDirective):
    directive = "metric"

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        note_pending = has_placeholder(self.options.get("note"))
        if fields.get("validation") == "C" and not fields.get("note") and not note_pending:
            report(
                self.location,
                need_id,
                "a level-C figure must say why it is uncertain",
                "add ':note:' (e.g. 'from memory; no public source found')",
                "field",
            )

    def present(
        self, need_id: str | None, title: str, fields: dict[str, Any], links: dict[str, list[str]]
    ) -> nodes.Element:
        """Shown in the page's "Figures and sources" table, not where it is written."""
        item = defined_entry(
            need_id=need_id, entry="metric", title=title, sources=links.get("sources", []), **fields
        )
        item.extend(self.parse_content_to_nodes() if self.content else [])
        return item


def setup_metric(app: Sphinx) -> None:
    app.add_directive("metric", MetricDirective, override=True)
