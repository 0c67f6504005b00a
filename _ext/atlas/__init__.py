"""Atlas: the Sphinx extension behind the distributed-systems handbook.

One module per feature, each with a small ``setup_*(app)``, wired together here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .config import setup_config
from .downloads import setup_downloads
from .epub import setup_epub
from .mermaid_assets import setup_mermaid_assets

__version__ = "0.1.0"

TEMPLATES = Path(__file__).parent / "templates"


def _add_templates(app: Sphinx, config: Config) -> None:
    config.templates_path = [*config.templates_path, str(TEMPLATES)]


def setup(app: Sphinx) -> dict[str, Any]:
    setup_config(app)
    app.connect("config-inited", _add_templates)
    setup_mermaid_assets(app)
    setup_downloads(app)
    setup_epub(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
