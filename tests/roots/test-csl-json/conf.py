project = "csl-json"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["refs.json"]
