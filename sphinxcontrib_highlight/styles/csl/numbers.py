"""Numbers: numeric detection, plurals, ordinals, roman numerals, page ranges."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .formatted import Node, Text, unescape

if TYPE_CHECKING:
    from .render import RenderContext

_NUMBER_TEXT = r"[A-Za-z]*\d+[A-Za-z]*"
_NUMERIC = re.compile(rf"^\s*{_NUMBER_TEXT}(?:\s*(?:[-\u2013,&]|and)\s*{_NUMBER_TEXT})*\s*$")
_PIECES = re.compile(r"(\s*(?:\\-|[-\u2013,&])\s*|\s+and\s+)")
_ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
#: A number with letters before or after it ("A12", "12b").
_AFFIXED_NUMBER = re.compile(r"([A-Za-z]*)(\d+)([A-Za-z]*)")
#: What separates the pages or numbers of a list: a comma or an ampersand.
_LIST_SEPARATOR = re.compile(r"(\s*[,&]\s*)")


def is_numeric(value: str) -> bool:
    """CSL's is-numeric: numbers with letter affixes, separated by - , or &."""
    return bool(_NUMERIC.match(value.replace("\\-", "-")))


_SLASHED = re.compile(r"^\s*\d+(?:/\d+)+\s*$")


def tests_numeric(value: str) -> bool:
    """The ``is-numeric`` condition: CSL's numbers, and numbers joined by slashes
    ("3/95", a paper's number in a year), which citeproc-js takes for one number."""
    return is_numeric(value) or bool(_SLASHED.match(value))


def first_integer(value: str) -> int | None:
    match = _DIGITS.search(value)
    return int(match.group()) if match else None


def is_plural(value: str, and_term: str | None = None) -> bool:
    """A value holds several numbers: a range, a list, or an "and" (also the
    locale's word for it)."""
    if and_term:
        value = re.sub(rf"\s+{re.escape(and_term)}\s+", " and ", value)
    tokens = [t for t in _PIECES.split(value) if t.strip()]
    numbers = [t for t in tokens if not _PIECES.fullmatch(t)]
    if len(numbers) < 2:
        return False
    if any(t.strip() == "\\-" for t in tokens):
        return False
    return all(_DIGITS.search(n) or _ROMAN.match(n.strip()) for n in numbers)


def letters(number: int) -> str:
    """Year-suffix letters: 1 -> a, 26 -> z, 27 -> aa."""
    out = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        out = chr(ord("a") + remainder) + out
    return out


def roman(number: int) -> str:
    if number <= 0 or number >= 4000:
        return str(number)
    table = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]
    out = ""
    for size, glyph in table:
        while number >= size:
            out += glyph
            number -= size
    return out


def format_integer(number: int, form: str, ctx: RenderContext, gender: str | None = None) -> str:
    if form == "ordinal":
        return f"{number}{ctx.locale.ordinal_suffix(number, gender)}"
    if form == "long-ordinal":
        word = ctx.locale.long_ordinal(number, gender)
        return word if word else f"{number}{ctx.locale.ordinal_suffix(number, gender)}"
    if form == "roman":
        return roman(number)
    return str(number)


def render_number(
    value: str, form: str, variable: str, ctx: RenderContext, *, through_text: bool = False
) -> Node:
    """A ``<number>``: each number in the value formatted, separators kept.

    ``through_text``: printed by ``<text variable>``, where citeproc-js turns only the
    last of several hyphens into a dash ("90-03-01" gives "90-03–01")."""
    value = unescape(value)
    if not is_numeric(value):
        return Text(value.replace("\\-", "-"))
    gender = ctx.locale.term_gender(variable) if variable else None
    if ctx.is_page(variable) and form == "numeric":
        return page_range(value, ctx)
    out = []
    tokens = [token for token in _PIECES.split(value) if token]
    dash = _range_delimiter(variable, ctx)
    for position, token in enumerate(tokens):
        if _PIECES.fullmatch(token):
            stripped = token.strip()
            later_hyphen = (
                through_text
                and position + 2 < len(tokens)
                and tokens[position + 2].strip() == "-"
            )
            if stripped in ("-", "\u2013") and (
                later_hyphen or _hyphen_kept(tokens, position)
            ):
                out.append(stripped)  # "SAND88-2955" is a name, not a range
            elif stripped == "-":
                out.append(dash)
            elif stripped == "\u2013":
                # An en dash the data writes stays one: citeproc-js gives a hyphen
                # only the locale's delimiter (AMA's "4(2–3)" keeps its dash).
                out.append(stripped)
            elif stripped == "\\-":
                out.append("-")
            elif stripped == ",":
                out.append(", ")
            elif stripped == "&":
                out.append(f" {ctx.locale.term_text('and', 'symbol') or '&'} ")
            else:
                out.append(f" {stripped} ")
            continue
        match = _AFFIXED_NUMBER.fullmatch(token.strip())
        if match and not match.group(1) and not match.group(3):
            digits = match.group(2)
            # A plain number keeps its digits as written ("99-02", "007"): citeproc-js
            # drops no leading zero.
            numeric = form not in ("ordinal", "long-ordinal", "roman")
            out.append(digits if numeric else format_integer(int(digits), form, ctx, gender))
        else:
            out.append(token.strip())
    return Text("".join(out))


