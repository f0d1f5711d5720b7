project = "bad-input"
extensions = ["sphinxcontrib_highlight"]
