"""Each directive option and configuration value, on a user's own BibTeX files."""

from __future__ import annotations

import pytest
from conftest import soup, warnings


def items(block) -> list[str]:
    return [li.select_one(".highlight-reference-text").get_text()
            for li in block.select("ol.highlight-reference-list > li")]


@pytest.mark.sphinx("html", testroot="options", freshenv=True)
def test_citation_block_defaults_to_the_first_entry(app):
    app.build()
    blocks = soup(app).select("div.highlight-citation")
    assert blocks[0].select_one(".highlight-citation-text").get_text() == (
        "Main, M., Second, S., Third, T. et al. The main article. J. Ex. 7, 100–110 (2024)."
    )
    assert blocks[0].select_one(".highlight-citation-doi a")["href"] == (
        "https://doi.org/10.5555/main.2024"
    )


@pytest.mark.sphinx("html", testroot="options", freshenv=True)
def test_citation_block_key_heading_and_style(app):
    app.build()
    block = soup(app).select("div.highlight-citation")[1]
    assert block.select_one(".highlight-citation-heading").get_text() == "How to cite reference one"
    assert block.select_one(".highlight-citation-text").get_text() == (
        "One O. Reference one. J Ex. 2001;1:1–2."
    )
    assert block.select_one(".highlight-citation-doi") is None  # no DOI, no link


@pytest.mark.sphinx("html", testroot="options", freshenv=True)
def test_default_list_is_every_entry_but_the_article(app):
    app.build()
    first_list = soup(app).select("div.highlight-references")[0]
    assert items(first_list) == [
        "One O. Reference one. J Ex 2001, 1: 1–2.",
        "Two T. Reference two. Paris: Press, 2002.",
        "Three T. A tool. Lab, 2003.",
        "Reference four without author. Journal of Examples 2004.",
    ]


@pytest.mark.sphinx("html", testroot="options", freshenv=True)
def test_keys_as_content_with_style_and_start(app):
    app.build()
    second = soup(app).select("div.highlight-references")[1]
    assert second.select_one("ol")["start"] == "5"
    assert items(second) == [
        "Two, T. (2002). Reference two. Press.",
        "One, O. (2001). Reference one. Journal of Examples, 1, 1–2.",
    ]


@pytest.mark.sphinx("html", testroot="options", freshenv=True)
def test_bibfile_option_relative_to_document_or_source(app):
    app.build()
    page = soup(app, "sub/page")
    assert items(page) == ["Other O. From another file. Elsewhere 1999."]
    assert page.select_one(".highlight-citation-text").get_text() == (
        "Other, O. From another file. Elsewhere (1999)."
    )


@pytest.mark.sphinx("html", testroot="options", freshenv=True)
def test_unknown_type_and_missing_field_warn_with_entry_and_field(app):
    app.build()
    text = warnings(app)
    # Located at the entry in its .bib file, where the fix belongs.
    assert "article.bib:20: WARNING: entry 'ref2003': @gadget is no BibTeX or biblatex entry type; style 'neurosci-bull' prints it as a generic document" in text
    assert "[highlight.unknown_type]" in text
    assert "article.bib:26: WARNING: entry 'ref2004' has no 'author', which style 'neurosci-bull' needs" in text
    assert "[highlight.missing_field]" in text


@pytest.mark.sphinx("html", testroot="options", freshenv=True,
                    confoverrides={"highlight_article": "ref2001"})
def test_configured_article(app):
    app.build()
    page = soup(app)
    assert page.select_one(".highlight-citation-text").get_text().startswith("One, O. Reference one.")
    assert items(page.select("div.highlight-references")[0])[0].startswith("Main M, Second S")


def test_third_party_style_from_the_registry(make_app, root_copy):
    import pybtex.plugin
    from pybtex.richtext import Text
    from pybtex.style import FormattedEntry
    from pybtex.style.formatting.unsrt import Style as Unsrt

    class ShoutingStyle(Unsrt):
        def format_entry(self, label, entry, bib_data=None):
            text = super().format_entry(label, entry, bib_data).text.render_as("text")
            return FormattedEntry(entry.key, Text(text.upper()), label)

    pybtex.plugin.register_plugin("pybtex.style.formatting", "xxx-test-shouting", ShoutingStyle)
    app = make_app("html", srcdir=root_copy("options"), freshenv=True,
                   confoverrides={"highlight_reference_style": "xxx-test-shouting"})
    app.build()
    assert items(soup(app).select("div.highlight-references")[0])[0].startswith("OLGA ONE. REFERENCE ONE.")


@pytest.mark.sphinx("text", testroot="printed-urls", freshenv=True)
def test_a_url_the_text_prints_is_not_printed_again(app):
    """On paper a link shows its URL: one the entry's text already shows (a DOI in APA, a
    \\url in howpublished) is not repeated under it."""
    app.build()
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert text.count("https://doi.org/10.5555/art.2020") == 1
    assert text.count("https://example.org/tool") == 1


@pytest.mark.sphinx("html", testroot="printed-urls", freshenv=True)
def test_web_page_keeps_the_labelled_link_beside_a_printed_url(app):
    app.build()
    page = soup(app)
    assert page.select_one(".highlight-citation-doi") is None  # APA's text has the DOI
    item = page.select_one("li.highlight-reference")
    assert "https://example.org/tool" in item.select_one(".highlight-reference-text").get_text()
    assert item.select_one("a.highlight-link-doi")["href"] == "https://example.org/tool"
