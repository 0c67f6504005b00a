project = "Diagram test"
extensions = ["myst_parser", "atlas"]
html_theme = "basic"
