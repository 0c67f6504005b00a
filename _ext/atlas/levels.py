"""Validation levels, checked against the linked sources (the roadmap's definitions).

- **A**: a cited source is the organisation's own publication: its publisher names the
  organisation the need is about (the need's ``organization``, else its system's), or the
  source declares ``:first_hand: <organisation>``.
- **B**: two cited sources that are independent: different publishers, and neither copies
  or retells the other (``:derived_from:``, followed to the original). Two write-ups of one
  post count as one.
- **C**: inferred, second-hand or from memory; always allowed (a metric must say why).
"""

from __future__ import annotations

from sphinx_needs.need_item import NeedItem


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


#: Links whose targets' organisations a need is about, when it names none itself: its
#: system; for a pattern, the systems that implement it; for an anti-pattern, the
#: incidents where it did harm.
ABOUT_LINKS = ("system", "implemented_by", "examples")


def organisations(need: NeedItem, needs) -> list[str]:
    """The organisations a need is about: its own field, else those of what it links."""
    if need.get("organization"):
        return [need["organization"]]
    found = []
    for link in ABOUT_LINKS:
        for target_id in need.get(link) or []:
            target = needs.get(target_id)
            if target is not None and target.get("organization"):
                found.append(target["organization"])
    return list(dict.fromkeys(found))


def _names(text: str | None) -> list[str]:
    return [_norm(part) for part in (text or "").split(",") if part.strip()]


def is_first_hand(source: NeedItem, org: str) -> bool:
    """Whether the source is ``org``'s own publication: its publisher's name contains the
    organisation's name as whole words ("Netflix" in "Netflix Technology Blog"), or the
    source says so in ``:first_hand:`` (e.g. AWS for "Amazon Web Services")."""
    wanted = _norm(org)
    if wanted in _names(source.get("first_hand")):
        return True
    return f" {wanted} " in f" {_norm(source['publisher'])} "


def original(source: NeedItem, needs) -> str:
    """The id of the document a source ultimately copies or retells (itself if none)."""
    seen = {source["id"]}
    current = source
    while parents := [p for p in current.get("derived_from") or [] if p not in seen]:
        seen.add(parents[0])
        parent = needs.get(parents[0])
        if parent is None:
            return parents[0]
        current = parent
    return current["id"]


def independent_groups(sources: list[NeedItem], needs) -> list[list[NeedItem]]:
    """Cited sources grouped so that a group holds what counts as one source: the same
    publisher, or copies of the same original."""
    groups: list[tuple[set[str], set[str], list[NeedItem]]] = []
    for source in sources:
        keys = ({_norm(source["publisher"])}, {original(source, needs)})
        joined = [g for g in groups if g[0] & keys[0] or g[1] & keys[1]]
        merged = (set(keys[0]), set(keys[1]), [source])
        for group in joined:
            groups.remove(group)
            merged[0].update(group[0])
            merged[1].update(group[1])
            merged[2][:0] = group[2]
        groups.append(merged)
    return [group[2] for group in groups]


def _cited(need: NeedItem, needs) -> list[NeedItem]:
    sources = [needs[s] for s in need.get("sources") or [] if s in needs]
    return [s for s in sources if s["type"] == "source"]


def level_problem(need: NeedItem, needs) -> tuple[str, str] | None:
    """(problem, fix) when the need's level is not supported by its sources."""
    level = need.get("validation")
    if level == "A":
        return _a_problem(need, needs)
    if level == "B":
        return _b_problem(need, needs)
    return None


def _a_problem(need: NeedItem, needs) -> tuple[str, str] | None:
    orgs = organisations(need, needs)
    if not orgs:
        return (
            "validation A needs to know whose publication counts as first-hand",
            "link a :system: or set :organization:, or lower the level to B or C",
        )
    sources = _cited(need, needs)
    if any(is_first_hand(s, org) for s in sources for org in orgs):
        return None
    org = " or ".join(orgs)
    cited = ", ".join(f"{s['id']} ({s['publisher']})" for s in sources) or "none"
    return (
        f"validation A needs {org}'s own publication; the cited sources are {cited}",
        f"cite {org}'s own post, add ':first_hand: {org}' to a source that is {org}'s own "
        "text under another name, or lower the level to B or C",
    )


def _b_problem(need: NeedItem, needs) -> tuple[str, str] | None:
    groups = independent_groups(_cited(need, needs), needs)
    if len(groups) >= 2:
        return None
    together = [group for group in groups if len(group) > 1]
    why = (
        f"{', '.join(s['id'] for s in together[0])} count as one (same publisher, or one "
        "copies or retells the other)"
        if together
        else f"found {sum(map(len, groups))} source"
    )
    return (
        f"validation B needs two independent sources; {why}",
        "cite a second source that did its own reporting (or the original post, for level A), "
        "or lower the level to C with a note",
    )
