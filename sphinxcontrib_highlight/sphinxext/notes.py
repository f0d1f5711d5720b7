"""Where the footnotes of a note style's citations stand, and their numbers.

A citation of a note style is a footnote. When the project's default style is a note
style the role makes the footnote while the page is read, and docutils numbers it with
the page's own footnotes. A citation whose list has a note style in a project whose
default is not one is known to be a note only once every page is read: the
post-transform (:mod:`.transforms`) then leaves the footnote beside its reference, and
:func:`settle_notes` moves it after the paragraphs of its section and numbers every
auto-numbered footnote of the page again, in reading order, as docutils would have. The
reverse, a citation made a footnote while reading (the default is a note style) whose
list's style is not one, goes back into the text, and its footnote goes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

#: The class of the footnotes that hold a note style's citations.
NOTE_CLASS = "highlight-note"

#: The class that marks, in such a footnote, a citation that is no note after all.
NOT_A_NOTE_CLASS = "highlight-not-a-note"


def put_after_paragraphs(
    pairs: Iterable[tuple[nodes.Element, nodes.footnote]],
) -> list[tuple[nodes.Element, int]]:
    """Put each footnote after the last paragraph of the section that holds its
    reference (before its subsections), where an author writes ``.. [#]`` footnotes.
    Returns each container touched and the end of the footnotes put there."""
    touched: dict[int, tuple[nodes.Element, int]] = {}
    for reference, footnote in pairs:
        container: nodes.Element = reference.parent
        while not isinstance(container, nodes.section | nodes.document):
            container = container.parent
        index = next(
            (i for i, child in enumerate(container.children) if isinstance(child, nodes.section)),
            len(container.children),
        )
        if footnote.parent is not None:
            footnote.parent.remove(footnote)
        container.insert(index, footnote)
        touched[id(container)] = (container, index + 1)
    return list(touched.values())


def sort_trailing_footnotes(
    touched: list[tuple[nodes.Element, int]], met_at: Callable[[nodes.Node], int]
) -> None:
    """Sort the run of footnotes that ends at each place :func:`put_after_paragraphs`
    returned in the order a reader meets them."""
    for container, end in touched:
        start = end
        while start > 0 and isinstance(container[start - 1], nodes.footnote):
            start -= 1
        container[start:end] = sorted(container[start:end], key=met_at)


def settle_notes(document: nodes.document) -> None:
    """Make the page's footnotes what the post-transform found its citations to be, and
    number the page's footnotes again if any changed.

    A note footnote the post-transform left beside its reference (inside a paragraph) is
    moved after its section's paragraphs. A footnote made while reading whose citation
    is not a note style's holds the whole citation, marked ``NOT_A_NOTE_CLASS``: the
    citation takes the place of the footnote's mark and the footnote goes.

    A build that assembles many pages into one document (LaTeX) numbers each page's
    footnotes on their own, as Sphinx does (footnotes carry their page's ``docname``)."""
    late, unnoted = [], []
    for footnote in document.findall(nodes.footnote):
        if NOTE_CLASS not in footnote["classes"]:
            continue
        if not isinstance(footnote.parent, nodes.section | nodes.document):
            late.append(footnote)
        elif any(NOT_A_NOTE_CLASS in inline["classes"] for inline in footnote.findall(nodes.inline)):
            unnoted.append(footnote)
    if not late and not unnoted:
        return
    references = _references(document)
    for footnote in unnoted:
        _dissolve(footnote, references.pop((footnote.get("docname"), footnote["ids"][0]), []))
    pairs = [
        (found[0], footnote) for footnote in late
        if (found := references.get((footnote.get("docname"), footnote["ids"][0])))
    ]
    touched = put_after_paragraphs(pairs)
    met_at = _reading_order(document, references)
    sort_trailing_footnotes(touched, met_at)
    _renumber(document, references, met_at)


def _dissolve(footnote: nodes.footnote, references: list[nodes.footnote_reference]) -> None:
    """Put the citation a footnote holds where its (one) reference is; drop both."""
    marked = next(inline for inline in footnote.findall(nodes.inline)
                  if NOT_A_NOTE_CLASS in inline["classes"])
    for reference in references:
        reference.replace_self(list(marked.children))
    footnote.parent.remove(footnote)


def _references(
    document: nodes.document,
) -> dict[tuple[str | None, str], list[nodes.footnote_reference]]:
    """The footnote references of the document by page and footnote id, in order."""
    found: dict[tuple[str | None, str], list[nodes.footnote_reference]] = defaultdict(list)
    for reference in document.findall(nodes.footnote_reference):
        if "refid" in reference:
            found[(reference.get("docname"), reference["refid"])].append(reference)
    return found


def _reading_order(
    document: nodes.document,
    references: dict[tuple[str | None, str], list[nodes.footnote_reference]],
) -> Callable[[nodes.Node], int]:
    """Where a reader meets a footnote: at its first reference, or where it stands."""
    position = {id(node): index for index, node in enumerate(document.findall())}

    def met_at(footnote: nodes.Node) -> int:
        assert isinstance(footnote, nodes.Element)
        ids = footnote["ids"]
        first = references.get((footnote.get("docname"), ids[0]), []) if ids else []
        return position.get(id(first[0]) if first else id(footnote), len(position))

    return met_at


def _renumber(
    document: nodes.document,
    references: dict[tuple[str | None, str], list[nodes.footnote_reference]],
    met_at: Callable[[nodes.Node], int],
) -> None:
    """Number each page's auto-numbered footnotes 1, 2, … in reading order, skipping
    the numbers of footnotes numbered by hand, and print the numbers in their references."""
    numbered: dict[str | None, list[nodes.footnote]] = defaultdict(list)
    taken: dict[str | None, set[str]] = defaultdict(set)
    for footnote in document.findall(nodes.footnote):
        docname = footnote.get("docname")
        if footnote.get("auto") == 1:
            numbered[docname].append(footnote)
        elif not footnote.get("auto"):
            taken[docname].update(footnote["names"])
    for docname, footnotes in numbered.items():
        number = 0
        for footnote in sorted(footnotes, key=met_at):
            number += 1
            while str(number) in taken[docname]:
                number += 1
            label = nodes.label("", str(number))
            if footnote.children and isinstance(footnote[0], nodes.label):
                footnote[0].replace_self(label)
            else:
                footnote.insert(0, label)
            for reference in references.get((docname, footnote["ids"][0]), []):
                del reference[:]
                reference += nodes.Text(str(number))
