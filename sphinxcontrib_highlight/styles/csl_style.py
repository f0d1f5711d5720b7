"""CSL styles as pybtex formatting styles: one interface for every style the package runs.

The Sphinx side, the command line, pybtex and sphinxcontrib-bibtex all format entries
through pybtex's style interface (``format_entry``, and :meth:`render` for what had to be
worked around). A :class:`CslStyle` answers it by running a CSL style through the
package's own CSL engine (:mod:`sphinxcontrib_highlight.styles.csl`): each pybtex entry
becomes a CSL-JSON item (:mod:`sphinxcontrib_highlight.bibliography.to_csl`), the engine
renders the bibliography entry, and its rich text becomes pybtex rich text, which every
builder already knows how to write.

A list is rendered in one pass (:meth:`CslStyle.render_list`), so what CSL decides
across entries — year suffixes, subsequent-author substitution, citation numbers — comes
out as a reference manager prints it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from pybtex.richtext import HRef, String, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle

from sphinxcontrib_highlight.bibliography.latex import InvalidLatexError, strict_plain_text
from sphinxcontrib_highlight.bibliography.to_csl import csl_item, known_type
from sphinxcontrib_highlight.bibliography.urls import DOI_RESOLVER, doi_url, web_url
from sphinxcontrib_highlight.speed import per_entry
from sphinxcontrib_highlight.styles.base import Rendered
from sphinxcontrib_highlight.styles.csl import Processor, Style, catalog
from sphinxcontrib_highlight.styles.csl.formatted import serialised_tokens
from sphinxcontrib_highlight.styles.csl.render import Disambiguation
from sphinxcontrib_highlight.styles.list_form import list_form, without_label
from sphinxcontrib_highlight.styles.terms import current_locale

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from pybtex.database import Entry

    from sphinxcontrib_highlight.styles.csl.formatted import Node

    #: Finds an entry of the same bibliography by key (None if there is none).
    Lookup = Callable[[str], Entry | None]

#: The CSL engine's formatting, as the tags pybtex's rich text and its docutils backend
#: know (small caps is added by the Sphinx side's backend).
_TAGS = {
    "<i>": "em",
    "<b>": "strong",
    "<sup>": "sup",
    "<sub>": "sub",
    '<span style="font-variant:small-caps;">': "sc",
}

#: The block second-field-align sets a label in, as the engine's serialiser opens it.
_LEFT_MARGIN = '<div class="csl-left-margin">'

#: A URL inside rendered text (a DOI link, an item's URL), made a link, up to the next
#: space; :func:`_without_closing` takes back what follows it.
_URL = re.compile(r"https?://\S+")
#: What may close a URL's text without being part of it: sentence punctuation and quotes,
#: and a bracket it does not open itself. Many styles print ``<URL>`` or ``(URL)``; a
#: Wikipedia URL ``…/Pain_(medicine)`` and an old SICI DOI ``…<1661::AID-SIM968>3.0.CO;2-2``
#: keep their own.
_CLOSING = {")": "(", "]": "[", ">": "<"}
_SENTENCE_END = frozenset('.,;:!?"\u201d\u2019')

#: What an entry of each CSL type is not complete without, as the BibTeX fields a user
#: fills in: a style that prints one of these variables needs it. Everything else a
#: style prints (DOI, issue, pages) is optional, as reference managers treat it.
_NEEDED: dict[str, tuple[tuple[str, str], ...]] = {
    "article-journal": (("author", "author"), ("title", "title"),
                        ("container-title", "journal"), ("issued", "year")),
    "article-magazine": (("author", "author"), ("title", "title"),
                         ("container-title", "journal"), ("issued", "year")),
    "article-newspaper": (("author", "author"), ("title", "title"),
                          ("container-title", "journal"), ("issued", "year")),
    "book": (("author", "author"), ("title", "title"), ("issued", "year")),
    "chapter": (("author", "author"), ("title", "title"),
                ("container-title", "booktitle"), ("issued", "year")),
    "paper-conference": (("author", "author"), ("title", "title"),
                         ("container-title", "booktitle"), ("issued", "year")),
    "thesis": (("author", "author"), ("title", "title"), ("publisher", "school"),
               ("issued", "year")),
    "report": (("author", "author"), ("title", "title"), ("issued", "year")),
    "article": (("author", "author"), ("title", "title"), ("issued", "year")),
}
#: The CSL variable a BibTeX field becomes, where its name differs.
_VARIABLE_OF = {
    "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "series": "collection-title", "address": "publisher-place",
    "location": "publisher-place", "school": "publisher", "institution": "publisher",
    "organization": "publisher", "pages": "page", "number": "issue", "year": "issued",
    "date": "issued", "howpublished": "publisher", "doi": "DOI", "url": "URL",
}

#: Name variables a style prints in the author's place when there is no author.
_AUTHOR_STAND_INS = ("author", "editor", "translator", "collection-editor", "composer",
                     "director", "interviewer", "illustrator")


class CslStyle(BaseStyle):  # type: ignore[misc]
    """A CSL style, run by the package's CSL engine, behind pybtex's style interface."""

    #: The style's id or path, for subclasses that stand for one style (the house styles).
    csl_id: ClassVar[str] = ""

    default_sorting_style = "none"
    default_label_style = "number"

    def __init__(self, id_or_path: str = "", *, base_dir: Path | None = None, **kwargs: Any) -> None:
        """Find the style (``LookupError`` naming the closest ids if there is none)."""
        self._pybtex_arguments = kwargs
        source = catalog.find_style(id_or_path or self.csl_id, base_dir=base_dir)
        self.style_id = source.style_id
        self.origin = source.origin
        self.csl = _compiled(source.xml)
        self.printed = _printed_variables(source.xml)
        self.problems = style_problems(source.xml)
        #: How the style's reference list looks: its labels, indent and alignment.
        self.list_form = list_form(self.csl)
        #: Whether the style prints a field, by the field's name as written.
        self._prints_field: dict[str, bool] = {}

    def __getattr__(self, name: str) -> Any:
        # pybtex's plugins (sorting, labels) are set up only if pybtex's own interface asks.
        if name.startswith("_") or "_pybtex_arguments" not in vars(self):
            raise AttributeError(name)
        BaseStyle.__init__(self, **self.__dict__.pop("_pybtex_arguments"))
        return getattr(self, name)

    def format_entry(self, label: str, entry: Entry, bib_data: Any = None) -> FormattedEntry:
        """pybtex's interface: the entry's text."""
        return FormattedEntry(entry.key, self.render(entry).text, label)

    def format_entries(self, entries: Sequence[Entry]) -> list[FormattedEntry]:
        """pybtex's interface for a whole list (sphinxcontrib-bibtex calls it)."""
        rendered = self.render_list(list(entries))
        return [
            FormattedEntry(entry.key, result.text, str(number))
            for number, (entry, result) in enumerate(zip(entries, rendered, strict=True), 1)
        ]

    def render(self, entry: Entry, lookup: Lookup | None = None) -> Rendered:
        """The entry on its own, as the style's bibliography prints it."""
        return self.render_list([entry], lookup)[0]

    def render_list(
        self,
        entries: list[Entry],
        lookup: Lookup | None = None,
        *,
        year_suffixes: Mapping[str, int] | None = None,
    ) -> list[Rendered]:
        """Each entry as the style's bibliography prints it within this list, in the
        order given (citation numbers follow it).

        A ``@set`` prints its members (found with ``lookup``, by key) one after another,
        separated by semicolons, as biblatex prints a set; CSL has no sets.
        ``year_suffixes`` (1 is ``a``), by key, replace the list's own disambiguation:
        the Sphinx side decides them over the whole project's citations.
        """
        return [rendered for _, rendered in self._rendered(entries, lookup, year_suffixes)[0]]

    def bibliography(
        self, entries: list[Entry], lookup: Lookup | None = None
    ) -> list[tuple[Entry, Rendered]]:
        """The entries as the style's bibliography lists them: sorted by the style's
        ``<sort>`` (an author-date style's alphabetical order), else in the order given."""
        rendered, order = self._rendered(entries, lookup)
        return [rendered[index] for index in order]

    def _rendered(
        self,
        entries: list[Entry],
        lookup: Lookup | None,
        year_suffixes: Mapping[str, int] | None = None,
    ) -> tuple[list[tuple[Entry, Rendered]], list[int]]:
        """Each entry with its rendering, in the order given, and the order of their
        indexes in the style's bibliography."""
        parts = [self._items_of(entry, lookup) for entry in entries]
        items = [item for part in parts for item in part]
        locale = self.csl.default_locale or current_locale()
        processor = Processor(self.csl, items, locale=locale)
        if year_suffixes is not None:
            # A non-empty mapping stops the processor deciding for itself.
            processor.disambiguation = {
                item["id"]: Disambiguation(year_suffix=year_suffixes.get(item["id"]) or None)
                for item in items
            }
        marks = processor.quote_marks
        # Each entry becomes rich text as the engine gives it, so that the engine's trees
        # of a long list are never all alive at once (see bibliography_entries). The
        # label a numeric style starts an entry with is the list's to print (ListForm).
        form = self.list_form
        by_id: dict[str, Text] = {}
        for printed_entry in processor.bibliography_entries():
            text = rich_text(printed_entry.content, marks)
            number = processor.citation_numbers.get(printed_entry.id)
            if form.label is not None and form.label_in_entries and number is not None:
                text = without_label(text, form.label.text(number))
            by_id[printed_entry.id] = text
        results = []
        for entry, part in zip(entries, parts, strict=True):
            texts = [
                by_id[item["id"]] if item["id"] in by_id else rich_text(None, marks)
                for item in part
            ]
            text = Text(*_joined(texts)) if len(texts) > 1 else (texts[0] if texts else Text())
            missing = tuple(dict.fromkeys(name for item in part for name in self.missing(item)))
            known = known_type(entry.type)
            results.append((entry, Rendered(
                text, missing, None if known else entry.type,
                invalid_latex=self.invalid_latex(entry),
            )))
        position = {item_id: place for place, item_id in enumerate(by_id)}
        unplaced = len(by_id)
        order = sorted(
            range(len(entries)),
            key=lambda index: min(
                (position.get(item["id"], unplaced) for item in parts[index]), default=unplaced
            ),
        )
        return results, order

    def invalid_latex(self, entry: Entry) -> tuple[str, ...]:
        """Each field this style prints that is not valid LaTeX, as ``name (why)``: it is
        printed as the mapping could read it, and the user should know."""
        invalid = []
        prints = self._prints_field
        for name, value in entry.fields.items():
            printed = prints.get(name)
            if printed is None:
                lowered = name.lower()
                printed = prints[name] = _VARIABLE_OF.get(lowered, lowered) in self.printed
            if not printed:
                continue
            try:
                # Its plain text, not its rich text: the same check, and most fields
                # need no rich text to be read (see simple_plain_text); COinS, RIS and
                # the links ask for the plain text again.
                strict_plain_text(value)
            except InvalidLatexError as error:
                invalid.append(f"{name.lower()} ({error})")
        return tuple(invalid)

    @staticmethod
    def _items_of(entry: Entry, lookup: Lookup | None) -> list[dict[str, Any]]:
        """The CSL items that stand for ``entry``: its own, or its set's members'."""
        if entry.type.lower() != "set":
            item = entry_item(entry)
            if item.get("id") is None:  # an entry made in code, without a key
                item = {**item, "id": f"entry-{id(entry)}"}
            return [item]
        keys = [key.strip() for key in entry.fields.get("entryset", "").split(",")]
        members = [lookup(key) for key in keys if key] if lookup else []
        return [entry_item(member) for member in members if member is not None]

    def missing(self, item: dict[str, Any]) -> tuple[str, ...]:
        """The BibTeX fields the entry lacks that this style prints for its type."""
        lacking = []
        for variable, field_name in _NEEDED.get(item["type"], (("title", "title"),)):
            if variable not in self.printed:
                continue
            stand_ins = _AUTHOR_STAND_INS if variable == "author" else (variable,)
            if not any(item.get(name) for name in stand_ins):
                lacking.append(field_name)
        return tuple(lacking)


