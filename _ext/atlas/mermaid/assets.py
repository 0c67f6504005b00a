"""Serve the pinned npm copy of Mermaid with the site, so no page ever loads it from a CDN.

sphinxcontrib-mermaid's client-side route imports ``mermaid_use_local`` (relative to
``_static``). Mermaid's ESM bundle imports its chunks by relative path, so the entry
module and ``chunks/mermaid.esm.min/`` are copied together (without source maps).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..config import atlas_config

logger = logging.getLogger(__name__)

ENTRY = "mermaid.esm.min.mjs"
CHUNKS = Path("chunks") / "mermaid.esm.min"
TARGET = Path("_static") / "mermaid"


def mermaid_files(dist: Path) -> list[Path]:
    """The files of the minified ESM bundle, relative to ``dist``."""
    chunks = sorted(p.relative_to(dist) for p in (dist / CHUNKS).glob("*.mjs"))
    return [Path(ENTRY), *chunks]


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.exists():
        here, there = source.stat(), target.stat()
        if here.st_size == there.st_size and here.st_mtime <= there.st_mtime:
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def copy_mermaid(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    config = atlas_config(app)
    dist = config.resolve(app.confdir, config.mermaid_dist)
    if not (dist / ENTRY).is_file():
        logger.warning(
            "Mermaid is not installed at %s: diagrams will not render. "
            "Run `make html` (it runs `npm ci`) or `npm ci` in the project root.",
            dist,
            type="atlas",
            subtype="mermaid",
        )
        return
    out = Path(app.outdir) / TARGET
    for relative in mermaid_files(dist):
        _copy_if_changed(dist / relative, out / relative)


def use_local_mermaid(app: Sphinx, config: Config) -> None:
    """Point sphinxcontrib-mermaid at the served copy unless a project chose another local one."""
    if not config.mermaid_use_local:
        config.mermaid_use_local = (TARGET.relative_to("_static") / ENTRY).as_posix()


def setup_mermaid_assets(app: Sphinx) -> None:
    app.connect("config-inited", use_local_mermaid)
    app.connect("build-finished", copy_mermaid)
