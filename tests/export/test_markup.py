"""Rendered lists in HTML, reStructuredText and Markdown read back as the same text.

Each format is parsed by a real parser (an HTML parser, docutils, markdown-it), so
markup-sensitive characters in the data can neither turn into markup nor break a list.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from docutils.core import publish_doctree
from markdown_it import MarkdownIt

from sphinxcontrib_highlight.bibliography.database import parse_text
from sphinxcontrib_highlight.export.markup import reference_list
from sphinxcontrib_highlight.sphinxext.formatting import plain, render_entry
from sphinxcontrib_highlight.styles.list_form import Label, ListForm

URL = 'https://example.org/a_(b)?q="x"&y=<z>`w`'

NASTY = r"""
@misc{markup,
  title = {Fish \& chips <b>bold</b> *stars* _under_ `tick` |sub| [link](x) ~strike~ $math$ a:role: 50\%},
  year = {2020},
}
@misc{heading, title = {# Not a heading}}
@misc{bullet, title = {- Not a bullet}}
@misc{plus, title = {+ Not a bullet either}}
@misc{number, title = {2021. Not a nested list}}
@misc{paren, title = {(iv) Not a nested list}}
@misc{letter, title = {A. Not a nested list}}
@misc{quote, title = {> Not a quote}}
@misc{directive, title = {.. not-a-directive:: x}}
@online{link, title = {A page}, url = {https://example.org/a_(b)?q="x"&y=<z>`w`}}
"""


@pytest.fixture(scope="module")
def items():
    bibfile = parse_text(NASTY, "nasty.bib")
    return [(entry.key, render_entry("neurosci-bull", entry).text)
            for entry in bibfile.entries.values()]


@pytest.fixture(scope="module")
def expected(items):
    return [plain(text) for _, text in items]


def test_html(items, expected):
    page = BeautifulSoup(reference_list(items, "html"), "html.parser")
    found = page.select("ol > li")
    assert [item.get_text() for item in found] == expected
    assert not page.select("li b")
    assert unquote(found[-1].select_one("a")["href"]) == URL
    assert found[0]["id"] == "ref-markup"


def test_rst(items, expected):
    source = reference_list(items, "rst")
    # halt_level 2: any docutils warning (a broken list, a bad role) fails the test.
    doctree = publish_doctree(source, settings_overrides={"halt_level": 2, "report_level": 2})
    lists = list(doctree.findall(nodes.enumerated_list))
    assert len(lists) == 1
    texts = [item.astext() for item in lists[0].children]
    assert texts == expected
    assert not list(doctree.findall(nodes.emphasis))
    assert not list(doctree.findall(nodes.literal))
    assert not list(doctree.findall(nodes.bullet_list))
    refs = [ref for ref in doctree.findall(nodes.reference) if ref.get("refuri")]
    assert [unquote(ref["refuri"]) for ref in refs] == [URL]


def test_markdown(items, expected):
    html = MarkdownIt("commonmark").enable("strikethrough").render(reference_list(items, "markdown"))
    page = BeautifulSoup(html, "html.parser")
    lists = page.find_all("ol")
    assert len(lists) == 1
    found = lists[0].find_all("li", recursive=False)
    assert [item.get_text().strip() for item in found] == expected
    assert not page.select("em, strong, code, s, h1, blockquote, ul")
    links = page.select("a")
    assert [unquote(a["href"]) for a in links] == [URL]


def test_text_is_plain(items, expected):
    lines = reference_list(items, "text").splitlines()
    assert lines == [f"{n}. {text}" for n, text in enumerate(expected, start=1)]


IEEE = ListForm(Label("[", "]"), second_field_align="flush", label_in_entries=True)
APA = ListForm(None, hanging_indent=True)


def test_labelled_html_writes_each_label(items, expected):
    page = BeautifulSoup(reference_list(items, "html", start=3, form=IEEE), "html.parser")
    listed = page.select_one("ol.highlight-labelled")
    assert listed["start"] == "3" and "list-style-type: none" in listed["style"]
    found = listed.select("li")
    assert [item.select_one(".highlight-reference-label").get_text() for item in found[:2]] == [
        "[3]", "[4]"
    ]
    assert [item.get_text() for item in found] == [
        f"[{number}] {text}" for number, text in enumerate(expected, 3)
    ]


@pytest.mark.parametrize("form", [IEEE, APA], ids=["labelled", "unnumbered"])
def test_labelled_and_unnumbered_rst_are_paragraphs(items, expected, form):
    source = reference_list(items, "rst", form=form)
    doctree = publish_doctree(source, settings_overrides={"halt_level": 2, "report_level": 2})
    assert not list(doctree.findall(nodes.enumerated_list))
    assert not list(doctree.findall(nodes.emphasis))
    texts = [paragraph.astext() for paragraph in doctree.findall(nodes.paragraph)]
    labels = [f"[{n}] " if form is IEEE else "" for n in range(1, len(expected) + 1)]
    assert texts == [label + text for label, text in zip(labels, expected, strict=True)]


@pytest.mark.parametrize("form", [IEEE, APA], ids=["labelled", "unnumbered"])
def test_labelled_and_unnumbered_markdown_are_paragraphs(items, expected, form):
    html = MarkdownIt("commonmark").render(reference_list(items, "markdown", form=form))
    page = BeautifulSoup(html, "html.parser")
    assert not page.select("ol, ul, h1, blockquote, em")
    labels = [f"[{n}] " if form is IEEE else "" for n in range(1, len(expected) + 1)]
    assert [p.get_text() for p in page.select("p")] == [
        label + text for label, text in zip(labels, expected, strict=True)
    ]


def test_unnumbered_text_is_one_entry_a_line(items, expected):
    assert reference_list(items, "text", form=APA).splitlines() == expected
