project = "two-lists"
extensions = ["sphinxcontrib_highlight"]
