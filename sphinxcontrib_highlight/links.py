"""Links for an entry: its DOI, PubMed record and a Google Scholar lookup.

URLs are built from the entry's fields with every part percent-encoded, and only http(s)
URLs are ever produced, so no field can smuggle a ``javascript:`` or ``data:`` link into
a page. No network is used: the Scholar link is a lookup URL the reader's browser follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from .styles import names
from .styles.base import Fields

if TYPE_CHECKING:
    from pybtex.database import Entry

DOI_RESOLVER = "https://doi.org/"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
SCHOLAR_LOOKUP = "https://scholar.google.com/scholar_lookup?"


@dataclass(frozen=True)
class Link:
    """One link of a reference: what it is, its text and its URL."""

    kind: str
    label: str
    url: str


def doi_url(entry: Entry) -> str | None:
    """``https://doi.org/<doi>`` for an entry with a plausible DOI (``10.<registrant>/...``)."""
    doi = Fields(entry).doi()
    if not doi.startswith("10.") or "/" not in doi:
        return None
    return DOI_RESOLVER + quote(doi, safe="/:;()._-")


def pubmed_url(entry: Entry) -> str | None:
    """The PubMed page of an entry whose ``pmid`` is a number."""
    pmid = entry.fields.get("pmid", "").strip()
    return f"{PUBMED}{pmid}/" if pmid.isdigit() else None


def scholar_url(entry: Entry) -> str | None:
    """A Google Scholar lookup by title, first author and year."""
    fields = Fields(entry)
    title = fields.plain("title")
    if not title:
        return None
    query = {"title": title}
    authors = [p for p in entry.persons.get("author", []) if not names.is_others(p)]
    if authors:
        query["author"] = names.full(authors[0])
    year = fields.year(required=False)
    if year:
        query["publication_year"] = year
    return SCHOLAR_LOOKUP + urlencode(query)


def entry_links(entry: Entry, kinds: tuple[str, ...]) -> list[Link]:
    """The links of ``kinds`` that the entry has data for, in the order asked."""
    makers = {
        "doi": (doi_url, None),
        "pubmed": (pubmed_url, "PubMed"),
        "scholar": (scholar_url, "Google Scholar"),
    }
    links = []
    for kind in kinds:
        make, label = makers[kind]
        url = make(entry)
        if url:
            links.append(Link(kind, label or url, url))
    return links
