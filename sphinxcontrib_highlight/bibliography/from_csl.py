"""CSL-JSON items as the pybtex entries every feature reads.

Every feature of the extension (numbering, the styles, the downloads, the metadata
reference managers read) takes pybtex entries, and :mod:`.to_csl` turns those into CSL
items for the CSL engine and the exports. An item that starts as CSL-JSON (a DOI's
metadata) therefore becomes an entry whose fields :mod:`.to_csl` maps back to the same
variables: :func:`csl_entry` is that inverse, for the variables that have a BibTeX or
biblatex field. Text variables are CSL rich text (``<i>``, ``<b>``, ``<sup>``, ``<sub>``,
small caps and ``nocase`` spans, ``&amp;``); they become the LaTeX commands
:mod:`.csl_markup` reads back as the same tags, and every other character is escaped so
that LaTeX reads it as itself. Tags CSL does not define (JATS's ``<jats:p>`` in some
registration agencies' titles) are dropped and their text kept.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from pybtex.database import Entry, Person

#: BibTeX or biblatex entry types by CSL type; the inverse of :mod:`.to_csl`'s mapping,
#: choosing for each CSL type the entry type that maps back to it.
_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "periodical": "periodical",
    "article": "preprint",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "entry-encyclopedia": "inreference",
    "entry-dictionary": "inreference",
    "report": "report",
    "thesis": "thesis",
    "manuscript": "unpublished",
    "dataset": "dataset",
    "software": "software",
    "webpage": "online",
    "post-weblog": "online",
    "post": "online",
    "patent": "patent",
    "standard": "standard",
    "motion_picture": "video",
    "song": "audio",
    "graphic": "artwork",
    "figure": "image",
    "legal_case": "jurisdiction",
    "legislation": "legislation",
    "treaty": "legal",
    "personal_communication": "letter",
    "review": "review",
    "review-book": "review",
    "performance": "performance",
}
#: biblatex's entry subtype that keeps a magazine or newspaper article what it is.
_SUBTYPES = {"article-magazine": "magazine", "article-newspaper": "newspaper"}
_CHAPTER_LIKE = frozenset({"incollection", "inproceedings", "inreference"})

#: Text variables and the field each becomes (``number`` and ``issue`` depend on type).
_TEXT_FIELDS = {
    "title-short": "shorttitle",
    "container-title-short": "shortjournal",
    "collection-title": "series",
    "volume": "volume",
    "edition": "edition",
    "version": "version",
    "chapter-number": "chapter",
    "number-of-pages": "pagetotal",
    "number-of-volumes": "volumes",
    "publisher": "publisher",
    "publisher-place": "location",
    "event-title": "eventtitle",
    "event-place": "venue",
    "note": "note",
}
#: Identifiers and the field each becomes: plain text, never read as LaTeX markup.
_IDENTIFIER_FIELDS = {
    "DOI": "doi", "URL": "url", "ISBN": "isbn", "ISSN": "issn", "PMID": "pmid",
    "PMCID": "pmcid", "language": "language",
}
_NAME_ROLES = {
    "author": "author", "editor": "editor", "translator": "translator",
    "container-author": "bookauthor",
}

#: The rich-text tags of CSL and the LaTeX that :mod:`.csl_markup` reads as each.
_OPENING = {
    "<i>": "\\textit{",
    "<b>": "\\textbf{",
    "<sup>": "\\textsuperscript{",
    "<sub>": "\\textsubscript{",
    '<span style="font-variant:small-caps;">': "\\textsc{",
    '<span class="nocase">': "{",
}
_CLOSING = frozenset({"</i>", "</b>", "</sup>", "</sub>", "</span>"})
_TAG = re.compile(r"(<[^<>]*>)")
_LATEX_SPECIALS = {
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "$": "\\$", "%": "\\%",
    "&": "\\&", "#": "\\#", "_": "\\_", "~": "\\textasciitilde{}",
}
# A caret outside math is read as itself; \^{} would be a circumflex accent on nothing.
_SPACES = re.compile(r"\s+")
_SPECIAL = re.compile("|".join(map(re.escape, _LATEX_SPECIALS)))


def csl_entry(item: Mapping[str, Any], key: str) -> Entry:
    """A pybtex entry, keyed ``key``, that :func:`.to_csl.csl_item` maps back to the
    item's variables (those BibTeX and biblatex have fields for)."""
    csl_type = _text(item.get("type")) or "document"
    entry_type = _TYPES.get(csl_type, "misc")
    fields: dict[str, str] = {}
    if csl_type in _SUBTYPES:
        fields["entrysubtype"] = _SUBTYPES[csl_type]
    title = latex(_text(item.get("title")))
    subtitle = latex(_text(item.get("subtitle")))
    if title or subtitle:
        fields["title"] = title or subtitle
        if title and subtitle:
            fields["subtitle"] = subtitle
    container = latex(_text(item.get("container-title")))
    if container:
        fields["booktitle" if entry_type in _CHAPTER_LIKE else "journal"] = container
    for variable, field_name in _TEXT_FIELDS.items():
        value = latex(_text(item.get(variable)))
        if value:
            fields[field_name] = value
    _numbers(item, entry_type, fields)
    for variable, field_name in _IDENTIFIER_FIELDS.items():
        value = _text(item.get(variable)).strip()
        if value:
            fields[field_name] = value
    fields.update(_date_fields(item.get("issued")))
    entry = Entry(entry_type, fields=fields)
    entry.key = key
    for variable, role in _NAME_ROLES.items():
        names = item.get(variable)
        if isinstance(names, list):
            for name in names:
                person = _person(name)
                if person is not None:
                    entry.add_person(person, role)
    return entry


