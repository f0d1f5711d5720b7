"""Entries as BibTeX, RIS and CSL-JSON text, for readers' reference managers.

Pure functions of pybtex entries, with no Sphinx in sight, so the HTML downloads and any
other tool (a command line, a test) write the same bytes. BibTeX is pybtex's own writer,
so what the reader gets is what the project's file says; RIS is written by ``rispy``
rather than by hand, since RIS has quirks (tag order, ``ER`` lines, repeated ``AU``) that a
maintained library already gets right; CSL-JSON is plain :mod:`json` following the CSL
data schema.

Only fields the entry has are written: nothing is looked up or guessed, and BibTeX's
``and others`` (more authors than the data names) is left out of RIS and CSL-JSON, which
have no way to say "et al.".
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import rispy
from pybtex.database import BibliographyData

from .urls import is_web_url
from .styles import names
from .styles.base import TYPE_ALIASES, Fields

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pybtex.database import Entry, Person

#: BibTeX entry type to (RIS type, CSL type); types not listed are generic documents.
_TYPES = {
    "article": ("JOUR", "article-journal"),
    "book": ("BOOK", "book"),
    "incollection": ("CHAP", "chapter"),
    "inproceedings": ("CPAPER", "paper-conference"),
    "phdthesis": ("THES", "thesis"),
    "mastersthesis": ("THES", "thesis"),
    "techreport": ("RPRT", "report"),
    "online": ("ELEC", "webpage"),
    "preprint": ("UNPB", "article"),
    "misc": ("GEN", "document"),
}
_GENERIC = ("GEN", "document")

_RANGE = re.compile(r"\s*(?:--?|\u2013|\u2014)\s*")  # -, --, en dash, em dash


def entry_kind(entry: Entry) -> tuple[str, str]:
    """The entry's (RIS, CSL) types."""
    kind = entry.type.lower()
    return _TYPES.get(TYPE_ALIASES.get(kind, kind), _GENERIC)


def page_range(entry: Entry) -> tuple[str, str]:
    """First and last page as printed (``1274-1282.e6`` gives ``1274``, ``1282.e6``).

    An article number (``107502``) is a first page with no last page.
    """
    pages = Fields(entry).plain("pages", "eid").strip()
    parts = _RANGE.split(pages, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def named_authors(entry: Entry) -> list[Person]:
    """The authors (or, for an edited book, the editors) the data names."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    return [person for person in people if not names.is_others(person)]


def given(person: Person) -> str:
    """Given names as written: ``Nanna Brix``, ``J.``."""
    return names.decode(" ".join(person.first_names + person.middle_names))


def inverted(person: Person) -> str:
    """``Surname, Given``, the form RIS and Highwire tags expect."""
    first = given(person)
    surname = names.surname(person)
    suffix = names.lineage(person)
    parts = [surname, first] if first else [surname]
    if suffix:
        parts.append(suffix)
    return ", ".join(parts)


def pmid(entry: Entry) -> str:
    """The PubMed id if it is a number ('' otherwise: no format gets a malformed one)."""
    value = Fields(entry).plain("pmid").strip()
    return value if value.isascii() and value.isdigit() else ""


def web_url(entry: Entry) -> str:
    """The entry's ``url`` if it is http(s); a ``javascript:`` or ``data:`` URL is no link."""
    url = entry.fields.get("url", "").strip()
    return url if is_web_url(url) else ""


def year(entry: Entry) -> str:
    """The year, from ``year`` or a biblatex ``date``."""
    return Fields(entry).year(required=False)


# --- BibTeX -----------------------------------------------------------------------------


def to_bibtex(entries: Sequence[Entry]) -> str:
    """The entries as BibTeX, written by pybtex from the project's own data."""
    data = BibliographyData()
    for entry in entries:
        data.entries[entry.key] = entry
    return str(data.to_string("bibtex"))


# --- RIS --------------------------------------------------------------------------------


def ris_record(entry: Entry) -> dict[str, Any]:
    """One RIS record as ``rispy`` names its tags."""
    fields = Fields(entry)
    record: dict[str, Any] = {"type_of_reference": entry_kind(entry)[0], "id": entry.key}
    authors = [inverted(person) for person in named_authors(entry)]
    if authors:
        record["authors"] = authors
    first, last = page_range(entry)
    values = {
        "title": fields.plain("title"),
        "secondary_title": fields.plain("journal", "journaltitle", "booktitle"),
        "alternate_title1": fields.plain("shortjournal"),
        "volume": fields.plain("volume"),
        "number": fields.plain("number", "issue"),
        "start_page": first,
        "end_page": last,
        "year": year(entry),
        "publisher": fields.plain("publisher"),
        "doi": fields.doi(),
    }
    record.update({tag: value for tag, value in values.items() if value})
    url = web_url(entry)
    if url:
        record["urls"] = [url]
    return record


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer without its numbered ``1.`` line before each record.

    The numbers are no part of RIS; a reader may take them for a stray line of the
    previous record. rispy documents ``set_header`` returning ``""`` as "no header".
    """

    def set_header(self, count: int) -> str:
        return ""


def to_ris(entries: Sequence[Entry]) -> str:
    """The entries as RIS, written by ``rispy``."""
    return str(rispy.dumps([ris_record(entry) for entry in entries], implementation=_RisWriter))


# --- CSL-JSON ---------------------------------------------------------------------------


def csl_name(person: Person) -> dict[str, str]:
    """A CSL name: family and given, with a particle (``de``) and a suffix kept apart."""
    name: dict[str, str] = {"family": names.decode(" ".join(person.last_names))}
    first = given(person)
    if first:
        name["given"] = first
    particle = names.decode(" ".join(person.prelast_names))
    if particle:
        name["non-dropping-particle"] = particle
    suffix = names.lineage(person)
    if suffix:
        name["suffix"] = suffix
    return name


def csl_item(entry: Entry) -> dict[str, Any]:
    """One CSL-JSON item."""
    fields = Fields(entry)
    item: dict[str, Any] = {"id": entry.key, "type": entry_kind(entry)[1]}
    authors = [csl_name(person) for person in named_authors(entry)]
    if authors:
        item["author"] = authors
    first, last = page_range(entry)
    values = {
        "title": fields.plain("title"),
        "container-title": fields.plain("journal", "journaltitle", "booktitle"),
        "container-title-short": fields.plain("shortjournal"),
        "journalAbbreviation": fields.plain("shortjournal"),
        "volume": fields.plain("volume"),
        "issue": fields.plain("number", "issue"),
        "page": f"{first}-{last}" if last else first,
        "page-first": first,
        "publisher": fields.plain("publisher"),
        "DOI": fields.doi(),
        "PMID": pmid(entry),
        "URL": web_url(entry),
    }
    item.update({name: value for name, value in values.items() if value})
    published = year(entry)
    if published.isdigit():
        item["issued"] = {"date-parts": [[int(published)]]}
    return item


def to_csl_json(entries: Sequence[Entry]) -> str:
    """The entries as a CSL-JSON array (UTF-8 text, not ASCII escapes)."""
    return json.dumps([csl_item(entry) for entry in entries], ensure_ascii=False, indent=2) + "\n"


#: Each download format: file suffix, writer and media type.
FORMATS: dict[str, tuple[str, Any, str]] = {
    "bib": (".bib", to_bibtex, "application/x-bibtex"),
    "ris": (".ris", to_ris, "application/x-research-info-systems"),
    "csl": (".csl.json", to_csl_json, "application/vnd.citationstyles.csl+json"),
}
