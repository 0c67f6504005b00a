"""``atlas-benchmarks``: the latest ``make bench`` results (a JSON file in the docs) as a table."""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:.3g} {unit}".strip()


class BenchmarksDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        relative, path = self.env.relfn2path(self.arguments[0])
        self.env.note_dependency(relative)
        if not Path(path).is_file():
            raise self.error(f"no benchmark results at {relative}: run `make bench`")
        document = json.loads(Path(path).read_text())
        table = nodes.table(classes=["atlas-benchmarks"])
        group = nodes.tgroup(cols=5)
        table += group
        for width in (34, 16, 12, 10, 28):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += self._row(["Measurement", "Atlas", "Stock route", "Ratio", "Note"])
        group += head
        body = nodes.tbody()
        for result in document["results"]:
            ratio = f"{result['ratio']:.1f}×" if result.get("ratio") is not None else "—"
            body += self._row(
                [
                    result["name"],
                    _number(result["value"], result["unit"]),
                    _number(result.get("baseline")),
                    ratio,
                    result.get("note", ""),
                ]
            )
        group += body
        caption = nodes.paragraph(classes=["atlas-benchmarks-context"])
        scope = f"; {document['diagrams']} diagrams" if "diagrams" in document else ""
        caption += nodes.Text(
            f"Measured {document['date']} on {document['machine']}; "
            f"Mermaid {document['mermaid']}{scope}."
        )
        return [table, caption]

    @staticmethod
    def _row(cells: list[str]) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", nodes.paragraph(text=cell))
        return row


def setup_benchmarks(app: Sphinx) -> None:
    app.add_directive("atlas-benchmarks", BenchmarksDirective)
