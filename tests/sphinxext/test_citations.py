"""In-text citations, numbering across pages, and the kinds of list."""

from __future__ import annotations

import pytest
from conftest import soup, warnings


def list_texts(page) -> list[str]:
    return [li.select_one(".highlight-reference-text").get_text()
            for li in page.select("ol.highlight-reference-list > li")]


def cite_texts(page) -> list[str]:
    return [span.get_text() for span in page.select(".highlight-cite")]


@pytest.mark.sphinx("html", testroot="multipage", freshenv=True)
def test_project_list_numbers_in_toctree_order_of_first_citation(app):
    app.build()
    assert warnings(app) == ""
    texts = list_texts(soup(app, "bibliography"))
    # charlie (ch. 1), alpha, bravo (ch. 1), echo (ch. 2), delta (ch. 2, local list too)
    assert [text.split(".")[0] for text in texts] == [
        "Charlie D, Delta E, Echo F", "Alpha A, Beta B", "Bravo C", "Echo H", "Delta G",
    ]
    assert texts[3] == "Echo H. A Book. Boston: Test Press, 2019."


@pytest.mark.sphinx("html", testroot="multipage", freshenv=True)
def test_citations_link_to_their_list_across_pages(app):
    app.build()
    chapter1 = soup(app, "chapter1")
    assert cite_texts(chapter1) == ["[1]", "[2, 3]"]
    links = chapter1.select(".highlight-cite a")
    assert [a["href"] for a in links] == [
        "bibliography.html#ref-charlie2022",
        "bibliography.html#ref-alpha2020",
        "bibliography.html#ref-bravo2021",
    ]
    assert links[0]["title"].startswith("Charlie D, Delta E, Echo F. Third paper.")


@pytest.mark.sphinx("html", testroot="multipage", freshenv=True)
def test_same_page_list_wins_and_ranges_compress(app):
    app.build()
    chapter2 = soup(app, "chapter2")
    # The local :cited: list holds this page's keys in order of first citation:
    # alpha, echo, bravo, charlie, delta.
    assert [t.split(".")[0] for t in list_texts(chapter2)] == [
        "Alpha A, Beta B", "Echo H", "Bravo C", "Charlie D, Delta E, Echo F", "Delta G",
    ]
    assert cite_texts(chapter2) == ["[1]", "[2]", "[1–4]", "[5]"]
    range_links = chapter2.select(".highlight-cite")[2].select("a")
    assert [a.get_text() for a in range_links] == ["1", "4"]
    assert all(a["href"].startswith("#ref-") for a in range_links)


@pytest.mark.sphinx("html", testroot="multipage", freshenv=True)
def test_list_items_link_back_to_each_citation(app):
    app.build()
    items = soup(app, "bibliography").select("ol.highlight-reference-list > li")
    alpha = items[1]
    backrefs = [a["href"] for a in alpha.select("a.highlight-backref")]
    # alpha is cited on chapter1 (resolves to the project list); chapter2's citations
    # resolve to chapter2's own list, so they link back there, not here.
    assert backrefs == ["chapter1.html#hcite-1"]
    local = soup(app, "chapter2").select("ol.highlight-reference-list > li")[0]
    assert [a["href"] for a in local.select("a.highlight-backref")] == ["#hcite-0", "#hcite-2"]


@pytest.mark.parametrize(
    ("cite_format", "expected"),
    [("brackets", "[2, 3]"), ("parentheses", "(2, 3)"), ("superscript", "2, 3")],
)
def test_cite_formats(make_app, root_copy, cite_format, expected):
    app = make_app("html", srcdir=root_copy("multipage"), freshenv=True,
                   confoverrides={"highlight_cite_format": cite_format})
    app.build()
    cite = soup(app, "chapter1").select(".highlight-cite")[1]
    assert cite.get_text() == expected
    assert cite.name == ("sup" if cite_format == "superscript" else "span")


#: index.rst of test-two-lists: each citation as printed, and where its numbers link.
#: first.rst lists keys 1-6, second.rst keys 7-10 (``:start: 7``), the last one also in
#: first.rst.
TWO_LISTS_CITES = [
    ("[1–3]", ["first.html#ref-yang2023specialized", "first.html#ref-price2018transition"]),
    ("[1, 2]", ["first.html#ref-yang2023specialized", "first.html#ref-finnerup2021neuropathic"]),
    ("[1–3, 5, 6]", ["first.html#ref-yang2023specialized", "first.html#ref-price2018transition",
                     "first.html#ref-inoue2018microglia", "first.html#ref-chen2018microglia"]),
    ("[1, 3–5]", ["first.html#ref-yang2023specialized", "first.html#ref-price2018transition",
                  "first.html#ref-inoue2018microglia"]),
    ("[7, 1, 8]", ["second.html#ref-shemer2015microglia", "first.html#ref-yang2023specialized",
                   "second.html#ref-rothhammer2018microglial"]),
    ("[5, 6, 7]", ["first.html#ref-inoue2018microglia", "first.html#ref-chen2018microglia",
                   "second.html#ref-shemer2015microglia"]),
]


