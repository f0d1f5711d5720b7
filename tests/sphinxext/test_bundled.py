"""The bundled highlight, rendered with no configuration, exactly as published."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import output, soup, warnings
from seed import CITATION, CITATION_DOI, REFERENCE_DOIS, REFERENCES


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_citation_block_as_published(app):
    app.build()
    assert warnings(app) == ""
    block = soup(app).select_one("div.highlight-citation")
    assert block.select_one(".highlight-citation-heading").get_text() == "Cite this article"
    assert block.select_one(".highlight-citation-text").get_text() == CITATION
    doi = block.select_one(".highlight-citation-doi a")
    assert doi["href"] == CITATION_DOI
    assert doi.get_text() == CITATION_DOI


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_reference_list_as_published(app):
    app.build()
    items = soup(app).select("ol.highlight-reference-list > li")
    assert [item.select_one(".highlight-reference-text").get_text() for item in items] == REFERENCES
    # An ordered list starting at 1: the browser numbers the items 1 to 14.
    assert items[0].parent.name == "ol"
    assert items[0].parent.get("start") in (None, "1")


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_doi_links_only_where_verified(app):
    app.build()
    items = soup(app).select("ol.highlight-reference-list > li")
    for item, doi in zip(items, REFERENCE_DOIS, strict=True):
        hrefs = [a["href"] for a in item.select("a") if "doi.org" in a["href"]]
        assert hrefs == ([f"https://doi.org/{doi}"] if doi else [])


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_items_have_stable_unique_anchors(app):
    app.build()
    items = soup(app).select("ol.highlight-reference-list > li")
    ids = [item["id"] for item in items]
    assert len(set(ids)) == 14
    assert ids[0] == "ref-finnerup2021neuropathic"
    assert all(re.fullmatch(r"ref-[a-z0-9-]+", anchor) for anchor in ids)


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_stylesheet_linked_for_html(app):
    app.build()
    links = [link["href"] for link in soup(app).select("link[rel=stylesheet]")]
    assert any(href.startswith("_static/sphinxcontrib-highlight.css") for href in links)
    assert (app.outdir / "_static" / "sphinxcontrib-highlight.css").is_file()


@pytest.mark.sphinx("text", testroot="bundled", freshenv=True)
def test_text_output_as_published(app):
    app.build()
    text = output(app, "index.txt")
    assert CITATION in text.splitlines()
    for number, reference in enumerate(REFERENCES, start=1):
        assert f"{number}. {reference}" in text.splitlines()


@pytest.mark.sphinx("latex", testroot="bundled", freshenv=True)
def test_latex_numbered_list_in_place(app):
    app.build()
    tex = output(app, "bundled.tex")
    body = tex[tex.index(r"\begin{document}"):]
    assert body.count(r"\begin{enumerate}") == 1
    # The list stands in its section, after the citation block, not at the end.
    assert body.index("Cite this article") < body.index("{References}") < body.index(
        r"\begin{enumerate}"
    )
    # Each item carries a label that in-text citations can link to.
    assert r"\label{\detokenize{index:ref-finnerup2021neuropathic}}" in body
    plain = body.replace(r"\sphinxhyphen{}", "-").replace(r"\textendash{}", "–")
    plain = re.sub(r"\\phantomsection\\label\{[^}]*\}\}", "", plain)
    assert CITATION in plain
    for reference in REFERENCES:
        assert reference in plain
    assert r"259\textendash{}301" in body  # en dashes are LaTeX's, hyphens stay hyphens
    # Even spaces after "et al." and "Neurosci.": each entry's text is set in a group with
    # \frenchspacing, which LaTeX would otherwise widen as a sentence's end.
    entries = re.findall(r"\{\\frenchspacing ([^\n]*)\}\n", body)
    assert len(entries) == 1 + len(REFERENCES)
    assert entries[0].startswith("Yang, J., Xie, S., Zhu, S. et al. Specialized")
    assert r"1274\sphinxhyphen{}1282.e6" in body


@pytest.mark.parametrize(
    "buildername", ["html", "dirhtml", "singlehtml", "latex", "text", "man", "texinfo", "epub"]
)
def test_every_builder_renders(make_app, root_copy, buildername):
    app = make_app(buildername, srcdir=root_copy("bundled"), freshenv=True)
    app.build()
    assert "Traceback" not in warnings(app)
    produced = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in Path(app.outdir).rglob("*")
        if path.is_file() and path.suffix in {".html", ".xhtml", ".tex", ".txt", ".1", ".texi"}
    )
    assert "Finnerup" in produced and "Niehaus" in produced
    assert "Neurosci. Bull. 39" in produced
