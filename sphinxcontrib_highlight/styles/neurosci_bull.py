"""``neurosci-bull``: the reference list of *Neuroscience Bulletin*, a Vancouver variant.

This is the form of the bundled highlight's list::

    Finnerup NB, Kuner R, Jensen TS. Neuropathic pain: From mechanisms to treatment.
    Physiol Rev 2021, 101: 259–301.

Up to six authors as ``Surname Initials``, then ``et al.``; the title as written; the
journal abbreviation without periods; ``Year, Volume: pages.``
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pybtex.richtext import HRef, Text

from sphinxcontrib_highlight.bibliography.latex import plain_text
from sphinxcontrib_highlight.bibliography.urls import web_url
from sphinxcontrib_highlight.styles import names
from sphinxcontrib_highlight.styles.base import (
    Fields,
    HighlightStyle,
    edition,
    join,
    sentence,
    split_others,
)
from sphinxcontrib_highlight.styles.terms import term

if TYPE_CHECKING:
    from pybtex.database import Person


class NeurosciBullStyle(HighlightStyle):
    """Neuroscience Bulletin's numbered reference list."""

    #: Authors named before ``et al.``.
    max_authors = 6

    def format_people(self, people: list[Person]) -> str:
        named, more = split_others(people)
        text = ", ".join(names.vancouver(person) for person in named[: self.max_authors])
        if more or len(named) > self.max_authors:
            text = f"{text}, {term('et al.')}" if text else term("et al.")
        return text

    def journal(self, f: Fields) -> Text | None:
        """The abbreviation without periods (NLM), else the full journal name."""
        abbreviation = f.plain("shortjournal", "journalabbrev", "journal-abbrev")
        if abbreviation:
            return Text(abbreviation.replace(".", ""))
        return f.text("journal", "journaltitle", required=True)

    def editors(self, f: Fields) -> Text | None:
        people = f.persons("editor")
        return Text(f"{self.format_people(people)}, {term('editors')}") if people else None

    def place_publisher(self, f: Fields, *publisher_fields: str) -> Text | None:
        return join(f.text("address", "location"), f.text(*publisher_fields), sep=": ")

    def format_article(self, f: Fields) -> Text:
        volume_pages = join(f.text("volume"), f.pages(), sep=": ")
        return join(
            sentence(self.authors(f)),
            sentence(f.text("title", required=True)),
            sentence(join(self.journal(f), f.year(), sep=" "), volume_pages),
            sep=" ",
        )

    def format_book(self, f: Fields) -> Text:
        return join(
            sentence(self.authors(f)),
            sentence(f.text("title", required=True)),
            sentence(edition(f)),
            sentence(self.place_publisher(f, "publisher", "organization"), f.year()),
            sep=" ",
        )

    def format_incollection(self, f: Fields) -> Text:
        where = join(self.place_publisher(f, "publisher", "organization"), f.year(), sep=", ")
        return join(
            sentence(self.authors(f)),
            sentence(f.text("title", required=True)),
            Text(f"{term('In')}:"),
            sentence(self.editors(f)),
            sentence(f.text("booktitle", required=True)),
            sentence(join(where, f.pages(), sep=": ")),
            sep=" ",
        )

    format_inproceedings = format_incollection

    def thesis(self, f: Fields, kind: str) -> Text:
        return join(
            sentence(self.authors(f)),
            sentence(join(f.text("title", required=True), Text(f"[{kind}]"), sep=" ")),
            sentence(self.place_publisher(f, "school", "institution"), f.year()),
            sep=" ",
        )

    def format_phdthesis(self, f: Fields) -> Text:
        return self.thesis(f, term("Dissertation"))

    def format_mastersthesis(self, f: Fields) -> Text:
        return self.thesis(f, term("Master's thesis"))

    def format_techreport(self, f: Fields) -> Text:
        number = f.plain("number")
        return join(
            sentence(self.authors(f)),
            sentence(f.text("title", required=True)),
            sentence(f"{term('Report')} {number}" if number else None),
            sentence(self.place_publisher(f, "institution", "publisher"), f.year()),
            sep=" ",
        )

    def format_misc(self, f: Fields) -> Text:
        published = f.text("howpublished", "publisher", "organization")
        return join(
            sentence(self.authors(f, required=False)),
            sentence(f.text("title", required=True)),
            sentence(published, f.year(required=False)),
            url(f, shown=published),
            sep=" ",
        )

    def format_online(self, f: Fields) -> Text:
        published = f.text("organization", "publisher", "howpublished")
        return join(
            sentence(self.authors(f, required=False)),
            sentence(f.text("title", required=True)),
            sentence(published, f.year(required=False)),
            url(f, required=True, shown=published),
            sep=" ",
        )

    def format_preprint(self, f: Fields) -> Text:
        return join(
            sentence(self.authors(f)),
            sentence(f.text("title", required=True)),
            sentence(join(repository(f), f.year(), sep=" "), eprint(f)),
            sep=" ",
        )


def repository(f: Fields) -> Text | None:
    """Where a preprint is posted: bioRxiv, arXiv, ..."""
    return f.text("journal", "journaltitle", "eprinttype", "archiveprefix", "publisher",
                  "howpublished", "organization", required=True)


def eprint(f: Fields) -> Text | None:
    identifier = f.plain("eprint")
    return Text(identifier) if identifier else None


def url(f: Fields, required: bool = False, shown: Text | None = None) -> Text | None:
    """The entry's URL as a link, when it is an http(s) URL that the text ``shown``
    before it (a ``howpublished = {\\url{...}}``) does not print already."""
    address = f.value("url")
    link = web_url(address)
    if link and shown is not None and link in plain_text(shown):
        return None
    if link:
        return Text(HRef(link, link))
    if address:
        f.rejected_urls.append(address)
    elif required:
        f.missing.append("url")
    return None
