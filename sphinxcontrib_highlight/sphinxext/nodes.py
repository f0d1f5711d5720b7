"""Placeholder nodes that directives and the role leave in a doctree, and two nodes
that only one kind of builder meets.

A post-transform (:mod:`.transforms`) replaces each one with standard docutils nodes once
the whole project has been read, so every builder renders the result without visitors of
its own. The visitors registered here only skip a placeholder that somehow survives (a
builder that runs no post-transforms), instead of crashing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.text import TextTranslator


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
        super().__init__("", html, format="html", classes=["no-search"])


def _visit_unindexed(translator: HTML5Translator, node: nodes.Element) -> None:
    translator.body.append(node.astext())
    raise nodes.SkipNode


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
