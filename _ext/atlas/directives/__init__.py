"""The Atlas directives: one module per directive, as in sphinx-needs."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

from .antipattern import setup_antipattern
from .benchmarks import setup_benchmarks
from .diagram import setup_diagram
from .fields_table import setup_fields_table
from .guide import setup_guide
from .incident import setup_incident
from .markup import setup_markup
from .metric import setup_metric
from .migration import setup_migration
from .pattern import setup_pattern
from .playbook import setup_playbook
from .response import setup_response
from .source import setup_source
from .system import setup_system
from .timeline import setup_timeline

NEED_DIRECTIVES = (
    setup_source,
    setup_system,
    setup_metric,
    setup_diagram,
    setup_incident,
    setup_playbook,
    setup_guide,
    setup_pattern,
    setup_antipattern,
    setup_migration,
)


def _own_need_directives(app: Sphinx, config: Config) -> None:
    # sphinx-needs registers a directive per need type while it reads the config
    # (priority 500); ours replace them afterwards.
    for setup_one in NEED_DIRECTIVES:
        setup_one(app)


def setup_directives(app: Sphinx) -> None:
    app.connect("config-inited", _own_need_directives, priority=700)
    setup_timeline(app)
    setup_response(app)
    setup_fields_table(app)
    setup_markup(app)
    setup_benchmarks(app)
