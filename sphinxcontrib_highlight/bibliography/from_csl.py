"""CSL items as BibTeX entries, so that an item from a CSL-JSON, CSL-YAML, RIS or CFF file is
an entry like any other: numbered, cited, downloaded, and described to Zotero.

The inverse of :mod:`.to_csl`, as near as BibTeX allows: every variable that has a
BibTeX or biblatex field becomes that field (text as LaTeX, case protection as braces,
dates as ``year``, ``month`` and biblatex's ``date``), every name variable with a BibTeX
role becomes a name list. What BibTeX cannot hold is not lost: the entry keeps the item it was made from
(:attr:`CslEntry.csl`), and :func:`.to_csl.csl_item` gives that item back, so the CSL
engine renders, and the CSL-JSON download holds, the item exactly as written.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from pybtex.database import Entry, Person

Item = dict[str, Any]


class CslEntry(Entry):  # type: ignore[misc]
    """A BibTeX entry made from a CSL item, which it keeps."""

    def __init__(self, entry_type: str, item: Item) -> None:
        super().__init__(entry_type)
        self.csl = item
        """The CSL item as read (``id`` as text): what the CSL engine renders."""


def original_item(entry: Entry) -> Item | None:
    """A copy of the CSL item ``entry`` was made from (None for an entry read from BibTeX)."""
    item = getattr(entry, "csl", None)
    return copy.deepcopy(item) if isinstance(item, dict) else None


#: BibTeX and biblatex entry types by CSL type (the inverse of :data:`.to_csl._TYPES`,
#: one type each).
_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "periodical": "periodical",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "entry-encyclopedia": "inreference",
    "entry-dictionary": "inreference",
    "entry": "inreference",
    "thesis": "thesis",
    "report": "report",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    # CSL's "article" is a preprint (Zotero's preprint item), as to_csl reads @preprint.
    "article": "preprint",
    "manuscript": "unpublished",
    "patent": "patent",
    "software": "software",
    "dataset": "dataset",
    "personal_communication": "letter",
    "motion_picture": "movie",
    "song": "audio",
    "graphic": "artwork",
    "figure": "image",
    "legislation": "legislation",
    "legal_case": "jurisdiction",
    "treaty": "legal",
    "standard": "standard",
    "review": "review",
    "performance": "performance",
}
_SUBTYPES = {"article-magazine": "magazine", "article-newspaper": "newspaper"}
_PERIODICAL_PARTS = frozenset({"article-journal", "article-magazine", "article-newspaper"})

#: Text variables whose field has the same meaning whatever the type.
_TEXT_FIELDS = {
    "title": "title",
    "title-short": "shorttitle",
    "container-title-short": "shortjournal",
    "collection-title": "series",
    "volume": "volume",
    "number-of-volumes": "volumes",
    "number-of-pages": "pagetotal",
    "edition": "edition",
    "version": "version",
    "chapter-number": "chapter",
    "publisher-place": "address",
    "event-title": "eventtitle",
    "event-place": "venue",
    "genre": "type",
    "status": "pubstate",
    "abstract": "abstract",
    "keyword": "keywords",
    "note": "note",
    "annote": "annotation",
    "call-number": "library",
    "original-title": "origtitle",
    "original-publisher": "origpublisher",
    "original-publisher-place": "origlocation",
}
#: Identifiers, kept as plain text (never LaTeX-escaped: a DOI's "_" is a character).
_IDENTIFIERS = {
    "DOI": "doi", "URL": "url", "ISBN": "isbn", "ISSN": "issn", "PMID": "pmid",
    "PMCID": "pmcid", "language": "language",
}
_DATES = {"accessed": "urldate", "event-date": "eventdate", "original-date": "origdate"}
_ROLES = {
    "author": "author", "editor": "editor", "translator": "translator",
    "container-author": "bookauthor",
}

#: CSL rich text's markup (what Zotero, citeproc-js and this package's engine read).
#: Case protection becomes BibTeX's braces. Italics, bold, super- and subscripts and small
#: caps become their text alone: the fields are read back (into metadata, RIS, links) by
#: a LaTeX decoder that knows no formatting commands, and what the page prints comes
#: from the item, which keeps them.
_OPENING = {
    "<i>": "",
    "<b>": "",
    "<sup>": "",
    "<sub>": "",
    '<span style="font-variant:small-caps;">': "",
    '<span style="font-variant: small-caps;">': "",
    '<span class="nocase">': "{",
}
"""By tag as written in lower case (tags match without regard to case)."""
_CLOSING = frozenset({"</i>", "</b>", "</sup>", "</sub>", "</span>"})
_MARKUP = re.compile(
    "|".join(re.escape(tag) for tag in [*_OPENING, *_CLOSING]), flags=re.IGNORECASE
)
#: The characters of plain text that a BibTeX value would read as LaTeX, as commands
#: that print them: ``$`` too, as two of them ("the $100 and the $200 genome") open
#: math. (``&``, ``%``, ``#`` and ``_`` stay: the BibTeX writer escapes them. Braces in
#: plain text, rare in titles, are read as case protection and so not printed.)
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "$": r"\$"}
_SPECIAL = re.compile(r"[\\~$]")


def entry_of(item: Item) -> CslEntry:
    """The BibTeX entry for a CSL item (whose ``id`` is its key), keeping the item."""
    csl_type = str(item.get("type", "document"))
    entry = CslEntry(_TYPES.get(csl_type, "misc"), item)
    entry.key = str(item["id"])
    fields = entry.fields
    for variable, field in _TEXT_FIELDS.items():
        value = _text(item.get(variable))
        if value:
            fields[field] = latex(value)
    for variable, field in _IDENTIFIERS.items():
        value = _text(item.get(variable))
        if value:
            fields[field] = value.strip()
    _add_type_dependent(fields, item, csl_type)
    _add_dates(fields, item)
    for variable, role in _ROLES.items():
        names = item.get(variable)
        if isinstance(names, list):
            for name in names:
                person = person_of(name)
                if person is not None:
                    entry.add_person(person, role)
    return entry


def _add_type_dependent(fields: Any, item: Item, csl_type: str) -> None:
    """The fields whose BibTeX name depends on the type: container, publisher, numbers."""
    container = _text(item.get("container-title"))
    if container:
        fields["journal" if csl_type in _PERIODICAL_PARTS else "booktitle"] = latex(container)
    if csl_type in _SUBTYPES:
        fields["entrysubtype"] = _SUBTYPES[csl_type]
    publisher = _text(item.get("publisher"))
    if publisher:
        name = {"thesis": "school", "report": "institution"}.get(csl_type, "publisher")
        fields[name] = latex(publisher)
    issue = _text(item.get("issue"))
    number = _text(item.get("number")) or _text(item.get("collection-number"))
    if csl_type in _PERIODICAL_PARTS or csl_type == "periodical":
        number, issue = issue or number, issue and number
    if number:
        fields["number"] = latex(number)
    if issue:
        fields["issue"] = latex(issue)
    page = _text(item.get("page"))
    if page:
        fields["pages"] = re.sub(r"\s*(?:-(?:\{\}-)*|\u2013)\s*", "--", latex(page))
    if csl_type == "patent" and _text(item.get("jurisdiction")):
        fields["location"] = latex(_text(item.get("jurisdiction")))


def _add_dates(fields: Any, item: Item) -> None:
    """``issued`` as ``year`` and ``month`` (what BibTeX styles read) and, when it has
    a day or is a range, biblatex's ``date``; the other dates as biblatex's fields."""
    issued = date_text(item.get("issued"))
    if issued:
        year, _, rest = issued.partition("-")
        if year.lstrip("-").isdigit():
            fields["year"] = year
            month = rest.split("-")[0].split("/")[0]
            if month.isdigit() and 1 <= int(month) <= 12:
                fields["month"] = str(int(month))
            if issued.count("-") > 1 or "/" in issued:
                fields["date"] = issued
        else:
            fields["year"] = latex(issued)
    for variable, field in _DATES.items():
        value = date_text(item.get(variable))
        if value:
            fields[field] = value


def date_text(value: object) -> str:
    """A CSL date as EDTF text (``2020-03-01``, ``2019/2020``), or its literal or raw
    text; '' for no date."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        dates = [_iso(part) for part in parts[:2] if isinstance(part, list) and part]
        return "/".join(date for date in dates if date)
    for key in ("literal", "raw"):
        if isinstance(value.get(key), str | int):
            return str(value[key]).strip()
    return ""


