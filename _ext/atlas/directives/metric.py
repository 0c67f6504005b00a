"""``metric``: one sourced, dated figure, defined once and quoted with the ``{metric}`` role."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge, field_rows, level_badge
from ..config import atlas_config
from ..definitions import defined_entry
from ..placeholders import has_placeholder
from ..problems import report
from ..quantities import parse_value, range_problem
from .base import AtlasNeedDirective


class MetricDirective(AtlasNeedDirective):
    directive = "metric"

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        if problem := range_problem(fields.get("value")):
            report(
                self.location,
                need_id,
                f"field ':value:' is invalid: {problem}",
                "write the range low end first, e.g. 40–125, or a single number",
                "field",
            )
            fields.pop("value")
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
        """Shown in the page's "Figures and sources" table, not where it is written
        (or as a card where it is written, with ``atlas_figures_section = False``)."""
        if not atlas_config(self.env.app).figures_section:
            return super().present(need_id, title, fields, links)
        item = defined_entry(
            need_id=need_id, entry="metric", title=title, sources=links.get("sources", []), **fields
        )
        item.extend(self.parse_content_to_nodes() if self.content else [])
        return item

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        historical = fields.get("historical")
        return [
            level_badge(fields.get("validation")),
            badge("historical", "secondary", "About a past event: never goes stale")
            if historical
            else None,
        ]

    def body(self, need_id: str | None, fields: dict[str, Any]) -> list[nodes.Node]:
        figure = nodes.paragraph(classes=["atlas-metric-figure"])
        qualifier, unit = fields.get("qualifier"), fields.get("unit")
        parsed_value = parse_value(fields.get("value"))
        if qualifier:
            figure += nodes.inline(qualifier, qualifier, classes=["atlas-metric-qualifier"])
            figure += nodes.Text(" ")
        if parsed_value:
            shown = parsed_value.written
            figure += nodes.strong(shown, shown, classes=["atlas-metric-value"])
        if unit:
            figure += nodes.Text(" ")
            figure += nodes.inline(unit, unit, classes=["atlas-metric-unit"])
        rows = field_rows(
            [
                ("As of", fields.get("as_of")),
                ("Where", fields.get("locator")),
                ("Note", fields.get("note")),
            ]
        )
        parsed = self.parse_content_to_nodes() if self.content else []
        return [figure, rows, *parsed]


def setup_metric(app: Sphinx) -> None:
    app.add_directive("metric", MetricDirective, override=True)
