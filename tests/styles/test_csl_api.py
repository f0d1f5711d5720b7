"""The CSL engine's public API, beyond what the CSL test suite exercises."""

from __future__ import annotations

from sphinxcontrib_highlight.styles.csl import (
    Cite,
    Cluster,
    Locale,
    Processor,
    Span,
    Style,
    Text,
    to_html,
    to_text,
)

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>API test</title><id>api-test</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <locale xml:lang="de">
    <terms><term name="and">und auch</term></terms>
  </locale>
  <citation>
    <layout prefix="(" suffix=")" delimiter="; ">
      <group delimiter=" ">
        <names variable="author"><name form="short" and="text"/></names>
        <date variable="issued"><date-part name="year"/></date>
        <label variable="locator" form="short"/>
        <text variable="locator"/>
      </group>
    </layout>
  </citation>
  <bibliography>
    <sort><key macro="author"/></sort>
    <layout suffix=".">
      <group delimiter=". ">
        <text macro="author"/>
        <text variable="title" font-style="italic"/>
        <date variable="issued" form="text" date-parts="year-month"/>
      </group>
    </layout>
  </bibliography>
  <macro name="author">
    <names variable="author"><name name-as-sort-order="all" and="text"/></names>
  </macro>
</style>"""

ITEMS = [
    {
        "id": "b",
        "type": "book",
        "title": "Zwei & mehr",
        "author": [{"family": "Zeller", "given": "Anna"}, {"family": "Berg", "given": "Otto"}],
        "issued": {"date-parts": [[2001, 3]]},
    },
    {
        "id": "a",
        "type": "book",
        "title": "Eins",
        "author": [{"family": "Adler", "given": "Eva"}],
        "issued": {"date-parts": [[1999]]},
    },
]


def test_bibliography_is_sorted_and_escaped() -> None:
    processor = Processor(Style.parse(STYLE), ITEMS, locale="en-US")
    entries = processor.bibliography()
    assert [e.id for e in entries] == ["a", "b"]
    marks = processor.quote_marks
    assert to_text(entries[0].content, marks) == "Adler, Eva. Eins. 1999."
    assert to_html(entries[1].content, marks) == (
        "Zeller, Anna and Berg, Otto. <i>Zwei &#38; mehr</i>. March 2001."
    )


def test_bibliography_entries_come_one_at_a_time_as_the_list_has_them() -> None:
    """A caller may convert each entry as it comes, never holding every entry's tree."""
    style = Style.parse(STYLE)
    marks = Processor(style, ITEMS, locale="en-US").quote_marks
    listed = Processor(style, ITEMS, locale="en-US").bibliography()
    entries = Processor(style, ITEMS, locale="en-US").bibliography_entries()
    first = next(entries)
    assert (first.id, to_text(first.content, marks)) == ("a", "Adler, Eva. Eins. 1999.")
    given = [first, *entries]
    assert [(e.id, to_html(e.content, marks)) for e in given] == [
        (e.id, to_html(e.content, marks)) for e in listed
    ]


def test_citations_over_the_whole_document() -> None:
    processor = Processor(Style.parse(STYLE), ITEMS, locale="en-US")
    clusters = [
        Cluster([Cite("b", locator="12", label="page")], 1),
        Cluster([Cite("a"), Cite("b")], 2),
    ]
    first, second = (
        to_text(t, processor.quote_marks) for t in processor.process_citations(clusters)
    )
    assert first == "(Zeller and Berg 2001 p. 12)"
    assert second == "(Adler 1999; Zeller and Berg 2001)"


def test_uncited_items_take_part_in_disambiguation_without_a_citation() -> None:
    """An item a bibliography lists uncited (nocite) gives the cited item by the same
    authors of the same year its year suffix, as citeproc-js does."""
    twin = {**ITEMS[0], "id": "b2", "title": "Drei"}
    style = STYLE.replace("<citation>", '<citation disambiguate-add-year-suffix="true">')
    processor = Processor(Style.parse(style), [*ITEMS, twin], locale="en-US")
    (cited,) = processor.process_citations([Cluster([Cite("b")])], uncited=["b2", "a"])
    assert to_text(cited, processor.quote_marks) == "(Zeller and Berg 2001a)"
    assert processor.registered == ["b", "b2", "a"]
    assert processor.year_suffix_letter("b2") == "b"


