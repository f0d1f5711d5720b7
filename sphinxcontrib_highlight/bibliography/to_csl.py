"""BibTeX and biblatex entries as CSL-JSON items, the input of every CSL processor.

The mapping follows biblatex's data model (its manual is the reference for what each
field means) and, where converters choose differently, the choice is the one that makes
a CSL style print what biblatex would, preferring Zotero's BibTeX import (whose items
citeproc-js renders in Zotero) when the two are equally faithful. Each such choice is
commented where it is made, naming what Zotero's import translator, citation.js and
pandoc do.

Conventions of the items:

- ``id`` is the entry key.
- Text variables (titles, publisher, note, page, volume, ...) are CSL rich text: LaTeX
  decoded to Unicode, formatting as ``<i>``/``<b>``/``<sup>``/``<sub>``/small caps spans,
  case protection in titles as ``<span class="nocase">``, and ``&``, ``<``, ``>``
  escaped as ``&amp;``, ``&lt;``, ``&gt;`` (see :mod:`.csl_markup`).
- Name parts, date literals and identifiers (DOI, URL, ISBN, ISSN, PMID, PMCID,
  language) are plain text, never escaped.
- Nothing is looked up or invented: a field that is absent stays absent.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyData, Entry, Person

from sphinxcontrib_highlight.bibliography.csl_dates import bibtex_date, edtf_date
from sphinxcontrib_highlight.bibliography.csl_markup import plain, rich_text
from sphinxcontrib_highlight.bibliography.from_csl import original_item
from sphinxcontrib_highlight.bibliography.inheritance import Record, keys, record
from sphinxcontrib_highlight.bibliography.persons import is_others
from sphinxcontrib_highlight.bibliography.urls import unescape as unescape_url
from sphinxcontrib_highlight.bibliography.urls import web_url

if TYPE_CHECKING:
    from collections.abc import Iterable

Item = dict[str, Any]

#: Entry types, BibTeX's and biblatex's, by CSL type.
_TYPES = {
    "article": "article-journal",
    "suppperiodical": "article-journal",
    "periodical": "periodical",
    "book": "book",
    "mvbook": "book",
    # booklet: CSL has "pamphlet" (pandoc's choice), but Zotero and citation.js import
    # it as a book, and styles print a pamphlet through their generic branch.
    "booklet": "book",
    "inbook": "chapter",
    # bookinbook/suppbook: a work inside a book; pandoc treats them as chapters (title in
    # the container), citation.js as books, which would drop the containing book.
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "collection": "book",
    "mvcollection": "book",
    "incollection": "chapter",
    "suppcollection": "chapter",
    "proceedings": "book",
    "mvproceedings": "book",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "reference": "book",
    "mvreference": "book",
    # inreference: Zotero imports an encyclopedia article (CSL entry-encyclopedia);
    # citation.js uses the generic "entry", which few styles handle.
    "inreference": "entry-encyclopedia",
    # manual: Zotero and pandoc import a book; citation.js a report.
    "manual": "book",
    "misc": "document",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "patent": "patent",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "unpublished": "manuscript",
    "software": "software",
    "dataset": "dataset",
    # Not biblatex, but common (and this project's bundled data): CSL's "article" is
    # the preprint type, as Zotero maps its preprint item.
    "preprint": "article",
    "artwork": "graphic",
    "image": "figure",
    "audio": "song",
    "music": "song",
    "video": "motion_picture",
    "movie": "motion_picture",
    "letter": "personal_communication",
    "legislation": "legislation",
    "jurisdiction": "legal_case",
    "legal": "treaty",
    "standard": "standard",
    "review": "review",
    "performance": "performance",
}
_DEFAULT_TYPE = "document"
#: eprint types that are identifiers of another kind (a DOI, a PubMed id), not a
#: repository's preprint number.
_IDENTIFIERS = frozenset({"doi", "pmid", "pubmed", "pmc", "pmcid", "hdl", "handle", "jstor", "googlebooks"})
_ARTICLE_SUBTYPES = {"magazine": "article-magazine", "newspaper": "article-newspaper"}

_PERIODICAL_PARTS = frozenset({"article", "suppperiodical"})
_CHAPTER_LIKE = frozenset({
    "inbook", "bookinbook", "suppbook", "incollection", "suppcollection", "inproceedings",
    "conference", "inreference",
})
#: Types whose ``number`` is the number in their ``series`` (biblatex's definition).
_SERIES_NUMBERED = frozenset({
    "book", "mvbook", "inbook", "bookinbook", "suppbook", "collection", "mvcollection",
    "incollection", "suppcollection", "proceedings", "mvproceedings", "inproceedings",
    "conference", "reference", "mvreference", "inreference", "manual", "booklet",
})
#: Types whose ``pages``, if it is one number, is the page count (Zotero's numPages).
_WHOLE_WORKS = frozenset({
    "book", "mvbook", "booklet", "manual", "collection", "mvcollection", "proceedings",
    "mvproceedings", "reference", "mvreference", "thesis", "phdthesis", "mastersthesis",
    "unpublished",
})

#: biblatex's localisation keys allowed in ``type``, as its English strings. The two
#: thesis keys take the strings Zotero's import gives @phdthesis and @mastersthesis.
_GENRES = {
    "phdthesis": "PhD Thesis",
    "mathesis": "Master's Thesis",
    "mastersthesis": "Master's Thesis",
    "bathesis": "Bachelor's thesis",
    "candthesis": "Candidate thesis",
    "techreport": "technical report",
    "resreport": "research report",
    "software": "computer software",
    "datacd": "CD-ROM",
    "audiocd": "audio CD",
    "patent": "patent",
    "patentde": "German patent",
    "patenteu": "European patent",
    "patentfr": "French patent",
    "patentuk": "British patent",
    "patentus": "U.S. patent",
    "patreq": "patent request",
    "patreqde": "German patent request",
    "patreqeu": "European patent request",
    "patreqfr": "French patent request",
    "patrequk": "British patent request",
    "patrequs": "U.S. patent request",
}
#: biblatex's localisation keys that files put in ``series`` and a patent's
#: ``location``, as its English strings.
_BIBSTRINGS = {
    "newseries": "new series",
    "oldseries": "old series",
    "countryde": "Germany",
    "countryeu": "European Union",
    "countryep": "European Union",
    "countryfr": "France",
    "countryuk": "United Kingdom",
    "countryus": "United States of America",
}
#: biblatex's ``pubstate`` keys as its English strings.
_STATUS = {
    "inpreparation": "in preparation",
    "submitted": "submitted",
    "forthcoming": "forthcoming",
    "inpress": "in press",
    "prepublished": "pre-published",
}
#: ``editortype`` (and ``editoratype``...) by CSL name variable. A role CSL does not have
#: (founder, continuator, redactor, reviser) is a contributor.
_EDITOR_ROLES = {
    "editor": "editor",
    "compiler": "compiler",
    "organizer": "organizer",
    "director": "director",
    "producer": "producer",
    "chair": "chair",
    "curator": "curator",
    "translator": "translator",
    "collaborator": "contributor",
}
#: babel/polyglossia language names (``langid``, ``language``) as BCP 47 tags, which
#: CSL processors read (pandoc converts them too; a tag such as ``en-GB`` stays).
_LANGUAGES = {
    "english": "en", "american": "en-US", "usenglish": "en-US", "british": "en-GB",
    "ukenglish": "en-GB", "canadian": "en-CA", "australian": "en-AU",
    "newzealand": "en-NZ", "german": "de-DE", "ngerman": "de-DE", "austrian": "de-AT",
    "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH",
    "french": "fr-FR", "francais": "fr-FR", "italian": "it-IT", "spanish": "es-ES",
    "portuguese": "pt-PT", "portuges": "pt-PT", "brazil": "pt-BR", "brazilian": "pt-BR",
    "dutch": "nl-NL", "swedish": "sv-SE", "norwegian": "nb-NO", "norsk": "nb-NO",
    "nynorsk": "nn-NO", "danish": "da-DK", "finnish": "fi-FI", "polish": "pl-PL",
    "czech": "cs-CZ", "slovak": "sk-SK", "slovene": "sl-SI", "croatian": "hr-HR",
    "serbian": "sr-RS", "russian": "ru-RU", "ukrainian": "uk-UA", "greek": "el-GR",
    "turkish": "tr-TR", "hungarian": "hu-HU", "magyar": "hu-HU", "romanian": "ro-RO",
    "catalan": "ca-AD", "basque": "eu", "galician": "gl", "latin": "la",
    "japanese": "ja-JP", "chinese": "zh-CN", "korean": "ko-KR", "hebrew": "he-IL",
    "arabic": "ar", "estonian": "et-EE", "latvian": "lv-LV", "lithuanian": "lt-LT",
    "icelandic": "is-IS", "bulgarian": "bg-BG", "vietnamese": "vi-VN", "thai": "th-TH",
    "persian": "fa-IR", "farsi": "fa-IR", "indonesian": "id-ID",
}
#: Eprint archives whose identifiers have a landing page (pandoc's list, and HDL).
_EPRINT_URLS = {
    "arxiv": "https://arxiv.org/abs/",
    "jstor": "https://www.jstor.org/stable/",
    "hdl": "https://hdl.handle.net/",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/",
    "googlebooks": "https://books.google.com/books?id=",
}
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_PAGE_DASH = re.compile(r"\s*(?:-{1,3}|\u2013|\u2014|\\textendash\s*|\\textemdash\s*)\s*")
_URL_COMMAND = re.compile(r"\\url\{([^{}]*)\}")
_AND = re.compile(r"\s+and\s+")
_ENDS_WITH_PUNCTUATION = re.compile(r"[-\u2013\u2014:!?.;]$")
_STARTS_WITH_PUNCTUATION = re.compile(r"^[-\u2013\u2014:.;\u00a1\u00bf]")
_TAG = re.compile(r"<[^<>]*>")
_ALL_DIGITS = re.compile(r"\d+")


def csl_item(entry: Entry, *, bibliography: BibliographyData | None = None) -> Item:
    """One entry as a CSL-JSON item.

    ``bibliography`` is the data the entry came from: with it, the entry inherits from
    its ``crossref`` and ``xdata`` entries. A ``@set`` or ``@xdata`` entry has no item
    of its own (see :func:`csl_items`), so asking for one is a ``ValueError``. An entry
    made from a CSL item (:mod:`.from_csl`) gives that item back, whole.
    """
    original = original_item(entry)
    if original is not None:  # read from a CSL file: the item as written
        return original
    kind = entry.type.lower()
    if kind in ("set", "xdata"):
        raise ValueError(f"entry {entry.key!r} is an @{kind}, which has no CSL item")
    return _item(record(entry, bibliography))


def csl_items(entries: BibliographyData | Iterable[Entry]) -> list[Item]:
    """The items of several entries, in order, for a CSL-JSON file or a processor.

    ``@xdata`` entries only lend fields, so they give no item. A ``@set`` gives the
    items of its members in its ``entryset`` order (CSL has no set, and Zotero and
    citation.js drop the type), each item once however many sets name it.
    Given a :class:`~pybtex.database.BibliographyData`, crossrefs resolve within it; given
    entries, within those entries.
    """
    if isinstance(entries, BibliographyData):
        bibliography = entries
    else:
        bibliography = BibliographyData()
        for entry in entries:
            if entry.key not in bibliography.entries:
                bibliography.add_entry(entry.key, entry)
    items: list[Item] = []
    done: set[str] = set()
    for entry in bibliography.entries.values():
        for member in _members(entry, bibliography):
            if member.key.lower() not in done:
                done.add(member.key.lower())
                items.append(csl_item(member, bibliography=bibliography))
    return items


def _members(entry: Entry, bibliography: BibliographyData) -> list[Entry]:
    kind = entry.type.lower()
    if kind == "xdata":
        return []
    if kind != "set":
        return [entry]
    found = []
    for key in keys(entry.fields.get("entryset", "")):
        member = bibliography.entries.get(key)
        if member is not None and member.type.lower() not in ("set", "xdata"):
            found.append(member)
    return found


def _item(r: Record) -> Item:
    kind = r.type
    f = r.fields
    csl_type = _csl_type(r)
    item: Item = {"id": r.key, "type": csl_type}
    _add_names(item, r)

    title = _title(f, "")
    container, volume_title = _containers(r)
    eprint_type = (f.get("eprinttype") or f.get("archiveprefix") or "").strip().lower()
    eprint = plain(f.get("eprint", "")).strip()
    values: Item = {
        "title": title,
        "title-short": _rich(f, "shorttitle", protect_case=True),
        "container-title": container,
        "container-title-short": _rich(f, "shortjournal", protect_case=True),
        "volume-title": volume_title,
        "collection-title": _BIBSTRINGS.get(f.get("series", "").strip().lower(), "")
        or _rich(f, "series", protect_case=True),
        "event-title": _event_title(f),
        "original-title": _title(f, "orig"),
        "genre": _genre(r),
        "status": _status(f),
        **_numbers(r),
        "edition": _rich(f, "edition"),
        "version": _rich(f, "version"),
        "chapter-number": _rich(f, "chapter"),
        "publisher": _publisher(r),
        "publisher-place": "" if kind == "patent" else _list(f, "location", "address"),
        # A patent's location is where it was granted (biblatex), CSL's jurisdiction.
        "jurisdiction": _list(f, "location", "address") if kind == "patent" else "",
        "event-place": _list(f, "venue"),
        "original-publisher": _list(f, "origpublisher"),
        "original-publisher-place": _list(f, "origlocation"),
        "DOI": _doi(f, eprint_type, eprint),
        "URL": _url(f, eprint_type if not container else "", eprint),
        "ISBN": plain(f.get("isbn", "")),
        "ISSN": plain(f.get("issn", "")),
        "PMID": _pmid(f, eprint_type, eprint),
        "PMCID": plain(f.get("pmcid", "")) or (eprint if eprint_type in ("pmc", "pmcid") else ""),
        "call-number": _rich(f, "library"),
        "language": _language(f),
        "abstract": _rich(f, "abstract"),
        "keyword": _rich(f, "keywords"),
        "note": _joined(_rich(f, "note"), _rich(f, "addendum"), ". "),
        "annote": _rich(f, "annotation") or _rich(f, "annote"),
    }
    if eprint_type == "arxiv" and eprint and not container:
        # An arXiv eprint is the item's number when no journal carries it, as Zotero's
        # arXiv translator stores preprints ("arXiv:2101.00001").
        values["number"] = values.get("number") or f"arXiv:{eprint}"
        if csl_type == "article" and not values["publisher"]:
            values["publisher"] = "arXiv"  # Zotero's repository of an arXiv preprint
    elif csl_type == "article" and eprint and not container and eprint_type not in _IDENTIFIERS:
        # Another repository's preprint (bioRxiv, SSRN...): Zotero's preprint item holds
        # the repository as its publisher and the eprint as its archive ID (CSL number).
        values["number"] = values.get("number") or eprint
        if not values["publisher"]:
            values["publisher"] = plain(f.get("eprinttype") or f.get("archiveprefix") or "")
    item.update((name, value) for name, value in values.items() if value)
    for variable, field_names in (
        # lastchecked: the older name Zotero's import also reads.
        ("accessed", ("urldate", "lastchecked")),
        ("event-date", ("eventdate",)),
        ("original-date", ("origdate",)),
    ):
        date = next(filter(None, (edtf_date(f.get(name, "")) for name in field_names)), None)
        if date:
            item[variable] = date
    issued = _issued(f)
    if issued:
        item["issued"] = issued
    return item


# --- type and names --------------------------------------------------------------------


def _csl_type(r: Record) -> str:
    subtype = r.fields.get("entrysubtype", "").strip().lower()
    if r.type in _PERIODICAL_PARTS and subtype in _ARTICLE_SUBTYPES:
        # pandoc's reading of biblatex's entrysubtype; citation.js puts it in genre.
        return _ARTICLE_SUBTYPES[subtype]
    return _TYPES.get(r.type, _DEFAULT_TYPE)


def _add_names(item: Item, r: Record) -> None:
    """author, editor (or the role its ``editortype`` names), editora-c, translator
    and bookauthor. A book with editors and no authors keeps them as editors: CSL
    styles put editors in the author's place themselves, as Zotero's items rely on."""
    roles: dict[str, list[dict[str, str]]] = {}

    def add(variable: str, people: list[Person]) -> None:
        if people:
            roles.setdefault(variable, []).extend(csl_name(person) for person in people)

    add("author", r.names.get("author", []))
    for prefix, default in (("editor", "editor"), ("editora", "contributor"),
                            ("editorb", "contributor"), ("editorc", "contributor")):
        role = r.fields.get(f"{prefix}type", "").strip().lower()
        # An editora without a type has no defined role (biblatex prints it generically);
        # CSL's generic role is contributor.
        add(_EDITOR_ROLES.get(role, "contributor" if role else default),
            r.names.get(prefix, []))
    add("translator", r.names.get("translator", []))
    add("container-author", r.names.get("bookauthor", []))
    item.update(roles)


def csl_name(person: Person) -> dict[str, str]:
    """A pybtex name as a CSL name.

    - ``{World Health Organization}`` (one braced last name) is a ``literal``.
    - ``and others`` is the literal name ``others``: CSL-JSON has no et-al marker, and
      Zotero's import and pandoc both keep it so (citation.js as a family name); a
      processor may print it as its "et al." term.
    - The von part is the ``non-dropping-particle`` (``van Gogh`` sorts and prints with
      its particle): what Zotero's items give citeproc-js, which reads a lower-case
      prefix of a family name so, and what citation.js writes. pandoc writes a dropping
      particle unless biblatex's ``useprefix`` is set.
    - Given names stay as written (``Mark C.W.``, ``Jean-Pierre``); a style initialises.
    - ``Jr`` and the like are the ``suffix``, as written.
    """
    if is_others(person):
        return {"literal": "others"}
    if _is_corporate(person):
        return {"literal": plain(person.last_names[0])}
    # Only the parts the name has are decoded: most names have no particle and no
    # suffix, and skipping their empty parts took a name from 1.08 to 0.77 us.
    parts = {
        key: value
        for key, words in (
            ("family", person.last_names),
            ("given", person.first_names + person.middle_names),
            ("non-dropping-particle", person.prelast_names),
            ("suffix", person.lineage_names),
        )
        if words and (value := plain(" ".join(words)))
    }
    if "family" not in parts and "given" in parts:
        return {"literal": parts["given"]}
    return parts


def _is_corporate(person: Person) -> bool:
    """``{World Health Organization}``: the name is one brace group and nothing else
    (``{\\"O}zt{\\"u}rk`` is a family name with accents, though it starts with a brace)."""
    parts = person.last_names
    if person.first_names or person.middle_names or person.prelast_names or len(parts) != 1:
        return False
    return _closing_brace(parts[0]) == len(parts[0]) - 1


def _closing_brace(text: str) -> int:
    """Where the brace group that opens ``text`` closes (-1 if it does not open one)."""
    if not text.startswith("{"):
        return -1
    depth = 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index
    return -1


# --- titles ----------------------------------------------------------------------------


def _rich(fields: dict[str, str], name: str, *, protect_case: bool = False) -> str:
    value = fields.get(name, "")
    return rich_text(value, protect_case=protect_case) if value.strip() else ""


def _title(fields: dict[str, str], prefix: str) -> str:
    """``{prefix}title`` with its subtitle and title addon (``booktitle``,
    ``booksubtitle``, ``booktitleaddon``).

    The subtitle follows a colon unless the title ends with punctuation (Zotero's rule);
    the addon follows a period, as biblatex prints it (pandoc does the same; Zotero and
    citation.js drop the addon).
    """
    main = _rich(fields, f"{prefix}title", protect_case=True)
    subtitle = _rich(fields, f"{prefix}subtitle", protect_case=True)
    addon = _rich(fields, f"{prefix}titleaddon", protect_case=True)
    title = main
    if subtitle:
        plain_title = _TAG.sub("", title)
        if not title:
            title = subtitle
        elif _ENDS_WITH_PUNCTUATION.search(plain_title) or _STARTS_WITH_PUNCTUATION.search(
            _TAG.sub("", subtitle)
        ):
            title = f"{title} {subtitle}"
        else:
            title = f"{title}: {subtitle}"
    if addon:
        title = _joined(title, addon, ". ")
    return title


def _containers(r: Record) -> tuple[str, str]:
    """The container title and the volume title.

    A part of a book takes ``booktitle``; an article ``journaltitle`` (or BibTeX's
    ``journal``). ``maintitle``, the multi-volume work above the book, is the container
    only when there is no other: CSL has no variable for the level above the container,
    and Zotero's import drops it (pandoc makes the book a volume-title instead, which
    few styles print).
    """
    f = r.fields
    journal = _title(f, "journal") or _rich(f, "journal", protect_case=True)
    if r.type == "periodical":
        return "", _title(f, "issue")
    if r.type in _PERIODICAL_PARTS:
        return journal, _title(f, "issue")
    if r.type in _CHAPTER_LIKE:
        return _title(f, "book") or _title(f, "main") or journal, ""
    # A book's own booktitle (written for BibTeX's crossref) is its title, not a container.
    return _title(f, "main") or journal, ""


def _event_title(fields: dict[str, str]) -> str:
    """``eventtitle`` with its addon in parentheses, as citation.js joins them."""
    title = _rich(fields, "eventtitle", protect_case=True)
    addon = _rich(fields, "eventtitleaddon", protect_case=True)
    return f"{title} ({addon})" if title and addon else title or addon


def _joined(first: str, second: str, separator: str) -> str:
    """Two parts joined, the separator's punctuation left out after a final one."""
    if not first or not second:
        return first or second
    if re.search(r"[.!?]$", _TAG.sub("", first)):
        return f"{first} {second}"
    return f"{first}{separator}{second}"


