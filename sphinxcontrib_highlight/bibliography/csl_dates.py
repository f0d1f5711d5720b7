"""Dates of BibTeX and biblatex entries as CSL-JSON date objects.

biblatex writes dates in ISO 8601 with the EDTF extensions it documents (biblatex manual,
section 2.3.8): ``2020-05-17``, ranges ``2020-05/2021``, open ranges ``2020/..``,
approximate ``2020~`` and uncertain ``2020?`` dates, seasons ``2020-21``. BibTeX has
``year`` and ``month`` (a macro such as ``jan`` that pybtex expands to ``January``, a
number, or a name), and some files a ``day``.

CSL-JSON holds ``date-parts`` (one date, or two for a range), ``season``, ``circa``, or a
``literal`` for what it cannot structure. What cannot be parsed becomes a literal rather
than a guess.
"""

from __future__ import annotations

import re
from typing import Any

_MONTHS = {
    name: number
    for number, spellings in enumerate(
        (("jan", "january", "janvier", "januar"), ("feb", "february", "février", "februar"),
         ("mar", "march", "mars", "märz"), ("apr", "april", "avril"), ("may", "mai"),
         ("jun", "june", "juin", "juni"), ("jul", "july", "juillet", "juli"),
         ("aug", "august", "août"), ("sep", "sept", "september", "septembre"),
         ("oct", "october", "octobre", "oktober"), ("nov", "november", "novembre"),
         ("dec", "december", "décembre", "dezember")),
        start=1,
    )
    for name in spellings
}
_EDTF_DATE = re.compile(
    r"(?P<year>-?\d{1,4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
    r"(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?"  # a time, as urldate may carry: dropped
    r"(?P<qualifier>[?~%])?"
)
_YEAR = re.compile(r"(?P<year>\d{3,4})[a-z]?")  # 2020a: the letter is a hand-made suffix
_YEAR_RANGE = re.compile(r"(\d{4})\s*(?:-{1,3}|–|—|/)\s*(\d{4})")
#: EDTF seasons 21-24 (spring to winter) are CSL seasons 1-4.
_FIRST_SEASON = 21


def edtf_date(value: str) -> dict[str, Any] | None:
    """A biblatex date field (``date``, ``urldate``, ``eventdate``, ``origdate``)."""
    text = value.replace("{", "").replace("}", "").strip()
    if not text:
        return None
    if "/" in text:
        start, _, end = text.partition("/")
        return _range(text, start.strip(), end.strip())
    parsed = _edtf_part(text)
    if parsed is None:
        return {"literal": text}
    parts, season, circa = parsed
    return _date_object([parts], season, circa)


def _range(text: str, start: str, end: str) -> dict[str, Any]:
    """``2020-05/2021``; an open end (``2020/..``, ``2020/``) becomes a literal such as
    ``2020–``, since CSL-JSON's date-parts cannot say "open" (citation.js writes an
    invalid ``null`` there, pandoc a literal)."""
    open_start, open_end = start in ("", ".."), end in ("", "..")
    first = None if open_start else _edtf_part(start)
    last = None if open_end else _edtf_part(end)
    if first is not None and last is not None:
        return _date_object([first[0], last[0]], first[1], first[2] or last[2])
    if first is not None and open_end:
        return {"literal": f"{_literal(first[0])}\u2013"}
    if last is not None and open_start:
        return {"literal": f"\u2013{_literal(last[0])}"}
    return {"literal": text}


def _literal(parts: list[int]) -> str:
    return "-".join(f"{part:02d}" if index else str(part) for index, part in enumerate(parts))


def _edtf_part(text: str) -> tuple[list[int], int | None, bool] | None:
    """Date parts, season and circa of one EDTF date, or None if it is not one."""
    match = _EDTF_DATE.fullmatch(text)
    if match is None:
        return None
    parts = [int(match.group("year"))]
    season = None
    month = int(match.group("month")) if match.group("month") else None
    if month is not None:
        if _FIRST_SEASON <= month <= _FIRST_SEASON + 3 and not match.group("day"):
            season = month - _FIRST_SEASON + 1
        elif 1 <= month <= 12:
            parts.append(month)
            if match.group("day"):
                day = int(match.group("day"))
                if not 1 <= day <= 31:
                    return None
                parts.append(day)
        else:
            return None
    # "?" (uncertain) is printed by biblatex like "~" (approximate); CSL has only circa.
    circa = match.group("qualifier") is not None
    return parts, season, circa


def _date_object(
    parts: list[list[int]], season: int | None, circa: bool
) -> dict[str, Any]:
    date: dict[str, Any] = {"date-parts": parts}
    if season is not None:
        date["season"] = season
    if circa:
        date["circa"] = True
    return date


def bibtex_date(year: str, month: str = "", day: str = "") -> dict[str, Any] | None:
    """``year``, ``month`` and ``day`` fields (their plain text) as a CSL date.

    ``2020a`` is 2020: the letter is a suffix the author added by hand, which a CSL
    processor adds itself when it is needed (Zotero's import keeps only the year too).
    ``2019--2020`` is a range. Any other year (``in press``, ``n.d.``) is a literal.
    """
    year = year.strip()
    if not year:
        return None
    span = _YEAR_RANGE.fullmatch(year)
    if span:
        return {"date-parts": [[int(span.group(1))], [int(span.group(2))]]}
    match = _YEAR.fullmatch(year)
    if match is None:
        return {"literal": year}
    parts = [int(match.group("year"))]
    month_number, day_in_month = parse_month(month)
    if month_number:
        parts.append(month_number)
        day_number = day_in_month or _day(day)
        if day_number:
            parts.append(day_number)
    return {"date-parts": [parts]}


def parse_month(month: str) -> tuple[int | None, int | None]:
    """``jan``, ``January``, ``Jan.``, ``1``, ``01``, and ``15 March`` or ``March 15``
    (the BibTeX manual suggests putting a day in the month field): month and day."""
    words = month.strip().lower().replace(".", " ").replace(",", " ").split()
    if not words:
        return None, None
    if len(words) == 1:
        return _month(words[0]), None
    if len(words) == 2:
        for month_word, day_word in (words, words[::-1]):
            number = _month(month_word)
            day = _day(day_word)
            if number and day and not month_word.isdigit():
                return number, day
    return None, None


def _month(word: str) -> int | None:
    if word.isdigit():
        number = int(word)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(word)


def _day(word: str) -> int | None:
    digits = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", word.strip())
    if digits is None:
        return None
    day = int(digits.group(1))
    return day if 1 <= day <= 31 else None
