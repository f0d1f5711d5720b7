"""In-text citations by a CSL style, decided once for the whole project.

A citation follows the style of the list its first listed key points at (the project's
``highlight_reference_style`` when none of its keys is listed). Numeric styles (those
that print a citation number, and pybtex's styles) keep the extension's own numbers
(``[1]``, ``[2–4]``), so their pages stay as they were. Every other CSL style (author-date,
label, note styles) has its citations printed by its ``<citation>`` layout, in one run of
the CSL engine per style over every citation of the project that follows it, in reading
order (:mod:`sphinxcontrib_highlight.styles.csl_citations`): disambiguation and year
suffixes are the project's, not a page's. Its reference lists are sorted by its
``<bibliography>`` sort (except a list whose keys the author gave) and print the same year
suffixes.

This is part of resolution: a pure function of the records, the reading order and the
entries, so serial, parallel and incremental builds decide alike.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sphinxcontrib_highlight.bibliography.to_csl import csl_item
from sphinxcontrib_highlight.sphinxext.records import ListMode
from sphinxcontrib_highlight.styles import find_style
from sphinxcontrib_highlight.styles.csl_citations import (
    LINK_PREFIX,
    Citation,
    CitationText,
    Tokens,
    author_tokens,
    run_citations,
)
from sphinxcontrib_highlight.styles.csl_style import CslStyle

if TYPE_CHECKING:
    from collections.abc import Callable

    from pybtex.database import Entry

    from sphinxcontrib_highlight.bibliography.database import Bibliography
    from sphinxcontrib_highlight.sphinxext.records import CiteRecord, ListRecord

#: The style whose citation names a numeric style's textual citation borrows when its
#: own citation prints none (``Kohno, Roe, and Doe [1]``): prose's "and", not "&". Its
#: locale also gives the locator labels of numeric citations (``[1, p. 5]``, ``[1, S. 5]``).
NAMES_FOR_NUMERIC = "chicago-author-date"

Place = tuple[str, int]
"""A list id and an index in it."""


class CslCitations(NamedTuple):
    """What the CSL runs decided."""

    texts: dict[tuple[str, str], CitationText]
    """Per citation (docname, cite id) of a non-numeric style, its text."""
    authors: dict[tuple[str, str], tuple[Tokens, ...]]
    """Per textual citation of a numeric style, the names of each key."""
    orders: dict[str, tuple[str, ...]]
    """Per list of a non-numeric style whose order the style decides, its keys sorted."""
    year_suffixes: dict[str, tuple[int, ...]]
    """Per list of a non-numeric style, each item's year suffix (0: none)."""


def citation_kind(style_name: str) -> str:
    """``numeric``, ``note`` or ``in-text`` (every other CSL style): how citations of
    the style are printed. A style that cannot be found is numeric (it is warned about
    where it is named, and the default style, numeric, is used)."""
    return _kind(style_name)


@lru_cache(maxsize=64)
def _kind(style_name: str) -> str:
    try:
        style = find_style(style_name)
    except LookupError:
        return "numeric"
    if not isinstance(style, CslStyle) or style.csl.citation is None:
        return "numeric"
    if style.csl.style_class == "note":
        return "note"
    return "numeric" if style.csl.renders_citation_number else "in-text"


def uses_csl_citations(lists: list[ListRecord], default_style: str) -> bool:
    """Whether any list, or the default style, is a non-numeric style."""
    styles = {record.style for record in lists} | {default_style}
    return any(citation_kind(style) != "numeric" for style in styles)


