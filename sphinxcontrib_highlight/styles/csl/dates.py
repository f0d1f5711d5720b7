"""Dates: CSL-JSON date values, date parts, localized formats, ranges, seasons, eras."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .decorate import decorate
from .formatted import Node, Span, Text, join, parse_markup
from .style import Element

if TYPE_CHECKING:
    from .render import RenderContext

PART_ORDER = ("year", "month", "day")


@dataclass
class DateValue:
    """One date or the start of a range: integers, zero when absent."""

    year: int = 0
    month: int = 0
    day: int = 0
    season: Any = None

    def get(self, part: str) -> int:
        return {"year": self.year, "month": self.month, "day": self.day}[part]


@dataclass
class ParsedDate:
    start: DateValue | None
    end: DateValue | None
    literal: str | None
    circa: bool


def _integer(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


def _date_value(parts: list[Any], season: Any = None) -> DateValue | None:
    if not parts:
        return None
    numbers = [_integer(p) for p in parts[:3]] + [0, 0, 0]
    if numbers[0] == 0 and not any(numbers[1:3]):
        return None
    month = numbers[1]
    if 13 <= month <= 24:
        season, month = (month - 13) % 4 + 1, 0
    elif month > 12 or month < 0:
        month = 0
    return DateValue(numbers[0], month, numbers[2] if month else 0, season)


_RAW = re.compile(
    r"^\s*(-?\d{1,4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?"
    # An ISO timestamp's time, which the date leaves out: Zotero's GitHub items note
    # "original-date: 2016-05-09T22:39:41Z", citeproc-js reads the day.
    r"(?:T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


def parse_date(value: Any) -> ParsedDate | None:
    """A CSL-JSON date (date-parts, raw or literal) as start, end and literal."""
    if isinstance(value, str):
        value = {"raw": value}
    if not isinstance(value, dict):
        return None
    circa = bool(value.get("circa"))
    parts = value.get("date-parts")
    if parts and isinstance(parts, list) and parts[0]:
        start = _date_value(parts[0], value.get("season"))
        end = None
        if len(parts) > 1 and start is not None:
            # An empty or zero second date is an open range ("1987–").
            end = _date_value(parts[1]) if parts[1] else None
            end = end or DateValue()
            if (end.year, end.month, end.day, end.season) == (
                start.year,
                start.month,
                start.day,
                start.season,
            ):
                end = None
        if start is None and not value.get("literal"):
            return None
        return ParsedDate(start, end, value.get("literal") if start is None else None, circa)
    if value.get("literal"):
        return ParsedDate(None, None, str(value["literal"]), circa)
    raw = value.get("raw")
    if raw:
        pieces = str(raw).split("/")
        values = []
        for piece in pieces[:2]:
            match = _RAW.match(piece)
            if not match:
                return ParsedDate(None, None, str(raw), circa)
            values.append(
                _date_value(
                    [match.group(1), match.group(2) or 0, match.group(3) or 0], value.get("season")
                )
            )
        return ParsedDate(values[0], values[1] if len(values) > 1 else None, None, circa)
    if value.get("season") and value.get("year"):
        return ParsedDate(
            DateValue(_integer(value["year"]), 0, 0, value["season"]), None, None, circa
        )
    return None


def sort_key(value: Any, parts: tuple[str, ...] = PART_ORDER) -> str | None:
    """A string that sorts dates chronologically (range start, then end)."""
    parsed = parse_date(value)
    if parsed is None:
        return None
    if parsed.start is None:
        return None

    def one(date: DateValue | None) -> str:
        if date is None:
            return ""
        # Every part has its place, "00" when not asked for: a year-only date sorts
        # with the same date in full, as in citeproc-js's keys.
        year = f"{date.year + 10000:05d}" if "year" in parts else "00000"
        month = f"{date.month:02d}" if "month" in parts else "00"
        day = f"{date.day:02d}" if "day" in parts else "00"
        return year + month + day

    return one(parsed.start) + ("-" + one(parsed.end) if parsed.end else "")


# ----------------------------------------------------------------------- rendering


def _part_elements(element: Element, ctx: RenderContext) -> tuple[list[Element], str]:
    """The date parts to render, in order, and the delimiter between them."""
    form = element.get("form")
    if not form:
        return element.children_named("date-part"), element.delimiter
    localized = ctx.locale.date_format(form)
    if localized is None:
        return [], ""
    wanted = element.get("date-parts", "year-month-day").split("-")
    overrides = {c.get("name"): c for c in element.children_named("date-part")}
    parts: list[Element] = []
    for child in localized:
        if not isinstance(child.tag, str) or not child.tag.endswith("date-part"):
            continue
        name = child.get("name", "")
        if name not in wanted:
            continue
        attrs = dict(child.attrib)
        if name in overrides:
            # The style may restyle a localized part, never re-affix it.
            attrs.update(
                {k: v for k, v in overrides[name].attrs.items() if k not in ("prefix", "suffix")}
            )
        parts.append(Element("date-part", attrs))
    return parts, localized.get("delimiter", "")


def render_date(element: Element, ctx: RenderContext) -> Node | None:

    variable = element.get("variable", "")
    ctx.called += 1
    value = ctx.value(variable)
    parsed = parse_date(value) if value is not None else None
    if parsed is None:
        return None
    parts, delimiter = _part_elements(element, ctx)
    if ctx.sorting is not None:
        ctx.rendered += 1
        names = tuple(p.get("name", "") for p in parts) or PART_ORDER
        return Text(sort_key(value, tuple(n for n in PART_ORDER if n in names)) or "")
    if parsed.start is None:
        ctx.rendered += 1
        return decorate(element, parse_markup(parsed.literal or ""), ctx)
    start, end = parsed.start, parsed.end
    present = [p for p in parts if _has_part(start, p.get("name", ""))]
    if not present:
        return None
    ctx.rendered += 1
    content: Node | None
    if end is None:
        content = join((_render_part(p, start, ctx, variable) for p in present), delimiter)
    elif end.year == 0:
        # An open range: the start and the range delimiter.
        year_part = next((p for p in present if p.get("name") == "year"), present[-1])
        opened = join((_render_part(p, start, ctx, variable) for p in present), delimiter)
        content = (
            Span([opened, Text(year_part.get("range-delimiter", "\u2013") or "\u2013")])
            if opened
            else None
        )
    else:
        content = _render_range(present, start, end, delimiter, ctx, variable)
    return decorate(element, content, ctx)


def _has_part(date: DateValue, name: str) -> bool:
    if name == "year":
        return date.year != 0
    if name == "month":
        return date.month != 0 or date.season is not None
    if name == "day":
        return date.day != 0 and date.month != 0
    return False


def _render_range(
    parts: list[Element],
    start: DateValue,
    end: DateValue,
    delimiter: str,
    ctx: RenderContext,
    variable: str,
) -> Node | None:
    names = [p.get("name", "") for p in parts]
    differing = next((n for n in PART_ORDER if n in names and start.get(n) != end.get(n)), None)
    if differing is None and start.season != end.season and "month" in names:
        differing = "month"
    if differing is None:
        return join((_render_part(p, start, ctx, variable) for p in parts), delimiter)
    # The parts at or below the largest differing one are rendered twice.
    level = PART_ORDER.index(differing)
    ranged = [i for i, n in enumerate(names) if PART_ORDER.index(n) >= level]
    first, last = ranged[0], ranged[-1]
    range_delimiter = next(
        p.get("range-delimiter", "\u2013") for p in parts if p.get("name") == differing
    )
    if end.year == 0:
        range_delimiter = next(
            p.get("range-delimiter", "\u2013") for p in parts if p.get("name") == differing
        )
    before = [_render_part(p, start, ctx, variable) for p in parts[:first]]
    # Across years, the year-suffix letters the style leaves to the processor follow
    # the last year ("1984–1986a"), as citeproc-js puts them.
    suffix_done = ctx.year_suffix_done
    if differing == "year":
        ctx.year_suffix_done = True
    start_block = [
        _render_part(p, start, ctx, variable, drop_suffix=(i == last))
        for i, p in enumerate(parts)
        if first <= i <= last
    ]
    ctx.year_suffix_done = suffix_done
    end_block = [
        _render_part(p, end, ctx, variable, drop_prefix=(i == first))
        for i, p in enumerate(parts)
        if first <= i <= last
    ]
    after = [_render_part(p, start, ctx, variable) for p in parts[last + 1 :]]
    middle = Span(
        [
            x
            for x in (
                join(start_block, delimiter),
                Text(range_delimiter),
                join(end_block, delimiter),
            )
            if x is not None
        ]
    )
    return join([*before, middle, *after], delimiter)


def _render_part(
    part: Element,
    date: DateValue,
    ctx: RenderContext,
    variable: str,
    drop_prefix: bool = False,
    drop_suffix: bool = False,
) -> Node | None:
    name = part.get("name", "")
    form = part.get("form")
    text: str | None = None
    if name == "year":
        if not date.year:
            return None
        year = date.year
        if form == "short":
            text = f"{abs(year) % 100:02d}"
        else:
            text = str(abs(year))
            if year < 0:
                text += ctx.locale.term_text("bc") or "BC"
            elif year < 1000:
                text += ctx.locale.term_text("ad") or "AD"
        if variable == "issued":
            text += ctx.implicit_year_suffix()
    elif name == "month":
        if date.month == 0:
            if date.season is None:
                return None
            season = date.season
            number = _integer(season)
            text = ctx.locale.term_text(f"season-{number:02d}") if 1 <= number <= 4 else str(season)
            if text is None:
                return None
        else:
            form = form or "long"
            if form == "numeric":
                text = str(date.month)
            elif form == "numeric-leading-zeros":
                text = f"{date.month:02d}"
            else:
                text = ctx.locale.term_text(
                    f"month-{date.month:02d}", "short" if form == "short" else "long"
                ) or str(date.month)
    elif name == "day":
        if not date.day:
            return None
        form = form or "numeric"
        if form == "numeric-leading-zeros":
            text = f"{date.day:02d}"
        elif form == "ordinal":
            limit = ctx.locale.option("limit-day-ordinals-to-day-1") == "true"
            if limit and date.day != 1:
                text = str(date.day)
            else:
                gender = ctx.locale.term_gender(f"month-{date.month:02d}")
                text = f"{date.day}{ctx.locale.ordinal_suffix(date.day, gender)}"
        else:
            text = str(date.day)
    if not text:
        return None
    return decorate(part, Text(text), ctx, prefix=not drop_prefix, suffix=not drop_suffix)