# --- numbers ---------------------------------------------------------------------------


def _numbers(r: Record) -> Item:
    """volume, issue, number, collection-number, page and the counts.

    - ``number`` is an article's issue, the number in a series of a book or a paper in
      proceedings (biblatex; pandoc), and the item's own number otherwise (a report's,
      a patent's). Zotero's import agrees except for conference papers.
    - An article's ``issue`` field (biblatex's "Spring", "Suppl.") follows the number,
      as pandoc joins them.
    - ``part`` is printed after the volume, ``2.1``, as biblatex prints it (pandoc).
    - ``pages`` keeps its text with each dash a hyphen: CSL processors read ``-`` as a
      range and print their own dash; Zotero, citation.js and pandoc all write ``-``. A
      single number in a book's ``pages`` is its page count (Zotero). With no pages,
      ``eid`` (an article number) is the page, where journals print it.
    """
    f = r.fields
    kind = r.type
    number = _rich(f, "number")
    issue = _rich(f, "issue")
    values: Item = {}
    if kind in _PERIODICAL_PARTS or kind == "periodical":
        values["issue"] = _joined(number, issue, ", ") if number and issue else number or issue
    elif kind in _SERIES_NUMBERED:
        values["collection-number"] = number
        values["issue"] = issue
    else:
        values["number"] = number
        values["issue"] = issue
    volume = _rich(f, "volume")
    part = _rich(f, "part")
    values["volume"] = f"{volume}.{part}" if volume and part else volume or part
    values["number-of-volumes"] = _rich(f, "volumes")
    pages = f.get("pages", "").strip()
    page = rich_text(_PAGE_DASH.sub("-", pages)) if pages else ""
    pagetotal = _rich(f, "pagetotal")
    if page and kind in _WHOLE_WORKS and _ALL_DIGITS.fullmatch(page):
        pagetotal = pagetotal or page
        page = ""
    values["page"] = page or _rich(f, "eid")
    values["number-of-pages"] = pagetotal
    return values


