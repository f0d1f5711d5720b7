"""What every style shares: a rendered entry with its problems, and a view of an entry.

:class:`Rendered` is what formatting an entry gives the Sphinx side and the command line:
the rich text and what had to be worked around (missing fields, an unknown type), so
they can warn without stopping. :class:`Fields` is a view of one entry's fields that
decodes LaTeX, strips braces and never changes case; the files readers download and the
metadata on pages read entries through it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sphinxcontrib_highlight.bibliography.latex import (
    InvalidLatexError,
    latex_text,
    plain_text,
    strict_latex_text,
    strict_plain_text,
)
from sphinxcontrib_highlight.bibliography.parse import record_digest
from sphinxcontrib_highlight.bibliography.persons import name_parts
from sphinxcontrib_highlight.speed import per_entry

if TYPE_CHECKING:
    from pybtex.database import Entry, Person
    from pybtex.richtext import Text

#: The entry types of classic BibTeX and the common biblatex ones.
ENTRY_TYPES = (
    "article",
    "book",
    "incollection",
    "inproceedings",
    "phdthesis",
    "mastersthesis",
    "techreport",
    "misc",
    "online",
    "preprint",
)

#: Types that are another type under an older or a biblatex name.
TYPE_ALIASES = {
    "conference": "inproceedings",
    "inbook": "incollection",
    "thesis": "phdthesis",
    "report": "techreport",
    "electronic": "online",
    "www": "online",
    "unpublished": "misc",
    "booklet": "book",
    "manual": "book",
    "proceedings": "book",
    "collection": "book",
    "mvbook": "book",
}


def content_key(entry: Entry) -> bytes | None:
    """A digest of everything of an entry its forms are made from. Entries with equal
    keys give equal download texts, COinS and links, whichever objects they are, and
    equal formatted text in one style and language (None for an item JSON cannot write:
    such an entry is not memoized by content).

    An entry made from a parsed record is keyed by the record's digest (see
    :func:`.record_digest`: it names the source text the entry is made from), tagged so
    that it never equals a digest of :func:`_fields_digest`. Each entry a page shows is
    made anew from its record, and working out the digest from its fields, for every
    one, was a tenth of the extension's memo lookups in a build's main process.
    """
    recorded = record_digest(entry)
    if recorded is not None:
        return b"record " + recorded
    return _fields_digest(entry)


@per_entry
def _fields_digest(entry: Entry) -> bytes | None:
    """A digest of an entry's type as written (BibTeX keeps ``@Article``), key, fields,
    name lists (each name's parts apart) and, for an entry read from a CSL file, its
    item (None for an item JSON cannot write)."""
    people = [
        [role, [name_parts(person) for person in persons]]
        for role, persons in entry.persons.items()
    ]
    try:
        text = json.dumps(
            [entry.original_type, entry.key, list(entry.fields.items()), people,
             getattr(entry, "csl", None)],
            ensure_ascii=False,
        )
    except (TypeError, ValueError):
        return None
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@per_entry
def stripped_fields(entry: Entry) -> dict[str, str]:
    """An entry's fields by lower-cased name, stripped: a style, the links, COinS, RIS and
    CSL-JSON each ask for dozens of fields, most of them absent, and pybtex's
    case-insensitive mapping answers an absent one by raising and catching ``KeyError``."""
    return {name.lower(): value.strip() for name, value in entry.fields.items()}


@dataclass
class Fields:
    """One entry's fields as rich text, noting the required ones that are missing."""

    entry: Entry
    missing: list[str] = field(default_factory=list)
    rejected_urls: list[str] = field(default_factory=list)
    invalid_latex: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._values = stripped_fields(self.entry)

    def value(self, name: str) -> str:
        """The field's value as written, stripped ('' if the entry has none)."""
        return self._values.get(name.lower(), "")

    def text(
        self, *names_: str, required: bool = False, missing_as: str | None = None
    ) -> Text | None:
        """The first present field among ``names_`` as rich text.

        A required field that is absent is reported as ``missing_as``, else as the first
        name: the field a user would add (``journal``, when a style prefers the
        abbreviation ``shortjournal`` but prints the full name too).
        """
        for name in names_:
            value = self.value(name)
            if value:
                try:
                    return strict_latex_text(value)
                except InvalidLatexError as error:
                    self.invalid_latex.append(f"{name} ({error})")
                    return latex_text(value)
        if required:
            self.missing.append(missing_as or names_[0])
        return None

    def plain(self, *names_: str, required: bool = False) -> str:
        """The first present field among ``names_`` as plain text ('' if none)."""
        for name in names_:
            raw = self.value(name)
            if raw:
                try:
                    return strict_plain_text(raw)
                except InvalidLatexError:
                    break  # self.text records the problem and falls back
        else:
            if not required:
                return ""  # none present: nothing for self.text to find or record
        value = self.text(*names_, required=required)
        return plain_text(value) if value is not None else ""

    def year(self, required: bool = True) -> str:
        """The year, from ``year`` or the start of a biblatex ``date``."""
        year = self.plain("year")
        if not year:
            year = self.plain("date")[:4]
        if not year and required:
            self.missing.append("year")
        return year

    def persons(self, role: str, required: bool = False) -> list[Person]:
        """The people in ``role`` (author, editor), ``and others`` included."""
        people = list(self.entry.persons.get(role, []))
        if not people and required:
            self.missing.append(role)
        return people

    def pages(self) -> Text | None:
        """The page range or article number as the data writes it (``--`` is an en dash)."""
        return self.text("pages", "eid")

    def doi(self) -> str:
        """The DOI without a resolver prefix."""
        doi = self.value("doi")
        for prefix in ("https://doi.org/", "http://doi.org/", "http://dx.doi.org/", "doi:"):
            if doi.lower().startswith(prefix):
                return doi[len(prefix) :]
        return doi


@dataclass(frozen=True)
class Rendered:
    """A formatted entry with what the formatter had to work around."""

    text: Text
    missing_fields: tuple[str, ...] = ()
    unknown_type: str | None = None
    rejected_urls: tuple[str, ...] = ()
    """URLs left out because they are not http(s), such as ``javascript:``."""
    invalid_latex: tuple[str, ...] = ()
    """Fields printed as plain text because they are not valid LaTeX."""
    style_error: str | None = None
    """Why a style that raises (pybtex's own) could not format the entry, if it could not
    for a reason other than a missing field; a generic form is printed instead."""
