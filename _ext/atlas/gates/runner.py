"""Compute every gate of every entry once all entries are read and diagrams rendered,
store the outcome in the need (so needs.json, tables and filters see it) and report
each failing machine check once, at the entry's file and line.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx_needs.data import SphinxNeedsData

from ..config import atlas_config
from ..freshness import changed_needs
from ..mermaid.pipeline import cache_of, mermaid_dist, summary
from ..mermaid.settings import diagram_key, mermaid_version
from ..model import KINDS, LINKS
from ..placeholders import is_unfilled
from ..problems import report
from . import learning, reality, three_am, visual
from .context import GateContext, GateSettings, RenderedDiagram

GATES = (reality.GATE, visual.GATE, learning.GATE, three_am.GATE)
NOTE_SEPARATOR = " | "


def glossary_terms(env: BuildEnvironment) -> set[str]:
    """Every term of every ``glossary`` in the handbook, lower-cased."""
    objects = env.domains.standard_domain.objects
    return {name.lower() for (objtype, name) in objects if objtype == "term"}


def settings_of(app: Sphinx) -> GateSettings:
    config = atlas_config(app)
    today = date.fromisoformat(config.today) if config.today else date.today()
    return GateSettings(
        today,
        config.stale_after_months,
        config.max_nodes,
        config.diagram_width,
        config.legible_px,
        config.max_label_chars,
    )


def rendered_diagram(app: Sphinx, need: Any) -> RenderedDiagram | None:
    if not getattr(app.env, "atlas_prerendered", False):
        return None
    version = mermaid_version(mermaid_dist(app))
    result = cache_of(app).get(diagram_key(version, "\n".join(str(need["content"]).splitlines())))
    if result is None:
        return None
    return RenderedDiagram(result.svg, summary(result.error) if result.error else None)


def compute_gates(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After reading (and rendering): judge every entry; return the pages whose badges change."""
    needs = SphinxNeedsData(env).get_needs_mutable()
    settings, glossary = settings_of(app), glossary_terms(app.env)
    for need in _to_judge(app, env, needs, (settings, sorted(glossary))):
        rendered = rendered_diagram(app, need) if need["type"] == "diagram" else None
        context = GateContext(need, needs, settings, glossary, rendered)
        if is_unfilled(env, need["id"]):
            _fail_unfilled(context, need)
            continue
        notes = []
        for gate in GATES:
            if not gate.applies(context):
                continue
            result = gate.judge(context)
            need[gate.field] = result.status
            need[f"{gate.field}_checks"] = result.checks
            notes += [f"{gate.title}: {reason}" for reason in result.reasons]
            for finding in result.findings:
                if not finding.reported:
                    location = (need["docname"], need["lineno"])
                    report(
                        location,
                        need["id"],
                        f"{gate.title}: {finding.problem}",
                        finding.fix,
                        "gate",
                    )
        need["gate_notes"] = NOTE_SEPARATOR.join(notes) or None
        need["stale"] = reality.is_stale(context)
    return _pages_with_new_outcomes(env, needs)


def _to_judge(app: Sphinx, env: BuildEnvironment, needs: Any, inputs: Any) -> list[Any]:
    """The entries whose gates may have changed. A gate reads its entry, the entries it
    links, the settings (today's date), the glossary and Mermaid's output: when none of
    the last three changed, only the entries of the re-read pages (new need objects) and
    the entries that link an added, removed or changed entry are judged."""
    key = repr((inputs, mermaid_version(mermaid_dist(app))))
    inputs_unchanged = getattr(env, "atlas_gate_inputs", None) == key
    env.atlas_gate_inputs = key  # type: ignore[attr-defined]
    judged = [need for need in needs.values() if need["type"] in KINDS]
    if not inputs_unchanged:
        return judged
    reread, changed = getattr(env, "atlas_reread", set()), changed_needs(env)
    return [need for need in judged if need["docname"] in reread or _links_any(need, changed)]


def _links_any(need: Any, ids: set[str]) -> bool:
    return bool(ids) and any(str(t) in ids for name in LINKS for t in need.get(name) or [])


def _fail_unfilled(context: GateContext, need: Any) -> None:
    """An entry with placeholders is not judged: its text is not written yet (the
    placeholders themselves are the warnings)."""
    for gate in GATES:
        if gate.applies(context):
            need[gate.field] = "fail"
            need[f"{gate.field}_checks"] = "fail"
    need["gate_notes"] = "placeholders left: fill every <FILL: …> mark"
    need["stale"] = False


def _pages_with_new_outcomes(env: BuildEnvironment, needs: Any) -> list[str]:
    """Pages whose cards show a gate outcome that differs from the last build's. (Pages
    that aggregate outcomes — views, charts — are :mod:`atlas.freshness`'s concern.)"""
    fields = (
        *(gate.field for gate in GATES),
        *(f"{gate.field}_checks" for gate in GATES),
        "gate_notes",
        "stale",
        "validation",
    )
    outcomes = {
        need_id: (need["docname"], tuple(need[f] for f in fields))
        for need_id, need in needs.items()
        if need["type"] in KINDS
    }
    previous = getattr(env, "atlas_gate_outcomes", {})
    env.atlas_gate_outcomes = outcomes  # type: ignore[attr-defined]
    changed = {
        docname for key, (docname, o) in outcomes.items() if previous.get(key, (0, o))[1] != o
    }
    return sorted(changed & env.found_docs)


def setup_runner(app: Sphinx) -> None:
    # After reading and rendering (400): the needs are still mutable, and pages whose
    # badges change can still be added to the pages Sphinx writes.
    app.connect("env-get-updated", compute_gates, priority=410)