# --- publisher, identifiers, dates -----------------------------------------------------


def _list(fields: dict[str, str], *names: str) -> str:
    """The first present biblatex list field (``A and B``) as ``A; B`` (pandoc's join).
    A list splits at `` and `` outside braces, as a name list does."""
    for name in names:
        value = fields.get(name, "").strip()
        if value:
            parts = [
                _BIBSTRINGS.get(part.strip().lower(), "") or rich_text(part)
                for part in split_name_list(value)
            ]
            return "; ".join(part for part in parts if part)
    return ""


def _publisher(r: Record) -> str:
    """The publisher, or who stands in for one: the school of a thesis, the institution
    of a report, the organization of a manual or website, ``howpublished`` of a misc.

    The first present wins (Zotero's import falls back the same way; pandoc joins them
    all, which prints a sponsor as a publisher).
    """
    f = r.fields
    if r.type in ("thesis", "phdthesis", "mastersthesis", "report", "techreport"):
        order: tuple[str, ...] = ("school", "institution", "publisher", "organization")
    else:
        order = ("publisher", "organization", "institution", "school")
    found = _list(f, *order)
    if found:
        return found
    howpublished = f.get("howpublished", "")
    if howpublished and not _howpublished_url(howpublished):
        # Where BibTeX's styles print howpublished (pandoc's mapping); Zotero puts it in
        # the extra field, where citeproc-js shows it as a note "Published: ...".
        return rich_text(howpublished)
    return ""