def test_locale_falls_back_to_primary_dialect_and_style_terms_win() -> None:
    locale = Locale.for_style("de-AT", Style.parse(STYLE).locales)
    languages = [source.lang for source in locale.sources]
    # The style's own <locale xml:lang="de">, the exact file, the primary dialect, en-US.
    assert languages == ["de", "de-AT", "de-DE", "en-US"]
    assert locale.term_text("and") == "und auch"
    assert locale.term_text("month-03") == "März"
    processor = Processor(Style.parse(STYLE), ITEMS, locale="de-AT")
    (tree,) = processor.process_citations([Cluster([Cite("b")], 1)])
    assert to_text(tree, processor.quote_marks) == "(Zeller und auch Berg 2001)"


def test_unknown_language_uses_en_us() -> None:
    locale = Locale.for_style("xx-YY", [])
    assert [s.lang for s in locale.sources] == ["en-US"]
    assert locale.term_text("and") == "and"


def test_every_value_is_escaped_and_odd_values_render() -> None:
    """Markup the engine does not know prints as text; numbers may be JSON numbers."""
    items = [
        {
            "id": 7,
            "type": "book",
            "title": '<script>alert("x")</script> & <i>Co</i> <b>',
            "author": [{"literal": "A <b>bold</b> & Co"}, {"given": "Solo"}],
            "issued": {"date-parts": [["1999", "2", "x"]]},
            "volume": 3,
            "page": 12,
        }
    ]
    style = STYLE.replace(
        '<text variable="title" font-style="italic"/>',
        '<text variable="title" font-style="italic"/><text variable="volume"/><text variable="page"/>',
    )
    processor = Processor(Style.parse(style), items, locale="en-US")
    (entry,) = processor.bibliography()
    html = to_html(entry.content, processor.quote_marks)
    assert entry.id == "7"
    assert "<script>" not in html and "&#60;script&#62;" in html
    assert "<b>bold</b> &#38; Co" in html
    assert (
        '<i>&#60;script&#62;alert(“x”)&#60;/script&#62; &#38; <span style="font-style:normal;">Co</span> &#60;b&#62;</i>'
        in html
    )
    assert to_text(entry.content, processor.quote_marks).endswith("<b>. 3. 12. February 1999.")


def test_rich_text_tree_serialises_links_and_flip_flops() -> None:
    """The tree is public: callers may build or decorate it, links included."""
    tree = Span(
        [
            Span(
                [Text("Title "), Span([Text("inner")], formatting={"font-style": "italic"})],
                formatting={"font-style": "italic"},
            ),
            Text(" "),
            Span([Text("doi")], link='https://doi.org/10.1000/x?a=1&b="2"'),
            Span([Text("quoted "), Span([Text("nested")], quotes=True)], quotes=True),
        ]
    )
    assert to_html(tree) == (
        '<i>Title <span style="font-style:normal;">inner</span></i> '
        '<a href="https://doi.org/10.1000/x?a=1&#38;b=&#34;2&#34;">doi</a>'
        "\u201cquoted \u2018nested\u2019\u201d"
    )
    assert to_text(tree) == "Title inner doi\u201cquoted \u2018nested\u2019\u201d"


def test_an_empty_quotation_keeps_its_marks() -> None:
    """A title of ``""`` (found by the title property test) printed nothing: a quotation
    of nothing. Its marks are text; a quotation with text in it is still one."""
    titles = ['""', 'x ""', 'a "" b', '"a"']
    items = [{"id": str(n), "type": "book", "title": title} for n, title in enumerate(titles)]
    processor = Processor(Style.parse(STYLE), items, locale="en-US")
    printed = {
        entry.id: to_text(entry.content, processor.quote_marks)
        for entry in processor.bibliography()
    }
    assert [printed[str(n)] for n in range(len(titles))] == ['"".', 'x "".', 'a "" b.', "“a.”"]
