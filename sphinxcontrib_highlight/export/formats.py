"""Write entries as BibTeX, RIS or CSL-JSON, the formats reference managers import.

One module for every writer, so the command line (``sphinx-highlight convert``), the
pages' download links and the Zotero metadata (:mod:`.metadata`) all say the same. Every function takes a whole
:class:`~.bibdata.Bibliography` or any iterable of entries (one entry for a single
citation), and returns the file's text.

- BibTeX is written by pybtex's own writer, so what pybtex reads back is what was loaded:
  macros expanded, duplicates dropped, several files merged into one.
- RIS and CSL-JSON carry plain text: LaTeX is decoded (``{\\"o}`` becomes ``ö``, braces
  go), because neither format knows LaTeX. RIS is written by rispy, the maintained RIS
  library, rather than by hand.
- ``and others`` has no equivalent in RIS or CSL-JSON, so those formats list only the
  named authors.
- Nothing is looked up or guessed; a ``url`` that is not http(s) and a ``pmid`` that is
  not a number are left out, so no field can smuggle a script into a reader's tool.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring as _json_string  # what dumps uses, in C
from typing import TYPE_CHECKING, Any

import rispy
from pybtex.database import BibliographyData

from sphinxcontrib_highlight.bibliography.database import Bibliography
from sphinxcontrib_highlight.bibliography.urls import web_url
from sphinxcontrib_highlight.speed import per_content, per_entry
from sphinxcontrib_highlight.styles import names
from sphinxcontrib_highlight.styles.base import TYPE_ALIASES, Fields, content_key
from sphinxcontrib_highlight.styles.csl_style import entry_item

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import TypeAlias

    from pybtex.database import Entry, Person

    Entries: TypeAlias = Bibliography | Iterable[Entry]

_RANGE = re.compile(r"\s*(?:--|–|—|-)\s*")
_MONTHS = {
    name: number
    for number, names_ in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names_
}


def _entries(source: Entries) -> list[Entry]:
    if isinstance(source, Bibliography):
        return list(source.entries.values())
    return list(source)


def _kind(entry: Entry) -> str:
    """The entry type under the name the styles use (``conference`` is ``inproceedings``)."""
    kind: str = entry.type.lower()
    return TYPE_ALIASES.get(kind, kind)


# --- BibTeX ----------------------------------------------------------------------------


def to_bibtex(source: Entries) -> str:
    """The entries as one BibTeX file, with the preambles of the files they came from."""
    preamble = (
        [bibfile.preamble for bibfile in source.files if bibfile.preamble]
        if isinstance(source, Bibliography)
        else []
    )
    head = str(_writer().to_string(BibliographyData(preamble=preamble))) if preamble else ""
    unique = {entry.key: entry for entry in _entries(source)}
    return head + "\n".join(_entry_bibtex(entry) for entry in unique.values())


@per_content(content_key)
def _entry_bibtex(entry: Entry) -> str:
    """One entry as BibTeX; pybtex's writer puts a blank line between entries, as joined
    above, so a list is written from entries converted once each."""
    text = _bibtex_as_is(entry)
    if text is None:
        text = str(_writer().to_string(BibliographyData(entries={entry.key: entry})))
    return text


def _bibtex_as_is(entry: Entry) -> str | None:
    """The text pybtex's writer gives one entry, when the writer would take every value
    as it is: none holds a character its LaTeX encoder rewrites and every one passes its
    brace check (None otherwise: then pybtex's writer writes it).

    Writing those entries here spares a build that writes downloads importing pybtex's
    writer and latexcodec, whose codec tables cost 6 ms, most of what writing a rebuilt
    page's downloads cost (a test holds the two writers to the same text).

    The values are checked together, one search of their text for a character the
    encoder rewrites and one look for a brace (most have none, and a value without
    ``{`` passes the brace check): 27 to 21 ms for the 1,258 entries of a 100-page
    benchmark, with :func:`_bibtex_name`.
    """
    key = entry.key
    if not isinstance(key, str):
        return None
    values = [
        *((role, " and ".join([_bibtex_name(person) for person in people]))
          for role, people in entry.persons.items() if people),
        *entry.fields.items(),
    ]
    texts = [value for _, value in values]
    try:
        joined = "\n".join(texts)  # a new line is nothing the encoder rewrites
    except TypeError:  # a value that is not text
        return None
    if _ENCODER_CHANGES.search(joined):
        return None
    if "{" in joined:
        for text in texts:
            if "{" in text and not balanced_braces(text):
                return None
    parts = [f"@{entry.original_type}{{{key}"]
    parts.extend(
        f',\n    {name} = "{value}"' if '"' not in value else f",\n    {name} = {{{value}}}"
        for name, value in values
    )
    parts.append("\n}\n")
    return "".join(parts)


def _bibtex_name(person: Person) -> str:
    """A name as pybtex's writer writes it: ``von Last, Jr, First Middle``."""
    text = " ".join(person.last_names)
    if text:  # pybtex drops a "von" part with no last name after it
        von = " ".join(person.prelast_names)
        if von:
            text = f"{von} {text}"
    lineage = " ".join(person.lineage_names)
    if lineage:
        text += f", {lineage}"
    first = " ".join(person.first_names)
    middle = " ".join(person.middle_names)
    if first or middle:
        text += f", {first} {middle}" if first and middle else f", {first or middle}"
    return text


#: What pybtex's UTF-8 LaTeX encoder (``ulatex+UTF-8``) rewrites: of every character up to
#: U+2FFF only these five; control characters and anything above are left to the encoder.
_ENCODER_CHANGES = re.compile(r"[#%&_~\x00-\x08\x0b-\x1f]|[^\x00-\u2fff]")
_BRACES = re.compile(r"[{}]")
_MAX_NESTING = 100  # pybtex's own limit


@functools.cache
def _writer() -> Any:
    """pybtex's BibTeX writer, made faster where its output cannot change.

    Made on first use: pybtex's writer imports latexcodec, whose codec tables cost a
    noticeable share of starting a build that writes no download.
    """
    from pybtex.database.output.bibtex import Writer

    class FastWriter(Writer):  # type: ignore[misc]
        """Skips the LaTeX encoder where it would change nothing, and checks braces
        without building pybtex's tree of the value.

        The encoder works character by character and was the largest single cost of
        writing the downloads (3 ms an entry), the brace check the next: most values
        hold none of the characters the encoder escapes and few braces.
        """

        def _encode(self, text: str) -> str:
            # pybtex's private hook for every value it writes (no public one exists;
            # tests/bibliography/test_pybtex_pins.py and pyproject's version range pin it). The
            # encoding is latexcodec's public codec, as pybtex's own _encode uses it.
            if _ENCODER_CHANGES.search(text) is None:
                return text
            return str(codecs.encode(text, f"ulatex+{self.encoding}"))

        def check_braces(self, s: str) -> None:
            if not balanced_braces(s):
                super().check_braces(s)  # raises with pybtex's own message

    return FastWriter()


def balanced_braces(value: str) -> bool:
    """True when pybtex's writer surely accepts ``value``: no brace group left open (a
    ``}`` with none open is an ordinary character to BibTeX) and no deeper nesting than
    pybtex allows. Otherwise pybtex's own check decides."""
    if "{" not in value:  # most values: nothing opens
        return True
    depth = deepest = 0
    for brace in _BRACES.findall(value):
        if brace == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return depth == 0 and deepest <= _MAX_NESTING


# --- shared by RIS and CSL-JSON --------------------------------------------------------


def _named(people: Iterable[Person]) -> list[Person]:
    return [person for person in people if not names.is_others(person)]


def named_authors(entry: Entry) -> list[Person]:
    """The authors (or, for an edited book, the editors) the data names."""
    return _named(entry.persons.get("author") or entry.persons.get("editor") or [])


def _fields_of(entry: Entry | Fields) -> Fields:
    """The entry's :class:`Fields`: a caller asking for several values makes them once."""
    return entry if isinstance(entry, Fields) else Fields(entry)


def page_range(entry: Entry | Fields) -> tuple[str, str]:
    """First and last page of an entry (see :func:`_page_range`)."""
    return _page_range(_fields_of(entry))


def pmid(entry: Entry | Fields) -> str:
    """The PubMed id if it is a number ('' otherwise: no format gets a malformed one)."""
    value = _fields_of(entry).plain("pmid").strip()
    return value if value.isascii() and value.isdigit() else ""


def year(entry: Entry | Fields) -> str:
    """The year, from ``year`` or a biblatex ``date``."""
    return _fields_of(entry).year(required=False)


def url(entry: Entry) -> str:
    """The entry's ``url`` if it is http(s) ('' for ``javascript:``, ``data:``, ...)."""
    return web_url(entry.fields.get("url", "")) or ""


def _is_corporate(person: Person) -> bool:
    """``{World Health Organization}``: one braced last name and nothing else."""
    parts = person.last_names
    return (
        not person.first_names
        and not person.middle_names
        and len(parts) == 1
        and parts[0].startswith("{")
        and parts[0].endswith("}")
    )


def given(person: Person) -> str:
    """Given names as written: ``Nanna Brix``, ``J.``."""
    return names.decode(" ".join(person.first_names + person.middle_names))


def _page_range(f: Fields) -> tuple[str, str]:
    """First and last page (``1274-1282.e6`` gives ``1274``, ``1282.e6``); an article
    number is a first page with no last."""
    pages = f.plain("pages", "eid")
    first, _, last = _RANGE.sub("\0", pages, count=1).partition("\0")
    return first.strip(), last.strip()


def _date_parts(f: Fields) -> list[int]:
    """``[year]`` or ``[year, month]`` (or with the day, from a biblatex ``date``)."""
    date = f.plain("date")
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        return [int(part) for part in date.split("-")]
    year = f.year(required=False)
    if not year.isdigit():
        return []
    month = f.plain("month").strip().lower().rstrip(".")
    number = int(month) if month.isdigit() else _MONTHS.get(month)
    return [int(year), number] if number and 1 <= number <= 12 else [int(year)]


# --- CSL-JSON --------------------------------------------------------------------------

def csl_item(entry: Entry) -> dict[str, Any]:
    """One entry as a CSL-JSON item (the ``id`` is the BibTeX key), by the mapping the
    styles render from (:mod:`~sphinxcontrib_highlight.bibliography.to_csl`), so the file
    a reader downloads holds what the page printed: subtitles, editors, translators,
    series, dates and case protection as Zotero's import would make them."""
    return entry_item(entry)  # the styles' own, made once per entry


def to_csl_json(source: Entries) -> str:
    """The entries as a CSL-JSON array, as Zotero, Pandoc and citeproc read it.

    The text ``json.dumps(items, indent=2)`` would give, joined from each entry's own
    text: a page's downloads hold the same entries over and over, and encoding them
    anew for each list was a fifth of the cost of writing the downloads.
    """
    # A @set or @xdata entry has no item of its own: its members are items.
    items = [
        _csl_json_text(entry) for entry in _entries(source)
        if entry.type.lower() not in ("set", "xdata")
    ]
    return "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"


@per_content(content_key)
def _csl_json_text(entry: Entry) -> str:
    """One item as it appears, indented, in the array of :func:`to_csl_json`."""
    return "  " + _indented_json(csl_item(entry), "  ")


def _indented_json(value: object, indent: str) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` for a value nested at ``indent``.

    With an indent, the standard library encodes in Python, not C; strings and numbers
    encoded by its C encoder and the layout written here made CSL-JSON downloads several
    times faster (a test holds the two to the same text). A member that is text, as most
    are, is encoded where it stands, without a call of this function: 21 to 14 ms for
    the 1,258 items of a 100-page benchmark.
    """
    if isinstance(value, str):
        return _json_string(value)
    inner = indent + "  "
    if isinstance(value, dict) and value:
        members = [
            f"{inner}{_json_string(str(key))}: "
            f"{_json_string(item) if type(item) is str else _indented_json(item, inner)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(members) + f"\n{indent}}}"
    if isinstance(value, list | tuple) and value:
        items = [
            inner + (_json_string(item) if type(item) is str else _indented_json(item, inner))
            for item in value
        ]
        return "[\n" + ",\n".join(items) + f"\n{indent}]"
    if type(value) is int:
        return int.__repr__(value)  # what json writes for an int
    return json.dumps(value, ensure_ascii=False)


def to_csl_yaml(source: Entries) -> str:
    """The entries as CSL-YAML, in pandoc's form: a document whose ``references`` are
    the items of :func:`to_csl_json` (pandoc, Quarto and this package read it)."""
    import yaml  # only the command line writes YAML

    items = [
        csl_item(entry) for entry in _entries(source)
        if entry.type.lower() not in ("set", "xdata")
    ]
    body = yaml.safe_dump(
        {"references": items}, allow_unicode=True, sort_keys=False, width=100
    )
    return f"---\n{body}...\n"


# --- RIS -------------------------------------------------------------------------------

_RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "incollection": "CHAP",
    "inproceedings": "CPAPER",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "techreport": "RPRT",
    "misc": "GEN",
    "online": "ELEC",
    # RIS has no preprint type; "unpublished work" is the nearest.
    "preprint": "UNPB",
    "software": "COMP",
    "dataset": "DATA",
}


def inverted(person: Person) -> str:
    """``Family, Given`` (``de Koninck, Y.``), the form RIS and Highwire tags ask for."""
    if _is_corporate(person):
        return names.decode(person.last_names[0])
    family = names.surname(person)
    first = given(person)
    suffix = names.lineage(person)
    return ", ".join(part for part in (family, first, suffix) if part)


@per_entry
def ris_record(entry: Entry) -> dict[str, Any]:
    """One entry as a rispy record (rispy's field names, not RIS tags)."""
    f = Fields(entry)
    kind = _kind(entry)
    first, last = _page_range(f)
    date = _date_parts(f)
    if kind in ("incollection", "inproceedings"):
        container = f.plain("booktitle")
    else:
        container = f.plain("journal", "journaltitle", "eprinttype", "archiveprefix")
    record: dict[str, Any] = {
        "type_of_reference": _RIS_TYPES.get(kind, "GEN"),
        "id": entry.key,
        "authors": [inverted(p) for p in _named(entry.persons.get("author", []))],
        "secondary_authors": [inverted(p) for p in _named(entry.persons.get("editor", []))],
        "title": f.plain("title"),
        "secondary_title": container,
        "alternate_title1": f.plain("shortjournal", "journalabbrev", "journal-abbrev"),
        "tertiary_title": f.plain("series"),
        "year": str(date[0]) if date else "",
        "date": "/".join(f"{part:02d}" for part in date) if len(date) > 1 else "",
        "volume": f.plain("volume"),
        "number": f.plain("number", "issue", "eprint"),
        "start_page": first,
        "end_page": last,
        "edition": f.plain("edition"),
        "publisher": f.plain("publisher", "school", "institution", "organization"),
        "place_published": f.plain("address", "location"),
        "doi": f.doi(),
        # Reference managers put a PubMed ID in the accession number, as PubMed does.
        "accession_number": f.plain("pmid"),
        "issn": f.plain("isbn", "issn"),
        "urls": [url(entry)] if url(entry) else [],
        "language": f.plain("language", "langid"),
        "abstract": f.plain("abstract"),
        "notes": [note] if (note := f.plain("note")) else [],
    }
    return {key: value for key, value in record.items() if value}


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer without the ``1.``, ``2.`` line it puts before each record.

    Those lines are not RIS tags; some importers skip them, stricter ones do not.
    """

    def set_header(self, count: int) -> str:
        return ""


def to_ris(source: Entries) -> str:
    """The entries as an RIS file, one record each, in order, a blank line between.

    Each record is written once (see :func:`to_csl_json`) and the file joined from them,
    as rispy joins the records it writes.
    """
    return "\n".join(_ris_text(entry) for entry in _entries(source))


@per_content(content_key)
def _ris_text(entry: Entry) -> str:
    return str(_ris_writer().formats([ris_record(entry)]))


@functools.cache
def _ris_writer() -> _RisWriter:
    """The one writer every record is written with: ``rispy.dumps`` makes one a call,
    and making one (inverting rispy's table of tags) was a fifth of writing a record
    (the 1,258 records of a 100-page benchmark: 19 to 15 ms). A writer keeps nothing of
    what it wrote."""
    return _RisWriter()


@dataclass(frozen=True)
class Format:
    """A file format: its writer, the suffix of its files and its media type."""

    write: Callable[[Entries], str]
    suffix: str
    media_type: str
    label: str


#: Every format a page offers for download, by the name the command line takes (``--to``).
FORMATS: dict[str, Format] = {
    "bibtex": Format(to_bibtex, ".bib", "application/x-bibtex", "BibTeX"),
    "ris": Format(to_ris, ".ris", "application/x-research-info-systems", "RIS"),
    "csl-json": Format(to_csl_json, ".csl.json", "application/vnd.citationstyles.csl+json",
                       "CSL-JSON"),
}

#: Every format ``sphinx-highlight convert`` writes: the downloads' formats and CSL-YAML.
CONVERT_FORMATS: dict[str, Format] = {
    **FORMATS,
    "csl-yaml": Format(to_csl_yaml, ".yaml", "application/yaml", "CSL-YAML"),
}