#: The variables whose ranges take the locale's page-range delimiter (citeproc-js).
_PAGE_LIKE = frozenset({"locator", "issue", "volume", "edition", "number", "page"})


def _range_delimiter(variable: str, ctx: RenderContext) -> str:
    """The dash between the two numbers of a range: the locale's page-range delimiter
    for page-like numbers (AMA's is a hyphen), its year-range one for a collection
    number, else an en dash."""
    term = None
    if variable in _PAGE_LIKE:
        term = ctx.locale.term_text("page-range-delimiter")
    elif variable == "collection-number":
        term = ctx.locale.term_text("year-range-delimiter")
    return term or "\u2013"


def _letters_before(token: str) -> str:
    match = _AFFIXED_NUMBER.fullmatch(token.strip())
    return match.group(1) if match else token.strip()


def _capitals_after(token: str) -> bool:
    match = _AFFIXED_NUMBER.fullmatch(token.strip())
    return bool(match and match.group(3) and not match.group(3).islower())


def _hyphen_kept(tokens: list[str], position: int) -> bool:
    """Whether the hyphen joins two parts of one name, not a range: the numbers either
    side of it have different letters before them ("SAND88-2955", "TR93-1", "16-R1"),
    or capitals after ("12-574E", a catalogue number). citeproc-js then keeps the hyphen
    as written ("12a-14a" is a range)."""
    if position == 0 or position + 1 >= len(tokens):
        return False
    before, after = tokens[position - 1], tokens[position + 1]
    return (
        _letters_before(before) != _letters_before(after)
        or _capitals_after(before)
        or _capitals_after(after)
    )


# ---------------------------------------------------------------------- page ranges

_RANGE = re.compile(
    r"^([A-Za-z]*\d*[A-Za-z]+)?(\d+)\s*(?:\\?-|\u2013)+\s*([A-Za-z]*\d*[A-Za-z]+)?(\d+)$"
)


def page_range(value: str, ctx: RenderContext) -> Node:
    """A page value with each range written in the style's page-range-format."""
    style_format = ctx.style.option("page-range-format")
    delimiter = ctx.locale.term_text("page-range-delimiter") or "\u2013"
    parts = _LIST_SEPARATOR.split(value)
    out = []
    for part in parts:
        if _LIST_SEPARATOR.fullmatch(part):
            out.append(
                ", " if part.strip() == "," else f" {ctx.locale.term_text('and', 'symbol') or '&'} "
            )
            continue
        out.append(_one_range(part.strip(), style_format, delimiter))
    return Text("".join(out))


def _one_range(text: str, style_format: str | None, delimiter: str) -> str:
    if "\\-" in text:
        return text.replace("\\-", "-")
    match = _RANGE.match(text)
    if not match:
        roman_range = re.fullmatch(r"([ivxlcdm]+)\s*[-\u2013]\s*([ivxlcdm]+)", text, re.IGNORECASE)
        return f"{roman_range.group(1)}{delimiter}{roman_range.group(2)}" if roman_range else text
    prefix1, first, prefix2, second = (
        match.group(1) or "",
        match.group(2),
        match.group(3) or "",
        match.group(4),
    )
    if prefix2 and prefix2 != prefix1:
        return f"{prefix1}{first}-{prefix2}{second}"
    if not prefix2 and prefix1:
        return f"{prefix1}{first}-{second}"
    if style_format is None:
        return f"{prefix1}{first}{delimiter}{prefix2}{second}"
    if len(second) < len(first):
        second = first[: len(first) - len(second)] + second
    if int(second) < int(first):
        return f"{prefix1}{first}{delimiter}{prefix2}{match.group(4)}"
    # A range of one page stays whole, its prefix too ("980-980", "e97-e97"); a
    # formatted range names the prefix once ("C779-802"), but in the expanded format.
    # All as citeproc-js.
    if second == first:
        return f"{prefix1}{first}{delimiter}{prefix2}{second}"
    formatted = _format_second(first, second, style_format)
    return f"{prefix1}{first}{delimiter}{prefix2 if style_format == 'expanded' else ''}{formatted}"


def _minimal(first: str, second: str, keep: int) -> str:
    if len(first) != len(second):
        return second
    common = 0
    while common < len(first) and first[common] == second[common]:
        common += 1
    kept = second[common:]
    if len(kept) < keep:
        kept = second[-keep:] if len(second) >= keep else second
    return kept


def _format_second(first: str, second: str, style_format: str) -> str:
    if style_format == "expanded":
        return second
    if style_format == "minimal":
        return _minimal(first, second, 1)
    if style_format == "minimal-two":
        return _minimal(first, second, 2)
    if style_format in ("chicago", "chicago-15", "chicago-16"):
        number = int(first)
        if number < 100 or number % 100 == 0:
            return second
        if number % 100 < 10:
            return _minimal(first, second, 1)
        if style_format != "chicago-16" and len(first) == 4:
            changed = len(_minimal(first, second, 1))
            if changed >= 3:
                return second
        return _minimal(first, second, 2)
    return second
