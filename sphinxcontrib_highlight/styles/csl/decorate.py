"""The steps every CSL rendering element takes after producing its content.

Kept apart from ``render`` so that names, dates and numbers use the same steps without
importing the element dispatcher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .formatted import Node, Span, is_empty, with_affixes
from .textcase import apply_text_case, strip_periods

if TYPE_CHECKING:
    from .render import RenderContext
    from .style import Element


#: The variables whose title case depends on the item's language, as in citeproc-js:
#: the text fields that can be multilingual, and every title. A term, a label, a name
#: or a macro's output is title-cased whatever the item's language ("Ed." in a German
#: entry).
LANGUAGE_CASED_VARIABLES = frozenset({
    "event", "publisher", "publisher-place", "event-place", "authority", "genre", "medium",
    "country", "jurisdiction", "archive", "archive-place",
})


#: The elements whose strip-periods removes every period, as in citeproc-js; text keeps
#: those that join a word's parts ("Census.gov").
_EVERY_PERIOD = frozenset({"date", "date-part", "names", "name", "name-part"})


def _case_language(element: Element, ctx: RenderContext) -> str:
    """The language text-case="title" follows on this element (English applies it)."""
    if element.text_case != "title":
        return ctx.language
    variable = element.get("variable", "")
    if element.tag == "text" and (variable in LANGUAGE_CASED_VARIABLES or "title" in variable):
        return ctx.language
    return "en"


def decorate(
    element: Element,
    content: Node | None,
    ctx: RenderContext,
    *,
    prefix: bool = True,
    suffix: bool = True,
) -> Node | None:
    """Strip periods, text-case, formatting and quotes, affixes, display: the steps
    every rendering element takes in this order. A date range drops the affixes
    where its two halves meet (``prefix``/``suffix`` false)."""
    if content is None or is_empty(content):
        return None
    if element.strip_periods:
        strip_periods(content, every=element.tag in _EVERY_PERIOD)
    if element.text_case:
        apply_text_case(content, element.text_case, _case_language(element, ctx))
    if (element.strip_periods or element.text_case) and is_empty(content):
        return None  # nothing but periods, or a case change left nothing
    if element.formatting or element.quotes:
        content = Span([content], formatting=dict(element.formatting), quotes=element.quotes)
    content = with_affixes(
        content, element.prefix if prefix else "", element.suffix if suffix else ""
    )
    if element.display:
        content = Span([content], display=element.display)
    return content
