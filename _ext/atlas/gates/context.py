"""What a gate may look at: the need, the registry, the rendered diagram, the glossary."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class GateSettings:
    today: date
    stale_after_months: int
    max_nodes: int
    #: The widest a diagram is shown (CSS px) and the smallest label size it may have there.
    diagram_width: int = 718
    legible_px: float = 11.0
    max_label_chars: int = 90


@dataclass
class RenderedDiagram:
    """Mermaid's own output for a diagram: its SVG, or the error it raised (None: unknown)."""

    svg: str | None = None
    error: str | None = None

    @cached_property
    def root(self) -> ET.Element | None:
        if not self.svg:
            return None
        try:
            return ET.fromstring(self.svg)
        except ET.ParseError:
            return None

    def _groups(self, css_class: str) -> list[ET.Element]:
        if self.root is None:
            return []
        return [g for g in self.root.iter(f"{SVG}g") if css_class in g.get("class", "").split()]

    @property
    def nodes(self) -> list[tuple[str, set[str]]]:
        """(label, classes) of each node Mermaid drew."""
        return [(_text(g), set(g.get("class", "").split())) for g in self._groups("node")]

    @property
    def node_count(self) -> int:
        if nodes := self.nodes:
            return len(nodes)
        if self.root is None:
            return 0
        actors = [r for r in self.root.iter(f"{SVG}rect") if "actor-top" in r.get("class", "")]
        return len(actors)

    @property
    def edge_labels(self) -> list[str]:
        labels = [_text(g) for g in self._groups("edgeLabel")]
        if self.root is not None:
            labels += [
                _text(t)
                for t in self.root.iter(f"{SVG}text")
                if "messageText" in t.get("class", "")
            ]
        return [label for label in labels if label]

    @property
    def geometry(self) -> tuple[float, float] | None:
        """(drawing width, smallest label size) as measured when it was rendered."""
        if self.root is None:
            return None
        try:
            width = float(self.root.get("data-atlas-width", 0))
            font = float(self.root.get("data-atlas-font", 0))
        except ValueError:
            return None
        return (width, font) if width > 0 and font > 0 else None

    @property
    def contrast(self) -> tuple[float, str] | None:
        """(worst label-on-fill contrast ratio, that label) as measured when it was rendered."""
        if self.root is None or not self.root.get("data-atlas-contrast"):
            return None
        try:
            ratio = float(self.root.get("data-atlas-contrast", 0))
        except ValueError:
            return None
        return (ratio, self.root.get("data-atlas-worst", "")) if ratio > 0 else None

    @property
    def labels(self) -> list[str]:
        """Every piece of text drawn in the diagram."""
        if self.root is None:
            return []
        return [text for t in self.root.iter(f"{SVG}text") if (text := _text(t))]


def _text(element: ET.Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


@dataclass
class GateContext:
    need: Any
    needs: Any
    settings: GateSettings
    glossary: set[str] = field(default_factory=set)
    rendered: RenderedDiagram | None = None

    def linked(self, link: str, need_type: str | None = None) -> list[Any]:
        """The existing needs a link field names (optionally only those of one type)."""
        found = [self.needs[i] for i in self.need.get(link) or [] if i in self.needs]
        return [n for n in found if need_type is None or n["type"] == need_type]

    @property
    def source_text(self) -> str:
        return str(self.need.get("content") or "")


ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*s?\b")
