"""Rendering elements: text, group, choose, label, number, macros, layouts.

``render(element, ctx)`` turns one compiled style element into a rich-text node (or
None when it renders nothing). Names, dates and numbers have their own modules, and
the steps after an element's content (``decorate``) theirs; this one holds the
dispatcher, the render context, the cite record, and group suppression: the context
counts variables called and printed, so a group (or macro) whose variables all came
out empty prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import conditions, dates, names, numbers
from .decorate import decorate
from .formatted import Node, Text, join, leaves, parse_markup, unescape
from .variables import NUMBER_VARIABLES

if TYPE_CHECKING:
    from .locale import Locale
    from .names import RenderedNames
    from .style import Context, Element, SortKey, Style

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
    #: A position the caller asserts (0 first ... 3 ibid-with-locator), kept as given.
    fixed_position: int | None = None
    position: int = POSITION_FIRST
    near_note: bool = False
    note_number: int | None = None
    first_reference_note_number: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cite:
        locator = data.get("locator")
        label = data.get("label")
        return cls(
            id=str(data["id"]),
            locator=None if locator in (None, "") else str(locator),
            # CSL 1.0 spelt the label "sub verbo"; the term is "sub-verbo" now.
            label="sub-verbo" if label == "sub verbo" else label,
            prefix=data.get("prefix"),
            suffix=data.get("suffix"),
            suppress_author=bool(data.get("suppress-author")),
            fixed_position=data.get("position"),
        )


@dataclass
class Disambiguation:
    """What disambiguation decided for one item (or one cite)."""

    et_al_use_first: int | None = None
    givenname_level: int = 0
    name_levels: dict[int, int] = field(default_factory=dict)
    year_suffix: int | None = None
    #: How many of the style's ``disambiguate`` tests (in rendering order) are true:
    #: citeproc-js turns them on one at a time until the cites differ.
    disambiguate: int = 0


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
        sorting: SortKey | None = None,
        abbreviations: dict[str, dict[str, str]] | None = None,
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
        #: Short forms by variable, for ``form="short"`` when the item has none.
        self.abbreviations = abbreviations or {}
        #: Variables already printed by a substitution: empty for the rest of the entry.
        self.suppressed: set[str] = set()
        #: Variables asked for, and printed, so far (group suppression compares them).
        self.called = 0
        self.rendered = 0
        #: Item variables read so far (what a substitution used).
        self.touched: set[str] = set()
        #: How deep in ``<substitute>`` rendering is (names print once there).
        self.in_substitute = 0
        #: The ``<names>`` elements being substituted for, innermost last (what a
        #: ``<names>`` within the substitution inherits).
        self.substituted_for: list[Element] = []
        #: The first names the entry rendered (``subsequent-author-substitute``).
        self.names_record: RenderedNames | None = None
        self.year_suffix_done = False
        #: Set for a cite whose author is printed elsewhere (suppress-author, collapsing).
        self.suppress_first_names = False
        #: ``disambiguate`` tests met so far in this rendering.
        self.disambiguate_tests = 0
        self.style_renders_year_suffix = True

    def implicit_year_suffix(self) -> str:
        """The year-suffix letters for the first year or label, when the style never
        prints the year-suffix variable itself (citeproc-js adds them there)."""
        suffix = self.disambiguation.year_suffix
        if not suffix or self.style_renders_year_suffix or self.year_suffix_done:
            return ""
        self.year_suffix_done = True
        return numbers.letters(suffix)

    def is_page(self, variable: str) -> bool:
        """Whether a variable holds pages (the page, or a locator labelled page)."""
        if variable == "page":
            return True
        return (
            variable == "locator"
            and self.cite is not None
            and (self.cite.label or "page") == "page"
        )

    # ------------------------------------------------------------ variable lookup

    def value(self, name: str, *, testing: bool = False) -> Any:
        """A variable's value for this cite, None when empty or suppressed; the
        variables the document decides (locator, numbers, suffixes) come from it.

        ``testing``: an ``<if>`` only looks at it. As in citeproc-js, a test sees a
        variable a substitution has printed (APA's "(Ed.)" in place of a container
        author still makes a book chapter an edited one), and a substitution that tests
        a variable without printing it leaves the variable to the rest of the entry."""
        if name in self.suppressed and not testing:
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
        if not testing:
            self.touched.add(name)
        return value

    def _citation_label(self) -> str | None:
        """citeproc-js's default trigraph label: "Asth00", "BrCh98", "DEFG26"."""
        authors = self.item.get("author") or self.item.get("editor") or []
        issued = self.item.get("issued") or {}
        parts = issued.get("date-parts") if isinstance(issued, dict) else None
        year = str(parts[0][0])[-2:] if parts and parts[0] else ""
        if not authors:
            return None
        parsed = [names.normalise_name(a) for a in authors]
        families = [a.get("family") or a.get("literal") or "" for a in parsed]
        if len(families) == 1:
            stem = families[0][:4]
        elif len(families) <= 3:
            stem = "".join(f[:2] for f in families)
        else:
            stem = "".join(f[:1] for f in families[:4])
        return stem + year

    @property
    def language(self) -> str:
        """The item's language, else the locale's: what text-case follows."""
        language = self.item.get("language")
        return str(language) if language else self.locale.lang or "en"


