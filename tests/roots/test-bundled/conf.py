project = "bundled"
extensions = ["sphinxcontrib_highlight"]
