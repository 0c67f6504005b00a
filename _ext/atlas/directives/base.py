"""The directive behind every Atlas need: validate, register with sphinx-needs, render a card.

A bad field value gets one located warning and is left out of the need; the need is
still registered and the card still rendered, so one mistake never hides a page.
sphinx-needs keeps the data (links, backlinks, needs.json); the card is ours, so the
need itself is registered hidden.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx_needs.api import add_need
from sphinx_needs.data import SphinxNeedsData
from sphinx_needs.exceptions import InvalidNeedException

from ..cards import card, field_rows, level_badge
from ..model import FIELDS, ID_PATTERN, KINDS, LINKS, REVIEW_FIELDS, NeedKind
from ..nodes import gate_badges, need_links
from ..placeholders import has_placeholder
from ..problems import report, schema_errors

ID_RE = re.compile(ID_PATTERN)


def link_ids(raw: str | None) -> list[str]:
    """The ids of a comma-separated link option, in order, without blanks."""
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


class AtlasNeedDirective(SphinxDirective):
    """Base class: subclasses set ``directive`` and may override the hooks below."""

    directive: ClassVar[str]
    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    #: Whether the body is MyST/rST to parse (False: kept verbatim, e.g. Mermaid).
    parse_body: ClassVar[bool] = True

    @classmethod
    def option_spec_for(cls, kind: NeedKind) -> dict[str, Any]:
        spec: dict[str, Any] = {"id": directives.unchanged_required}
        for name in kind.fields:
            spec[name] = directives.flag if FIELDS[name].flag else directives.unchanged
        for name in kind.links:
            spec[name] = directives.unchanged
        return spec

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "directive" in cls.__dict__:  # not for shared bases such as RespondingDirective
            cls.option_spec = cls.option_spec_for(KINDS[cls.directive])

    @property
    def kind(self) -> NeedKind:
        return KINDS[self.directive]

    @property
    def location(self) -> tuple[str, int]:
        return (self.env.docname, self.lineno)

    # --- the steps ------------------------------------------------------------

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0].strip()
        need_id = self.checked_id()
        fields = self.checked_fields(need_id)
        links = self.checked_links(need_id)
        self.check_review(need_id, fields)
        self.check(need_id, fields, links)
        registered = self.register(need_id, title, fields, links) if need_id else None
        shown_id = need_id if registered is not None else None
        shown = self.present(shown_id, title, fields, links)
        shown.source, shown.line = self.get_source_info()
        return [shown, *(registered or [])]

    def present(
        self, need_id: str | None, title: str, fields: dict[str, Any], links: dict[str, list[str]]
    ) -> nodes.Element:
        """What the page shows where the directive is written: by default, its card."""
        body = self.body(need_id, fields) + self.gate_row(need_id)
        footer = [need_links(need_id=need_id)] if need_id else []
        return card(self.directive, need_id, title, self.badges(fields), body, footer)

    def checked_id(self) -> str | None:
        need_id = self.options.get("id", "").strip()
        prefix = self.kind.prefix
        if not need_id:
            report(
                self.location,
                None,
                f"{self.directive} '{self.arguments[0]}' has no :id:",
                f"add ':id: {prefix}<NAME>' (upper case, e.g. {prefix}EXAMPLE)",
                "id",
            )
            return None
        if not need_id.startswith(prefix) or not ID_RE.match(need_id):
            report(
                self.location,
                need_id,
                f"a {self.directive} id must start with '{prefix}' and use only A-Z, 0-9 and '-'",
                f"rename it, e.g. '{prefix}{re.sub(r'[^A-Z0-9-]', '-', need_id.upper())}'",
                "id",
            )
            return None
        return need_id

    def checked_fields(self, need_id: str | None) -> dict[str, Any]:
        """Valid field values; each missing or invalid one is reported once and left out."""
        values: dict[str, Any] = {}
        for name in self.kind.fields:
            spec = FIELDS[name]
            if spec.flag:
                values[name] = name in self.options
                continue
            raw = (self.options.get(name) or "").strip()
            if has_placeholder(raw):
                continue  # not written yet: reported once where it stands
            if not raw:
                if name in self.kind.required:
                    report(
                        self.location,
                        need_id,
                        f"required field ':{name}:' is missing",
                        f"add ':{name}:' ({spec.hint})",
                        "field",
                    )
                continue
            schema = self.kind.schema(name)
            if errors := schema_errors(schema, raw):
                choices = f" ({', '.join(schema['enum'])})" if "enum" in schema else ""
                report(
                    self.location,
                    need_id,
                    f"field ':{name}:' is invalid: {errors[0]}",
                    spec.hint + choices,
                    "field",
                )
                continue
            values[name] = raw
        return values

    def checked_links(self, need_id: str | None) -> dict[str, list[str]]:
        links: dict[str, list[str]] = {}
        for name in self.kind.links:
            if has_placeholder(self.options.get(name)):
                links[name] = []  # not written yet: reported once where it stands
                continue
            ids = link_ids(self.options.get(name))
            if not ids and name in self.kind.required_links:
                target = KINDS[LINKS[name].targets[0]].prefix
                report(
                    self.location,
                    need_id,
                    f"a {self.directive} needs at least one ':{name}:' link",
                    f"add ':{name}: {target}<ID>' naming the document it rests on",
                    "link",
                )
            links[name] = ids
        return links

    def register(
        self, need_id: str, title: str, fields: dict[str, Any], links: dict[str, list[str]]
    ) -> list[nodes.Node] | None:
        """Add the need to sphinx-needs; a refused need is reported, not raised."""
        try:
            return add_need(
                self.env.app,
                self.state,
                self.env.docname,
                self.lineno,
                self.directive,
                title,
                id=need_id,
                content="\n".join(self.content),
                lineno_content=self.content_offset + 1,
                hide=True,
                **fields,
                **links,
            )
        except InvalidNeedException as error:
            report(self.location, need_id, *self.explain_refusal(need_id, error), "id")
            return None

    def explain_refusal(self, need_id: str, error: InvalidNeedException) -> tuple[str, str]:
        if error.type == "duplicate_id":
            other = SphinxNeedsData(self.env).get_needs_mutable().get(need_id)
            where = f"{self.env.doc2path(other['docname'])}:{other['lineno']}" if other else ""
            return (f"the id is already defined at {where}", "give this entry a different :id:")
        return (f"sphinx-needs refused the entry: {error.message}", "correct the field it names")

    def check_review(self, need_id: str | None, fields: dict[str, Any]) -> None:
        """A reviewer's verdict counts only with who gave it and when."""
        verdicts = [name for name in ("review_learning", "review_3am") if fields.get(name)]
        missing = [name for name in REVIEW_FIELDS if verdicts and not fields.get(name)]
        if missing:
            report(
                self.location,
                need_id,
                f"a review verdict ({', '.join(verdicts)}) without {', '.join(missing)}",
                "add ':reviewer: <name>' and ':reviewed: YYYY-MM-DD'",
                "field",
            )
            for name in verdicts:
                fields.pop(name)

    # --- hooks for subclasses ---------------------------------------------------

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        """Rules that span several fields (e.g. an incident's end after its start)."""

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        return [level_badge(fields.get("validation"))]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        """The (label, value) rows shown at the top of the card."""
        shown = [
            n for n in self.kind.fields if not n.startswith("review_") and n not in REVIEW_FIELDS
        ]
        return [(FIELDS[name].label.capitalize(), fields.get(name)) for name in shown]

    def summary_rows(self, fields: dict[str, Any]) -> nodes.Element:
        return field_rows(self.summary(fields))

    def body(self, need_id: str | None, fields: dict[str, Any]) -> list[nodes.Node]:
        rows = self.summary_rows(fields)
        parsed = self.parse_content_to_nodes() if self.parse_body and self.content else []
        return [rows, *parsed] if rows.children else parsed

    def gate_row(self, need_id: str | None) -> list[nodes.Node]:
        """Where the card shows its quality gates (filled in once they are computed)."""
        gated = self.directive not in ("source", "system")
        return [gate_badges(need_id=need_id)] if need_id and gated else []
