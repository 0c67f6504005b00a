"""The build pipeline: collect every diagram while reading, render the new ones in one
batch before writing, report Mermaid's errors at the diagram's file and line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinxcontrib.mermaid import Mermaid, mermaid

from ..config import atlas_config
from ..pdf import PDF_BUILDERS
from ..problems import report
from .browser import BatchStats, BrowserUnavailable, find_chromium, render_batch
from .cache import DiagramCache, RenderError
from .settings import MERMAID_CONFIG, diagram_key, mermaid_version, svg_id

logger = logging.getLogger("atlas")

#: Builders whose output cannot run JavaScript: they need pre-rendered diagrams.
STATIC_BUILDERS = ("epub", *PDF_BUILDERS, "latex")


@dataclass(frozen=True)
class DiagramRecord:
    key: str
    source: str
    line: int | None
    need_id: str | None


class MermaidWithLines(Mermaid):
    """sphinxcontrib-mermaid's directive, recording the file line where the code starts."""

    def run(self, **kwargs):  # type: ignore[no-untyped-def]
        result = super().run(**kwargs)
        for node in result:
            for diagram in node.findall(mermaid) if isinstance(node, nodes.Element) else []:
                diagram["atlas_line"] = first_content_line(self)
        return result


def first_content_line(directive) -> int:  # type: ignore[no-untyped-def]
    """The 1-based file line of a directive's first content line (MyST and rST agree)."""
    if not directive.content:
        return directive.lineno
    _, line = directive.content.info(0)
    if line is not None and line >= directive.lineno:
        return line + 1
    return directive.lineno + 1 + sum(1 for _ in directive.options)


def cache_of(app: Sphinx | Builder) -> DiagramCache:
    """The diagram cache of a build (from the app, or from a builder while writing)."""
    config = app.config._atlas  # type: ignore[attr-defined]
    return DiagramCache(config.resolve(app.confdir, config.mermaid_cache))


def mermaid_dist(app: Sphinx) -> Path:
    config = atlas_config(app)
    return config.resolve(app.confdir, config.mermaid_dist)


def _records(env: BuildEnvironment) -> dict[str, list[DiagramRecord]]:
    if not hasattr(env, "atlas_diagrams"):
        env.atlas_diagrams = {}  # type: ignore[attr-defined]
    return env.atlas_diagrams  # type: ignore[attr-defined]


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: give each diagram its cache key and remember where it is."""
    dist = mermaid_dist(app)
    version = mermaid_version(dist)
    found = []
    for node in doctree.findall(mermaid):
        key = diagram_key(version, node["code"])
        node["atlas_key"] = key
        line = node.get("atlas_line") or node.line
        found.append(DiagramRecord(key, node["code"], line, node.get("atlas_need")))
    _records(app.env)[app.env.docname] = found


def render_recipe(app: Sphinx) -> str:
    """What every diagram's key rests on besides its source: Mermaid's version, the
    configuration and Atlas's render format (the key of an empty diagram captures all three)."""
    return diagram_key(mermaid_version(mermaid_dist(app)), "")


