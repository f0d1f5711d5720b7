project = "places"
extensions = ["sphinxcontrib_highlight"]