def _iso(parts: list[Any]) -> str:
    """``[2020, 3, 1]`` as ``2020-03-01`` (numbers given as text too)."""
    try:
        numbers = [int(str(part).strip()) for part in parts[:3]]
    except ValueError:
        return ""
    year, *rest = numbers
    return "-".join([f"{year:04d}" if year >= 0 else str(year), *(f"{n:02d}" for n in rest if n)])


def person_of(name: object) -> Person | None:
    """A CSL name as a pybtex person; a ``literal`` (an organisation) as one braced
    family name, which BibTeX never splits; None for what is not a name."""
    if not isinstance(name, dict):
        return None
    literal = _text(name.get("literal"))
    if literal:
        if literal.strip().lower() == "others":
            return Person(last="others")
        return Person(last="{" + _escape(literal) + "}")
    family = _text(name.get("family"))
    given = _text(name.get("given"))
    if not family and not given:
        return None
    if not family:
        return Person(last="{" + _escape(given) + "}")
    particles = " ".join(
        part for part in (_text(name.get("dropping-particle")),
                          _text(name.get("non-dropping-particle"))) if part
    )
    return Person(
        first=_escape(given),
        prelast=_escape(particles),
        last=_braced_if_spaced(_escape(family)),
        lineage=_escape(_text(name.get("suffix"))),
    )


