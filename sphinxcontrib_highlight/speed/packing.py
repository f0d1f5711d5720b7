"""Values kept in Sphinx's pickled environment as bytes, unpickled on first use."""

from __future__ import annotations

import pickle
from typing import Any, Generic, TypeVar

from sphinxcontrib_highlight.speed import switch

T = TypeVar("T")


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

    def __reduce_ex__(self, protocol: Any) -> Any:
        if switch.enabled("packing"):
            return super().__reduce_ex__(protocol)
        return _itself, (self.value,)  # pickled as the value, unpickled with the environment

    def __getstate__(self) -> bytes:
        if self._blob is None:
            self._blob = pickle.dumps(self._value, protocol=pickle.HIGHEST_PROTOCOL)
        return self._blob

    def __setstate__(self, blob: bytes) -> None:
        self._value = None
        self._blob = blob


def _itself(value: T) -> T:
    return value


def unpacked(value: Packed[T] | T) -> T:
    """The value itself, whether or not it is :class:`Packed`."""
    return value.value if isinstance(value, Packed) else value