@per_entry
def entry_item(entry: Entry) -> dict[str, Any]:
    """The entry's CSL item, made once per entry: the page's text and its CSL-JSON
    download both need it, and the mapping costs half what rendering the entry does.
    The engine leaves the items it is given as they were (it normalises a copy)."""
    return csl_item(entry)


#: The elements CSL 1.0.2 defines; anything else in a style is a mistake the processor
#: passes over.
_CSL_ELEMENTS = frozenset({
    "style", "info", "author", "contributor", "category", "id", "issn", "eissn", "issnl",
    "link", "published", "rights", "summary", "title", "title-short", "updated", "name",
    "email", "uri", "locale", "terms", "term", "single", "multiple", "date", "date-part",
    "style-options", "macro", "citation", "bibliography", "sort", "key", "layout", "text",
    "number", "names", "et-al", "substitute", "label", "group", "choose", "if", "else-if",
    "else", "name-part", "institution", "institution-part",
})


@lru_cache(maxsize=32)
def style_problems(xml: str) -> tuple[tuple[int, str], ...]:
    """What in a style the processor cannot follow, by line: a macro used but never
    defined, an element CSL does not have, no ``<citation>``. The style still renders
    what it can, as citeproc-js does; these make the warnings that say why not all."""
    # Comments blanked out, their line breaks kept, so the lines still count true.
    xml = re.sub(r"<!--.*?-->", lambda comment: re.sub(r"[^\n]", " ", comment.group(0)),
                 xml, flags=re.DOTALL)
    defined = set(re.findall(r'<macro\b[^>]*\bname="([^"]*)"', xml))
    problems = [
        (_line(xml, match.start()), f"macro {match.group(1)!r} is not defined")
        for match in re.finditer(r'\bmacro="([^"]*)"', xml)
        if match.group(1) not in defined
    ]
    problems.extend(
        (_line(xml, match.start()), f"<{match.group(1)}> is not a CSL element")
        for match in re.finditer(r"<([A-Za-z][\w.-]*)", xml)
        if match.group(1) not in _CSL_ELEMENTS
    )
    if not re.search(r"<citation\b", xml):
        problems.append((1, "the style has no <citation>, which CSL requires"))
    return tuple(sorted(set(problems)))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@lru_cache(maxsize=32)
