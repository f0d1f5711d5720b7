"""CSL locales: terms (forms, plurals, gender), date formats, ordinals, style options.

A style sees one ``Locale``: a chain of sources searched in CSL's order of precedence —
the style's own ``<locale>`` elements for the exact language, then for its primary
language, then without a language, then the shipped locale file for the language (or its
primary dialect), then ``en-US``. The shipped files live beside this module (package data).
"""

from __future__ import annotations

import difflib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .formatted import QuoteMarks

NS = "{http://purl.org/net/xbiblio/csl}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LOCALES_DIR = Path(__file__).with_name("locales")

#: Term form fallbacks, as the CSL specification orders them.
FORM_FALLBACK = {
    "long": ("long",),
    "short": ("short", "long"),
    "verb": ("verb", "long"),
    "verb-short": ("verb-short", "verb", "short", "long"),
    "symbol": ("symbol", "short", "long"),
}


@dataclass
class Term:
    single: str
    multiple: str
    gender: str | None = None
    gender_form: str | None = None
    match: str | None = None


@dataclass
class LocaleSource:
    """One ``<locale>`` element's content: terms, date formats, options."""

    lang: str | None
    terms: dict[tuple[str, str], list[Term]] = field(default_factory=dict)
    dates: dict[str, ET.Element] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    @property
    def has_ordinals(self) -> bool:
        return any(name.startswith("ordinal") for name, _ in self.terms)

    @classmethod
    def from_element(cls, element: ET.Element) -> LocaleSource:
        source = cls(element.get(XML_LANG))
        for child in element:
            tag = child.tag.replace(NS, "")
            if tag == "style-options":
                source.options.update(child.attrib)
            elif tag == "date":
                source.dates[child.get("form", "text")] = child
            elif tag == "terms":
                for term in child:
                    if term.tag.replace(NS, "") != "term":
                        continue
                    single_el = term.find(NS + "single")
                    multiple_el = term.find(NS + "multiple")
                    if single_el is not None or multiple_el is not None:
                        single = (single_el.text or "") if single_el is not None else ""
                        multiple = (multiple_el.text or "") if multiple_el is not None else single
                    else:
                        single = multiple = term.text or ""
                    if not single.strip():
                        single = multiple = ""  # an element holding only layout whitespace
                    key = (term.get("name", ""), term.get("form", "long"))
                    entry = Term(
                        single,
                        multiple,
                        term.get("gender"),
                        term.get("gender-form"),
                        term.get("match"),
                    )
                    existing = source.terms.setdefault(key, [])
                    existing[:] = [t for t in existing if t.gender_form != entry.gender_form]
                    existing.append(entry)
        return source


@cache
def _primary_dialects() -> dict[str, str]:
    with (LOCALES_DIR / "locales.json").open(encoding="utf-8") as handle:
        dialects: dict[str, str] = json.load(handle)["primary-dialects"]
    return dialects


@cache
def load_locale_file(tag: str) -> LocaleSource | None:
    """The shipped locale file for exactly this language tag, if there is one."""
    path = LOCALES_DIR / f"locales-{tag}.xml"
    if not path.exists():
        return None
    return LocaleSource.from_element(ET.parse(path).getroot())


def shipped_locales() -> tuple[str, ...]:
    """The language tags of the shipped locale files (``de-AT``, ``en-US``, ``zh-CN``)."""
    return tuple(sorted(path.stem.removeprefix("locales-") for path in LOCALES_DIR.glob("locales-*.xml")))


def locale_error(tag: str) -> str | None:
    """Why ``tag`` names no shipped locale (None if it does, exactly or through its
    language's primary dialect: ``de`` is ``de-DE``), with the closest tags."""
    tag = tag.replace("_", "-")
    primary = tag.split("-")[0].lower()
    known = shipped_locales()
    if tag in known or (tag == primary and primary in _primary_dialects()):
        return None
    lowered = {known_tag.lower(): known_tag for known_tag in known}
    if tag.lower() in lowered:
        return f"no CSL locale {tag!r}; did you mean {lowered[tag.lower()]!r}?"
    close = [known_tag for known_tag in known if known_tag.lower().split("-")[0] == primary]
    close = close or difflib.get_close_matches(tag, known, n=3)
    hint = f"; the closest: {', '.join(close[:6])}" if close else ""
    return f"no CSL locale {tag!r}{hint}"


