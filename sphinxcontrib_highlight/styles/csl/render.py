"""Rendering elements: text, group, choose, label, number, macros, layouts.

``render(element, ctx)`` turns one compiled style element into a rich-text node (or
None when it renders nothing). Names, dates and numbers have their own modules; this
one holds the shared pipeline every rendering element goes through (content, then
strip-periods, text-case, formatting and quotes, affixes, display) and the group
suppression rule, counted on the context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import conditions, dates, names, numbers
from .formatted import Node, Span, Text, affixed, is_empty, join, leaves, parse_markup, plain
from .style import Element
from .textcase import apply_text_case, strip_periods
from .variables import DATE_VARIABLES, NAME_VARIABLES, NUMBER_VARIABLES

if TYPE_CHECKING:
    from .locale import Locale
    from .style import Context, Style

POSITION_FIRST, POSITION_SUBSEQUENT, POSITION_IBID, POSITION_IBID_WITH_LOCATOR = range(4)


@dataclass
class Cite:
    """One cite of an item in a citation, with what the document says about it."""

    id: str
    locator: str | None = None
    label: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    suppress_author: bool = False
    author_only: bool = False
    position: int = POSITION_FIRST
    near_note: bool = False
    note_number: int | None = None
    first_reference_note_number: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cite:
        locator = data.get("locator")
        return cls(
            id=str(data["id"]),
            locator=None if locator in (None, "") else str(locator),
            label=data.get("label"),
            prefix=data.get("prefix"),
            suffix=data.get("suffix"),
            suppress_author=bool(data.get("suppress-author")),
            author_only=bool(data.get("author-only")),
        )


@dataclass
class Disambiguation:
    """What disambiguation decided for one item (or one cite)."""

    et_al_use_first: int | None = None
    givenname_level: int = 0
    name_levels: dict[int, int] = field(default_factory=dict)
    year_suffix: int | None = None
    disambiguate: bool = False


class RenderContext:
    """Everything rendering one item needs: style, locale, item, cite, decisions."""

    def __init__(
        self,
        style: Style,
        locale: Locale,
        context: Context,
        item: dict[str, Any],
        cite: Cite | None = None,
        disambiguation: Disambiguation | None = None,
        citation_number: int | None = None,
        sorting: Any = None,
    ):
        self.style = style
        self.locale = locale
        self.context = context
        self.mode = context.name
        self.item = item
        self.cite = cite
        self.disambiguation = disambiguation or Disambiguation()
        self.citation_number = citation_number
        self.sorting = sorting
        self.suppressed: set[str] = set()
        self.called = 0
        self.rendered = 0
        self.touched: set[str] = set()
        self.in_substitute = 0
        #: The first names the entry rendered (``subsequent-author-substitute``).
        self.names_record: Any = None
        #: Every name list rendered, as plain strings (disambiguation compares them).
        self.rendered_names: list[tuple[str, list[str]]] = []
        self.year_suffix_done = False
        #: Set for a cite whose author is printed elsewhere (suppress-author, collapsing).
        self.suppress_first_names = False
        self.style_renders_year_suffix = True

    def record_names(self, variable: str, texts: list[str]) -> None:
        self.rendered_names.append((variable, texts))

    # ------------------------------------------------------------ variable lookup

    def value(self, name: str) -> Any:
        if name in self.suppressed:
            return None
        if name == "locator":
            return self.cite.locator if self.cite else None
        if name == "citation-number":
            return self.citation_number
        if name == "year-suffix":
            suffix = self.disambiguation.year_suffix
            return None if suffix is None else numbers.letters(suffix)
        if name == "first-reference-note-number":
            return self.cite.first_reference_note_number if self.cite else None
        if name == "citation-label":
            return self.item.get("citation-label") or self._citation_label()
        value = self.item.get(name)
        if value in (None, "", []):
            return None
        self.touched.add(name)
        return value

    def _citation_label(self) -> str | None:
        authors = self.item.get("author") or self.item.get("editor") or []
        issued = self.item.get("issued") or {}
        parts = issued.get("date-parts") if isinstance(issued, dict) else None
        year = str(parts[0][0])[-2:] if parts and parts[0] else ""
        if not authors:
            return None
        families = [a.get("family") or a.get("literal") or "" for a in authors]
        if len(families) == 1:
            stem = families[0][:4]
        elif len(families) <= 3:
            stem = "".join(f[:2] for f in families)
        else:
            stem = "".join(f[:1] for f in families[:4])
        return stem + year

    @property
    def english(self) -> bool:
        language = self.item.get("language")
        lang = (language or self.locale.lang or "en").lower()
        return lang.startswith("en") if language else (self.locale.lang or "en").lower().startswith("en")


# ---------------------------------------------------------------- the shared pipeline


def decorate(element: Element, content: Node | None, ctx: RenderContext, *, case: bool = True) -> Node | None:
    """Strip periods, text-case, formatting and quotes, affixes, display."""
    if is_empty(content):
        return None
    assert content is not None
    if element.strip_periods:
        strip_periods(content)
    if case and element.text_case:
        apply_text_case(content, element.text_case, ctx.english)
    if element.formatting or element.quotes:
        content = Span([content], formatting=dict(element.formatting), quotes=element.quotes)
    content = affixed(content, element.prefix, element.suffix)
    if element.display and content is not None:
        content = Span([content], display=element.display)
    return content


def render_children(element: Element, ctx: RenderContext, delimiter: str = "") -> Node | None:
    return join((render(child, ctx) for child in element.children), delimiter)


def render(element: Element, ctx: RenderContext) -> Node | None:
    handler = _HANDLERS.get(element.tag)
    return handler(element, ctx) if handler else None


def render_layout(layout: Element, ctx: RenderContext) -> Node | None:
    """A layout's children without its affixes and delimiter (the caller owns those)."""
    return render_children(layout, ctx)


