"""The example style of the how-to "Choosing and writing a style", used for real.

The documentation renders the bundled highlight with it, so the example in the how-to
is code that runs, not a sketch. ``conf.py`` registers it, as the how-to tells a
project to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pybtex.richtext import Text

from sphinxcontrib_highlight.styles import names
from sphinxcontrib_highlight.styles.base import (
    Fields,
    HighlightStyle,
    join,
    sentence,
    split_others,
)

if TYPE_CHECKING:
    from pybtex.database import Person


class AuthorYearStyle(HighlightStyle):
    """Journal articles as ``Mogil, J. S. (2020). Title. Journal, 21, 353–365.``"""

    def format_people(self, people: list[Person]) -> str:
        named, more = split_others(people)
        printed = [names.apa(person) for person in named]
        if more:
            printed.append("et al.")
        if len(printed) > 1 and not more:
            return f"{', '.join(printed[:-1])}, & {printed[-1]}"
        return ", ".join(printed)

    def format_article(self, f: Fields) -> Text:
        year = f.year()
        return join(
            self.authors(f),
            Text(f"({year}).") if year else None,
            sentence(f.text("title", required=True)),
            sentence(
                f.text("journal", "journaltitle", required=True),
                f.text("volume"),
                f.pages(),
            ),
            sep=" ",
        )