def _howpublished_url(value: str) -> str:
    """The URL of ``howpublished = {\\url{...}}`` (or a bare http(s) URL)."""
    match = _URL_COMMAND.search(value)
    candidate = match.group(1) if match else value.strip()
    return web_url(candidate) or ""


def _doi(fields: dict[str, str], eprint_type: str, eprint: str) -> str:
    """The DOI without a resolver prefix (``https://doi.org/``, ``doi:``): styles add
    their own, and Zotero's DOI cleaning strips it too."""
    raw = fields.get("doi", "") or (eprint if eprint_type == "doi" else "")
    return _DOI_PREFIX.sub("", unescape_url(raw.replace("{", "").replace("}", ""))).strip()


def _url(fields: dict[str, str], eprint_type: str, eprint: str) -> str:
    """``url``, else a URL in ``howpublished`` (Zotero, citation.js), else the landing
    page of an eprint (pandoc) for an item no journal or book carries (a published
    article's eprint is a copy: Zotero's import gives it no URL). Only http(s) URLs: a
    ``javascript:`` one is dropped."""
    url = web_url(fields.get("url", ""))
    if url:
        return url
    howpublished = _howpublished_url(fields.get("howpublished", ""))
    if howpublished:
        return howpublished
    base = _EPRINT_URLS.get(eprint_type)
    if base and eprint:
        return web_url(base + eprint) or ""
    return ""


