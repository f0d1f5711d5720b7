"""``springer-nature``: the "Cite this article" line of a Springer Nature article page.

The bundled highlight's line::

    Yang, J., Xie, S., Zhu, S. et al. Specialized Microglia Resolve Neuropathic Pain in the
    Spinal Cord. Neurosci. Bull. 39, 173–175 (2023).

One author ``Smith, J.``; two ``Smith, J. & Doe, A.``; three ``Smith, J., Doe, A. & Lee, B.``;
more ``Smith, J., Doe, A., Lee, B. et al.``. The journal abbreviation as the data writes
it, then ``Volume, pages (Year).``. Other entry types follow Nature's reference forms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pybtex.richtext import Text

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


class SpringerNatureStyle(HighlightStyle):
    """Springer Nature's citation line and reference forms."""

    #: Authors named before ``et al.``.
    max_authors = 3

    def format_people(self, people: list[Person]) -> str:
        named, more = split_others(people)
        printed = [names.springer(person) for person in named]
        if more or len(printed) > self.max_authors:
            return " ".join(part for part in (", ".join(printed[: self.max_authors]), term("et al.")) if part)
        if len(printed) == 1:
            return printed[0]
        return f"{', '.join(printed[:-1])} & {printed[-1]}"

    def authors(self, f: Fields, required: bool = True) -> Text | None:
        """The authors, closed with a period (a corporate author has none of its own)."""
        people = super().authors(f, required)
        return people.add_period() if people else None

    def year_in_parentheses(self, f: Fields, *before: Text | str | None) -> Text:
        """``before... (Year).``: how Nature closes a reference."""
        year = f.year()
        return sentence(join(join(*before, sep=", "), f"({year})" if year else None, sep=" "))

    def format_article(self, f: Fields) -> Text:
        journal = f.text("shortjournal", "journalabbrev", "journal-abbrev", "journal",
                         "journaltitle", required=True)
        return join(
            self.authors(f),
            sentence(f.text("title", required=True)),
            self.year_in_parentheses(f, join(journal, f.text("volume"), sep=" "), f.pages()),
            sep=" ",
        )

    def format_book(self, f: Fields) -> Text:
        publisher = join(f.text("publisher", "organization"), f.year(), sep=", ")
        ed = edition(f)
        return join(
            self.authors(f),
            join(f.text("title", required=True), ed.replace(term("ed."), term("edn")) if ed else None,
                 Text(f"({publisher})") if publisher else None, sep=" ").add_period(),
            sep=" ",
        )

    def format_incollection(self, f: Fields) -> Text:
        editors = f.persons("editor")
        eds = f"({term('eds')} {self.format_people(editors)})" if editors else None
        publisher = join(f.text("publisher", "organization"), f.year(), sep=", ")
        return join(
            self.authors(f),
            sentence(f.text("title", required=True)),
            join(Text(term("In")), f.text("booktitle", required=True), eds, f.pages(),
                 Text(f"({publisher})") if publisher else None, sep=" ").add_period(),
            sep=" ",
        )

    format_inproceedings = format_incollection

    def format_phdthesis(self, f: Fields) -> Text:
        return join(
            self.authors(f),
            sentence(f.text("title", required=True)),
            self.year_in_parentheses(f, Text(term("PhD thesis")), f.text("school", "institution")),
            sep=" ",
        )

    def format_mastersthesis(self, f: Fields) -> Text:
        return join(
            self.authors(f),
            sentence(f.text("title", required=True)),
            self.year_in_parentheses(f, Text(term("Master's thesis")),
                                     f.text("school", "institution")),
            sep=" ",
        )

    def format_techreport(self, f: Fields) -> Text:
        number = f.plain("number")
        return join(
            self.authors(f),
            sentence(f.text("title", required=True)),
            self.year_in_parentheses(
                f, Text(f"{term('Report')} {number}") if number else None,
                f.text("institution", "publisher"),
            ),
            sep=" ",
        )

    def format_misc(self, f: Fields) -> Text:
        year = f.year(required=False)
        return join(
            self.authors(f, required=False),
            sentence(f.text("title", required=True)),
            sentence(join(f.text("howpublished", "publisher", "organization"), url(f),
                          f"({year})" if year else None, sep=" ")),
            sep=" ",
        )

    def format_online(self, f: Fields) -> Text:
        year = f.year(required=False)
        return join(
            self.authors(f, required=False),
            sentence(f.text("title", required=True)),
            sentence(join(f.text("organization", "publisher"), url(f, required=True),
                          f"({year})" if year else None, sep=" ")),
            sep=" ",
        )

    def format_preprint(self, f: Fields) -> Text:
        return join(
            self.authors(f),
            sentence(f.text("title", required=True)),
            self.year_in_parentheses(
                f, join(Text(term("Preprint at")), repository(f), sep=" "), eprint(f)
            ),
            sep=" ",
        )
