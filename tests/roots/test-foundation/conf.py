
project = "Foundation test"
extensions = ["myst_parser", "sphinx_design", "sphinxcontrib.mermaid", "sphinx_needs", "atlas"]
html_theme = "furo"
html_sidebars = {"**": ["sidebar/brand.html", "sidebar/navigation.html", "sidebar/atlas-downloads.html"]}
needs_build_json = True
