project = "pdf-styles"
extensions = ["sphinxcontrib_highlight"]
# The test copies tests/data/varied.bib here: one entry of each type the styles format.
highlight_bibfiles = ["varied.bib"]
latex_engine = "xelatex"
