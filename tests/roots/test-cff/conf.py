project = "cff"
extensions = ["sphinxcontrib_highlight"]
highlight_citation_cff = "CITATION.cff"
