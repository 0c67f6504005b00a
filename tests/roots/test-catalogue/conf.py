project = "Catalogue test"
extensions = ["myst_parser", "atlas"]
myst_enable_extensions = ["colon_fence"]
needs_build_json = True
html_theme = "basic"
atlas_today = "2026-11-22"