def _pmid(fields: dict[str, str], eprint_type: str, eprint: str) -> str:
    """``pmid``, or ``eprint`` with ``eprinttype = {pubmed}``, if it is a number."""
    value = plain(fields.get("pmid", "")).strip() or (eprint if eprint_type == "pubmed" else "")
    return value if value.isascii() and value.isdigit() else ""


def _language(fields: dict[str, str]) -> str:
    """``language`` (what Zotero's import reads), else biblatex's ``langid`` (or its old
    name ``hyphenation``), as a BCP 47 tag; the first of several (``english and german``)."""
    for name in ("language", "langid", "hyphenation"):
        value = plain(fields.get(name, "")).strip()
        if value:
            first = _AND.split(value)[0].strip()
            name = first.lower()
            # biblatex's keys (langlatin) name the language after "lang".
            name = name[4:] if name.startswith("lang") and name[4:] in _LANGUAGES else name
            return _LANGUAGES.get(name, first)
    return ""


def _genre(r: Record) -> str:
    """biblatex's ``type`` (a localisation key or text), or the kind of thesis that
    @phdthesis and @mastersthesis imply (Zotero's wording)."""
    value = r.fields.get("type", "").strip()
    if value:
        return _GENRES.get(value.lower(), "") or rich_text(value)
    return _GENRES.get(r.type, "") if r.type in ("phdthesis", "mastersthesis") else ""


def _status(fields: dict[str, str]) -> str:
    value = fields.get("pubstate", "").strip()
    return _STATUS.get(value.lower(), "") or rich_text(value) if value else ""


def _issued(fields: dict[str, str]) -> dict[str, Any] | None:
    """biblatex's ``date``, else BibTeX's ``year``, ``month`` and ``day``; a ``date``
    that is not ISO 8601 (``june 23-24``) gives way to a ``year`` (as in pandoc)."""
    date = edtf_date(fields.get("date", ""))
    if date and "date-parts" in date:
        return date
    return bibtex_date(
        plain(fields.get("year", "")),
        plain(fields.get("month", "")),
        plain(fields.get("day", "")),
    ) or date


def known_type(bibtex_type: str) -> bool:
    """Whether BibTeX or biblatex defines the entry type (others become CSL documents)."""
    return bibtex_type.lower() in _TYPES or bibtex_type.lower() in ("set", "xdata")
