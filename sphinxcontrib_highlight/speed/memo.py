"""Memoize pure functions of one pybtex entry, for the most recent entries.

A page shows each entry in several forms (its formatted text, COinS, RIS, CSL-JSON and
BibTeX downloads, a tooltip), and profiling a 2,000-entry build showed each form decoding
the same LaTeX again. Entries are keyed by identity, not by content: a parsed file
yields the same objects while they are cached, and a file that changes yields new
objects, so a stale result is never returned. The entry is kept beside its result, so an
id is never reused while its result is cached.

Every cache of entries and their forms keeps only the :data:`RECENT` latest: a page's
entries are asked for close together, and a cache that kept every entry a build showed
made the garbage collector scan it again and again (a third of the extension's cost on
a 20,000-entry build), and grew without end in a process that builds many times.

An entry object lives only while its file's cache keeps it (the :data:`RECENT` latest
too), so an entry cited on several pages is made anew for each. Its download texts are
therefore memoized by content as well (:func:`per_content`): the process that writes a
build's download files meets the same entry again lists later, as a new object.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from sphinxcontrib_highlight.speed import switch

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from pybtex.database import Entry

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

#: How many entries (and forms of entries) each cache keeps.
RECENT = 128

#: How many contents each cache of :func:`per_content` keeps: the download texts of a
#: list's entries, about 1.5 KB an entry in the three formats, so about 3 MB at most for
#: each format's cache. 2,000 entries cited 2,000 times over 100 pages are 1,258 contents.
CONTENTS = 2048

_MISSING = object()


class Recent(dict[K, V]):
    """A dict of at most ``limit`` items: storing a new key drops the key stored first."""

    limit = RECENT

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        if limit is not None:
            self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        if key not in self and len(self) >= self.limit:
            del self[next(iter(self))]
        super().__setitem__(key, value)


class PerEntry(Generic[T]):
    """A function of one entry, computed once per entry object (see :func:`per_entry`)."""

    def __init__(self, function: Callable[[Entry], T]) -> None:
        self._function = function
        self._results: Recent[int, tuple[Entry, T]] = Recent()
        functools.update_wrapper(self, function)

    def __call__(self, entry: Entry) -> T:
        if not switch.enabled("memo"):
            return self._function(entry)
        hit = self._results.get(id(entry))
        if hit is not None and hit[0] is entry:
            return hit[1]
        value = self._function(entry)
        self._results[id(entry)] = (entry, value)
        return value


def per_entry(function: Callable[[Entry], T]) -> PerEntry[T]:
    """``function`` computed once per entry object; callers must not mutate the result."""
    return PerEntry(function)


class PerContent(Generic[T]):
    """A function of one entry, computed once per content (see :func:`per_content`)."""

    def __init__(
        self, function: Callable[[Entry], T], key: Callable[[Entry], Hashable | None]
    ) -> None:
        self._function = function
        self._key = key
        self._results: Recent[Hashable, T] = Recent(CONTENTS)
        functools.update_wrapper(self, function)

    def __call__(self, entry: Entry) -> T:
        if not switch.enabled("memo"):
            return self._function(entry)
        key = self._key(entry)
        if key is None:
            return self._function(entry)
        hit = self._results.get(key, _MISSING)
        if hit is not _MISSING:
            return cast("T", hit)
        value = self._results[key] = self._function(entry)
        return value


def per_content(
    key: Callable[[Entry], Hashable | None],
) -> Callable[[Callable[[Entry], T]], PerContent[T]]:
    """``function`` computed once per content: entries with equal ``key(entry)`` share
    its result, so ``key`` must hold everything ``function`` reads (None: do not memoize
    this entry). For results that are immutable, such as text."""
    return lambda function: PerContent(function, key)
