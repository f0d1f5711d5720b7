project = "hostile"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["hostile.bib"]
highlight_reference_links = ["doi", "pubmed", "scholar"]
