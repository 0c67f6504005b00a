"""Mermaid diagrams rendered once, in batch, at build time, and served without a CDN."""

from __future__ import annotations

from sphinx.application import Sphinx

from .assets import setup_mermaid_assets
from .latex import setup_latex_output
from .output import setup_output
from .pipeline import setup_pipeline


def setup_mermaid(app: Sphinx) -> None:
    setup_mermaid_assets(app)
    setup_pipeline(app)
    setup_output(app)
    setup_latex_output(app)
