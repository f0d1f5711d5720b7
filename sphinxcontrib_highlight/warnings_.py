"""Every warning the extension emits, in one place.

Each warning carries ``type="highlight"`` and a subtype from :class:`Warn`, so users can
silence one kind (``suppress_warnings = ["highlight.unknown_key"]``) or all of them
(``["highlight"]``). The docs list the subtypes from this Enum's docstrings, so the list
cannot drift from the code.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from docutils import nodes
from sphinx.util import logging

WARNING_TYPE = "highlight"

logger = logging.getLogger(__name__)


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
    """An entry type the style has no form for; a generic form is used instead."""

    STYLE = "style"
    """A style name that no installed style answers to; the default style is used."""

    DIRECTIVE = "directive"
    """A directive option or argument that is not valid; the directive is skipped."""

    CONFIG = "config"
    """A configuration value that is not valid; its default is used instead."""

    LINK = "link"
    """A ``url`` that is not http(s) (such as ``javascript:``) or a ``pmid`` that is not a
    number; the link is left out of the page and of the downloads."""


Location = str | tuple[str, int | None] | None
"""Where a warning points, as Sphinx's logging takes it (or a docutils node)."""


class KeptWarning(NamedTuple):
    """A warning kept to be logged by another process (see :func:`keep_warnings`)."""

    message: str
    subtype: Warn
    location: Location
    once: bool


#: The warnings this process keeps instead of logging them, if it does.
_kept: list[KeptWarning] | None = None


def warn(message: str, subtype: Warn, location: Location | nodes.Node, *, once: bool = False) -> None:
    """Log a located warning of type ``highlight`` with the given subtype."""
    if _kept is not None:
        if isinstance(location, nodes.Node):  # as Sphinx would print it; a node is not sent
            location = logging.get_node_location(location)
        _kept.append(KeptWarning(message, subtype, location, once))
        return
    logger.warning(message, type=WARNING_TYPE, subtype=subtype.value, location=location, once=once)


def keep_warnings() -> list[KeptWarning]:
    """Keep this process's warnings in the list returned, from now on, instead of logging
    them: a child that resolves pages ahead (:mod:`.prerender`) sends them to the build,
    which logs them when it takes the page, in order, as if it had resolved it."""
    global _kept  # set once, in a forked child that does nothing else
    _kept = []
    return _kept


def log_kept(warnings: list[KeptWarning]) -> None:
    """Log warnings another process kept (see :func:`keep_warnings`)."""
    for kept in warnings:
        warn(kept.message, kept.subtype, kept.location, once=kept.once)
