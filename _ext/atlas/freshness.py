"""Never show a stale link, backlink or quoted figure after an incremental build.

Sphinx re-writes only the pages it re-read, but a card's backlinks and a ``{metric}``
role show needs defined on *other* pages (sphinx-needs upstream issue #354). After
reading, this module finds every page that shows a need that changed on a re-read
page — its fields, content or links, before or after the change — and has Sphinx write
it again. A prose-only edit changes no need, so only the edited page is written.

A page that aggregates needs from every page (a reviewer view, a chart, a flow graph) is
written again when what it reads changed: each aggregate names the need fields it reads,
and the page keeps a digest of those fields over every need (plus the gates' inputs, such
as today's date). A figure's new value re-writes the staleness report, not the coverage
matrix.
"""

from __future__ import annotations

import hashlib
import json
import re
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

#: docname → {"ids", "targets", "refs", "aggregate": sets; "digest": str}
DocNeeds = dict[str, dict[str, Any]]

#: Any field: an aggregate whose reads cannot be told (a needtable, a filter function).
ANY = "*"
#: What a sphinx-needs flow graph draws of each need: its box (id, title, type, page,
#: parts) and every link, whatever the filter.
FLOW_READS = frozenset(
    {
        "id", "id_complete", "id_parent", "title", "type", "type_name", "docname",
        "is_external", "external_url", "is_need", "is_part", "parts", "parent_needs",
        "status", "tags", "links", *LINKS,
    }
)  # fmt: skip
WORD = re.compile(r"[A-Za-z_]\w*")

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


def _entry(env: BuildEnvironment, docname: str) -> dict[str, Any]:
    entry = _state(env).setdefault(docname, {})
    for key in ("ids", "targets", "refs", "aggregate"):
        entry.setdefault(key, set())
    return entry


def _remember_reread(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before the re-read pages are purged: what their needs looked like and linked."""
    env.atlas_reread = set(docnames)  # type: ignore[attr-defined]
    env.atlas_before = _fingerprints(env, env.atlas_reread)  # type: ignore[attr-defined]
    env.atlas_before_targets = _targets(env, env.atlas_reread)  # type: ignore[attr-defined]
    env.atlas_changed = None  # type: ignore[attr-defined]


def _needs_on(env: BuildEnvironment, docnames: set[str]) -> Iterable[Any]:
    needs = SphinxNeedsData(env).get_needs_mutable().values()
    return (need for need in needs if need["docname"] in docnames)


def _fingerprints(env: BuildEnvironment, docnames: set[str]) -> dict[str, str]:
    return {need["id"]: fingerprint(need) for need in _needs_on(env, docnames)}


def _linked_ids(need: Any) -> set[str]:
    return {str(target) for name in LINKS for target in need.get(name) or []}


def _targets(env: BuildEnvironment, docnames: set[str]) -> dict[str, set[str]]:
    """need id → the ids it links, for the needs on ``docnames``."""
    return {need["id"]: _linked_ids(need) for need in _needs_on(env, docnames)}


def _record_refs(app: Sphinx, doctree: nodes.document) -> None:
    entry = _entry(app.env, app.env.docname)
    entry["refs"] = {node["target"] for node in doctree.findall(need_reference)}
    # A page that aggregates needs from everywhere depends on the fields it reads of
    # every need.
    entry["aggregate"] = set().union(*map(fields_read, doctree.findall(_is_aggregate)))


def _is_aggregate(node: nodes.Node) -> bool:
    return isinstance(node, AGGREGATES)


def fields_read(node: nodes.Element) -> set[str]:
    """The need fields an aggregate node reads ({ANY} when it cannot be told)."""
    if isinstance(node, view_placeholder):
        return set(node["reads"])
    if isinstance(node, NeedflowGraphiz | NeedflowPlantuml):
        return FLOW_READS | _filter_words(node)
    if isinstance(node, Needbar | Needpie) and not node.get("filter_func"):
        # Every word of the filters and labels: more than is read, never less.
        content = node.get("content") or []
        text = "\n".join(content) if not isinstance(content, str) else content
        return {"id", "type", "status", "tags"} | set(WORD.findall(text)) | _filter_words(node)
    return {ANY}


def _filter_words(node: nodes.Element) -> set[str]:
    return set(WORD.findall(str(node.get("filter") or "")))


def _digest(env: BuildEnvironment, fields: set[str]) -> str:
    """What an aggregate reading ``fields`` can show, over every need, as one digest."""
    # A backlink is made of other needs' links: read those.
    keys = None if ANY in fields else sorted({f.removesuffix("_back") for f in fields})
    digest = hashlib.sha1(repr(getattr(env, "atlas_gate_inputs", None)).encode())
    for need_id, need in sorted(SphinxNeedsData(env).get_needs_mutable().items()):
        digest.update(need_id.encode())
        if keys is None:
            digest.update(json.dumps(need, sort_keys=True, default=str).encode())
        else:  # field values are JSON types, whose repr is stable (and cheaper)
            digest.update(repr([need.get(k) for k in keys]).encode())
    return digest.hexdigest()


def _outdated_aggregates(env: BuildEnvironment) -> set[str]:
    """Aggregate pages whose digest changed; every digest is kept for the next build."""
    outdated, digests = set(), {}
    for docname, entry in _state(env).items():
        fields = entry.get("aggregate")
        if not fields:
            continue
        key = frozenset(fields)
        if key not in digests:
            digests[key] = _digest(env, fields)
        if entry.get("digest") != digests[key]:
            outdated.add(docname)
        entry["digest"] = digests[key]
    return outdated


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
        entry["targets"] |= _linked_ids(need)
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
    changed_ids = changed_needs(env)
    # Needs a changed need links, before or after: their backlinks show it.
    before, after = getattr(env, "atlas_before_targets", {}), _targets(env, reread)
    touched = set().union(*(before.get(i, set()) | after.get(i, set()) for i in changed_ids))
    for docname in state.keys() | current.keys():
        entry = _entry(env, docname)
        entry["ids"] = current.get(docname, {}).get("ids", set())
        entry["targets"] = current.get(docname, {}).get("targets", set())
    stale = _outdated_aggregates(env)  # shows needs from every page
    if changed_ids:
        stale |= {
            docname
            for docname, entry in state.items()
            if entry["refs"] & changed_ids  # quotes a figure or cites a source that changed
            or entry["targets"] & changed_ids  # its cards name a need that changed
            or entry["ids"] & touched  # its cards list backlinks of a changed need
        }
    return sorted((stale - reread) & env.found_docs)


def setup_freshness(app: Sphinx) -> None:
    app.connect("env-before-read-docs", _remember_reread)
    app.connect("doctree-read", _record_refs)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-updated", _outdated_readers)
