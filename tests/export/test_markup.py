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
from sphinxcontrib_highlight.export.markup import numbered_list
from sphinxcontrib_highlight.sphinxext.formatting import plain, render_entry

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
    page = BeautifulSoup(numbered_list(items, "html"), "html.parser")
    found = page.select("ol > li")
    assert [item.get_text() for item in found] == expected
    assert not page.select("li b")
    assert unquote(found[-1].select_one("a")["href"]) == URL
    assert found[0]["id"] == "ref-markup"


def test_rst(items, expected):
    source = numbered_list(items, "rst")
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
    html = MarkdownIt("commonmark").enable("strikethrough").render(numbered_list(items, "markdown"))
    page = BeautifulSoup(html, "html.parser")
    lists = page.find_all("ol")
    assert len(lists) == 1
    found = lists[0].find_all("li", recursive=False)
    assert [item.get_text().strip() for item in found] == expected
    assert not page.select("em, strong, code, s, h1, blockquote, ul")
    links = page.select("a")
    assert [unquote(a["href"]) for a in links] == [URL]


def test_text_is_plain(items, expected):
    lines = numbered_list(items, "text").splitlines()
    assert lines == [f"{n}. {text}" for n, text in enumerate(expected, start=1)]
