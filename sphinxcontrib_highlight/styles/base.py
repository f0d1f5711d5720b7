"""The base of the extension's styles: pybtex formatting styles that report what is missing.

A style here is a real pybtex formatting style (``pybtex.style.formatting``), so pybtex and
sphinxcontrib-bibtex can use it. On top of pybtex's interface it offers
:meth:`HighlightStyle.render`, which also says which fields were missing and whether the
entry type had to fall back to a generic form, so the extension can warn without stopping.

Styles compose their text from :class:`Fields`, a view of one entry that decodes LaTeX,
strips braces, never changes case, and notes each required field that is absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pybtex.richtext import Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle

from sphinxcontrib_highlight.bibliography.latex import (
    InvalidLatexError,
    latex_text,
    plain_text,
    strict_latex_text,
    strict_plain_text,
)
from sphinxcontrib_highlight.speed import per_entry
from sphinxcontrib_highlight.styles import names
from sphinxcontrib_highlight.styles.terms import term

if TYPE_CHECKING:
    from pybtex.database import Entry, Person

#: Entry types every style here formats; others fall back to :meth:`format_generic`.
ENTRY_TYPES = (
    "article",
    "book",
    "incollection",
    "inproceedings",
    "phdthesis",
    "mastersthesis",
    "techreport",
    "misc",
    "online",
    "preprint",
)

#: Types that are another type under an older or a biblatex name.
TYPE_ALIASES = {
    "conference": "inproceedings",
    "inbook": "incollection",
    "thesis": "phdthesis",
    "report": "techreport",
    "electronic": "online",
    "www": "online",
    "unpublished": "misc",
    "booklet": "book",
    "manual": "book",
    "proceedings": "book",
    "collection": "book",
    "mvbook": "book",
}


@per_entry
def stripped_fields(entry: Entry) -> dict[str, str]:
    """An entry's fields by lower-cased name, stripped: a style, the links, COinS, RIS and
    CSL-JSON each ask for dozens of fields, most of them absent, and pybtex's
    case-insensitive mapping answers an absent one by raising and catching ``KeyError``."""
    return {name.lower(): value.strip() for name, value in entry.fields.items()}


@dataclass
class Fields:
    """One entry's fields as rich text, noting the required ones that are missing."""

    entry: Entry
    missing: list[str] = field(default_factory=list)
    rejected_urls: list[str] = field(default_factory=list)
    invalid_latex: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._values = stripped_fields(self.entry)

    def value(self, name: str) -> str:
        """The field's value as written, stripped ('' if the entry has none)."""
        return self._values.get(name.lower(), "")

    def text(self, *names_: str, required: bool = False) -> Text | None:
        """The first present field among ``names_`` as rich text."""
        for name in names_:
            value = self.value(name)
            if value:
                try:
                    return strict_latex_text(value)
                except InvalidLatexError as error:
                    self.invalid_latex.append(f"{name} ({error})")
                    return latex_text(value)
        if required:
            self.missing.append(names_[0])
        return None

    def plain(self, *names_: str, required: bool = False) -> str:
        """The first present field among ``names_`` as plain text ('' if none)."""
        for name in names_:
            raw = self.value(name)
            if raw:
                try:
                    return strict_plain_text(raw)
                except InvalidLatexError:
                    break  # self.text records the problem and falls back
        value = self.text(*names_, required=required)
        return plain_text(value) if value is not None else ""

    def year(self, required: bool = True) -> str:
        """The year, from ``year`` or the start of a biblatex ``date``."""
        year = self.plain("year")
        if not year:
            year = self.plain("date")[:4]
        if not year and required:
            self.missing.append("year")
        return year

    def persons(self, role: str, required: bool = False) -> list[Person]:
        """The people in ``role`` (author, editor), ``and others`` included."""
        people = list(self.entry.persons.get(role, []))
        if not people and required:
            self.missing.append(role)
        return people

    def pages(self) -> Text | None:
        """The page range or article number as the data writes it (``--`` is an en dash)."""
        return self.text("pages", "eid")

    def doi(self) -> str:
        """The DOI without a resolver prefix."""
        doi = self.value("doi")
        for prefix in ("https://doi.org/", "http://doi.org/", "http://dx.doi.org/", "doi:"):
            if doi.lower().startswith(prefix):
                return doi[len(prefix) :]
        return doi


