project = "latin1"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["latin1.bib"]
