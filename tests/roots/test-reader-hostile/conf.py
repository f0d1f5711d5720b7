project = "hostile"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["hostile.bib"]
