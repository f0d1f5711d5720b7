"""How a style lays out its reference list: each entry's label, hanging indent, alignment.

Zotero prints a numeric style's list with the label the style itself prints (IEEE's
"[1]", ACS's "(1)", Nature's "1."), and an author-date style's list without numbers,
with a hanging indent when the style asks for one (``hanging-indent="true"``). The
label is part of the entry's CSL output, but a list shown on a page numbers its entries
itself (an entry rendered on its own is always number 1), so the label is read here as a
form, its affixes around a number, and taken out of the entry's text
(:func:`without_label`); the list then prints it with the entry's number.

The form is read from the style's XML once: the first thing the bibliography's layout
prints, followed through groups and macros. When that is ``citation-number``, its
affixes and formatting make the label. A style whose citations are numbered but whose
bibliography prints no number (``springer-nature``), or starts with a ``choose`` this
reading does not follow, gets the list's plain "1." numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pybtex.richtext import Text

if TYPE_CHECKING:
    from sphinxcontrib_highlight.styles.csl.style import Element, Style

#: The elements that print something of their own: the first of them starts the entry.
_PRINTING = frozenset({"text", "number", "names", "date", "label"})


@dataclass(frozen=True)
class Label:
    """A numeric style's label: the number with the style's affixes and formatting."""

    prefix: str = ""
    suffix: str = "."
    superscript: bool = False
    bold: bool = False

    def text(self, number: int) -> str:
        """The label of entry ``number``, as plain characters ("[3]")."""
        return f"{self.prefix}{number}{self.suffix}"


#: The label a docutils enumerated list prints, "1.": the form of the package's own
#: styles, and the one a list keeps whenever the style's own cannot be read.
PLAIN_NUMBER = Label()


@dataclass(frozen=True)
class ListForm:
    """How a reference list in one style looks.

    ``label`` is None for a list without numbers (author-date and note styles).
    ``second_field_align`` is CSL's option: "flush" or "margin" set the label in a
    column of its own, None prints it inline, at the start of the entry's text.
    ``label_in_entries`` says whether the style's entries start with the label (which
    :func:`without_label` then takes out) or the label is only the list's.
    """

    label: Label | None = PLAIN_NUMBER
    hanging_indent: bool = False
    second_field_align: str | None = None
    label_in_entries: bool = False

    @property
    def plain_numbers(self) -> bool:
        """Whether the list is the ordinary "1." list every builder prints by itself."""
        return self.label == PLAIN_NUMBER


#: The form of any style that is not a CSL style (pybtex's own): numbered "1.".
NUMBERED = ListForm()


def list_form(style: Style) -> ListForm:
    """The list form a compiled CSL style asks for (see the module's docstring)."""
    bibliography = style.bibliography
    if bibliography is None:
        return NUMBERED
    align = bibliography.option("second-field-align")
    align = align if align in ("flush", "margin") else None
    printed = _label(bibliography.layout, style.macros)
    label = printed
    if label is None and style.renders_citation_number:
        label = PLAIN_NUMBER  # numbered citations; a bibliography without its number
    hanging = bibliography.option("hanging-indent") == "true"
    return ListForm(
        label, hanging and label is None, align if label is not None else None,
        label_in_entries=printed is not None,
    )


def _label(layout: Element, macros: dict[str, Element]) -> Label | None:
    """The label the layout starts with, if it starts with the citation number."""
    chain = _first_printed(layout, macros)
    if chain is None or chain[-1][0].get("variable") != "citation-number":
        return None
    number = chain[-1][0]
    prefix = "".join(element.prefix for element, _ in chain)
    suffix = number.suffix
    # A group or macro that holds nothing but the number closes the label with its suffix.
    for wrapper, holds_only_the_next in reversed(chain[1:-1]):
        if not holds_only_the_next:
            break
        suffix += wrapper.suffix
    formatting: dict[str, str] = {}
    for element, _ in chain:
        formatting.update(element.formatting)
    return Label(
        prefix.lstrip(),
        suffix.rstrip(),
        superscript=formatting.get("vertical-align") == "sup",
        bold=formatting.get("font-weight") == "bold",
    )


def _first_printed(
    container: Element, macros: dict[str, Element]
) -> list[tuple[Element, bool]] | None:
    """The elements from ``container`` down to the first one that prints, through groups
    and macros, each with whether it holds nothing but the next; None where a ``choose``
    (or a missing macro) decides what comes first."""
    for child in container.children:
        if child.tag == "choose":
            return None
        inner: Element | None = None
        if child.tag == "group":
            inner = child
        elif child.tag == "text" and child.get("macro"):
            inner = macros.get(child.get("macro", ""))
            if inner is None:
                return None
        if inner is not None:
            found = _first_printed(inner, macros)
            if found is None:
                return None
            return [(container, len(container.children) == 1),
                    (child, len(inner.children) == 1), *found[1:]]
        if child.tag in _PRINTING:
            return [(container, len(container.children) == 1), (child, False)]
    return None


def without_label(text: Text, label: str) -> Text:
    """``text`` without the ``label`` it starts with and the spaces after it; the text
    unchanged if it does not start with the label (the form was not the style's)."""
    printed = str(text)
    start = len(printed) - len(printed.lstrip())
    if not label or not printed.startswith(label, start):
        return text
    end = start + len(label)
    end += len(printed[end:]) - len(printed[end:].lstrip())
    return _text_from(text, end)


def _text_from(text: Text, start: int) -> Text:
    """``text[start:]``: its parts from that character on, the part it falls in sliced.
    pybtex's slice makes the whole text twice (its end, then that end's beginning)."""
    if type(text) is not Text:
        return text[start:]
    parts: list[Any] = []
    offset = 0
    for part in text.parts:
        size = len(part)
        if offset >= start:
            parts.append(part)
        elif offset + size > start:
            parts.append(part[start - offset :])
        offset += size
    return Text(*parts)


__all__ = ["NUMBERED", "PLAIN_NUMBER", "Label", "ListForm", "list_form", "without_label"]
