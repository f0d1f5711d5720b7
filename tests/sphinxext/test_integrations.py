"""Working with others: sphinxcontrib-bibtex, MyST Markdown, and LaTeX's special places."""

from __future__ import annotations

import re

import pytest
from conftest import output, soup, warnings
from seed import REFERENCES


@pytest.mark.sphinx("html", testroot="bibtex-compat", freshenv=True)
def test_reference_style_works_under_sphinxcontrib_bibtex(app):
    app.build()
    assert "[bibtex." not in warnings(app)
    texts = [" ".join(item.get_text().split()) for item in soup(app).select(".citation p, dd p")]
    texts = [t for t in texts if t]
    # sphinxcontrib-bibtex lists every entry (the article too) in the style's own text.
    for reference in REFERENCES:
        assert reference in texts


@pytest.mark.sphinx("html", testroot="myst", freshenv=True)
def test_myst_markdown_uses_the_same_directives_and_role(app):
    app.build()
    assert warnings(app) == ""
    page = soup(app)
    assert page.select_one(".highlight-citation-text").get_text().startswith("Yang, J., Xie, S.")
    lists = page.select("ol.highlight-reference-list")
    assert [li.get_text().split(".")[0] for li in lists[0].select("li")][:1] == [
        REFERENCES[2].split(".")[0]
    ]
    assert lists[1]["start"] == "3"
    assert [span.get_text() for span in page.select(".highlight-cite")] == ["[1, 2]"]


@pytest.mark.sphinx("latex", testroot="latex-places", freshenv=True)
def test_latex_citations_in_captions_and_tables(app):
    app.build()
    assert warnings(app) == ""
    tex = output(app, "places.tex")
    caption = re.search(r"\\caption\{(.*)\}", tex).group(1)
    assert r"\hyperref[\detokenize{index:ref-mogil2020qualitative}]" in caption
    assert r"\hyperref[\detokenize{index:ref-kohno2022spinal}]" in tex
    # The list stays where the directive is: before the text that follows it.
    assert tex.index(r"\begin{enumerate}") < tex.index("Text after the list.")
    assert r"\label{\detokenize{index:ref-mogil2020qualitative}}" in tex
