"""What reference managers read from a page: Highwire Press meta tags and COinS.

Zotero's browser connector runs the first translator that matches a page, and its COinS
translator outranks its Embedded Metadata (Highwire) one. So a page offers the article
and all its references when it carries one COinS span per item, the article's first; the
``citation_*`` meta tags in ``<head>`` describe the article alone, for tools that save one
item (Zotero's Embedded Metadata, Google Scholar, Mendeley).

Every value comes from the entry as written: nothing is looked up or guessed, and a field
the entry lacks is left out. The functions here return plain strings; escaping them for
HTML is the caller's job, done once where the markup is written (:mod:`.reader`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_highlight.bibliography.urls import percent_encoded
from sphinxcontrib_highlight.export.formats import (
    given,
    inverted,
    named_authors,
    page_range,
    pmid,
    year,
)
from sphinxcontrib_highlight.speed import per_content
from sphinxcontrib_highlight.styles import names
from sphinxcontrib_highlight.styles.base import Fields, content_key

if TYPE_CHECKING:
    from pybtex.database import Entry

#: The OpenURL 1.0 context (Z39.88-2004) of a journal article, as COinS spans carry it.
_COINS_CONTEXT = (
    ("ctx_ver", "Z39.88-2004"),
    ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
)

#: The COinS genre of entry types that are not journal articles (book format).
_BOOK_GENRES = {
    "book": "book",
    "incollection": "bookitem",
    "inbook": "bookitem",
    "inproceedings": "proceeding",
    "conference": "proceeding",
    "techreport": "report",
    "report": "report",
}


def _fields(entry: Entry) -> dict[str, str]:
    """The entry's values that every format here shares, empty ones left out."""
    f = Fields(entry)
    first, last = page_range(f)
    values = {
        "title": f.plain("title"),
        "journal": f.plain("journal", "journaltitle", "booktitle"),
        "abbrev": f.plain("shortjournal"),
        "volume": f.plain("volume"),
        "issue": f.plain("number", "issue"),
        "firstpage": first,
        "lastpage": last,
        "date": year(f),
        "doi": f.doi(),
        "pmid": pmid(f),
        "publisher": f.plain("publisher"),
    }
    return {name: value for name, value in values.items() if value}


def highwire_tags(entry: Entry) -> list[tuple[str, str]]:
    """The article's ``citation_*`` meta tags as (name, content), one per author."""
    values = _fields(entry)
    tags = [("citation_title", values.get("title", ""))]
    tags += [("citation_author", inverted(person)) for person in named_authors(entry)]
    for name, key in (
        ("citation_journal_title", "journal"),
        ("citation_journal_abbrev", "abbrev"),
        ("citation_publisher", "publisher"),
        ("citation_volume", "volume"),
        ("citation_issue", "issue"),
        ("citation_firstpage", "firstpage"),
        ("citation_lastpage", "lastpage"),
        ("citation_publication_date", "date"),
        ("citation_doi", "doi"),
        ("citation_pmid", "pmid"),
    ):
        tags.append((name, values.get(key, "")))
    return [(name, content) for name, content in tags if content]


def citation_reference(entry: Entry) -> str:
    """One ``citation_reference`` content: ``citation_title=…; citation_author=…; …``.

    The format has no escape for its separator, so a ``;`` inside a value becomes ``,``
    rather than splitting the value in two.
    """
    parts = [
        (name, content)
        for name, content in highwire_tags(entry)
        if name not in ("citation_publisher", "citation_pmid")
    ]
    return "; ".join(f"{name}={content.replace(';', ',')}" for name, content in parts)


@per_content(content_key)
def coins(entry: Entry) -> str:
    """The entry as an OpenURL ContextObject in KEV form, the ``title`` of a COinS span.

    The first author is also given as ``rft.aulast``/``rft.aufirst``, which Zotero's
    OpenURL reader merges with the same name in ``rft.au``; every author is in ``rft.au``,
    as ``Surname, Given``, in order.
    """
    values = _fields(entry)
    kind = entry.type.lower()
    pairs: list[tuple[str, str]] = list(_COINS_CONTEXT)
    title, container = values.get("title", ""), values.get("journal", "")
    if kind in ("article", "preprint"):
        pairs += [("rft.genre", "article"), ("rft.atitle", title), ("rft.jtitle", container)]
        pairs += [("rft.stitle", values.get("abbrev", ""))]
    else:  # anything else is described in the book format, as Zotero's reader expects
        genre = _BOOK_GENRES.get(kind, "document")
        pairs[1] = ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book")
        pairs += [("rft.genre", genre)]
        if genre in ("bookitem", "proceeding"):
            pairs += [("rft.atitle", title), ("rft.btitle", container)]
        else:
            pairs += [("rft.btitle", title)]
        pairs += [("rft.pub", values.get("publisher", ""))]
    pairs += [
        ("rft.volume", values.get("volume", "")),
        ("rft.issue", values.get("issue", "")),
        ("rft.spage", values.get("firstpage", "")),
        ("rft.epage", values.get("lastpage", "")),
        ("rft.date", values.get("date", "")),
    ]
    if "doi" in values:
        pairs.append(("rft_id", f"info:doi/{values['doi']}"))
    if "pmid" in values:
        pairs.append(("rft_id", f"info:pmid/{values['pmid']}"))
    authors = named_authors(entry)
    if authors:
        pairs.append(("rft.aulast", names.surname(authors[0])))
        pairs.append(("rft.aufirst", given(authors[0])))
    pairs += [("rft.au", inverted(person)) for person in authors]
    # urlencode(pairs, quote_via=quote, safe=":/"), without quoting the keys: they are
    # ASCII names that quoting leaves as they are.
    return "&".join(f"{key}={percent_encoded(value, safe=':/')}" for key, value in pairs if value)
