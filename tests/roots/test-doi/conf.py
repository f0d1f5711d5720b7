project = "doi"
extensions = ["sphinxcontrib_highlight"]
# Not the bundled highlight, which holds these DOIs: the pages cite DOIs no file holds.
highlight_bibfiles = ["refs.bib"]
# The tests point highlight_doi_resolver at a server on 127.0.0.1.
