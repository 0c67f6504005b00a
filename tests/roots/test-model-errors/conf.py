project = "Model test"
extensions = ["myst_parser", "atlas"]
myst_enable_extensions = ["colon_fence", "deflist"]
needs_build_json = True
html_theme = "basic"