class Locale:
    """The chain of locale sources a style renders with."""

    def __init__(self, lang: str, sources: list[LocaleSource]):
        self.lang = lang
        self.sources = sources
        # Ordinal terms from the style replace the whole base set (CSL 1.0.1).
        self._ordinal_sources = next(([s] for s in sources if s.has_ordinals), sources)
        self._quote_marks: QuoteMarks | None = None

    @classmethod
    def for_style(cls, lang: str, style_locales: list[LocaleSource]) -> Locale:
        primary = lang.split("-")[0]
        chain: list[LocaleSource] = []
        for wanted in (lang, primary, None):
            chain += [s for s in style_locales if s.lang == wanted]
        # The exact file (de-AT), the language's primary dialect (de-DE), then en-US.
        seen: set[str] = set()
        for tag in (lang, _primary_dialects().get(primary, ""), "en-US"):
            source = load_locale_file(tag) if tag and tag not in seen else None
            seen.add(tag)
            if source is not None:
                chain.append(source)
        return cls(lang, chain)

    # ------------------------------------------------------------------ terms

    def _find(
        self,
        name: str,
        form: str,
        gender: str | None = None,
        sources: list[LocaleSource] | None = None,
    ) -> Term | None:
        for candidate_form in FORM_FALLBACK.get(form, (form, "long")):
            for source in sources or self.sources:
                terms = source.terms.get((name, candidate_form))
                if not terms:
                    continue
                if gender:
                    for term in terms:
                        if term.gender_form == gender:
                            return term
                for term in terms:
                    if term.gender_form is None:
                        return term
                return terms[0]
        return None

    def term_text(
        self, name: str, form: str = "long", plural: bool = False, gender: str | None = None
    ) -> str | None:
        """A term's text, or None when no locale defines it."""
        found = self._find(name, form, gender)
        if found is None:
            return None
        return found.multiple if plural else found.single

    def term_gender(self, name: str) -> str | None:
        found = self._find(name, "long")
        return found.gender if found else None

    def has_term(self, name: str) -> bool:
        return self._find(name, "long") is not None

    # --------------------------------------------------------------- ordinals

    def ordinal_suffix(self, number: int, gender: str | None = None) -> str:
        """The ordinal suffix for a number: the most specific matching ``ordinal-NN``
        term (whole number, then last two digits, then last digit), else ``ordinal``."""
        best: tuple[int, Term] | None = None
        rank = {"whole-number": 3, "last-two-digits": 2, "last-digit": 1}
        for source in self._ordinal_sources:
            for (name, form), terms in source.terms.items():
                if form != "long" or not re.fullmatch(r"ordinal-\d\d", name):
                    continue
                target = int(name[-2:])
                chosen = next((t for t in terms if gender and t.gender_form == gender), None)
                chosen = chosen or next((t for t in terms if t.gender_form is None), None)
                if chosen is None:
                    continue
                match = chosen.match or ("last-digit" if target < 10 else "last-two-digits")
                value = {
                    "whole-number": number,
                    "last-two-digits": number % 100,
                    "last-digit": number % 10,
                }[match]
                if value == target and (best is None or rank[match] > best[0]):
                    best = (rank[match], chosen)
            if best is not None:
                return best[1].single
        found = self._find("ordinal", "long", gender, self._ordinal_sources) or self._find(
            "ordinal", "long", gender
        )
        return found.single if found else ""

    def long_ordinal(self, number: int, gender: str | None = None) -> str | None:
        if 1 <= number <= 10:
            return self.term_text(f"long-ordinal-{number:02d}", "long", False, gender)
        return None

    # ------------------------------------------------------------ dates, options

    def date_format(self, form: str) -> ET.Element | None:
        for source in self.sources:
            if form in source.dates:
                return source.dates[form]
        return None

    def option(self, name: str) -> str | None:
        for source in self.sources:
            if name in source.options:
                return source.options[name]
        return None

    def quote_marks(self) -> QuoteMarks:
        """The quote marks and where punctuation goes, looked up once: a style renders
        each entry of a page with a processor of its own, which asks for them."""
        if self._quote_marks is None:
            self._quote_marks = QuoteMarks(
                self.term_text("open-quote") or "\u201c",
                self.term_text("close-quote") or "\u201d",
                self.term_text("open-inner-quote") or "\u2018",
                self.term_text("close-inner-quote") or "\u2019",
                self.option("punctuation-in-quote") == "true",
            )
        return self._quote_marks
