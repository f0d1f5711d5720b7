project = "options"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["article.bib"]