@pytest.mark.sphinx("html", testroot="two-lists", freshenv=True)
def test_runs_collapse_from_three_in_one_list_and_never_across_lists(app):
    """Three consecutive numbers print as a range, exactly two as two numbers, and a gap
    ends the run. Keys of two lists (on two pages) are neither sorted nor joined into a
    range across the lists: each number links to its own list's item."""
    app.build()
    assert warnings(app) == ""
    index = soup(app)
    cites = index.select(".highlight-cite")
    assert [(cite.get_text(), [a["href"] for a in cite.select("a")]) for cite in cites] == (
        TWO_LISTS_CITES
    )
    assert [a.get_text() for a in cites[0].select("a")] == ["1", "3"]
    # The lists number as the citations say: 1-6 on one page, 7-10 on the other.
    first, second = soup(app, "first"), soup(app, "second")
    assert [li["id"] for li in first.select("ol.highlight-reference-list > li")] == [
        "ref-yang2023specialized", "ref-finnerup2021neuropathic", "ref-price2018transition",
        "ref-kohno2022spinal", "ref-inoue2018microglia", "ref-chen2018microglia",
    ]
    assert second.select_one("ol.highlight-reference-list")["start"] == "7"
    # On the second page, its own list wins for its keys; the other key links across.
    assert [(cite.get_text(), [a["href"] for a in cite.select("a")])
            for cite in second.select(".highlight-cite")] == [
        ("[7, 1]", ["#ref-shemer2015microglia", "first.html#ref-yang2023specialized"]),
        ("[10]", ["#ref-finnerup2021neuropathic"]),
    ]
    # A key both lists hold: each list's item links back to the citations it numbers.
    def backrefs(page, key):
        return [a["href"] for a in page.select(f"li#ref-{key} a.highlight-backref")]
    assert backrefs(first, "finnerup2021neuropathic") == [
        "index.html#hcite-0", "index.html#hcite-1", "index.html#hcite-2",
    ]
    assert backrefs(second, "finnerup2021neuropathic") == ["#hcite-1"]


@pytest.mark.sphinx("text", testroot="two-lists", freshenv=True)
def test_runs_in_plain_text(app):
    app.build()
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    printed = [line[line.rindex(" [") + 1 :] for line in text.splitlines() if line.endswith("].")]
    assert printed == [f"{cite}." for cite, _ in TWO_LISTS_CITES]


@pytest.mark.sphinx("latex", testroot="two-lists", freshenv=True)
def test_runs_in_latex(app):
    app.build()
    tex = (app.outdir / "two-lists.tex").read_text(encoding="utf-8")
    three = tex[tex.index("Three in a row"):].split("\n", 1)[0]
    assert three.count(r"\hyperref") == 2
    assert r"{\sphinxcrossref{1}}}\textendash{}{\hyperref[\detokenize{first:ref-price2018transition}]" in three
    across = tex[tex.index("Across the two lists, in a row"):].split("\n", 1)[0]
    assert r"\textendash" not in across
    assert [part.split("}")[0] for part in across.split(r"\detokenize{")[1:]] == [
        "first:ref-inoue2018microglia", "first:ref-chen2018microglia", "second:ref-shemer2015microglia",
    ]


SLUGS_ALIKE = """\
Hcite 0
=======

.. _ref-kohno2022spinal:

A label before the list, and a heading that slugifies like an item's anchor below.

Ref mogil2020qualitative
------------------------

Cited :hcite:`mogil2020qualitative` and :hcite:`kohno2022spinal`.

.. highlight-citation::

.. highlight-references::
   :cited:

Highlight citation 0
--------------------

Highlight references 0
----------------------

Hcite 1
-------

See :ref:`the label <ref-kohno2022spinal>`.
"""


def test_ids_are_unique_in_the_page_whatever_it_holds(make_app, tmp_path):
    """A heading or a label slugified like an item's, a citation's or a block's id took
    the same id, so a citation could jump to the heading instead of its reference."""
    from collections import Counter

    (tmp_path / "conf.py").write_text('extensions = ["sphinxcontrib_highlight"]\n')
    (tmp_path / "index.rst").write_text(SLUGS_ALIKE)
    app = make_app("html", srcdir=tmp_path, freshenv=True)
    app.build()
    page = soup(app)
    ids = [tag["id"] for tag in page.select("[id]")]
    assert [id_ for id_, count in Counter(ids).items() if count > 1] == []
    items = page.select("ol.highlight-reference-list > li")
    for cite in page.select(".highlight-cite a"):
        target = page.find(id=cite["href"].lstrip("#"))
        assert target in items, cite
    for backref in page.select("a.highlight-backref"):
        target = page.find(id=backref["href"].split("#")[1])
        assert "highlight-cite" in target.get("class", []), backref
    label = page.find("a", string="the label") or page.find(
        lambda tag: tag.name == "a" and tag.get_text() == "the label")
    assert page.find(id=label["href"].lstrip("#")).name == "p"  # the labelled paragraph
    assert not [line for line in warnings(app).splitlines()
                if "WARNING" in line and "already registered" not in line]
