"""The ``:hcite:`` role: in-text citation numbers that link to their reference list.

``:hcite:`key``` or ``:hcite:`key1,key2```. The role records the keys and leaves a
placeholder; the numbers are known only once every document has been read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxRole

from sphinxcontrib_highlight.sphinxext.nodes import cite_placeholder
from sphinxcontrib_highlight.sphinxext.records import CiteRecord
from sphinxcontrib_highlight.sphinxext.warnings_ import warn
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from sphinxcontrib_highlight.sphinxext.domain import HighlightDomain


class CiteRole(SphinxRole):
    """``:hcite:`key1,key2```: the numbers of the keys in the list each belongs to."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        keys = tuple(dict.fromkeys(key for key in self.text.replace(",", " ").split() if key))
        if not keys:
            warn(":hcite: needs at least one key", Warn.UNKNOWN_KEY, self.get_location())
            return [], []
        cite_id = f"hcite-{self.env.new_serialno('hcite')}"
        domain: HighlightDomain = self.env.domains["highlight"]  # type: ignore[assignment]
        domain.add_cite(CiteRecord(self.env.docname, self.lineno, cite_id, keys))
        node = cite_placeholder(
            self.rawtext, cite_id=cite_id, keys=keys, docname=self.env.docname, ids=[cite_id]
        )
        self.set_source_info(node)
        return [node], []


class CitationLines(SphinxTransform):
    """Give each citation the line it is on, not the first line of its paragraph.

    docutils tells a role the line its paragraph starts on, so a warning about a key on
    the third line of a paragraph pointed two lines too high. Once the paragraph is made,
    its source text is known: the citation's line is the paragraph's plus the line
    breaks before the citation's text in it (the n-th citation written alike for the
    n-th such one), or, where the source is not kept as written (MyST), in the text
    before the citation.
    """

    default_priority = 200  # early; the warnings come after every document is read

    def apply(self, **kwargs: object) -> None:
        moved: dict[str, int] = {}
        for placeholder in self.document.findall(cite_placeholder):
            line = _line_in_parent(placeholder)
            if line is not None and line != placeholder.line:
                placeholder.line = line
                moved[placeholder["cite_id"]] = line
        if moved:
            domain: HighlightDomain = self.env.domains["highlight"]  # type: ignore[assignment]
            domain.move_cites(self.env.docname, moved)


def _line_in_parent(placeholder: nodes.Element) -> int | None:
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


def _breaks_before(placeholder: nodes.Element) -> int:
    """The line breaks in the text before ``placeholder`` in its parent (docutils and
    MyST keep a paragraph's soft line breaks in its text)."""
    parent = placeholder.parent
    before = parent.children[: parent.index(placeholder)]
    return sum(child.astext().count("\n") for child in before)
