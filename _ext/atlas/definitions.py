"""Figures and sources out of the reading path: one section at the end of each page.

An author writes a ``metric`` or ``source`` directive where the figure is discussed;
the reader should meet the prose and the diagram first. Each such directive leaves a
:class:`defined_entry` node where it stands; once the page is parsed, every definition is
moved into one "Figures and sources" section at the end of the page: a compact table of
the page's figures and the list of its sources. Each row (and each list item) carries
the entry's id, so ``{metric}`` and ``{src}`` references land on it. The needs
themselves are registered exactly as before; only where the page shows them changes.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from .cards import badge, level_badge
from .nodes import gate_badges, need_reference
from .quantities import figure_text

SECTION_TITLE = "Figures and sources"
SECTION_ID = "figures-and-sources"
FIGURE_COLUMNS = (("What", 34), ("Value", 22), ("As of", 12), ("Level", 9), ("Sources", 23))


class defined_entry(nodes.General, nodes.Element):
    """A metric or source as written (``need_id``, ``entry``: the directive, its fields)."""


def _cell(*children: nodes.Node) -> nodes.entry:
    cell = nodes.entry()
    para = nodes.paragraph()
    para.extend(children)
    cell += para
    return cell


def _source_links(ids: list[str]) -> list[nodes.Node]:
    parts: list[nodes.Node] = []
    for index, source_id in enumerate(ids):
        if index:
            parts.append(nodes.Text("; "))
        # A dead or mistyped link was reported where the metric names it.
        parts.append(need_reference("", role="src", target=source_id, reported=True))
    return parts


def _figure_row(item: defined_entry) -> nodes.row:
    row = nodes.row(ids=[item["need_id"]] if item["need_id"] else [])
    what = nodes.entry()
    what += nodes.paragraph("", "", nodes.Text(item["title"]))
    if item["need_id"]:
        what += nodes.paragraph(
            "", "", nodes.literal(item["need_id"], item["need_id"]), classes=["atlas-def-id"]
        )
    if item.get("locator"):
        where = nodes.paragraph(classes=["atlas-def-locator"])
        where += nodes.emphasis("Where: ", "Where: ")
        where += nodes.Text(item["locator"])
        what += where
    if item.get("note"):
        what += nodes.paragraph(item["note"], item["note"], classes=["atlas-def-note"])
    what.extend(item.children)  # the directive's own text, if any
    row += what
    value = figure_text(item.get("value"), item.get("unit"), item.get("qualifier"))
    row += _cell(nodes.strong(value, value, classes=["atlas-metric-value"]))
    row += _cell(nodes.Text(item.get("as_of") or ""))
    level = [level_badge(item.get("validation"))]
    if item.get("historical"):
        level.append(badge("historical", "secondary", "About a past event: never goes stale"))
    levels = _cell(*(part for part in level if part is not None))
    if item["need_id"]:  # a stale flag, known once the gates have run
        levels += gate_badges(need_id=item["need_id"], compact=True)
    row += levels
    row += _cell(*_source_links(item.get("sources") or []))
    return row


def figures_table(items: list[defined_entry]) -> nodes.table:
    table = nodes.table(classes=["atlas-figures", "colwidths-given"])
    group = nodes.tgroup(cols=len(FIGURE_COLUMNS))
    table += group
    for _, width in FIGURE_COLUMNS:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += nodes.row("", *(_cell(nodes.Text(label)) for label, _ in FIGURE_COLUMNS))
    group += head
    body = nodes.tbody()
    body.extend(_figure_row(item) for item in items)
    group += body
    return table


def _publication(item: defined_entry) -> str | None:
    if item.get("published"):
        return f"published {item['published']}"
    if item.get("published_unknown"):
        return f"publication date not shown: {item['published_unknown']}"
    return None


def _source_item(item: defined_entry) -> nodes.list_item:
    entry = nodes.list_item(ids=[item["need_id"]] if item["need_id"] else [])
    head = nodes.paragraph(classes=["atlas-def-source"])
    url = item.get("url")
    title = nodes.strong(item["title"], item["title"])
    head += nodes.reference("", "", title, refuri=url) if url else title
    facts = [
        item.get("publisher"),
        _publication(item),
        item.get("kind"),
        f"read {item['accessed']}" if item.get("accessed") else None,
    ]
    head += nodes.Text(" — " + " · ".join(fact for fact in facts if fact))
    if item["need_id"]:
        head += nodes.Text(" ")
        head += nodes.literal(item["need_id"], item["need_id"], classes=["atlas-def-id"])
    entry += head
    if copy := _copy_read(item):
        entry += copy
    entry.extend(item.children)  # how it was read
    return entry


def _copy_read(item: defined_entry) -> nodes.paragraph | None:
    """What was actually read, when it is not the document at the URL itself."""
    parts: list[nodes.Node] = []
    if via := item.get("read_via"):
        parts += [nodes.Text("Read through a copy: "), nodes.reference(via, via, refuri=via)]
    originals = item.get("derived_from") or []
    if originals:
        parts.append(nodes.Text(". Retells " if parts else "Retells "))
        for index, original in enumerate(originals):
            parts += [nodes.Text("; ")] if index else []
            parts.append(need_reference("", role="src", target=original, reported=True))
    return nodes.paragraph("", "", *parts, classes=["atlas-def-copy"]) if parts else None


def sources_list(items: list[defined_entry]) -> nodes.bullet_list:
    listing = nodes.bullet_list(classes=["atlas-sources"])
    listing.extend(_source_item(item) for item in items)
    return listing


def _host(document: nodes.document) -> nodes.Element:
    """Where the section goes: inside the page's title section, so it is a sibling of the
    page's own sections (and appears in "On this page" and in the PDF outline)."""
    top = [child for child in document.children if isinstance(child, nodes.section)]
    return top[0] if len(top) == 1 else document


class FiguresAndSources(SphinxTransform):
    """Move every definition of the page into its "Figures and sources" section."""

    # Before Sphinx's DoctreeReadEvent (880), whose handlers collect the page's TOC.
    default_priority = 870

    def apply(self, **kwargs: object) -> None:
        found = list(self.document.findall(defined_entry))
        if not found:
            return
        for item in found:
            item.parent.remove(item)
        figures = [item for item in found if item["entry"] == "metric"]
        sources = [item for item in found if item["entry"] == "source"]
        section = nodes.section(ids=[SECTION_ID])
        section += nodes.title(SECTION_TITLE, SECTION_TITLE)
        if figures:
            section += nodes.rubric("Figures", "Figures")
            section += figures_table(figures)
        if sources:
            section += nodes.rubric("Sources", "Sources")
            section += sources_list(sources)
        section["classes"].append("atlas-definitions")
        host = _host(self.document)
        host += section


def setup_definitions(app: Sphinx) -> None:
    app.add_node(defined_entry)
    app.add_transform(FiguresAndSources)
