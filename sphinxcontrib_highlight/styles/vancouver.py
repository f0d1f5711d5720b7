"""``vancouver``: the NLM / ICMJE reference form used by most biomedical journals.

::

    Finnerup NB, Kuner R, Jensen TS. Neuropathic pain: From mechanisms to treatment.
    Physiol Rev. 2021;101(1):259-301.

Up to six authors, then ``et al.``; the title as written; the NLM abbreviation without
internal periods; ``Year;Volume(Issue):pages.`` with a hyphen in page ranges, as NLM prints.
"""

from __future__ import annotations

from pybtex.richtext import Text

from sphinxcontrib_highlight.styles.base import Fields, edition, join, sentence
from sphinxcontrib_highlight.styles.neurosci_bull import (
    NeurosciBullStyle,
    eprint,
    repository,
    url,
)
from sphinxcontrib_highlight.styles.terms import term


def nlm_pages(f: Fields) -> Text | None:
    """Pages with NLM's hyphen for a range (``259-301``)."""
    pages = f.plain("pages", "eid")
    return Text(pages.replace("–", "-").replace("—", "-")) if pages else None


class VancouverStyle(NeurosciBullStyle):
    """NLM's *Citing Medicine* forms; names as Neuroscience Bulletin prints them."""

    def place_publisher_year(self, f: Fields, *publisher_fields: str) -> Text:
        return sentence(
            join(self.place_publisher(f, *publisher_fields), f.year(), sep="; ")
        )

    def format_article(self, f: Fields) -> Text:
        volume = join(f.text("volume"), join(Text("("), f.text("number", "issue"), Text(")"))
                      if f.text("number", "issue") else None)
        issue_pages = join(volume, nlm_pages(f), sep=":")
        return join(
            sentence(self.authors(f)),
            sentence(f.text("title", required=True)),
            sentence(self.journal(f)),
            sentence(join(f.year(), issue_pages, sep=";")),
            sep=" ",
        )

    def format_book(self, f: Fields) -> Text:
        return join(
            sentence(self.authors(f)),
            sentence(f.text("title", required=True)),
            sentence(edition(f)),
            self.place_publisher_year(f, "publisher", "organization"),
            sep=" ",
        )

    def format_incollection(self, f: Fields) -> Text:
        pages = nlm_pages(f)
        return join(
            sentence(self.authors(f)),
            sentence(f.text("title", required=True)),
            Text(f"{term('In')}:"),
            sentence(self.editors(f)),
            sentence(f.text("booktitle", required=True)),
            self.place_publisher_year(f, "publisher", "organization"),
            sentence(Text("p. ", pages)) if pages else None,
            sep=" ",
        )

    format_inproceedings = format_incollection

    def thesis(self, f: Fields, kind: str) -> Text:
        return join(
            sentence(self.authors(f)),
            sentence(join(f.text("title", required=True), Text(f"[{kind.lower()}]"), sep=" ")),
            self.place_publisher_year(f, "school", "institution"),
            sep=" ",
        )

    def format_techreport(self, f: Fields) -> Text:
        number = f.plain("number")
        return join(
            sentence(self.authors(f)),
            sentence(f.text("title", required=True)),
            self.place_publisher_year(f, "institution", "publisher"),
            sentence(f"{term('Report No.')}: {number}" if number else None),
            sep=" ",
        )

    def format_preprint(self, f: Fields) -> Text:
        return join(
            sentence(self.authors(f)),
            sentence(join(f.text("title", required=True), Text(f"[{term('Preprint')}]"), sep=" ")),
            sentence(repository(f)),
            sentence(join(f.year(), eprint(f), sep=". ")),
            sep=" ",
        )

    def format_misc(self, f: Fields) -> Text:
        link = url(f)
        return join(
            sentence(self.authors(f, required=False)),
            sentence(f.text("title", required=True)),
            self.place_publisher_year(f, "howpublished", "publisher", "organization")
            if f.value("year") or f.value("date") else None,
            join(Text(f"{term('Available from')}: "), link) if link else None,
            sep=" ",
        )

    def format_online(self, f: Fields) -> Text:
        link = url(f, required=True)
        return join(
            sentence(self.authors(f, required=False)),
            sentence(join(f.text("title", required=True), Text("[Internet]"), sep=" ")),
            sentence(join(f.text("organization", "publisher"), f.year(required=False), sep="; ")),
            join(Text(f"{term('Available from')}: "), link) if link else None,
            sep=" ",
        )
