"""Docutils building blocks of a need card, styled with sphinx-design's card and badge classes."""

from __future__ import annotations

from collections.abc import Iterable

from docutils import nodes

from .model import KINDS

LEVEL_STYLES = {"A": "success", "B": "info", "C": "warning"}
LEVEL_MEANING = {
    "A": "A: published by the organisation itself",
    "B": "B: cross-referenced by two or more independent publishers",
    "C": "C: inferred or from memory; treat as unverified",
}


def badge(text: str, style: str, explanation: str = "") -> nodes.Node:
    """A sphinx-design badge; the explanation shows on hover (an ``<abbr title>``)."""
    classes = ["sd-badge", f"sd-bg-{style}", f"sd-bg-text-{style}", "atlas-badge"]
    if explanation:
        return nodes.abbreviation(text, text, explanation=explanation, classes=classes)
    return nodes.inline(text, text, classes=classes)


def level_badge(level: str | None) -> nodes.Node | None:
    if not level:
        return None
    return badge(f"Level {level}", LEVEL_STYLES[level], LEVEL_MEANING[level])


def field_rows(rows: Iterable[tuple[str, nodes.Node | str | None]]) -> nodes.field_list:
    """A definition-style list of the fields that matter; empty values are left out."""
    fields = nodes.field_list(classes=["atlas-fields"])
    for label, value in rows:
        if value is None or value == "":
            continue
        body = nodes.paragraph()
        body += nodes.Text(value) if isinstance(value, str) else value
        fields += nodes.field("", nodes.field_name(label, label), nodes.field_body("", body))
    return fields


def card(
    directive: str,
    need_id: str | None,
    title: str,
    badges: Iterable[nodes.Node | None],
    body: Iterable[nodes.Node],
    footer: Iterable[nodes.Node],
) -> nodes.container:
    """The card of one need: header (type, title, id, badges), body, footer (links)."""
    kind = KINDS[directive]
    ids = [need_id] if need_id else []
    box = nodes.container(
        ids=ids, classes=["sd-card", "sd-shadow-sm", "atlas-card", f"atlas-{directive}"]
    )

    header = nodes.container(classes=["sd-card-header", "atlas-card-header"])
    line = nodes.paragraph(classes=["atlas-card-title"])
    line += nodes.inline(kind.title, kind.title, classes=["atlas-type"])
    line += nodes.Text(" ")
    line += nodes.strong(title, title)
    if need_id:
        line += nodes.Text(" ")
        line += nodes.reference(need_id, need_id, refid=need_id, classes=["atlas-id"])
    for item in badges:
        if item is not None:
            line += nodes.Text(" ")
            line += item
    header += line
    box += header

    content = nodes.container(classes=["sd-card-body", "atlas-card-body"])
    content.extend(body)
    box += content

    links = list(footer)
    if links:
        bottom = nodes.container(classes=["sd-card-footer", "atlas-card-footer"])
        bottom.extend(links)
        box += bottom
    return box
