project = "doi-verify"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["refs.bib"]
highlight_verify_dois = True
# The tests point highlight_doi_resolver at a server on 127.0.0.1.
