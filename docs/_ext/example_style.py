"""The example style of the how-to "Choosing and writing a style", registered for real.

The documentation renders the bundled highlight with it, so the example in the how-to
is code that runs, not a sketch. A project of your own would put the class in its
``conf.py`` (or in a package, registered with an entry point).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pybtex.plugin
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
    from sphinx.application import Sphinx


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


def setup(app: Sphinx) -> dict[str, bool]:
    pybtex.plugin.register_plugin("pybtex.style.formatting", "author-year", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
