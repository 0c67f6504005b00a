"""Atlas: the Sphinx extension behind the distributed-systems handbook.

One module per feature, each with a small ``setup_*(app)``, wired together here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .accessibility import setup_accessibility
from .benchcards import setup_benchcards
from .config import setup_config
from .consistency import setup_consistency
from .definitions import setup_definitions
from .directives import setup_directives
from .downloads import setup_downloads
from .epub import setup_epub
from .freshness import setup_freshness
from .gates import setup_gates
from .layout import setup_layout
from .mermaid import setup_mermaid
from .navigation import setup_navigation
from .needs_config import setup_needs_config
from .pdf import setup_pdf
from .placeholders import setup_placeholders
from .references import setup_references
from .summary import setup_summary
from .views import setup_views
from .volumes import setup_volumes

__version__ = "0.1.0"

PACKAGE = Path(__file__).parent


def _add_templates_and_static(app: Sphinx, config: Config) -> None:
    config.templates_path = [*config.templates_path, str(PACKAGE / "templates")]
    config.html_static_path = [*config.html_static_path, str(PACKAGE / "static")]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_needs")
    app.setup_extension("sphinx_design")
    app.setup_extension("sphinxcontrib.mermaid")
    setup_config(app)
    app.connect("config-inited", _add_templates_and_static)
    app.add_css_file("atlas-model.css")
    app.add_js_file("atlas-tables.js", loading_method="defer")
    app.add_js_file("atlas-diagrams.js", loading_method="defer")
    setup_needs_config(app)
    setup_directives(app)
    setup_definitions(app)
    setup_layout(app)
    setup_references(app)
    setup_consistency(app)
    setup_freshness(app)
    setup_placeholders(app)
    setup_summary(app)
    setup_mermaid(app)
    setup_gates(app)
    setup_views(app)
    setup_downloads(app)
    setup_benchcards(app)
    setup_epub(app)
    setup_pdf(app)
    setup_volumes(app)
    setup_navigation(app)
    setup_accessibility(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
