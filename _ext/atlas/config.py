"""Atlas's own configuration values, declared once as a validated dataclass.

Each field becomes a ``atlas_<name>`` value in ``conf.py``; ``config-inited``
reads and validates them (a wrong type stops the build with a clear message),
the same design as myst-parser's ``MdParserConfig``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

PREFIX = "atlas_"


@dataclass(frozen=True)
class AtlasConfig:
    """The ``atlas_*`` settings of a project, after validation."""

    mermaid_dist: str = field(
        default="node_modules/mermaid/dist",
        metadata={"doc": "Folder of the npm package mermaid's dist/, relative to conf.py."},
    )
    mermaid_cache: str = field(
        default="_build/.mermaid-cache",
        metadata={"doc": "Folder of rendered diagrams, shared by every builder."},
    )
    chromium: str = field(
        default="",
        metadata={"doc": "Chromium executable for rendering; empty: look for `chromium` on PATH."},
    )
    render_pages: int = field(
        default=2,
        metadata={"doc": "Browser pages rendering diagrams in parallel."},
    )
    stale_after_months: int = field(
        default=18,
        metadata={"doc": "A current-state metric older than this is flagged stale."},
    )
    max_nodes: int = field(
        default=30,
        metadata={"doc": "Most nodes a diagram may have and stay legible (learning gate)."},
    )
    max_label_chars: int = field(
        default=90,
        metadata={
            "doc": "Longest node label, in characters, before it reads as a paragraph "
            "(learning gate): move the detail into the caption or the prose."
        },
    )
    diagram_width: int = field(
        default=718,
        metadata={
            "doc": "The widest a diagram is shown on a page, in CSS px (furo's text column at "
            "1366 px, inside a diagram card): the legibility gate judges labels at this width."
        },
    )
    legible_px: float = field(
        default=11.0,
        metadata={"doc": "The smallest label size, in CSS px, a diagram may be shown at."},
    )
    figures_section: bool = field(
        default=True,
        metadata={
            "doc": "Show metrics and sources in one 'Figures and sources' section at the end of "
            "each page (False: as cards where they are written, the layout before it)."
        },
    )
    today: str = field(
        default="",
        metadata={"doc": "The date staleness is judged on (YYYY-MM-DD); empty: the build date."},
    )
    fast_navigation: bool = field(
        default=True,
        metadata={"doc": "Build furo's sidebar once per folder (same HTML, far less work)."},
    )
    fast_views: bool = field(
        default=True,
        metadata={"doc": "Write the reviewer tables' HTML directly (same HTML, far less work)."},
    )
    targets: dict = field(
        default_factory=lambda: {
            # The roadmap's 900 diagrams by kind (system diagrams: the eight mandatory kinds
            # on a system; the other rows count each kind outside those).
            "system diagrams": 240,
            "incident diagrams": 100,
            "debugging diagrams": 100,
            "scale diagrams": 80,
            "performance diagrams": 80,
            "pattern diagrams": 80,
            "cost diagrams": 60,
            "migration diagrams": 60,
            "capacity diagrams": 60,
            "comparison diagrams": 40,
            "diagrams": 900,
            "incidents": 100,
            "playbooks": 10,
            "debugging guides": 100,
            "patterns": 80,
            "anti-patterns": 8,
            "migrations": 60,
        },
        metadata={"doc": "The roadmap's targets the dashboard measures progress against."},
    )
    linkcheck_report: str = field(
        default="_build/linkcheck/output.json",
        metadata={
            "doc": "The output.json of Sphinx's linkcheck builder (`make linkcheck`) that the "
            "link-health review page reports on."
        },
    )
    downloads_dir: str = field(
        default="_build/downloads",
        metadata={"doc": "Folder whose PDF/EPUB files the HTML site links and ships."},
    )

    volumes: dict = field(
        default_factory=lambda: {
            # One PDF per system, incidents twenty to a PDF, one per review page: no PDF of
            # the full catalogue outgrows a WeasyPrint process (Kozea/WeasyPrint #1950).
            "systems": {"title": "Systems", "roots": ["systems/index"], "split": 1},
            "incidents": {"title": "Incidents", "roots": ["incidents/index"], "split": 20},
            "operations": {
                "title": "Playbooks and debugging guides",
                "roots": ["symptoms", "playbooks/index", "guides/index"],
            },
            "patterns": {
                "title": "Patterns, anti-patterns and migrations",
                "roots": ["patterns/index", "antipatterns/index", "migrations/index"],
            },
            "review": {
                "title": "Reviewer annex",
                "roots": ["review/index", "benchmarks"],
                "split": 1,
            },
            "about": {
                "title": "About, glossary and contributor guide",
                "roots": ["about", "glossary", "authoring", "contributing"],
            },
        },
        metadata={
            "doc": "The PDF volumes (`make pdf`): slug → title, the entries of the root "
            "toctree it prints (each entry in one volume) and, optionally, split: N, to print "
            "the roots alone and the entries of their toctrees N to a PDF."
        },
    )
    volume: str = field(
        default="",
        metadata={
            "doc": "Print only this volume (`make pdf VOLUME=incidents`); empty: every volume.",
            "rebuild": "",
        },
    )
    card_cache: str = field(
        default="_build/.card-cache",
        metadata={"doc": "Folder of printed bench cards by content hash, shared by every build."},
    )
    bench_cards: bool = field(
        default=True,
        metadata={
            "doc": "Print a one-page PDF bench card per playbook and guide (HTML site).",
            "rebuild": "html",
        },
    )
    pdf_processes: int = field(
        default=2,
        metadata={"doc": "WeasyPrint processes printing volumes at once.", "rebuild": ""},
    )

    def resolve(self, confdir: str | Path, value: str) -> Path:
        """A path setting as an absolute path (relative ones start at conf.py)."""
        path = Path(value)
        return path if path.is_absolute() else Path(confdir) / path


def _validate(name: str, expected: type, value: Any) -> Any:
    if not isinstance(value, expected):
        raise ConfigError(
            f"{PREFIX}{name} must be a {expected.__name__}, got {type(value).__name__}: {value!r}"
        )
    return value


def read_config(config: Config) -> AtlasConfig:
    """Build the validated dataclass from the Sphinx config."""
    values = {}
    for spec in fields(AtlasConfig):
        expected = type(_default(spec))
        values[spec.name] = _validate(spec.name, expected, config[PREFIX + spec.name])
    return AtlasConfig(**values)


def _default(spec: dataclasses.Field) -> Any:
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return spec.default


def atlas_config(app: Sphinx) -> AtlasConfig:
    return app.config._atlas  # type: ignore[attr-defined]


def _on_config_inited(app: Sphinx, config: Config) -> None:
    config._atlas = read_config(config)  # type: ignore[attr-defined]


def setup_config(app: Sphinx) -> None:
    for spec in dataclasses.fields(AtlasConfig):
        default = _default(spec)
        rebuild = spec.metadata.get("rebuild", "env")  # "": read when writing, no re-read
        app.add_config_value(PREFIX + spec.name, default, rebuild, types=[type(default)])
    app.connect("config-inited", _on_config_inited, priority=400)
