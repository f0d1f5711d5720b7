project = "notes"
extensions = ["sphinxcontrib_highlight"]
highlight_bibfiles = ["refs.bib"]
highlight_reference_style = "chicago-note-bibliography"
