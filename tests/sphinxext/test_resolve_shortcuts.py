"""The resolving post-transform's shortcuts give what the ways they replace gave.

:mod:`.transforms` finds a page's placeholders in one walk, writes links to list items
without Sphinx's ``make_refnode``, takes a web page's link anchors from a memo by
content and makes elements without docutils' search for their document; each is
checked here against the way it replaced.
"""

from __future__ import annotations

import pytest
from docutils import nodes
from pybtex.database import Entry, Person
from sphinx.util.nodes import make_refnode

from sphinxcontrib_highlight.export.links import entry_links
from sphinxcontrib_highlight.sphinxext import transforms
from sphinxcontrib_highlight.sphinxext.nodes import (
    citation_block_placeholder,
    cite_placeholder,
    new_element,
    reference_list_placeholder,
    unindexed_html,
)
from sphinxcontrib_highlight.sphinxext.notes import NOTE_CLASS
from sphinxcontrib_highlight.sphinxext.records import Target


@pytest.mark.parametrize("root", ["multipage", "notes", "two-blocks"])
def test_one_walk_finds_what_three_searches_found(make_app, root_copy, root):
    app = make_app("html", srcdir=root_copy(root), freshenv=True)
    app.build()
    seen_notes = False
    for docname in sorted(app.env.found_docs):
        document = app.env.get_doctree(docname)
        placeholders, had_notes = transforms.page_contents(document)
        assert placeholders == [
            *document.findall(citation_block_placeholder),
            *document.findall(reference_list_placeholder),
            *document.findall(cite_placeholder),
        ]
        assert had_notes == any(
            NOTE_CLASS in footnote["classes"] for footnote in document.findall(nodes.footnote)
        )
        seen_notes = seen_notes or had_notes
    assert seen_notes == (root == "notes")  # the note style's footnotes, made while reading


@pytest.mark.sphinx("html", testroot="multipage", freshenv=True)
def test_links_to_list_items_are_those_of_make_refnode(app):
    app.build()
    document = app.env.get_doctree("chapter1")
    app.env.prepare_settings("chapter1")
    resolver = transforms.ResolveHighlight(document)
    for docname in ("chapter1", "bibliography"):
        for item_id in ("ref-alpha2020", ""):
            for title in ("Alpha A. A title.", ""):
                target = Target(docname=docname, item_id=item_id, number=1, list_id="x",
                                key="alpha2020", style="neurosci-bull", bibfiles=())
                ours = resolver.refnode(target, nodes.Text("1"), title)
                sphinx = make_refnode(app.builder, "chapter1", docname, item_id,
                                      nodes.Text("1"), title)
                assert ours.pformat() == sphinx.pformat()
                assert ours.attributes == sphinx.attributes


ENTRIES = [
    Entry("article", fields={"title": "A title", "year": "2020", "doi": "10.1000/xyz",
                             "pmid": "123"}, persons={"author": [Person("Alpha, A")]}),
    Entry("article", fields={"title": "B & <c>", "url": "https://x.org/?a=1&b=@"}),
    Entry("article", fields={"title": "Bad", "doi": "nodoi", "pmid": "12a",
                             "url": "javascript:alert(1)"}),
    Entry("misc", fields={}),
]


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize(
    "kinds", [("doi", "pubmed", "scholar"), ("scholar", "doi"), ("pubmed",), (), ("other",)]
)
def test_web_page_link_anchors_are_those_of_the_links(entry, kinds):
    entry.key = f"key{ENTRIES.index(entry)}"
    links, problems = entry_links(entry, kinds)
    anchors = [
        transforms._anchor(link.label, link.url, f"highlight-link-{link.kind} reference external")
        for link in links
    ]
    assert transforms.html_links_of(entry, kinds) == (anchors, problems)


@pytest.mark.parametrize(
    ("kind", "attributes"),
    [
        (nodes.paragraph, {"classes": ["highlight-reference-text"]}),
        (nodes.inline, {"ids": ["hcite-1"], "classes": ["highlight-cite"]}),
        (nodes.reference, {"internal": True, "refid": "ref-a", "reftitle": "A."}),
        (nodes.superscript, {}),
    ],
)
def test_new_element_is_the_element_docutils_makes(kind, attributes):
    def children() -> list[nodes.Node]:
        return [nodes.Text("["), nodes.emphasis("", "A"), nodes.Text("]")]

    ours = new_element(kind, children(), **attributes)
    theirs = kind("", "", *children(), **attributes)
    assert ours.pformat() == theirs.pformat()
    assert list(ours.attributes.items()) == list(theirs.attributes.items())
    assert (ours.rawsource, ours.document) == (theirs.rawsource, theirs.document)
    assert all(child.parent is ours for child in ours.children)
    assert [vars(child) for child in ours.children] == [
        {**vars(child), "parent": ours} for child in theirs.children
    ]


def test_unindexed_html_is_the_raw_node_docutils_makes():
    ours = unindexed_html("<p>x</p>\n")
    theirs = unindexed_html.__new__(unindexed_html)  # made as a raw node makes itself
    nodes.raw.__init__(theirs, "", "<p>x</p>\n", format="html", classes=["no-search"])
    assert ours.pformat() == theirs.pformat()
    assert list(ours.attributes.items()) == list(theirs.attributes.items())
    assert ours.astext() == theirs.astext() and ours[0].parent is ours
