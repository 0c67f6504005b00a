"""Reviewer views: matrices, registers and the dashboard, built from the needs."""

from __future__ import annotations

from sphinx.application import Sphinx

from . import catalogue, dashboard, explorer, links, matrices, registers  # noqa: F401 (they register their views)
from .base import setup_view_base
from .flows import setup_flows


def setup_views(app: Sphinx) -> None:
    setup_view_base(app)
    setup_flows(app)
