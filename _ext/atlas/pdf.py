"""The PDF handbook (sphinx-simplepdf, WeasyPrint): one document whose every link resolves.

simplepdf prints all pages as one HTML document. Two pages may have a section of the same
name (every incident has a "Summary"), so the same id appears twice, and links to a
section of another page come out as ``#document-page#section``, which WeasyPrint cannot
follow ("No anchor"). Here each repeated section id gets its page's name in front, and
every link is pointed at the id it means.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

#: The single-book builder and the volumes builder (atlas.volumes): both print one HTML document.
PDF_BUILDERS = ("simplepdf", "volumes")
CROSS_PAGE = re.compile(r"^#?document-(?P<doc>[^#]+)#(?P<id>.+)$")
HREF = re.compile(r'href="#document-(?P<doc>[^"#]+)(?:#(?P<id>[^"]+))?"')


def _walk(node: nodes.Node, docname: str) -> Iterator[tuple[nodes.Node, str]]:
    """Every node with the page it comes from, in document order."""
    if isinstance(node, addnodes.start_of_file):
        docname = node["docname"]
    yield node, docname
    for child in node.children:
        yield from _walk(child, docname)


def unique_ids(doctree: nodes.document, root: str) -> dict[tuple[str, str], str]:
    """Rename repeated section ids; returns (page, old id) → new id.

    Also maps (page, "") to the page's first section: a link to a page should land on its
    title, not on the marker Sphinx puts before it (which may sit on the previous sheet,
    making the printed table of contents one page short).
    """
    seen: set[str] = set()
    renamed: dict[tuple[str, str], str] = {}
    for node, docname in _walk(doctree, root):
        if not isinstance(node, nodes.section):
            continue
        renamed.setdefault((docname, ""), "")  # placeholder, set below once the id is final
        for index, section_id in enumerate(node["ids"]):
            if section_id in seen:
                new = f"{nodes.make_id(docname)}--{section_id}"
                renamed[(docname, section_id)] = new
                node["ids"][index] = new
            seen.add(node["ids"][index])
        if not renamed[(docname, "")] and node["ids"]:
            renamed[(docname, "")] = node["ids"][0]
    return renamed


def point_links(doctree: nodes.document, root: str, renamed: dict[tuple[str, str], str]) -> None:
    for node, docname in _walk(doctree, root):
        if not isinstance(node, nodes.reference):
            continue
        if "refid" in node:
            node["refid"] = renamed.get((docname, node["refid"]), node["refid"])
        elif (match := CROSS_PAGE.match(node.get("refuri", ""))) is not None:
            target = (match["doc"], match["id"])
            node["refuri"] = "#" + renamed.get(target, match["id"])


def single_document_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.name in PDF_BUILDERS:
        renamed = unique_ids(doctree, docname)
        point_links(doctree, docname, renamed)
        app.builder.atlas_renamed_ids = renamed  # type: ignore[attr-defined]


def _single_anchor(renamed: dict[tuple[str, str], str]):  # type: ignore[no-untyped-def]
    def replace(match: re.Match[str]) -> str:
        doc, section = match["doc"], match["id"] or ""
        target = renamed.get((doc, section)) or section or f"document-{doc}"
        return f'href="#{target}"'

    return replace


def html_links(app: Sphinx, pagename: str, template: str, context: dict, doctree: object) -> None:
    """The toctree lists Sphinx renders after resolving (body and sidebar) get the same fix."""
    if app.builder.name not in PDF_BUILDERS:
        return
    replace = _single_anchor(getattr(app.builder, "atlas_renamed_ids", {}))
    for key in ("body", "toc"):
        if isinstance(context.get(key), str):
            context[key] = HREF.sub(replace, context[key])
    if callable(toctree := context.get("toctree")):
        context["toctree"] = lambda **options: HREF.sub(replace, toctree(**options))


def no_sidebar_logo(app: Sphinx) -> None:
    """The printed table of contents starts the book; the cover already shows the title."""
    if app.builder.name in PDF_BUILDERS:
        app.builder.config.html_logo = None


def setup_pdf(app: Sphinx) -> None:
    app.connect("builder-inited", no_sidebar_logo)
    app.connect("doctree-resolved", single_document_links)
    app.connect("html-page-context", html_links)
