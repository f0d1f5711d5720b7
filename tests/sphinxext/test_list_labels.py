"""Reference lists look as their style lays them out, in every builder (issue 17).

test-list-labels lists the bundled highlight in five styles of three kinds: ieee
("[1]" labels in a margin column), american-chemical-society ("(1)", numbered on from
4), apa (no numbers, a hanging indent), vancouver ("1.", which every builder prints
by itself, unchanged) and a style of the root's own whose label is a bold superscript.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import output, soup

IEEE = [
    "[1] N. B. Finnerup, R. Kuner, and T. S. Jensen, “Neuropathic pain",
    "[2] T. J. Price, A. I. Basbaum",
    "[3] K. Kohno ",
]
APA = ["Finnerup, N. B., Kuner, R., & Jensen, T. S. (2021).",
       "Price, T. J., Basbaum, A. I., Bresnahan, J."]
ACS = ["(4) Inoue, K.; Tsuda, M. Microglia", "(5) Chen, G.; Zhang, Y. Q."]
VANCOUVER_TEXT = ["1. Guan Z, Kuhn JA", "2. Huang Y, Happonen KE"]


def lists_in(app):
    return soup(app).select("ol.highlight-reference-list")


@pytest.mark.sphinx("html", testroot="list-labels")
def test_html_lists_show_the_styles_labels(app):
    app.build()
    ieee, _apa, acs, _vancouver, superscript = lists_in(app)
    items = ieee.find_all("li", recursive=False)
    assert [li.select_one(".highlight-reference-label").get_text() for li in items] == [
        "[1]", "[2]", "[3]"
    ]
    for li, expected in zip(items, IEEE, strict=True):
        text = li.select_one("p.highlight-reference-text").get_text()
        assert text.startswith(expected), text
        assert text.count("[") == 1  # the label once: not the engine's as well
    assert {"highlight-labelled", "highlight-align-flush"} <= set(ieee["class"])
    assert "start" not in ieee.attrs
    # Numbered on: the list keeps its start and the labels follow it.
    assert acs["start"] == "4"
    assert [li.select_one("p").get_text()[: len(expected)]
            for li, expected in zip(acs.find_all("li", recursive=False), ACS, strict=True)] == ACS
    label = superscript.select_one(".highlight-reference-label")
    assert str(label) == (
        '<span class="highlight-reference-label"><strong><sup>1</sup></strong></span>'
    )
    assert "highlight-align-margin" in superscript["class"]


@pytest.mark.sphinx("html", testroot="list-labels")
def test_html_author_date_list_has_no_numbers_and_hangs(app):
    app.build()
    apa = lists_in(app)[1]
    assert {"highlight-unnumbered", "highlight-hanging-indent"} <= set(apa["class"])
    assert not apa.select(".highlight-reference-label")
    texts = [li.select_one("p").get_text() for li in apa.find_all("li", recursive=False)]
    assert [text[: len(expected)] for text, expected in zip(texts, APA, strict=True)] == APA
    css = (Path(app.outdir) / "_static" / "sphinxcontrib-highlight.css").read_text()
    for rule in ("ol.highlight-unnumbered", "ol.highlight-hanging-indent > li",
                 "ol.highlight-labelled", "ol.highlight-align-flush > li"):
        assert rule in css


@pytest.mark.sphinx("html", testroot="list-labels")
def test_html_plain_numbered_list_is_unchanged(app):
    app.build()
    vancouver = lists_in(app)[3]
    assert vancouver["class"] == ["arabic", "highlight-reference-list"]
    assert not vancouver.select(".highlight-reference-label")
    assert vancouver.select_one("p").get_text().startswith("Guan Z, Kuhn JA")


@pytest.mark.sphinx("text", testroot="list-labels")
def test_text_lists_print_the_labels(app):
    app.build()
    lines = output(app, "index.txt").splitlines()

    def starting(prefix: str) -> list[str]:
        return [line for line in lines if line.startswith(prefix)]

    for expected in [*IEEE, *ACS, *VANCOUVER_TEXT, *APA, "1 Mogil JS. Qualitative"]:
        assert starting(expected), expected
    # No number of the builder's own before a label, nor before an author-date entry.
    assert not [line for line in lines if re.match(r"\s*\d+\. [\[(]", line)]
    assert not [line for line in lines if re.match(r"\s*\d+\. (Finnerup|Price), ", line)]


@pytest.mark.sphinx("latex", testroot="list-labels")
def test_latex_lists_use_the_labels_and_a_hanging_indent(app):
    app.build()
    tex = output(app, "list-labels.tex")
    assert r"\sphinxsetlistlabels{\arabic}{enumi}{enumii}{{[}}{{]}}%" in tex
    assert r"\sphinxsetlistlabels{\arabic}{enumi}{enumii}{(}{)}%" in tex
    assert r"\setcounter{enumi}{3}" in tex
    assert r"\sphinxsetlistlabels{\arabic}{enumi}{enumii}{}{.}%" in tex  # vancouver
    # A bold superscript around the number, which sits between prefix and suffix.
    assert (r"\sphinxsetlistlabels{\arabic}{enumi}{enumii}"
            r"{\bfseries $^\bgroup\text{}}{\text{}\egroup$}%") in tex
    assert tex.count(r"\begin{enumerate}") == 4  # apa lists paragraphs, no numbers
    apa = tex[tex.index("(apa)") : tex.index(r"(american\sphinxhyphen{}chemical")]
    assert r"\begin{enumerate}" not in apa and r"\item" not in apa
    entries = re.findall(r"\\hangindent=1.5em\\hangafter=1\\relax .*?\{\\frenchspacing (\w+)", apa)
    assert entries == ["Finnerup", "Price"]
    # The labels are the list's: no entry's text repeats one.
    assert r"{\frenchspacing {[}1{]}" not in tex and r"{\frenchspacing (4)" not in tex


@pytest.mark.parametrize("builder", ["man", "texinfo"])
def test_man_and_texinfo_print_the_labels(make_app, root_copy, builder):
    app = make_app(builder, srcdir=root_copy("list-labels"), freshenv=True)
    app.build()
    written = "".join(
        path.read_text(encoding="utf-8") for path in Path(app.outdir).iterdir()
        if path.suffix in (".1", ".texi")
    )
    for expected in ("[1] N. B. Finnerup", "[3] K. Kohno", "(4) Inoue, K.", "(5) Chen, G."):
        assert expected in written, expected
    assert not re.search(r"\d\. (\\&)?[\[(]", written)


LATEX_TOOLS = ("latexmk", "xelatex", "pdftotext")


@pytest.mark.pdf
@pytest.mark.skipif(any(shutil.which(tool) is None for tool in LATEX_TOOLS),
                    reason="needs latexmk, xelatex and pdftotext")
def test_pdf_compiles_and_shows_the_labels(make_app, root_copy):
    app = make_app("latex", srcdir=root_copy("list-labels"), freshenv=True)
    app.build()
    outdir = Path(app.outdir)
    subprocess.run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error",
                    "list-labels.tex"], cwd=outdir, check=True, capture_output=True, timeout=600)
    text = subprocess.run(["pdftotext", "-layout", "list-labels.pdf", "-"], cwd=outdir,
                          check=True, capture_output=True, text=True).stdout
    for label in ("[1]", "[2]", "[3]", "(4)", "(5)", "1.", "2."):
        assert re.search(rf"(?m)^\s*{re.escape(label)} \S", text), label
    assert re.search(r"(?m)^Finnerup, N\. B\.", text)  # apa: flush left, no number


def test_man_page_entries_are_paragraphs_of_their_own(make_app, root_copy):
    """The man writer separates a paragraph from what comes before it only when it is
    not the first thing in its parent, and each entry's text is: without a ``.sp`` before
    it an entry ran on from the sentence before the list, and from the entry before."""
    app = make_app("man", srcdir=root_copy("list-labels"), freshenv=True)
    app.build()
    (page,) = Path(app.outdir).glob("*.1")
    lines = page.read_text(encoding="utf-8").splitlines()
    starts = ("[1] N. B. Finnerup", "[2] T. J. Price", "[3] K. Kohno", "Finnerup, N. B.",
              "Price, T. J.", "(4) Inoue, K.", "(5) Chen, G.")
    entries = [index for index, line in enumerate(lines) if line.startswith(starts)]
    assert len(entries) == len(starts)
    assert [lines[index - 1] for index in entries] == [".sp"] * len(starts)
