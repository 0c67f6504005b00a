"""The four quality gates: one module per gate, one shared result type (:mod:`.result`)."""

from __future__ import annotations

from sphinx.application import Sphinx

from .badges import setup_badges
from .runner import setup_runner


def setup_gates(app: Sphinx) -> None:
    setup_runner(app)
    setup_badges(app)
