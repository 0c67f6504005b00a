project = "Layout test"
extensions = ["myst_parser", "atlas"]
needs_build_json = True
html_theme = "basic"
atlas_today = "2026-11-22"
