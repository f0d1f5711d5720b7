"""Logging the extension's warnings through Sphinx, located and typed.

The kinds of warning are in :mod:`sphinxcontrib_highlight.warning_types`; this module
logs them, or keeps them for another process to log (see :func:`keep_warnings`).
"""

from __future__ import annotations

from typing import NamedTuple

from docutils import nodes
from sphinx.util import logging

from sphinxcontrib_highlight.warning_types import WARNING_TYPE, Warn

logger = logging.getLogger(__name__)


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
