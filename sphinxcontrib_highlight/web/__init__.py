"""The reader's extras on HTML pages: meta tags and COinS for reference managers, download
files, the copy button and the static files that style them.
"""
