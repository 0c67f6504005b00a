"""What every reviewer view shares: a table computed from the needs once all are known,
rendered sortable and filterable in HTML, legible elsewhere, and written next to the page
as CSV.

A view module defines ``build(needs, app) -> list[ViewTable]`` and the need fields it
reads; its directive only marks the place. Because a view shows needs from every page,
:mod:`atlas.freshness` re-writes its page whenever one of those fields changes on any need.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..cards import badge
from ..config import atlas_config
from ..nodes import need_reference, view_placeholder

if TYPE_CHECKING:
    from .html import TableWriter

STATUS_STYLE = {"pass": "success", "fail": "danger", "pending": "secondary"}


@dataclass(frozen=True)
class Cell:
    """One cell: plain text, optionally a link to a need, optionally shown as a badge."""

    text: str
    need_id: str | None = None
    badge: str | None = None  # sphinx-design colour name
    #: A link that shows the need's title after its id (not only the id).
    titled: bool = False

    @classmethod
    def link(cls, need_id: str) -> Cell:
        return cls(need_id, need_id=need_id)

    @classmethod
    def link_titled(cls, need_id: str, title: str) -> Cell:
        return cls(f"{need_id} {title}", need_id=need_id, titled=True)

    @classmethod
    def status_text(cls, value: str) -> Cell:
        """A link-check status: broken and timed out are failures, a redirect a warning."""
        return cls(value, badge={"redirected": "warning"}.get(value, "danger"))

    @classmethod
    def status(cls, value: str | None) -> Cell:
        if value is None:
            return cls("—")
        return cls(value, badge=STATUS_STYLE.get(value, "secondary"))


Row = Sequence[Cell | Sequence[Cell]]


@dataclass
class ViewTable:
    title: str
    header: Sequence[str]
    rows: list[Row] = field(default_factory=list)
    csv_name: str | None = None
    empty: str = "None."
    wide: bool = False
    #: Matrices get sorting and filtering in HTML; small summary tables do not need it.
    sortable: bool = True
    #: Columns (by header) that get a select box each: the explorer's facets.
    facets: Sequence[str] = ()

    @property
    def classes(self) -> list[str]:
        """The table's classes; facet columns are named by index (``atlas-facet-3``) so that
        both the docutils and the direct HTML route carry them."""
        names = ["atlas-view"] + (["atlas-sortable"] if self.sortable else [])
        names += ["atlas-wide"] if self.wide else []
        if self.facets:
            names.append("atlas-faceted")
            names += [f"atlas-facet-{list(self.header).index(f)}" for f in self.facets]
        return names


Builder = Callable[[Any, Any], list[ViewTable]]


VIEWS: dict[str, Builder] = {}
#: The need fields each view reads (``x_back`` backlinks included); every view also shows
#: what a link to a need shows (:data:`LINKED`).
VIEW_READS: dict[str, frozenset[str]] = {}
#: What a link to a need renders: its id and title, its type's name, its page.
LINKED = frozenset({"id", "title", "type", "type_name", "docname"})
#: The file outside the sources a view reads, per view (e.g. the last link check).
VIEW_FILES: dict[str, Callable[[Any], Path]] = {}


class ViewDirective(SphinxDirective):
    """``{atlas-view} NAME``: the named reviewer view."""

    required_arguments = 1
    known: ClassVar[dict[str, Builder]] = VIEWS

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if name not in self.known:
            raise self.error(f"unknown view '{name}'; use one of: {', '.join(sorted(self.known))}")
        if name in VIEW_FILES:
            self.env.note_dependency(str(VIEW_FILES[name](self.env.app)))
        node = view_placeholder(view=name, reads=sorted(VIEW_READS[name] | LINKED))
        node.source, node.line = self.get_source_info()
        return [node]


def cells(cell: Cell | Sequence[Cell]) -> list[Cell]:
    return [cell] if isinstance(cell, Cell) else list(cell)


def _render_cell(cell: Cell) -> nodes.Node:
    if cell.badge:
        return badge(cell.text, cell.badge)
    if cell.need_id:
        # A dead link in a table was reported where it is written, with its fix.
        short = not cell.titled
        return need_reference("", role="need", target=cell.need_id, short=short, reported=True)
    return nodes.Text(cell.text)


def to_docutils(table: ViewTable, writer: TableWriter | None = None) -> list[nodes.Node]:
    """The table's title and body; the body as ready HTML when a ``writer`` is given."""
    result: list[nodes.Node] = [nodes.rubric(text=table.title)]
    if not table.rows:
        result.append(nodes.paragraph(text=table.empty, classes=["atlas-view-empty"]))
        return result
    classes = table.classes
    if writer is not None:
        result.append(writer.node(table, classes))
        return result
    docutils_table = nodes.table(classes=classes)
    group = nodes.tgroup(cols=len(table.header))
    docutils_table += group
    for _ in table.header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    header_row = nodes.row()
    for title in table.header:
        header_row += nodes.entry("", nodes.paragraph(text=title))
    head += header_row
    group += head
    body = nodes.tbody()
    for row in table.rows:
        table_row = nodes.row()
        for cell in row:
            paragraph = nodes.paragraph()
            for index, part in enumerate(cells(cell)):
                if index:
                    paragraph += nodes.Text(", ")
                paragraph += _render_cell(part)
            table_row += nodes.entry("", paragraph)
        body += table_row
    group += body
    result.append(docutils_table)
    return result


