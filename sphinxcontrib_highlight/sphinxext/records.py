"""Plain, picklable records of what each document asks for and how it was resolved.

Directives and roles record these in the domain while a document is read; after every
document is read, the domain resolves them into numbers and targets. They hold no docutils
nodes, so Sphinx's pickled environment stays small and parallel reads can merge them.

They are named tuples, not frozen dataclasses: every build loads thousands of them with
the environment, and a named tuple is made in about half the time (a frozen dataclass
sets each field through ``object.__setattr__``): 4,000 citation records load in 2.1 ms
instead of 3.9 ms.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from sphinxcontrib_highlight.sphinxext.cite_syntax import CitedKey


class ListMode(Enum):
    """Which entries a reference list holds."""

    ALL = "all"
    """Every entry of its bibliography but the article itself, in file order."""
    KEYS = "keys"
    """The keys the author listed, in that order."""
    CITED = "cited"
    """The keys cited on this page, in order of first citation."""
    PROJECT = "project"
    """The keys cited anywhere in the project, in toctree order of first citation."""


class ListRecord(NamedTuple):
    """One ``highlight-references`` directive."""

    docname: str
    lineno: int
    list_id: str
    mode: ListMode
    keys: tuple[str, ...]
    bibfiles: tuple[str, ...]
    style: str
    start: int
    reserved_ids: tuple[str, ...] = ()
    """Ids the document gives other things (a heading, a label) that an item's anchor
    must not take; noted once the document is read."""


class BlockRecord(NamedTuple):
    """One ``highlight-citation`` directive."""

    docname: str
    lineno: int
    block_id: str
    key: str | None
    """The entry to show; None for the configured article."""
    bibfiles: tuple[str, ...]
    style: str
    heading: str


class CiteRecord(NamedTuple):
    """One ``:hcite:`` role (or ``:hcite:p:``, ``:hcite:t:``)."""

    docname: str
    lineno: int
    cite_id: str
    keys: tuple[str, ...]
    mode: str = "p"
    """``p``: parenthetical, the style's citation; ``t``: textual, ``Kohno et al. (2022)``."""
    details: tuple[CitedKey, ...] = ()
    """Per key, its pre-text, post-text and locator; empty when none has any."""

    def cited_keys(self) -> tuple[CitedKey, ...]:
        """Per key, what the author wrote around it (nothing, for most citations)."""
        return self.details or tuple(CitedKey(key) for key in self.keys)


class Target(NamedTuple):
    """Where one cited key points: a numbered item of a list."""

    docname: str
    item_id: str
    number: int
    list_id: str
    key: str
    style: str
    bibfiles: tuple[str, ...]


class ResolvedList(NamedTuple):
    """The entries of one list, in order, with their anchors and the places citing them."""

    keys: tuple[str, ...]
    item_ids: tuple[str, ...]
    backrefs: tuple[tuple[tuple[str, str], ...], ...]
    """Per item, the ``(docname, cite_id)`` of each citation that points at it."""
