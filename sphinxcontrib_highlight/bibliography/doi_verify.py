"""Entries checked against the metadata their DOI resolves to.

Copied and generated reference lists carry a kind of mistake no parser sees: a DOI that
belongs to another paper, or a title, first author or year that drifted from the
paper's. Each entry with a ``doi`` is compared with its DOI's CSL-JSON item on three
things, after both sides are reduced to words (:func:`words`: markup and LaTeX decoded,
accents, case and punctuation dropped), so that only a real difference is reported:

- the title: equal to the item's, or to its title and subtitle together;
- the first author's family name (with or without its particle), when both have authors;
- the year: the entry's equal to the year of any of the item's dates of publication
  (``issued``, and Crossref's ``published-print`` and ``published-online``: a paper
  online in December and in the January issue is right with either year).

And a DOI that pages cite and that several entries hold (:func:`held_twice`): the
citation shows the first, and the others are probably the same work entered twice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_highlight.bibliography.csl_markup import unescape
from sphinxcontrib_highlight.bibliography.database import BibProblem
from sphinxcontrib_highlight.bibliography.doi_fetch import doi_key
from sphinxcontrib_highlight.bibliography.to_csl import csl_item
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from pybtex.database import Entry

    from sphinxcontrib_highlight.bibliography.database import Bibliography
    from sphinxcontrib_highlight.bibliography.doi_lookup import Lookup

_TAG = re.compile(r"<[^<>]*>")
_NOT_WORD = re.compile(r"[\W_]+")
_DATES = ("issued", "published-print", "published-online")


@dataclass(frozen=True)
class Mismatch:
    """One thing an entry says that its DOI's metadata does not."""

    what: str
    """``title``, ``first author`` or ``year``."""
    entry_value: str
    doi_value: str


def entries_with_dois(bibliography: Bibliography) -> Iterator[tuple[Entry, str]]:
    """Each entry of the listed files that has a DOI, with its DOI key."""
    for entry in bibliography.entries.values():
        key = doi_key(csl_item(entry).get("DOI", ""))
        if key is not None:
            yield entry, key


def verify(bibliography: Bibliography, lookup: Lookup) -> list[BibProblem]:
    """A problem, located at the entry, for each entry whose DOI has no metadata in
    ``lookup`` (it does not resolve, or could not be fetched) and for each thing an entry
    says that its DOI's metadata does not."""
    problems = []
    for entry, doi in entries_with_dois(bibliography):
        path, line = bibliography.source(entry.key) or ("", None)
        why = lookup.failures.get(doi)
        if why:
            problems.append(BibProblem(
                Warn.DOI, f"entry {entry.key!r}: DOI {doi} cannot be checked: {why}", path, line
            ))
            continue
        item = lookup.items.get(doi)
        problems.extend(
            BibProblem(
                Warn.DOI_MISMATCH,
                f"entry {entry.key!r}: {mismatch.what} {mismatch.entry_value!r} differs "
                f"from its DOI's ({doi}): {mismatch.doi_value!r}",
                path, line,
            )
            for mismatch in (mismatches(entry, item) if item is not None else ())
        )
    return problems


def held_twice(dois: Iterable[str], bibliographies: Iterable[Bibliography]) -> list[BibProblem]:
    """A problem at each entry, after the first, that holds one of ``dois`` (cited by
    DOI) in a bibliography; each entry once, however many bibliographies read it."""
    problems: dict[tuple[str, int | None], BibProblem] = {}
    wanted = sorted({key for key in map(doi_key, dois) if key is not None})
    for bibliography in bibliographies:
        for doi in wanted:
            holders = bibliography.doi_holders(doi)
            for path, line, key in holders[1:]:
                first_path, first_line, first_key = holders[0]
                where = f"{Path(first_path).name}:{first_line}" if first_line else first_path
                problems.setdefault((path, line), BibProblem(
                    Warn.DOI,
                    f"entry {key!r} holds DOI {doi}, as entry {first_key!r} ({where}) does; "
                    f"a citation of the DOI shows {first_key!r}",
                    path, line,
                ))
    return list(problems.values())


def words(rich_text: str) -> str:
    """CSL rich text reduced to what a comparison should see: lower-case words without
    accents, separated by single spaces."""
    text = unicodedata.normalize("NFKD", unescape(_TAG.sub("", rich_text)))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def mismatches(entry: Entry, item: Mapping[str, Any]) -> list[Mismatch]:
    """What in ``entry`` differs from its DOI's ``item``; empty if nothing does."""
    mine = csl_item(entry)
    found = []
    title = _text(mine.get("title"))
    titles = _titles(item)
    if title and titles and words(title) not in {words(candidate) for candidate in titles}:
        found.append(Mismatch("title", _plain(title), _plain(titles[0])))
    author, author_forms = _first_family(mine)
    theirs, their_forms = _first_family(item)
    if author_forms and their_forms and not (author_forms & their_forms):
        found.append(Mismatch("first author", author, theirs))
    year = _year(mine.get("issued"))
    years = [y for y in (_year(item.get(name)) for name in _DATES) if y is not None]
    if year is not None and years and year not in years:
        found.append(Mismatch("year", str(year), " or ".join(map(str, dict.fromkeys(years)))))
    return found


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = next((part for part in value if isinstance(part, str)), "")
    return value if isinstance(value, str) else ""


def _plain(rich_text: str) -> str:
    return unescape(_TAG.sub("", rich_text))


def _titles(item: Mapping[str, Any]) -> list[str]:
    """The item's title, and its title with its subtitle."""
    title = _text(item.get("title"))
    subtitle = _text(item.get("subtitle"))
    if not title:
        return []
    return [title, f"{title}: {subtitle}"] if subtitle else [title]


def _first_family(item: Mapping[str, Any]) -> tuple[str, set[str]]:
    """The first author's family name as written (or the literal name), and its forms in
    words, with and without its particles; empty if there is no author."""
    authors = item.get("author")
    if not isinstance(authors, list) or not authors or not isinstance(authors[0], dict):
        return "", set()
    name = authors[0]
    if name.get("literal"):
        literal = _text(name["literal"])
        return literal, {words(literal)} - {"others", ""}
    family = _text(name.get("family"))
    particles = " ".join(filter(None, (
        _text(name.get("dropping-particle")), _text(name.get("non-dropping-particle")),
    )))
    return family, {words(family), words(f"{particles} {family}")} - {""}


def _year(date: Any) -> int | None:
    if not isinstance(date, dict):
        return None
    parts = date.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            return int(parts[0][0])
        except (TypeError, ValueError):
            return None
    return None
