"""``apa``: the reference list of the APA Publication Manual, 7th edition.

::

    Finnerup, N. B., Kuner, R., & Jensen, T. S. (2021). Neuropathic pain: From mechanisms
    to treatment. *Physiological Reviews*, *101*(1), 259–301.
    https://doi.org/10.1152/physrev.00045.2019

Up to 20 authors (the first 19, an ellipsis and the last beyond that), ``&`` before the
last; ``(n.d.)`` without a year; the full journal name and volume in italics; the DOI as
a link. Titles are printed as written: the data decides their case.

The pybtex-apa7-style package on PyPI was considered and not used: it installs top-level
packages named ``formatting``, ``labels`` and ``names`` (which shadow any other module of
those names), and it raises on a missing field instead of rendering what is there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pybtex.richtext import HRef, Tag, Text

from sphinxcontrib_highlight.bibliography.urls import doi_url
from sphinxcontrib_highlight.styles import names
from sphinxcontrib_highlight.styles.base import (
    Fields,
    HighlightStyle,
    edition,
    join,
    sentence,
    split_others,
)
from sphinxcontrib_highlight.styles.neurosci_bull import eprint, repository, url
from sphinxcontrib_highlight.styles.terms import term

if TYPE_CHECKING:
    from pybtex.database import Person


def italic(text: Text | str | None) -> Text | None:
    return Text(Tag("em", text)) if text else None


def and_list(items: list[str]) -> str:
    """``A``, ``A & B``, ``A, B, & C``: APA's serial comma before the ampersand."""
    if len(items) <= 2:
        return " & ".join(items)
    return f"{', '.join(items[:-1])}, & {items[-1]}"


class APAStyle(HighlightStyle):
    """APA 7 reference-list entries."""

    max_authors = 20

    def format_people(self, people: list[Person]) -> str:
        named, more = split_others(people)
        printed = [names.apa(person) for person in named]
        if len(printed) > self.max_authors:
            return f"{', '.join(printed[: self.max_authors - 1])}, . . . {printed[-1]}"
        if more:
            return f"{', '.join(printed)}, {term('et al.')}" if printed else term("et al.")
        if len(printed) == 2:
            return f"{printed[0]}, & {printed[1]}"
        return and_list(printed)

    def author_date(self, f: Fields) -> Text:
        """``Authors (Year).``; a work without authors starts with its title instead."""
        year = f.year(required=False) or term("n.d.")
        people = self.authors(f, required=False)
        return join(people.add_period() if people else None, Text(f"({year})."), sep=" ")

    def doi_or_url(self, f: Fields) -> Text | None:
        address = doi_url(f.doi())
        if address:
            return Text(HRef(address, address))
        return url(f)

    def format_article(self, f: Fields) -> Text:
        journal = f.text("journal", "journaltitle", "shortjournal", required=True)
        volume = f.text("volume")
        issue = f.text("number", "issue")
        volume_issue = join(italic(volume), Text("(", issue, ")") if issue else None)
        return join(
            self.author_date(f),
            sentence(f.text("title", required=True)),
            sentence(join(italic(journal), volume_issue, f.pages(), sep=", ")),
            self.doi_or_url(f),
            sep=" ",
        )

    def format_book(self, f: Fields) -> Text:
        ed = edition(f)
        return join(
            self.author_date(f),
            sentence(join(italic(f.text("title", required=True)),
                          Text(f"({ed})") if ed else None, sep=" ")),
            sentence(f.text("publisher", "organization")),
            self.doi_or_url(f),
            sep=" ",
        )

    def format_incollection(self, f: Fields) -> Text:
        editors = [p for p in f.persons("editor") if not names.is_others(p)]
        editor_text = None
        if editors:
            label = term("Eds.") if len(editors) > 1 else term("Ed.")
            editor_text = Text(f"{and_list([names.apa_editor(p) for p in editors])} ({label}),")
        pages = f.pages()
        book = join(italic(f.text("booktitle", required=True)),
                    Text("(pp. ", pages, ")") if pages else None, sep=" ")
        return join(
            self.author_date(f),
            sentence(f.text("title", required=True)),
            sentence(join(Text(term("In")), editor_text, book, sep=" ")),
            sentence(f.text("publisher", "organization")),
            self.doi_or_url(f),
            sep=" ",
        )

    format_inproceedings = format_incollection

    def thesis(self, f: Fields, kind: str) -> Text:
        school = f.text("school", "institution")
        return join(
            self.author_date(f),
            sentence(join(italic(f.text("title", required=True)),
                          Text("[", join(Text(kind), school, sep=", "), "]"), sep=" ")),
            self.doi_or_url(f),
            sep=" ",
        )

    def format_phdthesis(self, f: Fields) -> Text:
        return self.thesis(f, term("Doctoral dissertation"))

    def format_mastersthesis(self, f: Fields) -> Text:
        return self.thesis(f, term("Master's thesis"))

    def format_techreport(self, f: Fields) -> Text:
        number = f.plain("number")
        return join(
            self.author_date(f),
            sentence(join(italic(f.text("title", required=True)),
                          Text(f"({term('Report No.')} {number})") if number else None, sep=" ")),
            sentence(f.text("institution", "publisher")),
            self.doi_or_url(f),
            sep=" ",
        )

    def format_misc(self, f: Fields) -> Text:
        return join(
            self.author_date(f),
            sentence(italic(f.text("title", required=True))),
            sentence(f.text("howpublished", "publisher", "organization")),
            self.doi_or_url(f),
            sep=" ",
        )

    def format_online(self, f: Fields) -> Text:
        link = self.doi_or_url(f)
        if link is None:
            f.missing.append("url")
        return join(
            self.author_date(f),
            sentence(italic(f.text("title", required=True))),
            sentence(f.text("organization", "publisher")),
            link,
            sep=" ",
        )

    def format_preprint(self, f: Fields) -> Text:
        return join(
            self.author_date(f),
            sentence(join(italic(f.text("title", required=True)), Text(f"[{term('Preprint')}]"),
                          sep=" ")),
            sentence(join(repository(f), eprint(f), sep=" ")),
            self.doi_or_url(f),
            sep=" ",
        )
