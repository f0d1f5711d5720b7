"""biblatex's data inheritance: what an entry takes from its ``crossref`` and ``xdata``.

An ``@inproceedings`` with ``crossref = {conf2020}`` has the booktitle, editors,
publisher and year of ``@proceedings{conf2020}`` unless it sets them itself. biblatex
(manual, appendix B) renames some fields on the way: the parent's ``title`` becomes the
child's ``booktitle`` (``maintitle`` from a multi-volume work, ``journaltitle`` from a
periodical) and a book's ``author`` is also the ``bookauthor`` of its parts. BibTeX's
classic crossref copies fields as they are; biblatex's rules give the same result for
the files written for BibTeX (a parent's ``booktitle`` is still inherited when the
parent has no ``title``), so one set of rules serves both, as in citation.js and pandoc.
``xdata`` entries lend their fields unchanged.

An entry is read as a :class:`Record`, plain dictionaries of fields and of name lists,
so the inherited fields never touch pybtex's objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person

if TYPE_CHECKING:
    from pybtex.database import BibliographyData, Entry

#: biblatex's name lists (pybtex parses only author and editor into persons).
NAME_FIELDS = (
    "author", "editor", "editora", "editorb", "editorc", "translator", "bookauthor",
    "annotator", "commentator", "introduction", "foreword", "afterword", "holder",
)

#: Fields a child never inherits (biblatex manual, appendix B, "all entry types").
_NOT_INHERITED = frozenset({
    "ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label",
    "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
    "shorthand", "shorthandintro", "sortkey",
})
_BOOK_PARTS = frozenset({"inbook", "bookinbook", "suppbook"})
_COLLECTION_PARTS = frozenset({"incollection", "inreference", "suppcollection"})
_BOOKS = frozenset({"book"}) | _BOOK_PARTS
_COLLECTIONS = frozenset({"collection", "reference"}) | _COLLECTION_PARTS
_PROCEEDINGS = frozenset({"proceedings", "inproceedings"})
#: Parent type: the prefix its title takes in the children of these types.
_TITLE_PREFIX: dict[str, tuple[str, frozenset[str]]] = {
    "mvbook": ("main", _BOOKS),
    "mvcollection": ("main", _COLLECTIONS),
    "mvreference": ("main", _COLLECTIONS),
    "mvproceedings": ("main", _PROCEEDINGS),
    "book": ("book", _BOOK_PARTS),
    "collection": ("book", _COLLECTION_PARTS),
    "reference": ("book", _COLLECTION_PARTS),
    "proceedings": ("book", frozenset({"inproceedings"})),
    "periodical": ("journal", frozenset({"article", "suppperiodical"})),
}
#: Title fields that stay with the parent when its title is renamed.
_TITLE_ONLY = frozenset({"shorttitle", "sorttitle", "indextitle", "indexsorttitle"})
_KEY_LIST = re.compile(r"\s*,\s*")
#: Deep enough for any real chain (inbook, book, mvbook); stops a crossref cycle.
_MAX_DEPTH = 8


@dataclass
class Record:
    """An entry's type, key, fields (lower-cased names) and name lists, inherited ones
    included."""

    type: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)
    names: dict[str, list[Person]] = field(default_factory=dict)


def record(entry: Entry, bibliography: BibliographyData | None = None) -> Record:
    """The entry with what it inherits from its ``crossref`` and ``xdata`` entries
    (none when ``bibliography`` is not given)."""
    return _record(entry, bibliography, 0)


def _own(entry: Entry) -> Record:
    fields = {name.lower(): value.strip() for name, value in entry.fields.items()}
    names: dict[str, list[Person]] = {
        role.lower(): list(people) for role, people in entry.persons.items() if people
    }
    for role in NAME_FIELDS:
        if role not in names and fields.get(role):
            names[role] = [Person(name) for name in split_name_list(fields.pop(role))]
        else:
            fields.pop(role, None)
    return Record(entry.type.lower(), entry.key, fields, names)


def _record(entry: Entry, bibliography: BibliographyData | None, depth: int) -> Record:
    own = _own(entry)
    if bibliography is None or depth >= _MAX_DEPTH:
        return own
    for key in keys(own.fields.get("xdata", "")):
        parent = _find(bibliography, key)
        if parent is not None:
            _fill(own, _record(parent, bibliography, depth + 1), renamed=False)
    parent_key = own.fields.get("crossref", "")
    parent = _find(bibliography, parent_key) if parent_key else None
    if parent is not None:
        _fill(own, _record(parent, bibliography, depth + 1), renamed=True)
    return own


def keys(value: str) -> list[str]:
    """The keys of a key list field (``xdata``, ``entryset``)."""
    return [key for key in _KEY_LIST.split(value.strip().strip("{}")) if key]


def _find(bibliography: BibliographyData, key: str) -> Entry | None:
    try:
        return bibliography.entries[key]  # pybtex's keys are case-insensitive
    except KeyError:
        return None


def _fill(child: Record, parent: Record, *, renamed: bool) -> None:
    """Give ``child`` every field and name list of ``parent`` that it lacks."""
    fields = {name: value for name, value in parent.fields.items() if name not in _NOT_INHERITED}
    names = dict(parent.names)
    if renamed:
        prefix, children = _TITLE_PREFIX.get(parent.type, ("", frozenset()))
        if child.type in children:
            for part in ("title", "subtitle", "titleaddon"):
                value = fields.pop(part, None)
                if value is not None:
                    fields[prefix + part] = value
            for name in _TITLE_ONLY:
                fields.pop(name, None)
        if parent.type in ("mvbook", "book") and child.type in _BOOK_PARTS and "author" in names:
            names.setdefault("bookauthor", names["author"])
    for name, value in fields.items():
        child.fields.setdefault(name, value)
    for role, people in names.items():
        child.names.setdefault(role, people)
