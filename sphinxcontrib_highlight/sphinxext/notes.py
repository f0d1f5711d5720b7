"""Where the footnotes of a note style's citations stand, and their numbers.

A citation of a note style is a footnote. When the project's default style is a note
style the role makes the footnote while the page is read, and docutils numbers it with
the page's own footnotes. A citation whose list has a note style in a project whose
default is not one is known to be a note only once every page is read: the
post-transform (:mod:`.transforms`) then leaves the footnote beside its reference, and
:func:`place_late_notes` moves it after the paragraphs of its section and numbers every
auto-numbered footnote of the page again, in reading order, as docutils would have.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

#: The class of the footnotes that hold a note style's citations.
NOTE_CLASS = "highlight-note"


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


def place_late_notes(document: nodes.document) -> None:
    """Move the note footnotes the post-transform left beside their references (inside
    a paragraph) after their section's paragraphs, and number the page's footnotes again.

    A build that assembles many pages into one document (LaTeX) numbers each page's
    footnotes on their own, as Sphinx does (footnotes carry their page's ``docname``)."""
    late = [
        footnote for footnote in document.findall(nodes.footnote)
        if NOTE_CLASS in footnote["classes"]
        and not isinstance(footnote.parent, nodes.section | nodes.document)
    ]
    if not late:
        return
    references = _references(document)
    pairs = [(references[(footnote.get("docname"), footnote["ids"][0])][0], footnote)
             for footnote in late]
    touched = put_after_paragraphs(pairs)
    met_at = _reading_order(document, references)
    sort_trailing_footnotes(touched, met_at)
    _renumber(document, references, met_at)


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
