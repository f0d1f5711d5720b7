project = "bad-bib"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["problems.bib"]
