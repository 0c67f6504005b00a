"""Validation levels, checked against the linked sources.

- **A**: at least one source is published by the organisation the need is about
  (its own ``organization``, or that of its linked system).
- **B**: at least two sources from different publishers.
- **C**: inferred or from memory; always allowed (a metric must then say why in its note).
"""

from __future__ import annotations

from sphinx_needs.need_item import NeedItem


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def organisation(need: NeedItem, needs) -> str | None:
    """The organisation a need is about: its own field, else its system's."""
    if need.get("organization"):
        return need["organization"]
    for system_id in need.get("system") or []:
        if (system := needs.get(system_id)) is not None and system["type"] == "system":
            return system["organization"]
    return None


def level_problem(need: NeedItem, needs) -> tuple[str, str] | None:
    """(problem, fix) when the need's level is not supported by its sources."""
    level = need.get("validation")
    if level not in ("A", "B"):
        return None
    sources = [needs[s] for s in need.get("sources") or [] if s in needs]
    sources = [s for s in sources if s["type"] == "source"]
    publishers = {_norm(s["publisher"]) for s in sources if s["publisher"]}
    if level == "A":
        org = organisation(need, needs)
        if org is None:
            return (
                "validation A needs to know whose publication counts as first-party",
                "link a :system: or set :organization:, or lower the level to B or C",
            )
        if _norm(org) not in publishers:
            return (
                f"validation A needs a source published by {org}; the sources' publishers "
                f"are {', '.join(sorted(s['publisher'] for s in sources)) or 'none'}",
                f"cite a source whose :publisher: is {org}, or lower the level to B or C",
            )
        return None
    if len(publishers) < 2:
        return (
            f"validation B needs sources from two or more publishers; found {len(publishers)}",
            "cite a second, independent source, or lower the level to C with a note",
        )
    return None
