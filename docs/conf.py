"""Sphinx configuration of the documentation, which uses the extension itself."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pybtex.plugin
from _ext.example_style import AuthorYearStyle  # found once this folder is on the path

# The example style of the how-to "Choosing and writing a style", registered as that
# page tells a project to: in conf.py, where `sphinx-highlight check` finds it too.
pybtex.plugin.register_plugin("pybtex.style.formatting", "author-year", AuthorYearStyle)

project = "sphinxcontrib-highlight"
author = "The sphinxcontrib-highlight developers"
copyright = "2026, the sphinxcontrib-highlight developers"

extensions = [
    "sphinxcontrib_highlight",
    "myst_parser",
    "_ext.reference_tables",
    "_ext.cli_help",
    "_ext.style_gallery",
]

root_doc = "index"
exclude_patterns = ["_build", "_generated"]
html_theme = "alabaster"
html_static_path = ["_static"]
html_css_files = ["gallery.css"]
html_title = project
nitpicky = True
