"""What a rendered diagram depends on: Mermaid's version, Mermaid's configuration, the source.

All three go into the cache key, so a change to any of them re-renders exactly the
diagrams it affects and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

PLANES = {
    "edge": ("#0066CC", "#003d7a"),
    "service": ("#00AA00", "#006600"),
    "state": ("#FF8800", "#a65800"),
    "control": ("#CC0000", "#7a0000"),
}

#: Label colour on each plane's fill: white on blue and red, near-black on green and orange
#: (white on #00AA00 is 3.1:1 and on #FF8800 2.4:1, below WCAG AA; #1b1f24 gives 5.3 and 6.9).
PLANE_TEXT = {"edge": "#fff", "service": "#1b1f24", "state": "#1b1f24", "control": "#fff"}


def _plane_css() -> str:
    """Theme CSS: ``class X edge`` (etc.) colours a node by plane even without a classDef."""
    rules = []
    for plane, (fill, stroke) in PLANES.items():
        shapes = ", ".join(f"g.node.{plane} > {s}" for s in ("rect", "polygon", "path", "circle"))
        rules.append(f"{shapes} {{ fill: {fill} !important; stroke: {stroke} !important; }}")
        text = PLANE_TEXT[plane]
        rules.append(f"g.node.{plane} text, g.node.{plane} tspan {{ fill: {text} !important; }}")
    return " ".join(rules)


#: The configuration every diagram is rendered with.
MERMAID_CONFIG: dict[str, Any] = {
    "startOnLoad": False,
    # No script, click handler or raw HTML from a diagram source reaches the page.
    "securityLevel": "strict",
    # Labels as SVG <text>, not <foreignObject>: PDF and EPUB renderers drop the latter.
    "htmlLabels": False,
    # Tighter than Mermaid's defaults (50/50/15): a drawing that fits the text column keeps its
    # labels legible (the visual gate's legibility rule); ranks stay far enough apart to read.
    "flowchart": {"htmlLabels": False, "nodeSpacing": 20, "rankSpacing": 44, "padding": 8},
    # The same input gives the same bytes.
    "deterministicIds": True,
    "theme": "base",
    "themeVariables": {
        "fontFamily": "DejaVu Sans, Verdana, Arial, sans-serif",
        "primaryColor": "#eef3f8",
        "primaryBorderColor": "#5b6b7c",
        "primaryTextColor": "#1b1f24",
        "lineColor": "#44505c",
    },
    "themeCSS": _plane_css(),
}


@cache
def mermaid_version(dist: Path) -> str:
    """The version of the npm package whose ``dist/`` folder this is ("unknown" when
    Mermaid is missing: the renderer reports that, with its fix, once)."""
    package = dist.parent / "package.json"
    if not package.is_file():
        return "unknown"
    return json.loads(package.read_text())["version"]


#: What Atlas adds to Mermaid's SVG (the measured geometry); bumped when that changes.
RENDER_FORMAT = "3"


def diagram_key(version: str, source: str, config: dict[str, Any] = MERMAID_CONFIG) -> str:
    """The cache key of one diagram: sha256 of (Mermaid version, configuration, source,
    and the format of what Atlas stores)."""
    digest = hashlib.sha256()
    for part in (version, json.dumps(config, sort_keys=True), source.strip(), RENDER_FORMAT):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def svg_id(key: str) -> str:
    """The id Mermaid gives the SVG root (and prefixes its inner ids with)."""
    return f"mmd-{key[:16]}"