def csl_citations(
    lists: list[ListRecord],
    cites: list[CiteRecord],
    keys: dict[str, tuple[str, ...]],
    places: dict[tuple[str, str], tuple[Place | None, ...]],
    bibliography_of: Callable[[tuple[str, ...]], Bibliography],
    default: tuple[str, tuple[str, ...]],
    locale: str | None,
) -> CslCitations:
    """Run each non-numeric style over its citations and lists (see the module).

    ``keys`` are each list's keys as resolved so far, ``places`` where each citation's
    keys point, ``default`` the style and files of a citation none of whose keys is
    listed, ``locale`` the CSL locale of the project."""
    by_id = {record.list_id: record for record in lists}
    style_of: dict[tuple[str, str], str] = {}
    for cite in cites:
        where = next((place for place in places[(cite.docname, cite.cite_id)] if place), None)
        style_of[(cite.docname, cite.cite_id)] = (
            by_id[where[0]].style if where else default[0]
        )
    runs: dict[str, _Run] = defaultdict(_Run)
    authors: dict[tuple[str, str], tuple[Tokens, ...]] = {}
    previous_doc: str | None = None
    for cite in cites:
        ident = (cite.docname, cite.cite_id)
        style_name = style_of[ident]
        kind = citation_kind(style_name)
        sources = [
            (by_id[place[0]].bibfiles, keys[place[0]][place[1]]) if place else (default[1], key)
            for key, place in zip(cite.keys, places[ident], strict=True)
        ]
        if kind == "numeric":
            if cite.mode == "t":
                authors[ident] = tuple(
                    _relinked(
                        _numeric_names(style_name, bibliography_of(files).get(key), locale),
                        {0: position},
                    )
                    for position, (files, key) in enumerate(sources)
                )
            continue
        run = runs[style_name]
        indexes, affixes, key_of_item = [], [], {}
        for position, ((files, key), cited) in enumerate(
            zip(sources, cite.cited_keys(), strict=True)
        ):
            index = run.add(files, key, bibliography_of)
            if index is not None and index not in key_of_item:
                indexes.append(index)
                affixes.append((cited.prefix, cited.suffix, cited.locator, cited.label))
                key_of_item[index] = position
        run.citations.append(Citation(
            tuple(indexes), tuple(affixes), textual=cite.mode == "t",
            starts_page=cite.docname != previous_doc,
        ))
        run.idents.append(ident)
        run.key_of_item.append(key_of_item)
        previous_doc = cite.docname
    for record in lists:
        if citation_kind(record.style) != "numeric":
            run = runs[record.style]
            for key in keys[record.list_id]:
                run.add(record.bibfiles, key, bibliography_of)
    texts: dict[tuple[str, str], CitationText] = {}
    orders: dict[str, tuple[str, ...]] = {}
    suffixes: dict[str, tuple[int, ...]] = {}
    for style_name, run in runs.items():
        style = find_style(style_name)
        assert isinstance(style, CslStyle)
        outcome = run_citations(style.csl, run.items, run.citations, style.csl.default_locale
                                or locale)
        for ident, text, key_of_item in zip(
            run.idents, outcome.texts, run.key_of_item, strict=True
        ):
            texts[ident] = CitationText(
                _relinked(text.inline, key_of_item), _relinked(text.note, key_of_item)
            )
        rank = {index: place for place, index in enumerate(outcome.order)}
        for record in lists:
            if record.style != style_name:
                continue
            listed = keys[record.list_id]
            index_of: dict[str, int] = {}
            for key in listed:
                found = run.index.get((record.bibfiles, key.lower()))
                if found is not None:
                    index_of[key] = found
            if record.mode is not ListMode.KEYS:
                listed = tuple(sorted(
                    listed, key=lambda key: rank.get(index_of.get(key, -1), len(rank))
                ))
                orders[record.list_id] = listed
            suffixes[record.list_id] = tuple(
                outcome.year_suffixes.get(index_of.get(key, -1), 0) for key in listed
            )
    return CslCitations(texts, authors, orders, suffixes)


class _Run:
    """The items and citations of one style, gathered in reading order."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.index: dict[tuple[tuple[str, ...], str], int | None] = {}
        self.citations: list[Citation] = []
        self.idents: list[tuple[str, str]] = []
        self.key_of_item: list[dict[int, int]] = []
        """Per citation, the index in its keys of each item it cites."""

    def add(
        self,
        files: tuple[str, ...],
        key: str,
        bibliography_of: Callable[[tuple[str, ...]], Bibliography],
    ) -> int | None:
        """The index of the entry's item, added if new; None if there is no entry."""
        ident = (files, key.lower())
        if ident not in self.index:
            bibliography = bibliography_of(files)
            item = item_of(bibliography.get(key), bibliography.get)
            self.index[ident] = None if item is None else len(self.items)
            if item is not None:
                self.items.append(item)
        return self.index[ident]


_ITEM_LINK = re.compile(rf'<a href="{LINK_PREFIX}(\d+)">')


def _relinked(tokens: Tokens, key_of_item: dict[int, int]) -> Tokens:
    """``tokens`` with each cite's link naming its key's index in the citation
    (``#key-K``), which the page turns into a link to that key's list item."""
    relinked = []
    for kind, value in tokens:
        found = _ITEM_LINK.fullmatch(value) if kind == "open" else None
        if found:
            value = f'<a href="#key-{key_of_item.get(int(found.group(1)), -1)}">'
        relinked.append((kind, value))
    return tuple(relinked)


def item_of(entry: Entry | None, lookup: Callable[[str], Entry | None]) -> dict[str, Any] | None:
    """The CSL item a citation of the entry cites: a ``@set`` cites its first member."""
    if entry is None:
        return None
    if entry.type.lower() == "set":
        members = [key.strip() for key in entry.fields.get("entryset", "").split(",")]
        first = next((lookup(key) for key in members if key and lookup(key)), None)
        return item_of(first, lookup) if first is not None and first.type.lower() != "set" else None
    try:
        return csl_item(entry)
    except ValueError:  # an @xdata entry, which only lends fields
        return None


def _numeric_names(style_name: str, entry: Entry | None, locale: str | None) -> Tokens:
    """The names of a numeric style's textual citation of the entry (see
    :data:`NAMES_FOR_NUMERIC`)."""
    item = item_of(entry, lambda _key: None)
    if item is None:
        return ()
    style = find_style(style_name)
    if isinstance(style, CslStyle):
        names = author_tokens(style.csl, item, style.csl.default_locale or locale)
        if names:
            return names
    fallback = find_style(NAMES_FOR_NUMERIC)
    assert isinstance(fallback, CslStyle)
    return author_tokens(fallback.csl, item, locale)
