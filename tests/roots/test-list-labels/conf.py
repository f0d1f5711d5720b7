project = "list-labels"
extensions = ["sphinxcontrib_highlight"]
# The bundled highlight.bib; each list below picks a style of one kind.
latex_engine = "xelatex"