def latex(rich: str) -> str:
    """CSL rich text as LaTeX that :func:`.csl_markup.rich_text` reads back as the same
    text and tags; tags that are not CSL's are dropped, their text kept."""
    out: list[str] = []
    open_groups = 0
    for piece in _TAG.split(rich):
        if not piece:
            continue
        if _TAG.fullmatch(piece):
            if piece in _OPENING:
                out.append(_OPENING[piece])
                open_groups += 1
            elif piece in _CLOSING and open_groups:
                out.append("}")
                open_groups -= 1
            continue
        text = _SPACES.sub(" ", html.unescape(piece))
        out.append(_SPECIAL.sub(lambda found: _LATEX_SPECIALS[found.group()], text))
    out.append("}" * open_groups)
    return "".join(out).strip()


def _text(value: Any) -> str:
    """A variable's text: a string, a number, or the first string of a list (Crossref
    gives ``container-title`` and ``ISSN`` as lists)."""
    if isinstance(value, list):
        value = next((part for part in value if isinstance(part, (str, int))), "")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return str(value)


def _numbers(item: Mapping[str, Any], entry_type: str, fields: dict[str, str]) -> None:
    """``issue``, ``number``, ``collection-number`` and ``page`` as :mod:`.to_csl` reads
    ``number`` and ``issue`` for the entry type; Crossref's ``article-number`` as the
    ``eid`` an article without pages is cited by."""
    issue = latex(_text(item.get("issue")))
    number = latex(_text(item.get("number")))
    series_number = latex(_text(item.get("collection-number")))
    if entry_type in ("article", "periodical"):
        if issue:
            fields["number"] = issue
    elif entry_type in ("book", "incollection", "inproceedings", "inreference"):
        if series_number:
            fields["number"] = series_number
        if issue:
            fields["issue"] = issue
    else:
        if number:
            fields["number"] = number
        if issue:
            fields["issue"] = issue
    page = _text(item.get("page")).strip()
    if page:
        fields["pages"] = latex(page).replace("-", "--").replace("\u2013", "--")
    article_number = latex(_text(item.get("article-number")))
    if article_number and not page:
        fields["eid"] = article_number


def _date_fields(date: Any) -> dict[str, str]:
    """A CSL date as ``year``, ``month`` and ``day`` (what BibTeX styles read too); a
    date with no parts as the ``year`` it says, in its words."""
    if not isinstance(date, Mapping):
        return {}
    parts = date.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [str(part) for part in parts[0] if isinstance(part, (int, str)) and str(part)]
        names = ("year", "month", "day")
        if first and first[0].isdigit():
            month = first[1:2]
            # CSL months 21-24 are seasons, which BibTeX's month cannot hold.
            if month and not (month[0].isdigit() and 1 <= int(month[0]) <= 12):
                first = first[:1]
            return dict(zip(names, first, strict=False))
    literal = _text(date.get("literal") or date.get("raw"))
    return {"year": latex(literal)} if literal.strip() else {}


def _person(name: Any) -> Person | None:
    """A CSL name as a pybtex person; a ``literal`` name (an organisation) in braces,
    as one last name, which :func:`.to_csl.csl_name` reads back as a literal."""
    if not isinstance(name, Mapping):
        return None
    literal = latex(_text(name.get("literal")))
    if literal:
        return Person(last=f"{{{literal}}}")
    family = latex(_text(name.get("family")))
    given = latex(_text(name.get("given")))
    if not family and not given:
        return None
    particles = " ".join(filter(None, (
        latex(_text(name.get("dropping-particle"))),
        latex(_text(name.get("non-dropping-particle"))),
    )))
    if not family:
        return Person(last=f"{{{given}}}")
    return Person(
        first=given, prelast=particles, last=family, lineage=latex(_text(name.get("suffix")))
    )