# ---------------------------------------------------------------- the shared pipeline


def render_children(element: Element, ctx: RenderContext, delimiter: str = "") -> Node | None:
    rendered: list[Node | None] = []
    _render_children_into(element, ctx, rendered)
    return join(rendered, delimiter)


def _render_children_into(element: Element, ctx: RenderContext, out: list[Node | None]) -> None:
    """Each child rendered, in order; a ``choose`` gives the children of its chosen
    branch one by one, so the enclosing group puts its delimiter between them, as
    citeproc-js does (APA's ``<group delimiter=" "><choose><if>…<number/><label/>``
    prints "5th ed.")."""
    for child in element.children:
        if child.tag == "choose":
            branch = _chosen_branch(child, ctx)
            if branch is not None:
                _render_children_into(branch, ctx, out)
        else:
            handler = _HANDLERS.get(child.tag)  # render(), without a call more per child
            out.append(handler(child, ctx) if handler else None)


def _chosen_branch(element: Element, ctx: RenderContext) -> Element | None:
    for branch in element.children:
        if branch.tag == "else" or conditions.test(branch, ctx):
            return branch
    return None


def render(element: Element, ctx: RenderContext) -> Node | None:
    handler = _HANDLERS.get(element.tag)
    return handler(element, ctx) if handler else None


def render_layout(layout: Element, ctx: RenderContext) -> Node | None:
    """A layout's children without its affixes and delimiter (the caller owns those)."""
    return render_children(layout, ctx)


def _text(element: Element, ctx: RenderContext) -> Node | None:
    if "variable" in element.attrs:
        return decorate(
            element, text_variable(element.attrs["variable"], element.get("form", "long"), ctx), ctx
        )
    if "macro" in element.attrs:
        macro = ctx.style.macros.get(element.attrs["macro"])
        if macro is None:
            return None
        called, rendered = ctx.called, ctx.rendered
        content = render_children(macro, ctx)
        if ctx.called > called and ctx.rendered == rendered:
            return None  # citeproc-js: a macro whose variables are all empty is empty
        node = decorate(element, content, ctx)
        if node is not None:
            ctx.rendered += 1  # and one that prints counts as content, like a group
        return node
    if "term" in element.attrs:
        term = ctx.locale.term_text(
            element.attrs["term"], element.get("form", "long"), element.get("plural") == "true"
        )
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
    """A variable's value as rich text, counted for group suppression (except the
    year-suffix, which citeproc-js never lets empty a group)."""
    if variable != "year-suffix":
        ctx.called += 1
    value = None
    if form == "short":
        value = ctx.value(variable + "-short")
    if value is None:
        value = ctx.value(variable)
        if form == "short" and isinstance(value, str):
            value = ctx.abbreviations.get(variable, {}).get(value, value)
    if value is None:
        return None
    ctx.rendered += 1
    if ctx.is_page(variable):
        return numbers.page_range(unescape(str(value)), ctx)
    if variable in NUMBER_VARIABLES and numbers.is_numeric(str(value)):
        # Numbers print their ranges with en dashes ("3–4") even through <text>.
        return numbers.render_number(str(value), "numeric", variable, ctx, through_text=True)
    if variable == "citation-label":
        return Text(str(value) + ctx.implicit_year_suffix())
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
    node = decorate(element, content, ctx)
    if node is not None:
        # citeproc-js: a nested group that prints counts as content for its parent.
        ctx.rendered += 1
    return node


def _choose(element: Element, ctx: RenderContext) -> Node | None:
    branch = _chosen_branch(element, ctx)
    return render_children(branch, ctx) if branch is not None else None


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
        plural = numbers.is_plural(str(value), ctx.locale.term_text("and"))
    term = ctx.locale.term_text(term_name, form, plural)
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
    return decorate(
        element,
        numbers.render_number(str(value), element.get("form", "numeric"), variable, ctx),
        ctx,
    )


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
