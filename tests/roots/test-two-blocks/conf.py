project = "two-blocks"
extensions = ["sphinxcontrib_highlight"]
