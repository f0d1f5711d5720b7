"""CSL styles in a Sphinx build: by repository id, by path, in every builder, and the
warnings a wrong or broken style gives.

The expected texts of ``nature`` are what citeproc-js (Zotero's processor) prints for the
bundled entries (``benchmarks/csl_vs_citeproc_js.py``), not this package's own output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import output, soup, warnings

#: citeproc-js 1.4.63 with the CSL repository's ``nature``, on the bundled entries.
NATURE = [
    ("Finnerup, N. B., Kuner, R. & Jensen, T. S. Neuropathic pain: From mechanisms to "
    "treatment. Physiol Rev 101, 259–301 (2021)."),
    ("Price, T. J. et al. Transition to chronic pain: Opportunities for novel therapeutics. "
    "Nat Rev Neurosci 19, 383–384 (2018)."),
]
SHORT_BLOCK = "Yang et al. “Specialized Microglia Resolve Neuropathic Pain in the Spinal Cord” (2023)."


def items(page, index=0):
    lists = page.select("div.highlight-references")
    return [li.select_one(".highlight-reference-text").get_text()
            for li in lists[index].select("li.highlight-reference")]


@pytest.mark.sphinx("html", testroot="csl-styles", freshenv=True)
def test_a_repository_style_prints_as_citeproc_js(app):
    app.build()
    assert items(soup(app)) == NATURE


@pytest.mark.sphinx("html", testroot="csl-styles", freshenv=True)
def test_a_csl_file_relative_to_conf_py_styles_the_block(app):
    app.build()
    block = soup(app).select_one(".highlight-citation-text")
    assert block.get_text() == SHORT_BLOCK
    assert block.select_one("em").get_text() == (
        "Specialized Microglia Resolve Neuropathic Pain in the Spinal Cord"
    )


@pytest.mark.sphinx("html", testroot="csl-styles", freshenv=True)
def test_a_broken_style_warns_at_its_line_and_still_renders(app):
    app.build()
    text = warnings(app)
    broken = Path(app.srcdir) / "sub" / "broken.csl"
    assert f"{broken}:7: WARNING: CSL style '{broken}': macro 'no-such-macro' is not defined [highlight.style]" in text
    assert items(soup(app, "sub/page"), 0) == [
        "Qualitative sex differences in pain processing: Emerging evidence of a biased literature"
    ]
    assert "Traceback" not in text


@pytest.mark.sphinx("html", testroot="csl-styles", freshenv=True)
def test_an_unknown_id_names_the_closest_and_the_default_is_used(app):
    app.build()
    text = warnings(app)
    assert (
        "page.rst:12: WARNING: highlight-references: unknown CSL style 'natur'; closest: nature"
    ) in text
    assert "[highlight.style]" in text
    assert items(soup(app, "sub/page"), 1)[0].startswith("Mogil, J. S. Qualitative sex differences")


def test_an_unknown_configured_style_warns_at_its_line_in_conf_py(make_app, root_copy):
    srcdir = root_copy("csl-styles")
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace('"nature"', '"ieeee"'),
                    encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    text = warnings(app)
    assert f"{conf}:4: WARNING: invalid value 'ieeee' for highlight_reference_style: unknown CSL style 'ieeee'; closest: ieee" in text
    assert "using the default 'neurosci-bull'" in text
    assert items(soup(app))[0].startswith("Finnerup NB, Kuner R, Jensen TS.")


@pytest.mark.parametrize(("builder", "page"), [
    ("text", "index.txt"), ("latex", "csl-styles.tex"), ("man", "csl-styles.1"),
    ("texinfo", "csl-styles.texi"),
])
def test_every_builder_writes_the_csl_text(make_app, root_copy, builder, page):
    app = make_app(builder, srcdir=root_copy("csl-styles"), freshenv=True)
    app.build()
    written = " ".join(output(app, page).split())
    # Each writer escapes and breaks lines its own way; the words and their order stay.
    for expected in NATURE:
        first_words = " ".join(expected.split()[:3])
        assert first_words.replace("&", "\\&" if builder == "latex" else "&") in written, expected
    if builder == "latex":
        assert r"\sphinxstyleemphasis{Specialized Microglia" in written


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sphinxcontrib_highlight", *args],
                          capture_output=True, text=True, encoding="utf-8", check=False)


def test_cli_json_lists_in_the_style_order_with_key_and_text():
    bib = str(Path(__file__).parents[1] / "data" / "varied.bib")
    result = run_cli("render", bib, "--style", "apa", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    texts = [record["text"] for record in records]
    assert texts == sorted(texts, key=str.casefold)  # APA sorts by author, then year
    assert {record["key"] for record in records} >= {"kandel2013principles", "garcia2018glia"}
    kandel = next(r for r in records if r["key"] == "kandel2013principles")
    assert kandel["text"] == (
        "Kandel, E. R., Schwartz, J. H., & Jessell, T. M. (2013). Principles of Neural "
        "Science (5th ed.). McGraw-Hill."
    )
    assert "<em>Principles of Neural Science</em>" in kandel["html"]


def test_cli_locale_and_path_styles(tmp_path):
    bib = str(Path(__file__).parents[2] / "sphinxcontrib_highlight" / "data" / "highlight.bib")
    german = run_cli("render", bib, "--style", "neurosci-bull", "--locale", "de")
    assert "Takanami K, u.\u00a0a. A spinal microglia" in german.stdout
    style = Path(__file__).parents[1] / "roots" / "test-csl-styles" / "styles" / "short.csl"
    short = run_cli("render", bib, "--style", str(style))
    # The style numbers nothing (no citation-number): its list has no numbers.
    assert short.stdout.splitlines()[0] == SHORT_BLOCK
    unknown = run_cli("render", bib, "--style", "natur")
    assert unknown.returncode == 2
    assert "unknown CSL style 'natur'; closest: nature" in unknown.stderr


def test_highlight_locale_sets_the_words_of_csl_styles(make_app, root_copy):
    """The styles' words follow ``highlight_locale``; the extension's own words (the
    heading) still follow ``language``."""
    app = make_app("html", srcdir=root_copy("bundled"), freshenv=True,
                   confoverrides={"highlight_locale": "de-AT"})
    app.build()
    page = soup(app)
    assert page.select_one(".highlight-citation-heading").get_text() == "Cite this article"
    third = page.select("ol.highlight-reference-list > li")[2].get_text()
    assert "Takanami K, u.\u00a0a. A spinal microglia" in third


def test_an_unknown_locale_warns_at_its_line_and_the_language_is_used(make_app, root_copy):
    srcdir = root_copy("bundled")
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nhighlight_locale = "de-XX"\n',
                    encoding="utf-8")
    line = len(conf.read_text(encoding="utf-8").splitlines())
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    text = warnings(app)
    assert (f"{conf}:{line}: WARNING: invalid value 'de-XX' for highlight_locale: no CSL "
            "locale 'de-XX'; the closest: de-AT, de-CH, de-DE") in text
    assert "[highlight.config]" in text
    third = soup(app).select("ol.highlight-reference-list > li")[2].get_text()
    assert "Takanami K, et al. A spinal microglia" in third  # English, the project's language


@pytest.mark.parametrize("tag", ["de", "de_AT", "zh-CN", "en-GB"])
def test_a_locale_by_language_or_with_an_underscore_is_accepted(make_app, root_copy, tag):
    app = make_app("html", srcdir=root_copy("bundled"), freshenv=True,
                   confoverrides={"highlight_locale": tag})
    app.build()
    assert "highlight_locale" not in warnings(app)


def test_a_url_in_brackets_links_without_the_bracket(make_app, root_copy):
    """Some 200 styles print an item's URL as ``<URL>`` or ``(URL)``, and titles quote
    URLs in brackets too: the closing bracket ends the text of the link, not its target."""
    srcdir = root_copy("csl-json")
    refs = json.loads((srcdir / "refs.json").read_text("utf-8"))
    kohno = next(item for item in refs if item["id"] == "kohno2022spinal")
    kohno["URL"] = "https://example.org/spinal"
    kohno["type"] = "webpage"  # the style prints a web page's URL as <URL>
    kohno["title"] = "A spinal population (https://example.org/a_(b)) <https://example.org/c>"
    (srcdir / "refs.json").write_text(json.dumps(refs), encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True, confoverrides={
        "highlight_reference_style": "american-association-of-petroleum-geologists"})
    app.build()
    item = soup(app).select_one("li#ref-kohno2022spinal .highlight-reference-text")
    links = {a["href"] for a in item.select("a")}
    assert links == {
        "https://example.org/spinal", "https://example.org/a_(b)", "https://example.org/c",
    }, links
    assert "<https://example.org/spinal>" in item.get_text()
