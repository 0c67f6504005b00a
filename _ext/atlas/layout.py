"""Reader-first pages: on incident and system pages the diagram is on the first screen.

Two things happen once a page is parsed:

- An incident's "at a glance" box (when, who was hit, what set it off, which playbook
  to open) moves to just before the page's first diagram, so a responder reads it with
  the picture, before the full field list that follows the diagram.
- The page is checked: on every incident page and every system page of a mandatory
  kind, only the title, a lead of at most three lines and (on incident pages) the
  glance box may come before the diagram. Anything else is one located warning with
  the fix, so ``make check`` fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx_needs.nodes import Need
from sphinxcontrib.mermaid import mermaid

from .model import MANDATORY_DIAGRAM_KINDS
from .problems import report

#: About three lines of furo's text column at 1366 px (≈ 90 characters a line).
LEAD_CHARS = 300
#: Block nodes that take no room on the screen.
INVISIBLE = (nodes.target, nodes.comment, nodes.substitution_definition, Need, nodes.title)


class incident_glance(nodes.container):
    """An incident's first-screen summary (attribute ``need_id``); written as a container."""


def is_diagram_card(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and "atlas-diagram" in node.get("classes", [])


def is_drawing(block: nodes.Node) -> bool:
    """A diagram of any kind: an Atlas diagram card or a plain Mermaid block."""
    if isinstance(block, mermaid) or is_diagram_card(block):
        return True
    return isinstance(block, nodes.Element) and any(
        True for _ in block.findall(lambda n: isinstance(n, mermaid) or is_diagram_card(n))
    )


def _blocks(node: nodes.Element) -> Iterator[nodes.Node]:
    """The page's blocks in reading order, sections opened, everything else whole."""
    for child in node.children:
        if isinstance(child, nodes.section):
            yield from _blocks(child)  # its title first
        else:
            yield child


def _describe(block: nodes.Node) -> str:
    if isinstance(block, nodes.paragraph):
        return f"a paragraph of {len(block.astext())} characters"
    if isinstance(block, nodes.container) and "atlas-card" in block.get("classes", []):
        return "an entry card"
    name = block.tagname.replace("_", " ")
    return ("an " if name[0] in "aeiou" else "a ") + name


def _listed(problems: list[str], most: int = 4) -> str:
    shown = ", ".join(problems[:most])
    return shown + (f" and {len(problems) - most} more blocks" if len(problems) > most else "")


def in_the_way(document: nodes.document, diagram: nodes.Node) -> list[str]:
    """What stands between the title and the diagram, beyond a lead and the glance box."""
    extra: list[str] = []
    lead_seen = False
    headings = 0
    for block in _blocks(document):
        if block is diagram or is_drawing(block):
            break  # the reader meets a picture here
        if isinstance(block, nodes.title):
            headings += 1
            if headings > 2:  # the page title and one heading over the diagram
                extra.append(f"the section '{block.astext()}'")
            continue
        if isinstance(block, (*INVISIBLE, incident_glance)):
            continue
        if isinstance(block, nodes.paragraph) and not lead_seen:
            lead_seen = True
            if len(block.astext()) > LEAD_CHARS:
                extra.append(f"a lead of {len(block.astext())} characters (at most {LEAD_CHARS})")
            continue
        extra.append(_describe(block))
    return extra


def _diagram_kind(card: nodes.Node) -> str | None:
    return card.get("atlas_kind")


class ReaderFirst(SphinxTransform):
    """Place the incident glance; check that the page's diagram comes first."""

    # With the other Atlas layout transform, before the TOC is collected (880).
    default_priority = 875

    def apply(self, **kwargs: object) -> None:
        diagrams = [node for node in self.document.findall(is_diagram_card)]
        glances = list(self.document.findall(incident_glance))
        first = diagrams[0] if diagrams else None
        for glance in glances:
            glance.parent.remove(glance)
            if first is not None:
                first.parent.insert(first.parent.index(first), glance)
            else:
                self._after_lead(glance)
        kind_page = glances or any(_diagram_kind(d) in MANDATORY_DIAGRAM_KINDS for d in diagrams)
        if not kind_page:
            return
        target = first
        if target is None:
            return  # nothing to put first (a gate asks incidents for their cascade)
        if problems := in_the_way(self.document, target):
            report(
                target,
                target["ids"][0] if target["ids"] else None,
                f"the diagram is not on the first screen (before it: {_listed(problems)})",
                f"put the diagram right after the page title and a lead of at most three lines "
                f"(about {LEAD_CHARS} characters); move the rest of the text below it",
                "layout",
            )

    def _after_lead(self, glance: incident_glance) -> None:
        host = next(iter(self.document.findall(nodes.section)), self.document)
        paragraphs = [c for c in host.children if isinstance(c, nodes.paragraph)]
        at = host.index(paragraphs[0]) + 1 if paragraphs else 1
        host.insert(at, glance)


def setup_layout(app: Sphinx) -> None:
    app.add_transform(ReaderFirst)
