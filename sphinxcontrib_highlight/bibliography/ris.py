"""RIS files as CSL items, each with the line its record starts on.

RIS is what many publishers' "Export citation" links and older reference managers give.
Each record (from its ``TY`` line) is parsed on its own by rispy, the maintained RIS
library the downloads are written with, so a broken record is reported at its line and
the others still load. The mapping is the inverse of the RIS the downloads hold
(:func:`~sphinxcontrib_highlight.export.formats.ris_record`): a record's ``ID`` is its
id, or one is made from its first author and year.
"""

from __future__ import annotations

import re
from typing import Any

import rispy

from sphinxcontrib_highlight.bibliography.csl_files import (
    LocatedItem,
    author_year_id,
    checked_items,
    slug,
    unused,
)
from sphinxcontrib_highlight.bibliography.database import BibProblem
from sphinxcontrib_highlight.warning_types import Warn

SUFFIX = ".ris"

#: CSL types by RIS type; anything else is a document.
_TYPES = {
    "JOUR": "article-journal", "EJOUR": "article-journal", "JFULL": "periodical",
    "MGZN": "article-magazine", "NEWS": "article-newspaper", "BOOK": "book",
    "EBOOK": "book", "EDBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter",
    "CPAPER": "paper-conference", "CONF": "paper-conference", "THES": "thesis",
    "RPRT": "report", "UNPB": "manuscript", "MANSCPT": "manuscript", "ELEC": "webpage",
    "WEB": "webpage", "BLOG": "post-weblog", "COMP": "software", "DATA": "dataset",
    "PAT": "patent", "ENCYC": "entry-encyclopedia", "DICT": "entry-dictionary",
    "STAND": "standard", "MAP": "map", "VIDEO": "motion_picture", "SOUND": "song",
    "ART": "graphic", "BILL": "bill", "CASE": "legal_case", "STAT": "legislation",
    "PCOMM": "personal_communication", "HEAR": "hearing",
}
_RECORD_START = re.compile(r"^TY  - ", re.MULTILINE)
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_TEXT = {
    "volume": "volume", "number": "issue", "edition": "edition", "publisher": "publisher",
    "place_published": "publisher-place", "doi": "DOI", "language": "language",
    "abstract": "abstract", "tertiary_title": "collection-title",
    "alternate_title1": "container-title-short", "short_title": "title-short",
    "number_of_volumes": "number-of-volumes", "section": "section",
}


def read_ris(text: str, path: str) -> tuple[list[LocatedItem], list[BibProblem]]:
    """The items of an RIS text, and its problems."""
    starts = [match.start() for match in _RECORD_START.finditer(text)]
    if not starts:
        return [], [BibProblem(Warn.CSL_SYNTAX, "no RIS record (a line 'TY  - ...')", path, 1)]
    values: list[tuple[Any, int]] = []
    problems: list[BibProblem] = []
    taken: set[str] = set()
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        line = text.count("\n", 0, start) + 1
        try:
            records = rispy.loads(text[start:end])
        except (ValueError, KeyError, IndexError, TypeError) as error:
            problems.append(BibProblem(
                Warn.CSL_SYNTAX, f"not a valid RIS record ({error}); it is skipped", path, line))
            continue
        if not records:  # rispy drops a record it never saw end
            problems.append(BibProblem(
                Warn.CSL_SYNTAX, "an RIS record without its end line 'ER  - '; it is skipped",
                path, line))
        for record in records:
            item = csl_item(record)
            item["id"] = unused(
                str(record.get("id") or "").strip() or author_year_id(item)
                or slug(str(item.get("title", ""))) or f"record-{line}", taken,
            )
            values.append((item, line))
    items, item_problems = checked_items(values, path)
    return items, [*problems, *item_problems]


def csl_item(record: dict[str, Any]) -> dict[str, Any]:
    """An rispy record as a CSL item (without its id)."""
    kind = str(record.get("type_of_reference", "")).strip().upper()
    item: dict[str, Any] = {"type": _TYPES.get(kind, "document")}
    authors = [_name(text) for text in record.get("authors", []) or record.get("first_authors", [])]
    if authors:
        item["author"] = authors
    editors = [_name(text) for text in record.get("secondary_authors", [])]
    if editors:
        item["editor"] = editors
    title = _first(record, "title", "primary_title", "translated_title")
    if title:
        item["title"] = title
    container = _first(record, "secondary_title", "journal_name", "alternate_title3")
    if container:
        item["container-title"] = container
    for key, variable in _TEXT.items():
        value = _first(record, key)
        if value:
            item[variable] = value
    first, last = _first(record, "start_page"), _first(record, "end_page")
    if first:
        item["page"] = f"{first}-{last}" if last else first
    issued = _issued(record)
    if issued:
        item["issued"] = issued
    accession = _first(record, "accession_number")
    if accession.isascii() and accession.isdigit():
        item["PMID"] = accession  # where PubMed's export and the downloads put it
    serial = _first(record, "issn")
    if serial:
        item["ISSN" if _ISSN.match(serial) else "ISBN"] = serial
    urls = [url for url in record.get("urls", []) if str(url).strip()]
    if urls:
        item["URL"] = str(urls[0]).strip()
    notes = [str(note).strip() for note in record.get("notes", []) if str(note).strip()]
    if notes:
        item["note"] = "\n".join(notes)
    keywords = [str(word).strip() for word in record.get("keywords", []) if str(word).strip()]
    if keywords:
        item["keyword"] = ", ".join(keywords)
    return item


def _first(record: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _name(text: str) -> dict[str, str]:
    """``Family, Given, Suffix`` (RIS's form) as a CSL name; a name without a comma (an
    organisation) as a literal."""
    parts = [part.strip() for part in str(text).split(",")]
    if len(parts) == 1:
        return {"literal": parts[0]}
    name = {"family": parts[0], "given": parts[1]}
    if len(parts) > 2 and parts[2]:
        name["suffix"] = parts[2]
    return {key: value for key, value in name.items() if value}


def _issued(record: dict[str, Any]) -> dict[str, Any] | None:
    """``DA`` (``2021/08/11``, ``2021/08//``) or else ``PY``/``Y1`` as CSL date parts."""
    for key in ("date", "year", "publication_year"):
        numbers = [part for part in re.split(r"[/-]", _first(record, key)) if part.strip()]
        parts = []
        for part in numbers[:3]:
            if not part.strip().isdigit():
                break
            parts.append(int(part))
        if parts:
            return {"date-parts": [parts]}
    return None
