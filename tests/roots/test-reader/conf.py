project = "reader"
extensions = ["sphinxcontrib_highlight"]
