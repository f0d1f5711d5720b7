project = "doi-held"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["refs.bib", "refs.json"]
# The tests point highlight_doi_resolver at a server on 127.0.0.1.
