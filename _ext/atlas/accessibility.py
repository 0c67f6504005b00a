"""Narrow fixes for markup that Sphinx writes and axe-core flags (WCAG 2 A/AA).

- A toctree caption is written ``<p class="caption" role="heading">`` without
  ``aria-level`` (axe: aria-required-attr, critical), in the page body and in furo's
  sidebar. It gets level 2: it titles a list under the page's own heading, and 2 is the
  level ARIA 1.1 implied. Upstream: sphinx-doc/sphinx#14030 (open), with the same fix
  proposed in sphinx-doc/sphinx#14437; drop this patch once a release carries it.
- A highlighted code block that scrolls sideways cannot be reached with the keyboard
  (axe: scrollable-region-focusable). Each ``<pre>`` of a code block gets ``tabindex="0"``,
  as pydata-sphinx-theme does in its translator (pydata/pydata-sphinx-theme#1100, #1636);
  neither Sphinx nor furo does it.

Both are patched in the HTML strings of the page context, after furo has built its sidebar.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx

CAPTION = re.compile(r'(<p class="caption"[^>]*role="heading")(?![^>]*aria-level)')
CODE_BLOCK = re.compile(r'(<div class="highlight"><pre)(?=>)')
PATCHED = ("body", "furo_navigation_tree")


def accessible_html(html: str) -> str:
    html = CAPTION.sub(r'\1 aria-level="2"', html)
    return CODE_BLOCK.sub(r'\1 tabindex="0"', html)


def patch_page(app: Sphinx, pagename: str, template: str, context: dict[str, Any], doctree):  # type: ignore[no-untyped-def]
    for key in PATCHED:
        if isinstance(context.get(key), str):
            context[key] = accessible_html(context[key])


def setup_accessibility(app: Sphinx) -> None:
    # After furo's handler (500), which renders the sidebar into the context.
    app.connect("html-page-context", patch_page, priority=900)
