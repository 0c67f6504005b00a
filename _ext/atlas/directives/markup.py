"""``atlas-markup``: show the MyST markup of a real entry, found by its id, with a link to it.

Examples in the guides are the handbook's own entries, never copies that can drift.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..nodes import need_reference

FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z-]+)\}")


def find_block(text: str, need_id: str) -> tuple[int, str] | None:
    """(first line number, block text) of the directive whose ``:id:`` is ``need_id``."""
    lines = text.splitlines()
    marker = re.compile(rf"^:id:\s*{re.escape(need_id)}\s*$")
    for index, line in enumerate(lines):
        if not marker.match(line.strip()):
            continue
        start = next((i for i in range(index, -1, -1) if FENCE.match(lines[i])), None)
        if start is None:
            return None
        fence = FENCE.match(lines[start])["fence"]  # type: ignore[index]
        end = next(
            (i for i in range(index + 1, len(lines)) if lines[i].rstrip() == fence), len(lines) - 1
        )
        return start + 1, "\n".join(lines[start : end + 1])
    return None


class MarkupDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        need_id = self.arguments[0].strip()
        for path in sorted(Path(self.env.srcdir).rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            if need_id not in text or (found := find_block(text, need_id)) is None:
                continue
            self.env.note_dependency(str(path))
            line, block = found
            code = nodes.literal_block(block, block, language="markdown", classes=["atlas-markup"])
            relative = path.relative_to(self.env.srcdir).as_posix()
            caption = nodes.paragraph(classes=["atlas-markup-caption"])
            caption += nodes.Text(f"source/{relative}, line {line} — rendered: ")
            caption += need_reference("", role="need", target=need_id)
            return [code, caption]
        raise self.error(f"no entry with ':id: {need_id}' in any .md file of the handbook")


def setup_markup(app: Sphinx) -> None:
    app.add_directive("atlas-markup", MarkupDirective)
