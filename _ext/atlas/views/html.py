"""Reviewer tables written straight to HTML for the HTML builders.

The markup is what Sphinx's HTML writer gives for the nodes of
:func:`atlas.views.base.to_docutils` (``tests/test_views.py`` compares both, page by
page), without creating, post-transforming, resolving and translating a node per cell:
the 1,500-diagram traceability matrix is some 60,000 nodes, and it is written again
whenever a diagram's sources change. PDF and EPUB keep the node route, whose links
their own steps rewrite.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from .base import Cell, ViewTable, cells

#: Builders whose pages are written by Sphinx's HTML writer as they are.
FAST_BUILDERS = ("html", "dirhtml")

#: What docutils' HTML writer escapes in text and attribute values.
SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", '"': "&quot;", ">": "&gt;", "@": "&#64;"})
WHITESPACE = re.compile(r"\s+")
#: Sphinx wraps each word of inline code in ``<span class="pre">`` (words_and_spaces).
WORDS_AND_SPACES = re.compile(r"\S+| +|\n")


def escape(text: str) -> str:
    return text.translate(SPECIAL)


def attribute(text: str) -> str:
    return escape(WHITESPACE.sub(" ", text))


def literal(text: str) -> str:
    parts = []
    for token in WORDS_AND_SPACES.findall(escape(text)):
        if token.strip():
            parts.append(f'<span class="pre">{token}</span>')
        elif token in " \n":
            parts.append(token)
        else:
            parts.append("&#160;" * (len(token) - 1) + " ")
    return f'<code class="docutils literal notranslate">{"".join(parts)}</code>'


class TableWriter:
    """Writes the view tables of one page (``docname``) of an HTML build."""

    def __init__(self, app: Sphinx, docname: str, needs: Any) -> None:
        self.app, self.docname, self.needs = app, docname, needs
        self._uris: dict[str, str] = {}

    def node(self, table: ViewTable, classes: list[str]) -> nodes.raw:
        return nodes.raw("", "".join(self._table(table, classes)), format="html")

    def _table(self, table: ViewTable, classes: list[str]) -> Iterator[str]:
        yield f'<table class="{" ".join([*classes, "docutils", "align-default"])}">\n'
        yield "<thead>\n"
        yield '<tr class="row-odd">'
        yield "\n".join(f'<th class="head"><p>{escape(title)}</p></th>' for title in table.header)
        yield "\n</tr>\n</thead>\n<tbody>\n"
        for index, row in enumerate(table.rows):
            yield f'<tr class="row-{"odd" if index % 2 else "even"}">'
            yield "\n".join(f"<td><p>{self._cell(cell)}</p></td>" for cell in row)
            yield "\n</tr>\n"
        yield "</tbody>\n</table>\n"

    def _cell(self, cell: Cell | Sequence[Cell]) -> str:
        return ", ".join(map(self._part, cells(cell)))

    def _part(self, cell: Cell) -> str:
        if cell.badge:
            style = cell.badge
            return (
                f'<span class="sd-badge sd-bg-{style} sd-bg-text-{style} atlas-badge">'
                f"{escape(cell.text)}</span>"
            )
        if cell.need_id:
            return self._link(cell.need_id, cell.titled)
        return escape(cell.text)

    def _link(self, need_id: str, titled: bool = False) -> str:
        need = self.needs.get(need_id)
        if need is None:  # reported where the link is written
            return f'<span class="atlas-missing">{escape(need_id)}</span>'
        href = f"{self._uri(need['docname'])}#{need_id}"
        title = str(need["title"])
        hover = f' title="{attribute(title)}"' if title else ""
        if titled:  # as the docutils route writes a titled need link
            hover = f' title="{attribute(str(need["type_name"]))}"'
            anchor = f'<a class="reference internal" href="{attribute(href)}"{hover}>'
            return f"{anchor}<span>{literal(need_id)} {escape(title)}</span></a>"
        anchor = f'<a class="reference internal" href="{attribute(href)}"{hover}>'
        return f"{anchor}{literal(need_id)}</a>"

    def _uri(self, target: str) -> str:
        if target == self.docname:
            return ""
        if target not in self._uris:
            self._uris[target] = self.app.builder.get_relative_uri(self.docname, target)
        return self._uris[target]