def _printed_variables(xml: str) -> frozenset[str]:
    """Every variable the style's XML names (``variable="author editor"`` gives both)."""
    return frozenset(
        name for group in re.findall(r'\bvariable="([^"]*)"', xml) for name in group.split()
    )


@lru_cache(maxsize=32)
def _compiled(xml: str) -> Style:
    """A style parsed and compiled once per process, however many builds use it."""
    return Style.parse(xml)


def _joined(texts: list[Text]) -> list[Text | str]:
    """Rich texts one after another, separated as biblatex separates a set's members."""
    joined: list[Text | str] = []
    for text in texts:
        if joined:
            joined.append("; ")
        joined.append(text)
    return joined


def rich_text(node: Node | None, marks: Any = None) -> Text:
    """The engine's output as pybtex rich text: italics, bold, small caps, super- and
    subscripts, and links for the URLs it prints. A left-margin block (second-field-align's
    label) is followed by a space, as citeproc-js's text output writes "[1] Author"."""
    stack: list[tuple[str, list[Any]]] = [("", [])]
    pending: list[str] = []  # text of adjacent tokens: a URL may span several

    for kind, value in serialised_tokens(node, marks):
        if kind == "text":
            pending.append(value)
            continue
        if pending:
            stack[-1][1].extend(_linked("".join(pending)))
            pending.clear()
        if kind == "open":
            stack.append((value, []))
            continue
        tag, children = stack.pop()
        if tag == _LEFT_MARGIN and children:
            children.append(String(" "))
        name = _TAGS.get(tag)
        stack[-1][1].append(
            _made(Tag, name, children) if name and children else _made(Text, None, children)
        )
    if pending:
        stack[-1][1].extend(_linked("".join(pending)))
    return _made(Text, None, stack[0][1])


