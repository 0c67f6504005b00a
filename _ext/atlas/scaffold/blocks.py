"""One entry's directive block, written from the data model: every required field and
link, each either given or left as a ``<FILL: hint>`` placeholder."""

from __future__ import annotations

from collections.abc import Mapping

from ..model import FIELDS, KINDS, SIGNAL_DIAGRAM_KINDS

#: Optional links a scaffold asks for anyway, because a gate wants them.
ASKED_LINKS = {
    "incident": ("playbooks",),
    "playbook": ("mitigates",),
    "guide": ("playbooks", "seen_in"),
    "antipattern": ("fixed_by",),
}
#: Optional fields a scaffold asks for anyway, because a check wants one of them.
ASKED_FIELDS = {"incident": ("ended",), "source": ("published",)}
#: Diagram kinds whose 3 AM gate wants a playbook link.
FAILURE_KINDS = ("failure-domains", "operations", "incident", "debugging")


def fill(hint: str) -> str:
    return f"<FILL: {hint}>"


def field_hint(kind: str, name: str) -> str:
    schema = KINDS[kind].schema(name)
    hint = FIELDS[name].hint
    if "enum" in schema:
        return f"{hint}: {' | '.join(schema['enum'])}"
    return hint


LINK_HINTS = {
    "sources": "the SRC-… ids of the sources it rests on, comma-separated",
    "system": "the SYS-… id of the system it describes",
    "playbooks": "the PBK-… ids of the playbooks a responder should open, comma-separated",
    "diagrams": "the DGM-… ids of the diagrams that show it, comma-separated",
    "mitigates": "the INC-… ids of the incidents it would have shortened",
    "derived_from": "the SRC-… id of the source this one copies or retells",
    "seen_in": "the INC-… ids of incidents where this was the cause",
    "examples": "the INC-… ids of incidents where this anti-pattern did harm",
    "fixed_by": "the PAT-… ids of the patterns that prevent it",
    "implemented_by": "the SYS-… ids of the systems that run this pattern",
    "related": "the PAT-… ids of related patterns",
}


def link_hint(kind: str, name: str) -> str:
    hint = LINK_HINTS[name]
    if name in KINDS[kind].required_links:
        return hint
    return f"{hint}; or delete the line if there is none"


def asked_links(kind: str, given: Mapping[str, str]) -> list[str]:
    spec = KINDS[kind]
    asked = list(spec.required_links) + list(ASKED_LINKS.get(kind, ()))
    if kind == "diagram" and given.get("kind") in FAILURE_KINDS:
        asked.append("playbooks")
    asked += [name for name in spec.optional_links if name in given]
    return list(dict.fromkeys(asked))


def directive_block(
    kind: str,
    need_id: str,
    title: str,
    given: Mapping[str, str] | None = None,
    body: str = "",
    fence: str = "```",
) -> str:
    """The MyST block of one entry: given values as written, the rest as placeholders."""
    given = dict(given or {})
    spec = KINDS[kind]
    lines = [f"{fence}{{{kind}}} {title or fill('the title: what it is, in a few words')}"]
    lines.append(f":id: {need_id}")
    asked = ASKED_FIELDS.get(kind, ())
    if kind == "diagram" and given.get("kind") in SIGNAL_DIAGRAM_KINDS:
        asked = (*asked, "signal")
    names = [*spec.required, *(n for n in spec.optional if n in given or n in asked)]
    for name in names:
        lines.append(f":{name}: {given.get(name) or fill(field_hint(kind, name))}")
    for name in asked_links(kind, given):
        lines.append(f":{name}: {given.get(name) or fill(link_hint(kind, name))}")
    if body:
        lines += ["", body.rstrip("\n")]
    lines.append(fence)
    return "\n".join(lines)
