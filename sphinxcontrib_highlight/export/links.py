"""Links for an entry, as a journal's page shows them: Article, PubMed, Google Scholar.

URLs are built from the entry's fields with every part percent-encoded. The one URL taken
as written, an entry's ``url`` (the Article link of an entry without a DOI), is kept only
if it is http(s): anything else (``javascript:``, ``data:``, ``file:``) is dropped and
reported, so no field can smuggle a script into a page. No network is used: the Scholar
link is a lookup URL the reader's browser follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinxcontrib_highlight.bibliography.urls import doi_url as doi_link
from sphinxcontrib_highlight.bibliography.urls import percent_encoded, rejected, web_url
from sphinxcontrib_highlight.speed import per_content
from sphinxcontrib_highlight.styles import names
from sphinxcontrib_highlight.styles.base import Fields, content_key

if TYPE_CHECKING:
    from pybtex.database import Entry

PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
SCHOLAR_LOOKUP = "https://scholar.google.com/scholar_lookup?"

#: The label of each kind of link, as journal pages print them.
LABELS = {"doi": "Article", "pubmed": "PubMed", "scholar": "Google Scholar"}


@dataclass(frozen=True)
class Link:
    """One link of a reference: what it is, its text and its URL."""

    kind: str
    label: str
    url: str


def doi_url(entry: Entry) -> str | None:
    """``https://doi.org/<doi>`` for an entry with a plausible DOI (``10.<registrant>/...``)."""
    return doi_link(Fields(entry).doi())


def pubmed_url(entry: Entry) -> str | None:
    """The PubMed page of an entry whose ``pmid`` is a number."""
    pmid = entry.fields.get("pmid", "").strip()
    return f"{PUBMED}{pmid}/" if pmid.isascii() and pmid.isdigit() else None


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
    # urlencode(query), each value through quote_plus; the keys need no quoting.
    return SCHOLAR_LOOKUP + "&".join(
        f"{name}={percent_encoded(value, safe='', plus=True)}" for name, value in query.items()
    )


def article_url(entry: Entry) -> tuple[str | None, str | None]:
    """The Article link: the DOI, else the entry's own ``url`` if it is http(s).

    Returns the URL and, when a field had to be dropped, why (for a warning).
    """
    url = doi_url(entry)
    if url:
        return url, None
    doi = Fields(entry).doi()
    problem = (
        f"entry {entry.key!r}: doi {doi!r} is not a DOI (10.<registrant>/<suffix>); no link"
        if doi else None
    )
    written = entry.fields.get("url", "").strip()
    if written:
        url = web_url(written)
        if url:
            return url, problem
        problem = rejected(entry.key, written)
    return None, problem


def entry_links(entry: Entry, kinds: tuple[str, ...]) -> tuple[list[Link], list[str]]:
    """The links of ``kinds`` that the entry has data for, in the order asked.

    Also returns, for each field that could not become a link, why, so the caller can warn
    at the directive's location.
    """
    by_kind = links_by_kind(entry)
    found = [by_kind[kind] for kind in kinds if kind in by_kind]
    return (
        [link for link, _ in found if link is not None],
        [problem for _, problems in found for problem in problems],
    )


@per_content(content_key, packed=True)
def links_by_kind(entry: Entry) -> dict[str, tuple[Link | None, tuple[str, ...]]]:
    """Every kind of link of an entry, made once per content: each list that shows it
    asks again, and a later page shows it as a new object."""
    result: dict[str, tuple[Link | None, tuple[str, ...]]] = {}
    for kind, label in LABELS.items():
        problems: list[str] = []
        if kind == "doi":
            url, problem = article_url(entry)
            if problem:
                problems.append(problem)
        elif kind == "pubmed":
            url = pubmed_url(entry)
            pmid = entry.fields.get("pmid", "").strip()
            if pmid and not url:
                problems.append(f"entry {entry.key!r}: pmid {pmid!r} is not a number; no PubMed link")
        else:
            url = scholar_url(entry)
        result[kind] = (Link(kind, label, url) if url else None, tuple(problems))
    return result
