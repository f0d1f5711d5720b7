project = "myst"
extensions = ["myst_parser", "sphinxcontrib_highlight"]