def stale_keys(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:  # type: ignore[no-untyped-def]
    """env-get-outdated: when the recipe changed (a new Mermaid, another configuration or
    render format), every page with a diagram is read again, so its keys are current."""
    recipe = render_recipe(app)
    previous = getattr(env, "atlas_render_recipe", None)
    env.atlas_render_recipe = recipe  # type: ignore[attr-defined]
    if previous == recipe:
        return []
    return [docname for docname, found in _records(env).items() if found]


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _records(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other) -> None:  # type: ignore[no-untyped-def]
    for docname in docnames:
        _records(env)[docname] = _records(other).get(docname, [])


def _progress(total: int):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    step = max(1, total // 10)

    def show(done: int, _: int) -> None:
        if done % step == 0 or done == total:
            rate = done / max(time.perf_counter() - started, 1e-6)
            logger.info("[atlas] rendered %d of %d diagrams (%.1f diagrams/s)", done, total, rate)

    return show


def render_into_cache(
    sources: dict[str, str],
    cache: DiagramCache,
    dist: Path,
    chromium: str,
    pages: int,
    progress: bool = True,
) -> BatchStats:
    """Render the diagrams (key → source) that the cache lacks; the one path builds and
    benchmarks share. Raises :class:`BrowserUnavailable` when there is no browser."""
    missing = [(key, svg_id(key), src) for key, src in sources.items() if not cache.has(key)]
    if not missing:
        return BatchStats()
    logger.info("[atlas] rendering %d new diagram(s) with %s", len(missing), chromium)
    results, stats = render_batch(
        missing,
        dist / "mermaid.min.js",
        MERMAID_CONFIG,
        chromium,
        pages=pages,
        progress=_progress(len(missing)) if progress else None,
    )
    for key, result in results.items():
        cache.put(key, result)
    return stats


def render_missing(app: Sphinx, env: BuildEnvironment | None = None) -> list[str]:
    """After reading: render every diagram not in the cache, in one browser session."""
    sources = {r.key: r.source for docs in _records(app.env).values() for r in docs}
    cache = cache_of(app)
    app.env.atlas_prerendered = False  # type: ignore[attr-defined]
    dist = mermaid_dist(app)
    pending = any(not cache.has(key) for key in sources)
    if pending and not (dist / "mermaid.min.js").is_file():
        # The assets module has already said how to install Mermaid.
        if app.builder.name in STATIC_BUILDERS:
            raise SphinxError(f"Mermaid is not installed at {dist}: run `npm ci`")
        return []
    if pending:
        try:
            chromium = find_chromium(atlas_config(app).chromium)
            render_into_cache(sources, cache, dist, chromium, atlas_config(app).render_pages)
        except BrowserUnavailable as error:
            _without_browser(app, str(error))
            return []
    app.env.atlas_prerendered = True  # type: ignore[attr-defined]
    _report_errors(app, cache)
    return []


def _without_browser(app: Sphinx, reason: str) -> None:
    if app.builder.name in STATIC_BUILDERS:
        raise SphinxError(f"Atlas cannot pre-render the diagrams this format needs: {reason}")
    logger.warning(
        "Diagrams will render in the reader's browser instead of at build time: %s",
        reason,
        type="atlas",
        subtype="mermaid",
    )


def _report_errors(app: Sphinx, cache: DiagramCache) -> None:
    """One warning per broken diagram, every build, at the line Mermaid points to."""
    for docname, records in sorted(_records(app.env).items()):
        for record in records:
            result = cache.get(record.key)
            if result is None or result.error is None:
                continue
            line = error_line(record.line, result.error)
            report(
                (docname, line),
                record.need_id,
                f"Mermaid cannot render the diagram: {summary(result.error)}",
                "correct the Mermaid syntax at this line; the page shows the source meanwhile",
                "mermaid",
            )


def error_line(start: int | None, error: RenderError) -> int | None:
    """The file line of an error: the diagram's first line plus Mermaid's (1-based) line."""
    if start is None:
        return None
    return start + (error.line - 1 if error.line else 0)


def summary(error: RenderError) -> str:
    """Mermaid's message on one line, without its ASCII pointer drawing."""
    lines = [line.strip() for line in error.message.splitlines() if line.strip()]
    kept = [line for line in lines if not set(line) <= set("-^") and not line.startswith("...")]
    # Mermaid's own line number counts from the diagram's start; the warning gives the file's.
    return re.sub(r" on line \d+", "", " ".join(kept)) or "unknown error"


def setup_pipeline(app: Sphinx) -> None:
    app.add_directive("mermaid", MermaidWithLines, override=True)
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", stale_keys)
    # Once every page is read, before the gates (410) judge the rendered diagrams.
    app.connect("env-get-updated", render_missing, priority=400)
