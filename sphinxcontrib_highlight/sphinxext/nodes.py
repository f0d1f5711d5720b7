"""Placeholder nodes that directives and the role leave in a doctree, and two nodes
that only one kind of builder meets.

A post-transform (:mod:`.transforms`) replaces each one with standard docutils nodes once
the whole project has been read, so every builder renders the result without visitors of
its own. The visitors registered here only skip a placeholder that somehow survives (a
builder that runs no post-transforms), instead of crashing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from docutils import nodes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.text import TextTranslator


E = TypeVar("E", bound=nodes.Element)
N = TypeVar("N", bound=nodes.Node)


def new_element(kind: type[E], children: Iterable[nodes.Node], **attributes: Any) -> E:
    """``kind("", "", *children, **attributes)``, less a search docutils makes for each
    child: for the document the element is in (up its parents, with an AttributeError
    raised and caught at the top), to give the child that document and its current
    source and line. An element just made is in no document, so a child gets its parent
    and nothing else, as docutils would give it. The searches cost about 1 µs a child:
    without them, a page's in-text citations resolve in a sixth less time."""
    element = kind(**attributes)
    element.children.extend(children)
    for child in element.children:
        child.parent = element
    return element


def find_all(root: nodes.Node, kind: type[N] | tuple[type[N], ...]) -> list[N]:
    """What ``root.findall(kind)`` yields, in the same order (``root`` itself first if it
    is one, then its descendants in document order), walked with a list for a stack.

    docutils' ``findall`` is a generator that calls itself for every node, so each node
    passes through one generator per level above it; the post-transforms walk every page
    this way (the reader tools' walks of the 100 pages of the benchmark: 14.9 -> 8.7 ms
    of the main process's CPU, ``-j 2``, medians of three).
    """
    found: list[N] = []
    stack: list[nodes.Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, kind):
            found.append(node)
        if node.children:
            stack.extend(reversed(node.children))
    return found


class citation_block_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils style)
    """Where ``highlight-citation`` shows an entry's citation block."""


class reference_list_placeholder(nodes.General, nodes.Element):  # noqa: N801
    """Where ``highlight-references`` shows a numbered list."""


class cite_placeholder(nodes.Inline, nodes.Element):  # noqa: N801
    """Where ``:hcite:`` shows the numbers of its keys."""


class unwrapped_paragraph(nodes.paragraph):  # noqa: N801
    """A paragraph the text builder prints on one line (only the text builder gets one).

    Sphinx's text writer wraps paragraphs and breaks words at hyphens (``Ardura-`` /
    ``Fabregat``); a reference copied from a ``.txt`` file must keep every character.
    """


def _visit_unwrapped(translator: TextTranslator, _node: nodes.Element) -> None:
    translator.new_state(0)


def _depart_unwrapped(translator: TextTranslator, _node: nodes.Element) -> None:
    translator.end_state(wrap=False)


class unindexed_html(nodes.raw):  # noqa: N801
    """Raw HTML that a page shows but its search index leaves out.

    The links, back-references, COinS spans and download links around a reference say
    "Article", "Google Scholar", "BibTeX" on every page: indexed, each such word would
    find every page, and indexing them took a tenth of a full build. Sphinx's indexer
    skips an element with the ``no-search`` class (from Sphinx 8.2; 8.1 indexes it all the
    same); docutils would wrap a raw node with a class in a ``<div>``, so this node has
    its own visitor, which writes the HTML as it is.
    """

    def __init__(self, html: str) -> None:
        super().__init__(format="html", classes=["no-search"])
        text = nodes.Text(html)
        self.children.append(text)  # as new_element adds it, without the search
        text.parent = self


def _visit_unindexed(translator: HTML5Translator, node: nodes.Element) -> None:
    translator.body.append(node.astext())
    raise nodes.SkipNode


def claim_id(document: nodes.document, node: nodes.Element, next_id: Callable[[], str]) -> str:
    """The first id from ``next_id`` that the document does not hold, registered for
    ``node``, so that a heading or a label read later takes another one (docutils makes
    each id unique against those it knows; a heading "Hcite 0" took ``hcite-0`` too).
    The node that finally carries the id replaces ``node`` after reading."""
    candidate = next_id()
    while candidate in document.ids:
        candidate = next_id()
    document.ids[candidate] = node
    return candidate


PLACEHOLDERS = (citation_block_placeholder, reference_list_placeholder, cite_placeholder)


def _skip(_translator: nodes.NodeVisitor, _node: nodes.Element) -> None:
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    """Register the placeholders, skipped by every builder that meets one."""
    skip = (_skip, None)
    for node_class in PLACEHOLDERS:
        app.add_node(node_class, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(unwrapped_paragraph, text=(_visit_unwrapped, _depart_unwrapped))
    app.add_node(unindexed_html, html=(_visit_unindexed, None))
