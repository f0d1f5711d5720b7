"""What is learnt from a document once it is read, before any other is resolved.

Two things only the finished doctree knows: the line each citation is on (docutils tells
a role the line its paragraph starts on), where what a role could not read is warned
about, and the ids the page gives other things, which the anchors of its reference
lists' items must not take.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_highlight.sphinxext.nodes import cite_placeholder
from sphinxcontrib_highlight.sphinxext.resolve import ITEM_ID_PREFIX
from sphinxcontrib_highlight.sphinxext.warnings_ import warn
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

    from sphinxcontrib_highlight.sphinxext.domain import HighlightDomain


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Sphinx event: note the document's citation lines and the ids lists must avoid."""
    domain: HighlightDomain = app.env.domains["highlight"]  # type: ignore[assignment]
    docname = app.env.docname
    moved: dict[str, int] = {}
    warned: set[str] = set()
    for placeholder in doctree.findall(cite_placeholder):
        line = (
            _line_of_note(doctree, placeholder) if placeholder.get("part") == "note"
            else _line_in_parent(placeholder)
        )
        if line is not None and line != placeholder.line:
            placeholder.line = line
            moved[placeholder["cite_id"]] = line
        # What the role could not read, once per citation (a note style copies it).
        problems = placeholder.attributes.pop("problems", ())
        if problems and placeholder["cite_id"] not in warned:
            warned.add(placeholder["cite_id"])
            for message, subtype in problems:
                warn(message, Warn(subtype), (docname, placeholder.line))
    if moved:
        domain.move_cites(docname, moved)
    # The items are made after reading, so every id of this form belongs to something
    # else: a heading ("Ref smith2020"), a label (".. _ref-smith2020:"), another extension.
    taken = tuple(sorted(id_ for id_ in doctree.ids if id_.startswith(ITEM_ID_PREFIX)))
    if taken:
        domain.reserve_item_ids(docname, taken)


def _line_in_parent(placeholder: cite_placeholder) -> int | None:
    """The citation's own line: its parent's plus the line breaks before it there (the
    n-th citation written alike for the n-th such one). MyST keeps no source as written
    for the role, so there the line breaks in the text before it count."""
    parent = placeholder.parent
    if parent is None or parent.line is None:
        return None
    source = getattr(parent, "rawsource", "")
    alike = [
        child for child in parent.children
        if isinstance(child, cite_placeholder) and child.rawsource == placeholder.rawsource
    ]
    position = -1
    for _ in range(alike.index(placeholder) + 1):
        position = source.find(placeholder.rawsource, position + 1) if source else -1
        if position < 0:  # MyST writes the role's text in reStructuredText's form
            return parent.line + _breaks_before(placeholder)
    return parent.line + source.count("\n", 0, position)


def _line_of_note(doctree: nodes.document, placeholder: cite_placeholder) -> int | None:
    """The line of a note style's citation, whose placeholder is in a footnote after the
    paragraphs: that of its footnote reference in the text, which holds its id."""
    reference = doctree.ids.get(placeholder["cite_id"])
    if reference is None or reference.parent is None or reference.parent.line is None:
        return None
    return reference.parent.line + _breaks_before(reference)


def _breaks_before(node: nodes.Node) -> int:
    """The line breaks in the text before ``node`` in its parent (docutils and MyST keep
    a paragraph's soft line breaks in its text)."""
    parent = node.parent
    before = parent.children[: parent.index(node)]
    return sum(child.astext().count("\n") for child in before)
