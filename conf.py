"""Sphinx configuration of the Atlas handbook.

Run as ``sphinx-build -c . source <out>`` (the Makefile does this). Project-wide
sphinx-needs settings (types, fields, links) live in the ``atlas`` extension, not here.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).parent.resolve()
# The extension is installed editable by the Makefile; the path also lets a bare
# ``sphinx-build`` from an unprepared venv find it.
sys.path.insert(0, str(ROOT / "_ext"))

project = "Atlas"
author = "The Atlas authors"
copyright = f"2026–{date.today().year}, {author}"
release = version = "0.1"
language = "en"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxcontrib.mermaid",
    "sphinx_needs",
    "atlas",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**/_fragments/*"]
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/atlas-downloads.html",
        "sidebar/scroll-end.html",
    ]
}

# --- MyST --------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "attrs_block", "fieldlist"]
myst_heading_anchors = 3

# --- HTML (furo, light and dark) ---------------------------------------------
html_theme = "furo"
html_title = "Atlas — distributed systems in production"
html_static_path = [str(ROOT / "_static")]
html_css_files = ["atlas.css"]
html_logo = str(ROOT / "_static" / "atlas-logo.svg")
html_favicon = str(ROOT / "_static" / "favicon.svg")
html_last_updated_fmt = "%Y-%m-%d"
html_copy_source = False
html_theme_options = {
    "light_css_variables": {
        "color-brand-primary": "#0057b0",
        "color-brand-content": "#0057b0",
    },
    "dark_css_variables": {
        "color-brand-primary": "#6cb6ff",
        "color-brand-content": "#6cb6ff",
    },
    "navigation_with_keys": True,
}

# --- Mermaid: the atlas extension serves the pinned npm copy (never a CDN) ----
mermaid_d3_zoom = False

# --- sphinx-needs --------------------------------------------------------------
needs_build_json = True

# --- EPUB / PDF ----------------------------------------------------------------
epub_basename = "atlas"
epub_title = project
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_show_urls = "no"
epub_cover = ("_static/atlas-cover.png", "epub-cover.html")
# sphinx-needs writes these next to every HTML-format build; they are not book content.
epub_exclude_files = ["needs.json", "permalink.html", "schema_violations.json", ".buildinfo.bak"]
simplepdf_file_name = "atlas-handbook.pdf"
# Sphinx's LaTeX route, measured against the WeasyPrint volumes (atlas.bench.volumes): the pages
# use symbols pdflatex cannot typeset (✓ ✗ → ≤), so XeLaTeX with the FreeFont family.
latex_engine = "xelatex"
latex_use_xindy = False  # makeindex, which TeX Live has; xindy is a package of its own
# The PDF cover (sphinx-simplepdf's template variables).
html_context = {
    "cover_logo_title": "A production distributed-systems handbook",
    "cover_meta_data": f"Built {date.today().isoformat()}",
    "cover_footer": "Every diagram traced to its sources; every figure with a source and a date.",
}
