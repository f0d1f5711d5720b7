project = "accents"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["refs.bib"]
