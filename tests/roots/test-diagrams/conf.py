project = "Diagram test"
extensions = ["myst_parser", "atlas"]
html_theme = "basic"
author = "Atlas tests"
copyright = "2026, Atlas tests"
version = release = "1"
