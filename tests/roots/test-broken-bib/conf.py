project = "broken-bib"
extensions = ["sphinxcontrib_highlight"]
highlight_article = "good2020"
highlight_bibfiles = [
    "syntax.bib",
    "content.bib",
    "dup-a.bib",
    "dup-b.bib",
    "empty.bib",
    "comments.bib",
    "not-bibtex.bib",
    "bom-crlf.bib",
    "adir.bib",
    "missing.bib",
]
