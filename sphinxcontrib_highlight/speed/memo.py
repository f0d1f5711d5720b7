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
build's download files meets the same entry again lists later, as a new object. So are
its formatted text, COinS and links (:class:`ByContent` for functions of more than the
entry): in a 2,000-entry corpus of 100 pages a third of the entries cited (742 of 2,000)
are cited again after their objects were let go.
"""

from __future__ import annotations

import functools
import itertools
import pickle
import weakref
from collections import OrderedDict
from contextlib import contextmanager
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from sphinxcontrib_highlight.speed import switch

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterator

    from pybtex.database import Entry

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

#: How many entries (and forms of entries) each cache keeps.
RECENT = 128

#: How many contents each cache of :func:`per_content` keeps: the download texts of a
#: list's entries, about 1.5 KB an entry in the three formats, so about 3 MB at most for
#: each format's cache; a formatted entry kept pickled is about 450 bytes (1 MB at most).
#: 2,000 entries cited 2,000 times over 100 pages are 1,258 contents.
CONTENTS = 2048


class Recent(OrderedDict[K, V]):
    """A dict of at most ``limit`` items: storing a new key drops the key stored first.

    An ordered dict drops its first key at once; a plain dict finds it by walking past
    the slots of the keys dropped before it, until it next resizes: for a cache of
    :data:`CONTENTS` items, 1.5 µs a new key instead of 0.5 µs, and a build's main
    process stores tens of thousands (the results its formatting child sends included).
    """

    limit = RECENT

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        if limit is not None:
            self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        if key not in self and len(self) >= self.limit:
            self.popitem(last=False)
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
        self,
        function: Callable[[Entry], T],
        key: Callable[[Entry], Hashable | None],
        packed: bool = False,
    ) -> None:
        self._function = function
        self._key = key
        self._results: ByContent[T] = ByContent(packed)
        functools.update_wrapper(self, function)

    def __call__(self, entry: Entry) -> T:
        if not switch.enabled("memo"):
            return self._function(entry)
        key = self._key(entry)
        hit = self._results.get(key)
        if hit is not None:
            return hit
        value = self._function(entry)
        self._results.put(key, value)
        return value


class ByContent(Generic[V]):
    """Results by a key that holds everything they are made from (see :func:`per_content`),
    the :data:`CONTENTS` latest; nothing is kept or found while ``memo`` is off, nor for
    the key None (an entry not to memoize).

    ``packed`` (the default) keeps each result pickled, and every hit unpickled anew (8 µs
    for a formatted entry, against the 0.3 ms formatting it costs): bytes are nothing the
    garbage collector scans (kept as objects, a 2,000-entry build's formatted entries and
    links were about 12,000 objects more for every full pass of the collector), and no
    caller can change what another is handed. Keys should be tuples of strings, numbers
    and bytes, which the collector stops tracking. Unpacked, for immutable results such
    as text, results are kept as they are.
    """

    def __init__(self, packed: bool = True) -> None:
        self._packed = packed
        self._results: Recent[Hashable, V | bytes] = Recent(CONTENTS)
        self._number = next(_numbers)
        _stores[self._number] = cast("ByContent[object]", self)

    def get(self, key: Hashable | None) -> V | None:
        if key is None or not switch.enabled("memo"):
            return None
        found = self._results.get(key)
        if found is None or not self._packed:
            return cast("V | None", found)
        return cast("V", pickle.loads(cast("bytes", found)))

    def put(self, key: Hashable | None, value: V) -> None:
        if key is not None and switch.enabled("memo"):
            packed = pickle.dumps(value, pickle.HIGHEST_PROTOCOL) if self._packed else None
            self._results[key] = packed if packed is not None else value
            if _recording is not None:
                _recording.append(
                    (self._number, key, packed or pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
                )

    def _fill(self, key: Hashable, packed: bytes) -> None:
        if key not in self._results:
            self._results[key] = packed if self._packed else pickle.loads(packed)  # our own child


Record = tuple[int, "Hashable", bytes]
"""One result a store was given: the store's number, the key and the result pickled."""

#: Every store, by a number that is the same in a child forked from this process.
_stores: weakref.WeakValueDictionary[int, ByContent[object]] = weakref.WeakValueDictionary()
_numbers = itertools.count()

#: While :func:`recorded` runs: what every store is given.
_recording: list[Record] | None = None


@contextmanager
def recorded() -> Iterator[list[Record]]:
    """Record what every store is given meanwhile, for :func:`fill` in another process
    (forked from this one, or this one's parent): the results a child works out ahead."""
    global _recording  # one recording at a time, in the child that works ahead
    records: list[Record] = []
    _recording = records
    try:
        yield records
    finally:
        _recording = None


def fill(records: list[Record]) -> None:
    """Give the stores what :func:`recorded` recorded in a child (results already known
    here are kept as they are)."""
    if not switch.enabled("memo"):
        return
    for number, key, packed in records:
        store = _stores.get(number)
        if store is not None:
            store._fill(key, packed)


def per_content(
    key: Callable[[Entry], Hashable | None], packed: bool = False
) -> Callable[[Callable[[Entry], T]], PerContent[T]]:
    """``function`` computed once per content: entries with equal ``key(entry)`` share
    its result, so ``key`` must hold everything ``function`` reads (None: do not memoize
    this entry). For results that are immutable, such as text; ``packed`` for others,
    which are kept pickled (see :class:`ByContent`) and handed out as new copies."""
    return lambda function: PerContent(function, key, packed)
