"""``atlas-system-flows``: one sphinx-needs needflow (graphviz) per system of the handbook.

Systems are found by scanning the sources for ``system`` entries, so a new system page
adds its graph without editing the dashboard.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

SYSTEM = re.compile(
    r"^(`{3,}|:{3,})\{system\}\s*(?P<title>.*)\n:id:\s*(?P<id>SYS-[A-Z0-9-]+)", re.M
)


def find_systems(srcdir: Path) -> list[tuple[str, str, Path]]:
    """(id, title, file) of every ``system`` entry in the MyST sources."""
    found = []
    for path in sorted(srcdir.rglob("*.md")):
        for match in SYSTEM.finditer(path.read_text(encoding="utf-8")):
            found.append((match["id"], match["title"].strip(), path))
    return found


class SystemFlowsDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        systems = find_systems(Path(self.env.srcdir))
        if not systems:
            return [nodes.paragraph(text="No system yet.")]
        lines = []
        for system_id, title, path in systems:
            self.env.note_dependency(str(path))
            lines += [
                f"```{{needflow}} {title}",
                f':filter: id == "{system_id}" or "{system_id}" in system',
                ":show_link_names:",
                "```",
                "",
            ]
        return self.parse_text_to_nodes("\n".join(lines))


def setup_flows(app: Sphinx) -> None:
    app.add_directive("atlas-system-flows", SystemFlowsDirective)
