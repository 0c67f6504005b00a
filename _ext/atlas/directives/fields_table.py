"""``atlas-fields``: the field and link reference of one need type, generated from the model.

The authoring guide uses it so the documentation can never drift from what the
directives accept.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..model import FIELDS, KINDS, LINKS, NeedKind


def _allowed(kind: NeedKind, name: str) -> str:
    schema = kind.schema(name)
    if "enum" in schema:
        return "one of: " + ", ".join(schema["enum"])
    return FIELDS[name].hint


def _row(cells: list[str | nodes.Node]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", cell if isinstance(cell, nodes.Node) else nodes.Text(cell))
        row += entry
    return row


class FieldsTableDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        kind = KINDS.get(self.arguments[0])
        if kind is None:
            raise self.error(f"unknown need type '{self.arguments[0]}'; use one of {list(KINDS)}")
        table = nodes.table(classes=["atlas-fields-table"])
        group = nodes.tgroup(cols=3)
        table += group
        for width in (20, 14, 66):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += _row(["Option", "Required", "Value"])
        group += head
        body = nodes.tbody()
        body += _row([nodes.literal(":id:", ":id:"), "yes", f"{kind.prefix} + A-Z, 0-9, '-'"])
        for name in kind.fields:
            required = "yes" if name in kind.required else "no"
            body += _row([nodes.literal(f":{name}:", f":{name}:"), required, _allowed(kind, name)])
        for name in kind.links:
            required = "≥ 1" if name in kind.required_links else "no"
            targets = " or ".join(KINDS[t].prefix + "…" for t in LINKS[name].targets)
            body += _row(
                [
                    nodes.literal(f":{name}:", f":{name}:"),
                    required,
                    f"comma-separated {targets} ids",
                ]
            )
        group += body
        return [table]


def setup_fields_table(app: Sphinx) -> None:
    app.add_directive("atlas-fields", FieldsTableDirective)