def to_csv(table: ViewTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(["; ".join(part.text for part in cells(cell)) for cell in row])
    return buffer.getvalue()


def resolve_views(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    from sphinx_needs.data import SphinxNeedsData

    placeholders = list(doctree.findall(view_placeholder))
    if not placeholders:
        return
    from .html import FAST_BUILDERS, TableWriter

    needs = SphinxNeedsData(app.env).get_needs_view()
    html = app.builder.format == "html" and not app.builder.name.startswith("epub")
    fast = atlas_config(app).fast_views and app.builder.name in FAST_BUILDERS
    for node in placeholders:
        replacement: list[nodes.Node] = []
        writer = TableWriter(app, docname, needs) if fast else None
        for table in VIEWS[node["view"]](needs, app):
            replacement += to_docutils(table, writer)
            if html and table.csv_name and table.rows:
                replacement.append(_write_csv(app, docname, table))
        node.replace_self(replacement)


def _write_csv(app: Sphinx, docname: str, table: ViewTable) -> nodes.Node:
    """Write the table as CSV next to the page and link it."""
    folder = Path(app.outdir) / Path(docname).parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / table.csv_name).write_text(to_csv(table), encoding="utf-8")  # type: ignore[operator]
    link = nodes.reference("", f"Download as CSV ({table.csv_name})", refuri=table.csv_name)
    return nodes.paragraph("", "", link, classes=["atlas-csv"])


def register_view(
    name: str, reads: Iterable[str], depends_on: Callable[[Any], Path] | None = None
) -> Callable[[Builder], Builder]:
    """``depends_on``: a file outside the sources the view shows (its page is read again
    when the file changes, as Sphinx does for an included file)."""

    def add(builder: Builder) -> Builder:
        VIEWS[name] = builder
        VIEW_READS[name] = frozenset(reads)
        if depends_on is not None:
            VIEW_FILES[name] = depends_on
        return builder

    return add


#: A long table is laid out again at every pause of the HTML parser (a 1,500-row matrix
#: took 1.6 s to load). While the page loads only its first rows are shown, the rest
#: once it has loaded: one layout. Without JavaScript every row shows at once.
ROWS_LATER = (
    'document.documentElement.classList.add("atlas-rows-later");'
    'addEventListener("load", () => setTimeout(() =>'
    ' document.documentElement.classList.remove("atlas-rows-later")));'
)


def setup_view_base(app: Sphinx) -> None:
    app.add_js_file(None, body=ROWS_LATER, priority=200)
    app.add_node(view_placeholder)
    app.add_directive("atlas-view", ViewDirective)
    # Before the need references inside the tables are resolved (500).
    app.connect("doctree-resolved", resolve_views, priority=400)
