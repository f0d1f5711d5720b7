project = "csl-styles"
extensions = ["sphinxcontrib_highlight"]
# A CSL repository id for lists, and a .csl file relative to conf.py for the block.
highlight_reference_style = "nature"
highlight_citation_style = "styles/short.csl"