@dataclass(frozen=True)
class Rendered:
    """A formatted entry with what the formatter had to work around."""

    text: Text
    missing_fields: tuple[str, ...] = ()
    unknown_type: str | None = None
    rejected_urls: tuple[str, ...] = ()
    """URLs left out because they are not http(s), such as ``javascript:``."""
    invalid_latex: tuple[str, ...] = ()
    """Fields printed as plain text because they are not valid LaTeX."""


def edition(f: Fields) -> str | None:
    """``5th ed.`` for a numeric edition; a written one (``Revised``) as it is."""
    value = f.plain("edition")
    if not value:
        return None
    if value.isdigit():
        number = int(value)
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix} {term('ed.')}"
    return value


def join(*parts: Text | str | None, sep: str = "") -> Text:
    """Join the parts that are present (as ``Text(sep).join``, which first wraps ``sep``
    in a Text of its own that the result then takes apart again)."""
    joined: list[Text | str] = []
    for part in parts:
        if part:
            if joined and sep:
                joined.append(sep)
            joined.append(part)
    return Text(*joined)


def sentence(*parts: Text | str | None, sep: str = ", ") -> Text:
    """Join the parts that are present and end with a period (unless one is there)."""
    text = join(*parts, sep=sep)
    return text.add_period() if text else text


class HighlightStyle(BaseStyle):  # type: ignore[misc]
    """A pybtex formatting style whose entry forms are methods ``format_<type>``."""

    default_sorting_style = "none"
    default_label_style = "number"

    #: What pybtex's ``BaseStyle.__init__`` sets up: its name, label and sorting plugins.
    _PYBTEX_PLUGINS = frozenset({
        "name_style", "label_style", "sorting_style", "format_name", "format_labels",
        "sort", "abbreviate_names", "min_crossrefs",
    })

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Defer pybtex's plugin lookup until pybtex's own interface needs a plugin.

        ``BaseStyle.__init__`` finds three plugins through the installed packages' entry
        points, a tenth of a build that rewrites one page; :meth:`render` never uses
        them, and pybtex's ``format_entries`` (sphinxcontrib-bibtex calls it) gets them
        on first use through :meth:`__getattr__`.
        """
        self._plugin_arguments = (args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name not in HighlightStyle._PYBTEX_PLUGINS or "_plugin_arguments" not in vars(self):
            raise AttributeError(name)
        args, kwargs = self.__dict__.pop("_plugin_arguments")
        BaseStyle.__init__(self, *args, **kwargs)
        return getattr(self, name)

    def format_entry(self, label: str, entry: Entry, bib_data: Any = None) -> FormattedEntry:
        """pybtex's interface: the entry's text, missing fields rendered as absent."""
        return FormattedEntry(entry.key, self.render(entry).text, label)

    def render(self, entry: Entry) -> Rendered:
        """Format ``entry``, saying which fields were missing and if its type was unknown."""
        fields = Fields(entry)
        kind = TYPE_ALIASES.get(entry.type.lower(), entry.type.lower())
        formatter = getattr(self, f"format_{kind}", None) if kind in ENTRY_TYPES else None
        unknown = None if formatter else entry.type
        text = (formatter or self.format_generic)(fields)
        return Rendered(
            text,
            tuple(dict.fromkeys(fields.missing)),
            unknown,
            tuple(fields.rejected_urls),
            tuple(dict.fromkeys(fields.invalid_latex)),
        )

    # Each style defines format_<type> for ENTRY_TYPES; this is the fallback for the rest.
    def format_generic(self, f: Fields) -> Text:
        """Authors, title, where it appeared, year: whatever of them the entry has."""
        return join(
            sentence(self.authors(f, required=False)),
            sentence(f.text("title")),
            sentence(
                f.text("journal", "journaltitle", "booktitle", "howpublished", "publisher",
                       "institution", "school", "organization"),
                f.year(required=False),
            ),
            sep=" ",
        )

    def authors(self, f: Fields, required: bool = True) -> Text | None:
        """The author list (or the editors, for an edited book) in this style's form."""
        people = f.persons("author") or f.persons("editor")
        if not people:
            if required:
                f.missing.append("author")
            return None
        return Text(self.format_people(people))

    def format_people(self, people: list[Person]) -> str:
        """The printed list of ``people``; each style decides where ``et al.`` starts."""
        raise NotImplementedError


def split_others(people: list[Person]) -> tuple[list[Person], bool]:
    """The named people, and whether ``and others`` said there are more."""
    named = [person for person in people if not names.is_others(person)]
    return named, len(named) < len(people)