def _braced_if_spaced(family: str) -> str:
    """A family name of several words as one group (``{García Márquez}``), so BibTeX
    never reads its first word as a given name."""
    return "{" + family + "}" if " " in family else family


def _text(value: object) -> str:
    """A variable's value as text ('' for none, a list or an object)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()
    return ""


#: What LaTeX reads as a ligature (``--`` is a dash, ````` and ``''`` quotes): split by
#: an empty group, which prints nothing.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")


def _escape(text: str) -> str:
    """Plain text as LaTeX that decodes back to it (but for braces: those that pair up
    protect case, as in BibTeX; those that do not, which no BibTeX writer accepts, go)."""
    if not _paired(text):
        text = text.replace("{", "").replace("}", "")
    return _LIGATURE.sub("{}", _SPECIAL.sub(lambda found: _LATEX_SPECIAL[found.group()], text))


def _paired(text: str) -> bool:
    depth = 0
    for brace in re.findall(r"[{}]", text):
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def latex(rich: str) -> str:
    """CSL rich text (``<i>``, ``<b>``, ``<sup>``, ``<sub>``, small caps and ``nocase``
    spans; ``&amp;`` and the like) as LaTeX: braces for the case protection, the text of
    the formatting, character references as characters."""
    out: list[str] = []
    closing: list[str] = []
    position = 0
    for found in _MARKUP.finditer(rich):
        out.append(_escape(html.unescape(rich[position : found.start()])))
        tag = found.group().lower()
        if tag in _CLOSING:
            if closing:
                out.append(closing.pop())
        else:
            opening = _OPENING[tag]
            out.append(opening)
            closing.append("}" if opening else "")
        position = found.end()
    out.append(_escape(html.unescape(rich[position:])))
    out.extend(reversed(closing))
    return "".join(out)
