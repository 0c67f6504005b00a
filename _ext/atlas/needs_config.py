"""Hand the data model to sphinx-needs before it reads its configuration."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

from .model import needs_settings

#: sphinx-needs' own link warnings carry no fix; Atlas reports the same problems
#: with one (see :mod:`atlas.consistency`), so each problem is reported once.
REPLACED_WARNINGS = ("needs.link_outgoing", "needs.link_target_type")


def apply_model(app: Sphinx, config: Config) -> None:
    for name, value in needs_settings().items():
        setattr(config, name, value)
    # "duration" is an incident field here, not needgantt's duration option.
    config.needs_duration_option = "gantt_duration"
    config.needs_completion_option = "gantt_completion"
    config.suppress_warnings = [*config.suppress_warnings, *REPLACED_WARNINGS]
    # Atlas checks every field against these same schemas where it is written, with a
    # located warning; sphinx-needs' second pass over every need, on every build, finds
    # nothing more (and costs 0.2 s of each incremental build at 1,500 diagrams).
    config.needs_schema_validation_enabled = False
    # needflow's default engine (PlantUML) is not installed: Debian's graphviz draws flows.
    config.needs_flow_engine = "graphviz"
    config.graphviz_output_format = "svg"


def setup_needs_config(app: Sphinx) -> None:
    # Before sphinx-needs resolves its need types (config-inited, priority 12).
    app.connect("config-inited", apply_model, priority=5)