def _made(cls: type[Any], name: str | None, children: list[Any]) -> Any:
    """``Text(*children)`` or ``Tag(name, *children)`` as pybtex makes them (empty parts
    dropped, texts unpacked, neighbours of one kind merged), for children that are
    pybtex rich texts already: the same object, made without pybtex's chain of
    generators, which cost a sixth of turning an entry into rich text."""
    parts: list[Any] = []
    kinds: list[Any] = []
    merge = False
    for child in children:
        if not child:  # pybtex drops empty parts
            continue
        for part in child.parts if type(child) is Text else (child,):
            kind = (String, ()) if type(part) is String else part._typeinfo()
            if kinds and kinds[-1] == kind:
                merge = True
            parts.append(part)
            kinds.append(kind)
    if merge:
        parts = _merged_similar(parts, kinds)
    made = object.__new__(cls)
    if name is not None:
        made.name = name
        made.info = (name,)
    made.parts = parts
    made.length = sum(len(part) for part in parts)
    return made


def _merged_similar(parts: list[Any], kinds: list[Any]) -> list[Any]:
    """Neighbouring parts of one kind merged, as pybtex's ``_merge_similar`` does."""
    merged: list[Any] = []
    start = 0
    for index in range(1, len(parts) + 1):
        if index < len(parts) and kinds[index] == kinds[start]:
            continue
        if index - start > 1:
            cls, info = kinds[start]
            merged.append(cls(*info, *(piece for part in parts[start:index] for piece in part.parts)))
        else:
            merged.append(parts[start])
        start = index
    return merged


def _without_closing(url: str) -> str:
    """``url`` without the punctuation after it that belongs to the sentence or to a
    bracket around it."""
    while url:
        last = url[-1]
        if last in _SENTENCE_END or (
            last in _CLOSING and url.count(_CLOSING[last]) < url.count(last)
        ):
            url = url[:-1]
        else:
            return url
    return url


def _linked(text: str) -> list[Any]:
    """Plain text with each http(s) URL in it made a link."""
    if "http" not in text:  # most text: no URL to look for
        return [String(text)] if text else []
    parts: list[Any] = []
    position = 0
    for match in _URL.finditer(text):
        written = _without_closing(match.group(0))
        url = web_url(written)
        if url is None:
            continue
        if match.start() > position:
            parts.append(String(text[position : match.start()]))
        # A DOI's link is the resolver's URL with the DOI percent-encoded, as the links
        # line makes it; any other URL links as written (the writers escape attributes).
        doi = url[len(DOI_RESOLVER):] if url.startswith(DOI_RESOLVER) else None
        target = (doi_url(doi) or url) if doi else url
        parts.append(HRef(target, String(written)))
        position = match.start() + len(written)
    if position < len(text):
        parts.append(String(text[position:]))
    return parts


__all__ = ["CslStyle", "entry_item", "rich_text"]
