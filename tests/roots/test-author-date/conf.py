project = "author-date"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["refs.bib"]
highlight_reference_style = "apa"
