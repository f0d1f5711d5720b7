"""The kinds of problem the extension reports: one warning type and its subtypes.

Every layer names its problems with these, the bibliography reader as much as the
directives, so they sit below all of them and import nothing. Each warning carries
``type="highlight"`` and a subtype from :class:`Warn`, so users can silence one kind
(``suppress_warnings = ["highlight.unknown_key"]``) or all of them (``["highlight"]``).
The docs list the subtypes from this Enum's docstrings, so the list cannot drift.
"""

from __future__ import annotations

from enum import Enum

WARNING_TYPE = "highlight"

class Warn(Enum):
    """Warning subtypes, each documented by its docstring."""

    UNKNOWN_KEY = "unknown_key"
    """A key named in a directive, a role or ``highlight_article`` is in no BibTeX file."""

    UNLISTED_KEY = "unlisted_key"
    """An ``:hcite:`` key is in the bibliography but in no reference list of the project."""

    BIBFILE = "bibfile"
    """A BibTeX file is missing, is not a file, or cannot be read or decoded."""

    BIB_SYNTAX = "bib_syntax"
    """A BibTeX file has a syntax error; the entries around it still load."""

    DUPLICATE_KEY = "duplicate_key"
    """A key is defined twice; the first definition wins."""

    MISSING_FIELD = "missing_field"
    """An entry lacks a field its style needs; what is there is still rendered."""

    UNKNOWN_TYPE = "unknown_type"
    """An entry type neither BibTeX nor biblatex defines; the entry is printed as a
    generic document (CSL's ``document`` type)."""

    STYLE = "style"
    """A style name that no installed style answers to; the default style is used."""

    DIRECTIVE = "directive"
    """A directive option or argument that is not valid; the directive is skipped."""

    CONFIG = "config"
    """A configuration value that is not valid; its default is used instead."""

    LINK = "link"
    """A ``url`` that is not http(s) (such as ``javascript:``) or a ``pmid`` that is not a
    number; the link is left out of the page and of the downloads."""
