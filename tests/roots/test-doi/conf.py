project = "doi"
extensions = ["sphinxcontrib_highlight"]
# The tests point highlight_doi_resolver at a server on 127.0.0.1.
