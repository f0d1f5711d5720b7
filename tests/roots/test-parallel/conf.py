project = "parallel"
extensions = ["sphinxcontrib_highlight"]
