project = "outside"
extensions = ["sphinxcontrib_highlight"]
