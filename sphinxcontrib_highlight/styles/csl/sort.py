"""Sorting items (bibliography) and cites (citation) by a context's ``<sort>`` keys.

A key is a variable (names as a sort-order string, dates as a chronological string,
numbers as integers) or a macro rendered in sort mode. Empty values sort last whatever
the direction, as CSL requires.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING, Any

from . import dates, numbers
from .formatted import parse_markup, plain
from .names import name_sort_key
from .variables import DATE_VARIABLES, NAME_VARIABLES, NUMBER_VARIABLES

if TYPE_CHECKING:
    from collections.abc import Callable

    from .render import RenderContext
    from .style import SortKey


#: ASCII punctuation (Unicode category P*) as spaces: the whole of ``_fold`` for ASCII
#: text, which has no accents to drop, without looking at each character in Python.
_ASCII_PUNCTUATION_AS_SPACE = {
    code: " " for code in range(128) if unicodedata.category(chr(code)).startswith("P")
}


def _fold(text: str) -> str:
    """Case- and accent-insensitive; punctuation counts as a space."""
    if text.isascii():
        return " ".join(text.translate(_ASCII_PUNCTUATION_AS_SPACE).split()).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        " " if unicodedata.category(c).startswith("P") else c
        for c in decomposed
        if not unicodedata.combining(c)
    )
    return " ".join(kept.split()).lower()


def key_value(key: SortKey, ctx: RenderContext) -> Any:
    """One item's value for one key, or None when empty."""
    from .render import render_children

    ctx.sorting = key
    try:
        if key.variable:
            variable = key.variable
            value = ctx.value(variable)
            if value is None:
                return None
            if variable in NAME_VARIABLES:
                from .names import _et_al_limits, effective_options

                options = effective_options(None, ctx)
                shown, use_last = _et_al_limits(options, ctx, len(value))
                sorted_names = value[:shown] + (value[-1:] if use_last else [])
                return "\u0002".join(_fold(name_sort_key(n, ctx)) for n in sorted_names)
            if variable in DATE_VARIABLES:
                return dates.sort_key(value)
            if variable in NUMBER_VARIABLES:
                number = numbers.first_integer(str(value))
                return number if number is not None else _fold(str(value))
            return _fold(plain(parse_markup(str(value))))
        macro = ctx.style.macros.get(key.macro or "")
        if macro is None:
            return None
        node = render_children(macro, ctx)
        text = plain(node) if node is not None else ""
        if not text:
            return None
        if text.isdigit():
            return int(text)
        return _fold(text)
    finally:
        ctx.sorting = None


def _compare(a: Any, b: Any) -> int:
    if isinstance(a, int) and isinstance(b, int):
        return (a > b) - (a < b)
    first, second = str(a), str(b)
    return (first > second) - (first < second)


def sort_by_keys(
    entries: list[Any], keys: list[SortKey], make_context: Callable[[Any], RenderContext]
) -> list[Any]:
    """Entries sorted stably by the keys; ``make_context`` renders one entry.

    A key is rendered only when the keys before it tie, once per entry: most entries
    differ on the first (author), and later keys are often whole macros."""
    if not keys:
        return list(entries)
    values: dict[tuple[int, int], Any] = {}

    def value(entry: Any, index: int) -> Any:
        slot = (id(entry), index)
        if slot not in values:
            values[slot] = key_value(keys[index], make_context(entry))
        return values[slot]

    def compare(x: Any, y: Any) -> int:
        for index, key in enumerate(keys):
            a, b = value(x, index), value(y, index)
            if a is None and b is None:
                continue
            if a is None:
                return 1
            if b is None:
                return -1
            result = _compare(a, b)
            if result:
                return result if key.ascending else -result
        return 0

    return sorted(entries, key=functools.cmp_to_key(compare))
