"""Links between needs, resolved once every need is known.

- ``{metric}`MET-ID``` renders the registered value and unit, linked to the metric,
  with its as-of date and sources on hover: a figure in prose is always the registry's.
- ``{src}`SRC-ID``` renders a short citation linked to the source entry.
- Each card's footer lists its links and backlinks (a source lists what rests on it).
"""

from __future__ import annotations

from collections.abc import Iterable

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole
from sphinx.util.nodes import make_refnode
from sphinx_needs.data import SphinxNeedsData
from sphinx_needs.need_item import NeedItem

from .model import KINDS, LINKS
from .nodes import need_links, need_reference
from .problems import report
from .quantities import figure_text

ROLE_TYPES = {"metric": "metric", "src": "source", "need": None}


class NeedReferenceRole(SphinxRole):
    """``{metric}`ID``` and ``{src}`ID```: resolved later by :func:`resolve_references`."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        node = need_reference(self.rawtext, role=self.name, target=self.text.strip())
        node.source, node.line = self.get_source_info()
        return [node], []


def _link(app: Sphinx, fromdocname: str, need: NeedItem, child: nodes.Node, title: str = ""):
    return make_refnode(app.builder, fromdocname, need["docname"], need["id"], child, title)


def _metric_text(need: NeedItem) -> str:
    return figure_text(need["value"], need["unit"], need.get("qualifier"))


def _metric_hover(need: NeedItem, needs) -> str:
    sources = [needs[s] for s in need["sources"] if s in needs]
    cited = "; ".join(f"{s['publisher']}: {s['title']}" for s in sources)
    where = f" ({need['locator']})" if need.get("locator") else ""
    return f"{need['title']} — as of {need['as_of']} — source: {cited or 'none'}{where}"


def _citation_text(need: NeedItem) -> str:
    year = (need["published"] or "")[:4]
    return f"{need['publisher']} ({year})" if year else str(need["publisher"])


def need_id_title(need: NeedItem) -> str:
    return f"{need['type_name']} {need['id']}"


def missing(need_id: str) -> nodes.inline:
    """Where a link names a need that is not there (reported where the link is written)."""
    return nodes.inline(need_id, need_id, classes=["atlas-missing"])


def _resolve_reference(app: Sphinx, node: need_reference, docname: str, needs) -> nodes.Node:
    target, role = node["target"], node["role"]
    need = needs.get(target)
    wanted = ROLE_TYPES[role] or (need["type"] if need is not None else "entry")
    if node.get("reported") and (need is None or need["type"] != wanted):
        return missing(target)
    if need is None or need["type"] != wanted:
        found = f"is a {need['type']}" if need is not None else "is not defined anywhere"
        prefix = KINDS[wanted].prefix if wanted in KINDS else ""
        report(
            node,
            target,
            f"{{{role}}} names an unknown {wanted}: '{target}' {found}",
            f"define it with a {wanted} directive (:id: {prefix}…) or correct the id",
            "reference",
        )
        return missing(target)
    if role == "metric":
        text = nodes.inline(_metric_text(need), _metric_text(need), classes=["atlas-metric-ref"])
        return _link(app, docname, need, text, _metric_hover(need, needs))
    if role == "src":
        label = _citation_text(need)
        return _link(
            app,
            docname,
            need,
            nodes.inline(label, label, classes=["atlas-citation"]),
            str(need["title"]),
        )
    if node.get("button"):
        button = _link(app, docname, need, nodes.Text(str(need["title"])), need_id_title(need))
        button["classes"] += ["sd-btn", "sd-btn-primary", "sd-text-wrap", "atlas-button"]
        return button
    if node.get("short"):
        return _link(app, docname, need, nodes.literal(target, target), str(need["title"]))
    label = nodes.inline("", "", nodes.literal(target, target), nodes.Text(f" {need['title']}"))
    return _link(app, docname, need, label, str(need["type_name"]))


def _link_items(app: Sphinx, docname: str, ids: Iterable[str], needs) -> nodes.paragraph:
    para = nodes.paragraph()
    for index, need_id in enumerate(ids):
        if index:
            para += nodes.Text(", ")
        target = needs.get(need_id)
        if target is None:
            para += missing(need_id)
            continue
        label = nodes.inline("", "")
        label += nodes.literal(need_id, need_id)
        label += nodes.Text(f" {target['title']}")
        para += _link(app, docname, target, label, f"{target['type_name']} {need_id}")
    return para


def _links_block(app: Sphinx, node: need_links, docname: str, needs) -> nodes.Node:
    need = needs.get(node["need_id"])
    fields = nodes.field_list(classes=["atlas-links"])
    if need is None:
        return fields
    rows = [(LINKS[name].outgoing.capitalize(), need[name]) for name in KINDS[need["type"]].links]
    rows += [(spec.incoming.capitalize(), need[f"{name}_back"]) for name, spec in LINKS.items()]
    for label, ids in rows:
        if ids:
            body = nodes.field_body("", _link_items(app, docname, ids, needs))
            fields += nodes.field("", nodes.field_name(label, label), body)
    return fields


def resolve_references(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    needs = SphinxNeedsData(app.env).get_needs_view()
    for node in list(doctree.findall(need_links)):
        node.replace_self(_links_block(app, node, docname, needs))
    for node in list(doctree.findall(need_reference)):
        node.replace_self(_resolve_reference(app, node, docname, needs))


def setup_references(app: Sphinx) -> None:
    app.add_node(need_links)
    app.add_node(need_reference)
    app.add_role("metric", NeedReferenceRole())
    app.add_role("src", NeedReferenceRole())
    app.connect("doctree-resolved", resolve_references)
