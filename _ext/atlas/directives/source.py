"""``source``: a public document (post-mortem, blog post, talk, docs page) other needs rest on."""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..cards import badge
from ..config import atlas_config
from ..definitions import defined_entry
from ..model import UNDATED_SOURCE_KINDS
from ..problems import report
from .base import AtlasNeedDirective

#: Words by which a source's text says it was read through something other than its URL.
READ_THROUGH_A_COPY = re.compile(
    r"\b(repost(s|ed)?|mirror(s|ed)?|reproduc(tion|ed)|syndicated|translat(ion|ed)|"
    r"archived cop(y|ies)|web\.archive\.org)\b",
    re.IGNORECASE,
)


class SourceDirective(AtlasNeedDirective):
    directive = "source"

    def present(
        self, need_id: str | None, title: str, fields: dict[str, Any], links: dict[str, list[str]]
    ) -> nodes.Element:
        """Listed in the page's "Figures and sources" section, not where it is written
        (or as a card where it is written, with ``atlas_figures_section = False``)."""
        if not atlas_config(self.env.app).figures_section:
            return super().present(need_id, title, fields, links)
        item = defined_entry(
            need_id=need_id,
            entry="source",
            title=title,
            derived_from=links.get("derived_from", []),
            **fields,
        )
        item.extend(self.parse_content_to_nodes() if self.content else [])
        return item

    def check(self, need_id: str | None, fields: dict[str, Any], links: dict[str, list[str]]):
        undated = fields.get("kind") in UNDATED_SOURCE_KINDS or "published_unknown" in fields
        if "published" in fields and "published_unknown" in fields:
            report(
                self.location,
                need_id,
                "':published_unknown:' contradicts the ':published:' date",
                "keep ':published:' if the document shows its date, otherwise delete it",
                "field",
            )
        if not undated and "published" not in fields and "published" not in self.options:
            report(
                self.location,
                need_id,
                "required field ':published:' is missing",
                "add ':published:' (write the date as YYYY-MM-DD), or, when the copy read shows "
                "no date, ':published_unknown:' saying so (documentation and code may omit both)",
                "field",
            )
        said = READ_THROUGH_A_COPY.search("\n".join(self.content))
        if said and not fields.get("read_via") and "read_via" not in self.options:
            report(
                self.location,
                need_id,
                f"the source says it was read through a copy ('{said[0]}') but gives no "
                "address for it",
                "add ':read_via: https://…' with the address of the copy that was read",
                "field",
            )
        if need_id and need_id in links.get("derived_from", []):
            report(
                self.location,
                need_id,
                "the source says it is derived from itself",
                "name the document it copies or retells in ':derived_from:'",
                "link",
            )

    def badges(self, fields: dict[str, Any]) -> list[nodes.Node | None]:
        kind = fields.get("kind")
        return [badge(kind, "secondary", f"Kind of source: {kind}") if kind else None]

    def summary(self, fields: dict[str, Any]) -> list[tuple[str, nodes.Node | str | None]]:
        link = _link(fields.get("url"))
        return [
            ("Publisher", fields.get("publisher")),
            ("Published", fields.get("published") or _not_shown(fields.get("published_unknown"))),
            ("Accessed", fields.get("accessed")),
            ("URL", link),
            ("Read via", _link(fields.get("read_via"))),
        ]


def _not_shown(reason: str | None) -> str | None:
    return f"not shown: {reason}" if reason else None


def _link(url: str | None) -> nodes.reference | None:
    return nodes.reference(url, url, refuri=url, classes=["atlas-url"]) if url else None


def setup_source(app: Sphinx) -> None:
    app.add_directive("source", SourceDirective, override=True)
