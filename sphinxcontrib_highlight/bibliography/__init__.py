"""Bibliography input: BibTeX text in, entries out (reading, recovery, the entry store).

No Sphinx imports: the command line and the style engine use it as the build does.
"""
