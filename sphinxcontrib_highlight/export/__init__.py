"""Entries out to other formats: BibTeX, RIS and CSL-JSON files, the links line, and
formatted entries as plain text, HTML, reStructuredText or Markdown source.

No Sphinx imports: the command line and the HTML pages write the same files.
"""
