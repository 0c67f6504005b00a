"""``atlas-system-flows``: one sphinx-needs needflow (graphviz) per system of the handbook.

Systems are found by scanning the sources for ``system`` entries, so a new system page
adds its graph without editing the dashboard. The page is read again only when that list
(ids and titles) changes — not on every edit of a system page, which would re-read and
re-draw every graph.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

SYSTEM = re.compile(
    r"^(`{3,}|:{3,})\{system\}\s*(?P<title>.*)\n:id:\s*(?P<id>SYS-[A-Z0-9-]+)", re.M
)


System = tuple[str, str]  # (id, title)


def find_systems(srcdir: Path) -> list[System]:
    """(id, title) of every ``system`` entry in the MyST sources."""
    found = []
    for path in sorted(srcdir.rglob("*.md")):
        for match in SYSTEM.finditer(path.read_text(encoding="utf-8")):
            found.append((match["id"], match["title"].strip()))
    return found


def _shown(env: BuildEnvironment) -> dict[str, list[System]]:
    """docname → the systems its flows were drawn for."""
    if not hasattr(env, "atlas_system_flows"):
        env.atlas_system_flows = {}  # type: ignore[attr-defined]
    return env.atlas_system_flows  # type: ignore[attr-defined]


class SystemFlowsDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        systems = find_systems(Path(self.env.srcdir))
        _shown(self.env)[self.env.docname] = systems
        if not systems:
            return [nodes.paragraph(text="No system yet.")]
        lines = []
        for system_id, title in systems:
            lines += [
                f"```{{needflow}} {title}",
                # The system and every entry that names it: a walk over its backlinks,
                # not a filter evaluated against every need of the handbook.
                f":root_id: {system_id}",
                ":root_direction: incoming",
                ":root_depth: 1",
                ":show_link_names:",
                "```",
                "",
            ]
        return self.parse_text_to_nodes("\n".join(lines))


def _outdated_flows(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    shown = _shown(env)
    if not shown:
        return []
    systems = find_systems(Path(env.srcdir))
    return [docname for docname, drawn in shown.items() if drawn != systems]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _shown(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _shown(env).update({d: s for d, s in _shown(other).items() if d in docnames})


def setup_flows(app: Sphinx) -> None:
    app.add_directive("atlas-system-flows", SystemFlowsDirective)
    app.connect("env-get-outdated", _outdated_flows)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
