"""Placeholder nodes, replaced once every need of the build is known (``doctree-resolved``)."""

from __future__ import annotations

from docutils import nodes


class need_links(nodes.General, nodes.Element):
    """Where a need card lists its links and backlinks (``need_id`` attribute)."""


class need_reference(nodes.Inline, nodes.Element):
    """An inline reference to a need by id (``role`` is ``metric`` or ``src``)."""


class gate_badges(nodes.General, nodes.Element):
    """Where a card shows its quality-gate badges (``need_id`` attribute)."""


class view_placeholder(nodes.General, nodes.Element):
    """Where a reviewer view goes (``view`` attribute); replaced once every need is known."""
