"""Checks that need every need of the build: link targets and validation levels.

They run when sphinx-needs has resolved all links (``write-started``), on every
build, so a problem stays reported until it is fixed, even in incremental builds.
"""

from __future__ import annotations

from collections.abc import Iterator

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx_needs.data import SphinxNeedsData
from sphinx_needs.need_item import NeedItem

from .levels import level_problem
from .model import KINDS, LINKS
from .problems import report


def _location(need: NeedItem) -> tuple[str, int | None]:
    return (need["docname"], need["lineno"])


def link_problems(need: NeedItem, needs) -> Iterator[tuple[str, str]]:
    """(problem, fix) for each link to a missing need or to a need of the wrong type."""
    for name in KINDS[need["type"]].links:
        allowed = LINKS[name].targets
        for target_id in need[name]:
            target = needs.get(target_id)
            wanted = " or ".join(allowed)
            if target is None:
                yield (
                    f"':{name}:' links '{target_id}', which is not defined",
                    f"define a {wanted} with :id: {target_id}, or correct the id",
                )
            elif target["type"] not in allowed:
                yield (
                    f"':{name}:' must link a {wanted}, but '{target_id}' is a {target['type']}",
                    f"link a {wanted} id ({KINDS[allowed[0]].prefix}…) instead",
                )


def check_needs(app: Sphinx, builder: Builder | None = None) -> None:
    needs = SphinxNeedsData(app.env).get_needs_view()
    for need in needs.values():
        if need["type"] not in KINDS:
            continue
        for problem, fix in link_problems(need, needs):
            report(_location(need), need["id"], problem, fix, "link")
        if found := level_problem(need, needs):
            report(_location(need), need["id"], *found, "validation")


def setup_consistency(app: Sphinx) -> None:
    # After sphinx-needs' own post-processing of links (write-started, priority 500).
    app.connect("write-started", check_needs, priority=600)
