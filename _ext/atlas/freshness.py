"""Never show a stale link, backlink or quoted figure after an incremental build.

Sphinx re-writes only the pages it re-read, but a card's backlinks and a ``{metric}``
role show needs defined on *other* pages (sphinx-needs upstream issue #354). After
reading, this module finds every page that shows a need that changed on a re-read
page — its fields, content or links, before or after the change — and has Sphinx write
it again. A prose-only edit changes no need, so only the edited page is written.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx_needs.data import SphinxNeedsData
from sphinx_needs.directives.needbar import Needbar
from sphinx_needs.directives.needextract import Needextract
from sphinx_needs.directives.needflow._directive import NeedflowGraphiz, NeedflowPlantuml
from sphinx_needs.directives.needgantt import Needgantt
from sphinx_needs.directives.needlist import Needlist
from sphinx_needs.directives.needpie import Needpie
from sphinx_needs.directives.needsequence import Needsequence
from sphinx_needs.directives.needtable import Needtable

from .model import LINKS
from .nodes import need_reference, view_placeholder

AGGREGATES = (
    view_placeholder,
    Needtable,
    Needlist,
    Needextract,
    Needpie,
    Needbar,
    Needgantt,
    Needsequence,
    NeedflowGraphiz,
    NeedflowPlantuml,
)

DocNeeds = dict[str, dict[str, set[str]]]

#: Fields that change without the need changing: positions, and what Atlas or
#: sphinx-needs computes after reading (gates, backlinks) — :mod:`atlas.gates.runner`
#: re-writes the pages whose gate outcomes change.
VOLATILE = ("lineno", "lineno_content", "gate_", "stale")


def fingerprint(need: Any) -> str:
    """Everything a page can show about a need, as one comparable string."""
    shown = {
        key: value
        for key, value in need.items()
        if not key.startswith(VOLATILE) and not key.endswith("_back")
    }
    return json.dumps(shown, sort_keys=True, default=str)


def _state(env: BuildEnvironment) -> DocNeeds:
    """docname → {"ids": needs defined, "targets": ids they link, "refs": ids its roles cite}."""
    if not hasattr(env, "atlas_doc_needs"):
        env.atlas_doc_needs = {}  # type: ignore[attr-defined]
    return env.atlas_doc_needs  # type: ignore[attr-defined]


def _entry(env: BuildEnvironment, docname: str) -> dict[str, set[str]]:
    entry = _state(env).setdefault(docname, {})
    for key in ("ids", "targets", "refs", "aggregate"):
        entry.setdefault(key, set())
    return entry


def aggregate_pages(env: BuildEnvironment) -> set[str]:
    """Pages that show needs from every page (views, needtables, charts, flows)."""
    return {docname for docname, entry in _state(env).items() if entry.get("aggregate")}


def _remember_reread(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before the re-read pages are purged: what their needs looked like."""
    env.atlas_reread = set(docnames)  # type: ignore[attr-defined]
    env.atlas_before = _fingerprints(env, env.atlas_reread)  # type: ignore[attr-defined]
    env.atlas_changed = None  # type: ignore[attr-defined]


def _fingerprints(env: BuildEnvironment, docnames: set[str]) -> dict[str, str]:
    needs = SphinxNeedsData(env).get_needs_mutable().values()
    return {need["id"]: fingerprint(need) for need in needs if need["docname"] in docnames}


def _record_refs(app: Sphinx, doctree: nodes.document) -> None:
    entry = _entry(app.env, app.env.docname)
    entry["refs"] = {node["target"] for node in doctree.findall(need_reference)}
    # A page that aggregates needs from everywhere (a reviewer view, a needtable, a
    # needflow, a chart) depends on every need.
    entry["aggregate"] = {"*"} if any(doctree.findall(_is_aggregate)) else set()


def _is_aggregate(node: nodes.Node) -> bool:
    return isinstance(node, AGGREGATES)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    # Keep "ids"/"targets": they are the *previous* state compared in _outdated_readers.
    _entry(env, docname)["refs"] = set()
    _entry(env, docname)["aggregate"] = set()


def _merge(app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other) -> None:
    for docname in docnames:
        for key in ("refs", "aggregate"):
            _entry(env, docname)[key] = set(_entry(other, docname).get(key, set()))


def _current_needs(env: BuildEnvironment) -> dict[str, dict[str, set[str]]]:
    by_doc: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"ids": set(), "targets": set()})
    for need in SphinxNeedsData(env).get_needs_mutable().values():
        entry = by_doc[need["docname"]]
        entry["ids"].add(need["id"])
        for name in LINKS:
            entry["targets"].update(str(t) for t in need.get(name) or [])
    return by_doc


def _changed_ids(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """Needs added, removed or changed on the re-read pages."""
    return {
        need_id
        for need_id in before.keys() | after.keys()
        if before.get(need_id) != after.get(need_id)
    }


def changed_needs(env: BuildEnvironment) -> set[str]:
    """Ids of the needs added, removed or changed by this build's reading."""
    if getattr(env, "atlas_changed", None) is None:
        reread = getattr(env, "atlas_reread", set())
        before = getattr(env, "atlas_before", {})
        env.atlas_changed = _changed_ids(before, _fingerprints(env, reread))  # type: ignore[attr-defined]
    return env.atlas_changed  # type: ignore[attr-defined]


def _outdated_readers(app: Sphinx, env: BuildEnvironment) -> list[str]:
    reread = getattr(env, "atlas_reread", set())
    state = _state(env)
    current = _current_needs(env)
    touched: set[str] = set()  # needs linked on a re-read page, old or new
    changed_ids = changed_needs(env)
    for docname in reread:
        old, new = state.get(docname, {}), current.get(docname, {})
        touched |= old.get("targets", set()) | new.get("targets", set())
    for docname in state.keys() | current.keys():
        entry = _entry(env, docname)
        entry["ids"] = current.get(docname, {}).get("ids", set())
        entry["targets"] = current.get(docname, {}).get("targets", set())
    if not changed_ids:
        return []
    stale = {
        docname
        for docname, entry in state.items()
        if entry["refs"] & changed_ids  # quotes a figure or cites a source that changed
        or entry["targets"] & changed_ids  # its cards name a need that changed
        or entry["ids"] & touched  # its cards list backlinks that may have changed
        or entry["aggregate"]  # shows needs from every page
    }
    return sorted((stale - reread) & env.found_docs)


def setup_freshness(app: Sphinx) -> None:
    app.connect("env-before-read-docs", _remember_reread)
    app.connect("doctree-read", _record_refs)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-updated", _outdated_readers)
