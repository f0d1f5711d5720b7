project = "sphinx-warns"
extensions = ["sphinxcontrib_highlight"]
