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

    CITE_SYNTAX = "cite_syntax"
    """A citation role's text that does not parse: a ``{`` without its ``}``, text
    between a key's braces and the comma, an empty key. The keys that parse are cited."""

    LOCATOR = "locator"
    """A citation's post-text that starts like a locator (``xyz. 5``) with a label CSL
    does not know; it is printed as written, as a suffix."""

    BIBFILE = "bibfile"
    """A BibTeX file is missing, is not a file, or cannot be read or decoded; or a line of
    it holds control characters (such as NUL), which are removed."""

    BIB_SYNTAX = "bib_syntax"
    """A BibTeX file has a syntax error; the entries around it still load."""

    BIB_EXPANSION = "bib_expansion"
    """A BibTeX value whose ``@string`` macros expand past the bound (64 characters for
    each character of the entry or definition that uses them, and 1,024 more): the value
    is left out (a macro is defined as empty) and the rest of the file still loads."""

    CSL_SYNTAX = "csl_syntax"
    """A CSL-JSON or CSL-YAML file (or a ``CITATION.cff``) is not valid JSON or YAML, at
    the line the parser stopped, and none of its items load; or an RIS record cannot be
    read, at its ``TY`` line, and the other records load."""

    CSL_ITEM = "csl_item"
    """An item of a CSL-JSON or CSL-YAML file is not an object or has no ``id`` (it is
    skipped), or a variable holds a value of the wrong kind (the variable is left out);
    the other items load."""

    CFF = "cff"
    """A ``CITATION.cff`` does not follow the Citation File Format 1.2.0 schema, at the
    line of the value that breaks it; what can be read of it still renders."""

    DUPLICATE_KEY = "duplicate_key"
    """A key is defined twice; the first definition wins."""

    MISSING_FIELD = "missing_field"
    """An entry lacks a field its style needs; what is there is still rendered."""

    UNKNOWN_TYPE = "unknown_type"
    """An entry type neither BibTeX nor biblatex defines; the entry is printed as a
    generic document (CSL's ``document`` type)."""

    STYLE = "style"
    """A style name that no installed style answers to (the warning names the closest CSL
    style ids; the default style is used), or a CSL style the processor cannot wholly
    follow, at the style's line: a macro used but not defined, an element CSL does not
    have. What it can follow is used."""

    STYLE_ERROR = "style_error"
    """A style failed on an entry for a reason other than a missing field or a field that
    is not valid LaTeX (a pybtex style raising an error of its own); the entry is printed
    in a generic form."""

    DIRECTIVE = "directive"
    """A directive option or argument that is not valid; the directive is skipped."""

    CONFIG = "config"
    """A configuration value that is not valid; its default is used instead."""

    CACHE = "cache"
    """The on-disk cache of a parsed BibTeX file (beside the doctrees) was damaged; it was
    discarded and the file parsed again. Nothing to fix: the next build uses the new cache."""

    LINK = "link"
    """A ``url`` that is not http(s) (such as ``javascript:``) or a ``pmid`` that is not a
    number; the link is left out of the page and of the downloads."""

    DOI = "doi"
    """A DOI cited alone (or checked by ``highlight_verify_dois``) whose metadata is not in
    the DOI cache and could not be fetched (offline, unknown to the resolver, too slow,
    not CSL-JSON, or fetching is off); the citation shows the DOI as a link. Or the DOI
    cache file itself cannot be read or written."""

    DOI_MISMATCH = "doi_mismatch"
    """An entry's title, first author or year differs from the metadata its ``doi``
    resolves to (``highlight_verify_dois``, ``sphinx-highlight check --verify``): the DOI
    or the entry is probably wrong."""
