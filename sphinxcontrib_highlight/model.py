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

import pickle
from enum import Enum
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


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
    """One ``:hcite:`` role."""

    docname: str
    lineno: int
    cite_id: str
    keys: tuple[str, ...]


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


class Packed(Generic[T]):
    """A value kept in Sphinx's environment as its own pickle, unpickled on first use.

    Every build loads the whole environment, but a rebuild after touching a .bib file
    never looks at the resolution or the citation records, and one that rewrites a page
    looks at them only once the page is read. Unpickled with the environment they are
    30,000 objects at 200 pages of 20 citations, and making them advances the garbage
    collector's clock by as much: in such a rebuild it ran a full pass over the whole
    heap that a plain Sphinx build does not run. As bytes they are one object each, and
    a value that did not change is pickled again from its bytes.
    """

    __slots__ = ("_blob", "_value")

    def __init__(self, value: T) -> None:
        self._value: T | None = value
        self._blob: bytes | None = None

    @property
    def value(self) -> T:
        if self._value is None:
            assert self._blob is not None
            self._value = pickle.loads(self._blob)  # the extension's own data
        return self._value

    def __getstate__(self) -> bytes:
        if self._blob is None:
            self._blob = pickle.dumps(self._value, protocol=pickle.HIGHEST_PROTOCOL)
        return self._blob

    def __setstate__(self, blob: bytes) -> None:
        self._value = None
        self._blob = blob


def unpacked(value: Packed[T] | T) -> T:
    """The value itself, whether or not it is :class:`Packed`."""
    return value.value if isinstance(value, Packed) else value
