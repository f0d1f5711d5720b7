"""A CSL style parsed once into element objects the renderer walks.

Each XML element becomes an ``Element`` whose rendering attributes (affixes,
formatting, quotes, text-case, display) are read once here, so rendering a thousand
entries does not re-read XML. Inheritable name options are collected per context
(``citation``/``bibliography``) on top of the style's own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, overload

from .locale import NS, Locale, LocaleSource

FORMATTING_ATTRIBUTES = (
    "font-style",
    "font-variant",
    "font-weight",
    "text-decoration",
    "vertical-align",
)

#: The attributes an ``<if>`` or ``<else-if>`` tests.
CONDITION_ATTRIBUTES = frozenset({
    "type", "variable", "is-numeric", "is-uncertain-date", "locator", "position", "disambiguate",
})

#: Name options that ``<style>``, ``<citation>`` and ``<bibliography>`` pass down to
#: every ``<names>``/``<name>`` (CSL 1.0.2, "Inheritable Name Options").
INHERITABLE_NAME_OPTIONS = (
    "and",
    "delimiter-precedes-et-al",
    "delimiter-precedes-last",
    "et-al-min",
    "et-al-use-first",
    "et-al-use-last",
    "et-al-subsequent-min",
    "et-al-subsequent-use-first",
    "initialize",
    "initialize-with",
    "name-as-sort-order",
    "sort-separator",
    "name-form",
    "name-delimiter",
    "names-delimiter",
)


@dataclass
class Element:
    """One style element with its attributes and children, pre-read for rendering."""

    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.prefix = self.attrs.get("prefix", "")
        self.suffix = self.attrs.get("suffix", "")
        self.delimiter = self.attrs.get("delimiter", "")
        self.formatting = {k: self.attrs[k] for k in FORMATTING_ATTRIBUTES if k in self.attrs}
        self.quotes = self.attrs.get("quotes") == "true"
        self.text_case = self.attrs.get("text-case")
        self.strip_periods = self.attrs.get("strip-periods") == "true"
        self.display = self.attrs.get("display")
        #: An ``<if>``/``<else-if>``'s tests in the order written, as (attribute, values,
        #: the attribute's text), and how they combine.
        self.conditions = tuple(
            (name, tuple(value.split()), value)
            for name, value in self.attrs.items()
            if name in CONDITION_ATTRIBUTES
        )
        self.match = self.attrs.get("match", "all")
        #: A ``disambiguate`` test counts the tests met, so its branch runs every test.
        self.tests_disambiguate = any(name == "disambiguate" for name, _, _ in self.conditions)
        #: The first child of each tag (and of each tag and name), looked up on every
        #: rendering.
        self._first_child: dict[str, Element | None] = {}

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str) -> str: ...
    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def child(self, tag: str) -> Element | None:
        try:
            return self._first_child[tag]
        except KeyError:
            found = self._first_child[tag] = next(
                (c for c in self.children if c.tag == tag), None
            )
            return found

    def part(self, tag: str, name: str) -> Element | None:
        """The first child of the tag whose ``name`` is that (a ``<name-part>``)."""
        key = f"{tag} {name}"
        try:
            return self._first_child[key]
        except KeyError:
            found = self._first_child[key] = next(
                (c for c in self.children if c.tag == tag and c.get("name") == name), None
            )
            return found

    def children_named(self, tag: str) -> list[Element]:
        return [c for c in self.children if c.tag == tag]

    def count_attribute(self, attribute: str, value: str | None = None) -> int:
        """How many elements here and below have the attribute (holding the value)."""
        found = self.attrs.get(attribute)
        own = found is not None and (value is None or value in found.split())
        return own + sum(child.count_attribute(attribute, value) for child in self.children)

    @classmethod
    def from_xml(cls, node: ET.Element) -> Element:
        tag = node.tag.replace(NS, "")
        return cls(
            tag, dict(node.attrib), [cls.from_xml(c) for c in node if isinstance(c.tag, str)]
        )


@dataclass
class SortKey:
    variable: str | None
    macro: str | None
    ascending: bool
    names_min: int | None
    names_use_first: int | None
    names_use_last: bool | None


@dataclass
class Context:
    """``<citation>`` or ``<bibliography>``: layout, sort keys and options."""

    name: str
    layout: Element
    sort: list[SortKey]
    options: dict[str, str]
    #: The name options each ``<name>`` renders with here, by the element's id (the
    #: element kept beside them, so that an id is never taken for another's).
    name_options: dict[int, tuple[Any, Any]] = field(default_factory=dict, compare=False, repr=False)

    @overload
    def option(self, name: str) -> str | None: ...
    @overload
    def option(self, name: str, default: str) -> str: ...
    def option(self, name: str, default: str | None = None) -> str | None:
        return self.options.get(name, default)


class Style:
    """A parsed independent CSL style."""

    def __init__(self, root: ET.Element):
        self.attrs = dict(root.attrib)
        self.style_class = self.attrs.get("class", "in-text")
        self.default_locale = self.attrs.get("default-locale")
        self.macros: dict[str, Element] = {}
        self.locales: list[LocaleSource] = []
        self._locale_chains: dict[str, Locale] = {}
        self.citation: Context | None = None
        self.bibliography: Context | None = None
        style_name_options = {k: v for k, v in self.attrs.items() if k in INHERITABLE_NAME_OPTIONS}
        for node in root:
            if not isinstance(node.tag, str):
                continue
            tag = node.tag.replace(NS, "")
            if tag == "macro":
                self.macros[node.get("name", "")] = Element.from_xml(node)
            elif tag == "locale":
                self.locales.append(LocaleSource.from_element(node))
            elif tag in ("citation", "bibliography"):
                element = Element.from_xml(node)
                layout = element.child("layout") or Element("layout", {})
                sort_el = element.child("sort")
                keys = [self._sort_key(k) for k in sort_el.children] if sort_el else []
                options = dict(style_name_options)
                options.update(element.attrs)
                context = Context(tag, layout, keys, options)
                setattr(self, tag, context)
        # What the processor asks of the whole style for every item set, read once here.
        self.renders_year_suffix = self._count_attribute("variable", "year-suffix") > 0
        self.renders_citation_number = self._count_attribute("variable", "citation-number") > 0
        #: How many ``disambiguate`` conditions the style has: disambiguation's levels.
        self.disambiguate_tests = self._count_attribute("disambiguate")

    def _count_attribute(self, attribute: str, value: str | None = None) -> int:
        """How many layout and macro elements have the attribute (holding the value)."""
        roots = [c.layout for c in (self.citation, self.bibliography) if c is not None]
        return sum(root.count_attribute(attribute, value) for root in [*roots, *self.macros.values()])

    @cached_property
    def sort_key_name_variables(self) -> frozenset[str]:
        """The name variables the bibliography's sort keys print outside a substitution.

        citeproc-js registers every person any rendering names, the sort keys included:
        Chicago's keys print a chapter's editors, so those count as people to tell
        apart; APA's print the authors only. (A substitution's names are those a cite
        shows, counted already.) Global given-name disambiguation asks for every item
        set, an entry on its own included: walking the macros each time cost Chicago
        about 0.2 ms an entry, so the walk is done once per style."""
        context = self.bibliography
        if context is None:
            return frozenset()
        found: set[str] = set()
        seen: set[str] = set()

        def walk(element: Element) -> None:
            if element.tag == "substitute":
                return
            if element.tag == "names":
                found.update(element.get("variable", "").split())
            macro = element.get("macro") if element.tag == "text" else None
            if macro and macro not in seen and macro in self.macros:
                seen.add(macro)
                walk(self.macros[macro])
            for child in element.children:
                walk(child)

        for key in context.sort:
            if key.variable:
                found.add(key.variable)
            elif key.macro and key.macro not in seen and key.macro in self.macros:
                seen.add(key.macro)
                walk(self.macros[key.macro])
        return frozenset(found)

    @staticmethod
    def _sort_key(key: Element) -> SortKey:
        def integer(name: str) -> int | None:
            value = key.get(name)
            return int(value) if value and value.isdigit() else None

        use_last = key.get("names-use-last")
        return SortKey(
            key.get("variable"),
            key.get("macro"),
            key.get("sort", "ascending") != "descending",
            integer("names-min"),
            integer("names-use-first"),
            None if use_last is None else use_last == "true",
        )

    def locale(self, lang: str) -> Locale:
        """The locale chain the style renders with in ``lang``: built once per language,
        as neither the style's locales nor the shipped files change."""
        chain = self._locale_chains.get(lang)
        if chain is None:
            chain = self._locale_chains[lang] = Locale.for_style(lang, self.locales)
        return chain

    @classmethod
    def parse(cls, xml_text: str) -> Style:
        return cls(ET.fromstring(xml_text.strip().lstrip("\ufeff").encode("utf-8")))

    @overload
    def option(self, name: str) -> str | None: ...
    @overload
    def option(self, name: str, default: str) -> str: ...
    def option(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)