def _text(element: Element, ctx: RenderContext) -> Node | None:
    if "variable" in element.attrs:
        return decorate(element, text_variable(element.attrs["variable"], element.get("form", "long"), ctx), ctx)
    if "macro" in element.attrs:
        macro = ctx.style.macros.get(element.attrs["macro"])
        if macro is None:
            return None
        return decorate(element, render_children(macro, ctx), ctx)
    if "term" in element.attrs:
        term = ctx.locale.term(element.attrs["term"], element.get("form", "long"), element.get("plural") == "true")
        if not term:
            return None
        node = parse_markup(term)
        for leaf, _ in leaves(node):
            leaf.from_term = True
        return decorate(element, node, ctx)
    if "value" in element.attrs:
        return decorate(element, parse_markup(element.attrs["value"]), ctx)
    return None


def text_variable(variable: str, form: str, ctx: RenderContext) -> Node | None:
    """A variable's value as rich text, counted for group suppression."""
    ctx.called += 1
    value = None
    if form == "short":
        value = ctx.value(variable + "-short")
        if value is None and variable == "title":
            value = ctx.value("shortTitle")
    if value is None:
        value = ctx.value(variable)
    if value is None:
        return None
    ctx.rendered += 1
    if variable == "page" or (variable == "locator" and ctx.cite and (ctx.cite.label or "page") == "page"):
        return numbers.page_range(str(value), ctx)
    if variable == "citation-label" and ctx.disambiguation.year_suffix and not ctx.style_renders_year_suffix:
        if not ctx.year_suffix_done:
            ctx.year_suffix_done = True
            return Text(str(value) + numbers.letters(ctx.disambiguation.year_suffix))
    if isinstance(value, (int, float)):
        return Text(str(value))
    if isinstance(value, str):
        if variable in ("URL", "DOI", "PMID", "PMCID"):
            return Text(value)
        return parse_markup(value)
    return None


def _group(element: Element, ctx: RenderContext) -> Node | None:
    """A group renders unless it called variables and every one of them was empty."""
    called, rendered = ctx.called, ctx.rendered
    content = render_children(element, ctx, element.delimiter)
    if ctx.called > called and ctx.rendered == rendered:
        return None
    return decorate(element, content, ctx)


def _choose(element: Element, ctx: RenderContext) -> Node | None:
    for branch in element.children:
        if branch.tag == "else" or conditions.test(branch, ctx):
            return render_children(branch, ctx)
    return None


def _label(element: Element, ctx: RenderContext) -> Node | None:
    variable = element.get("variable", "")
    form = element.get("form", "long")
    plural_rule = element.get("plural", "contextual")
    if variable == "locator":
        if not ctx.cite or not ctx.cite.locator:
            return None
        term_name = ctx.cite.label or "page"
        value: Any = ctx.cite.locator
    else:
        value = ctx.value(variable)
        if value is None:
            return None
        term_name = variable
    if plural_rule == "always":
        plural = True
    elif plural_rule == "never":
        plural = False
    elif variable in ("number-of-pages", "number-of-volumes"):
        plural = numbers.first_integer(str(value)) not in (None, 1)
    else:
        plural = numbers.is_plural(str(value))
    term = ctx.locale.term(term_name, form, plural)
    if not term:
        return None
    return decorate(element, Text(term), ctx)


def _number(element: Element, ctx: RenderContext) -> Node | None:
    variable = element.get("variable", "")
    ctx.called += 1
    value = ctx.value(variable)
    if value is None:
        return None
    ctx.rendered += 1
    return decorate(element, numbers.render_number(str(value), element.get("form", "numeric"), variable, ctx), ctx)


def _date(element: Element, ctx: RenderContext) -> Node | None:
    return dates.render_date(element, ctx)


def _names(element: Element, ctx: RenderContext) -> Node | None:
    return names.render_names(element, ctx)


_HANDLERS = {
    "text": _text,
    "group": _group,
    "choose": _choose,
    "label": _label,
    "number": _number,
    "date": _date,
    "names": _names,
}

__all__ = [
    "Cite",
    "Disambiguation",
    "RenderContext",
    "render",
    "render_layout",
    "decorate",
    "text_variable",
    "DATE_VARIABLES",
    "NAME_VARIABLES",
    "NUMBER_VARIABLES",
    "plain",
]
