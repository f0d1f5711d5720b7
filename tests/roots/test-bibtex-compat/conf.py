from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE

project = "bibtex-compat"
extensions = ["sphinxcontrib.bibtex"]
bibtex_bibfiles = [str(BUNDLED_BIBFILE)]
bibtex_default_style = "neurosci-bull"
