"""Rules of the CSL engine learnt from comparing it with citeproc-js (Zotero) on real
BibTeX files (``benchmarks/csl_vs_citeproc_js.py``), each on the smallest style that
shows it. The CSL test suite does not cover these; the APA and Chicago styles do."""

from __future__ import annotations

from typing import Any

from sphinxcontrib_highlight.styles.csl import Cite, Cluster, Processor, Style, to_text

HEAD = """<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Rules</title><id>rules</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>"""


def bibliography(layout: str, items: list[dict[str, Any]], *, macros: str = "") -> list[str]:
    style = Style.parse(f"{HEAD}<bibliography>{layout}</bibliography>{macros}</style>")
    processor = Processor(style, items, locale="en-US")
    return [to_text(entry.content, processor.quote_marks) for entry in processor.bibliography()]


def citation(layout: str, item: dict[str, Any]) -> str:
    xml = HEAD.replace('<layout><text variable="title"/></layout>', layout)
    processor = Processor(Style.parse(xml + "</style>"), [item], locale="en-US")
    (node,) = processor.process_citations([Cluster([Cite(item["id"])])])
    return to_text(node, processor.quote_marks)


def test_title_case_spares_only_the_text_fields_of_an_item_in_another_language() -> None:
    layout = """<layout><group delimiter=". ">
      <text variable="title" text-case="title"/>
      <names variable="editor"><name/><label form="short" prefix=" (" suffix=")"
        text-case="title"/></names>
    </group></layout>"""
    item = {
        "id": "de", "type": "book", "language": "de-DE", "title": "Die nordischen Länder",
        "editor": [{"family": "Seibt", "given": "Ferdinand"}],
    }
    assert bibliography(layout, [item]) == ["Die nordischen Länder. Ferdinand Seibt (Ed.)"]


def test_a_closing_others_counts_as_a_name_for_et_al_min() -> None:
    layout = """<layout><names variable="author">
      <name form="short" and="symbol" et-al-min="3" et-al-use-first="1"/></names></layout>"""
    two_and_others = {
        "id": "z", "type": "book",
        "author": [{"family": "Zhao", "given": "Lei"}, {"family": "Wang", "given": "Fang"},
                   {"literal": "others"}],
    }
    assert citation(layout, two_and_others) == "Zhao et al."
    one_and_others = {**two_and_others, "author": [{"family": "Zhao"}, {"literal": "others"}]}
    assert citation(layout, one_and_others) == "Zhao et al."


SUBSTITUTING = """<layout><group delimiter=". ">
  <names variable="author">
    <name name-as-sort-order="first" initialize="false"/>
    <label form="short" prefix=", "/>
    <substitute>
      <choose>
        <if type="report" variable="title"/>
        <else><names variable="editor"/></else>
      </choose>
      <text macro="title"/>
    </substitute>
  </names>
  <text macro="title"/>
</group></layout>"""
TITLE_MACRO = """<macro name="title"><choose><if variable="title">
  <text variable="title" font-style="italic"/></if></choose></macro>"""


def test_names_in_a_choose_inside_substitute_inherit_the_substituted_names() -> None:
    item = {
        "id": "g", "type": "book", "title": "Alternative Modernities",
        "editor": [{"family": "Gaonkar", "given": "Dilip Parameshwar"}],
    }
    assert bibliography(SUBSTITUTING, [item], macros=TITLE_MACRO) == [
        "Gaonkar, Dilip Parameshwar, ed. Alternative Modernities"
    ]


def test_a_variable_a_substitution_only_tested_is_still_suppressed_once_printed() -> None:
    """The first choice tests the title and prints nothing; the macro that prints it in
    the author's place must still keep it from printing again."""
    item = {"id": "c", "type": "report", "title": "CTAN"}
    assert bibliography(SUBSTITUTING, [item], macros=TITLE_MACRO) == ["CTAN"]


def test_a_test_still_sees_a_variable_a_substitution_printed() -> None:
    """APA prints a chapter's editors in place of its container's author; the chapter
    is still an edited one for the tests that follow (its pages and publisher)."""
    layout = """<layout><group delimiter=". ">
      <names variable="container-author"><name/><substitute>
        <names variable="editor"/></substitute></names>
      <choose><if variable="editor"><text variable="publisher"/></if></choose>
    </group></layout>"""
    item = {
        "id": "s", "type": "paper-conference", "publisher": "Almquist & Wiksell",
        "editor": [{"family": "Svartholm", "given": "Nils"}],
    }
    assert bibliography(layout, [item]) == ["Nils Svartholm. Almquist & Wiksell"]


def test_case_changes_keep_words_that_have_capitals_and_lone_letters() -> None:
    layout = """<layout><group delimiter=" | ">
      <text variable="title" text-case="title"/>
      <text variable="number" text-case="capitalize-first"/>
      <text variable="genre" text-case="capitalize-all"/>
    </group></layout>"""
    item = {
        "id": "t", "type": "report", "number": "arXiv:1008.2849v1", "genre": "iPhone apps",
        "title": 'Solvers: <span class="nocase">O</span>n the road to <span '
        'class="nocase">GPU</span>s, DAP12-dependent pain, <span class="nocase">PDE</span>-based'
        " x-rays and one of near-to-the d’une",
    }
    assert bibliography(layout, [item]) == [
        ("Solvers: On the Road to GPUs, DAP12-Dependent Pain, PDE-Based x-Rays and One of"
        " near-to-the d’une | arXiv:1008.2849v1 | iPhone Apps")
    ]


def test_hyphenated_initials_and_numbers_keep_their_writing() -> None:
    layout = """<layout><group delimiter=" | ">
      <names variable="author"><name initialize-with="."/></names>
      <names variable="editor"><name initialize-with=". " initialize="false"/></names>
      <text variable="number"/>
    </group></layout>"""
    item = {
        "id": "n", "type": "report", "number": "99-02",
        "author": [{"family": "Cai", "given": "X.-C."}, {"family": "Chen", "given": "W. -P."},
                   {"family": "Wets", "given": "R.J.–B."}],
        "editor": [{"family": "Lai", "given": "C-H."}],
    }
    assert bibliography(layout, [item]) == [
        "X.-C. Cai, W.-P. Chen, R.J. –B. Wets | C. H. Lai | 99–02"
    ]


def test_people_sharing_a_family_name_are_told_apart_by_all_their_initials() -> None:
    """citeproc-js's name register: S. J. Benson and Steven Benson differ in their
    initials, so both show them; where initials are shared (B. F. and Barry F. Smith)
    primary-name spells the given name out, primary-name-with-initials stops there."""

    def cites(rule: str, people: list[tuple[str, str]]) -> list[str]:
        xml = HEAD.replace(
            '<citation><layout><text variable="title"/></layout></citation>',
            f"""<citation disambiguate-add-givenname="true" givenname-disambiguation-rule="{rule}">
              <layout><names variable="author"><name form="short" initialize-with=". "/>
              </names></layout></citation>""",
        )
        items = [
            {"id": str(n), "type": "book", "author": [{"family": family, "given": given}],
             "editor": [{"family": "al.", "given": f"{'VWXYZ'[n % 5]}. Sunderam"}]}
            for n, (family, given) in enumerate(people)
        ]
        processor = Processor(Style.parse(xml + "</style>"), items, locale="en-US")
        nodes = processor.process_citations([Cluster([Cite(item["id"])]) for item in items])
        return [to_text(node, processor.quote_marks) for node in nodes]

    people = [("Benson", "Steven J."), ("Benson", "Steven"), ("Smith", "B. F."),
              ("Smith", "Barry F."), ("Smith", "Cameron"), ("Cold", "Crispin")]
    # Only the names a cite shows count: the editors of these books stay out of it.
    people_edited = [("Majumdar", "A."), ("Cold", "Odeous")]
    assert cites("primary-name", people) == [
        "S. J. Benson", "S. Benson", "B. F. Smith", "Barry F. Smith", "C. Smith", "Cold"
    ]
    assert cites("primary-name-with-initials", people) == [
        "S. J. Benson", "S. Benson", "B. F. Smith", "B. F. Smith", "C. Smith", "Cold"
    ]
    assert cites("primary-name", people_edited) == ["Majumdar", "Cold"]


def test_ranges_and_numbers_as_citeproc_js_prints_them() -> None:
    """A hyphen between numbers with different letters before them is kept (a report
    number, not a range), and so are all but the last of several; a prefixed page range names its prefix once unless expanded,
    a one-page range stays whole; numbers joined by a slash test numeric."""
    layout = """<layout><group delimiter=" | ">
      <text variable="number"/><text variable="page"/><text variable="issue"/>
      <choose><if is-numeric="collection-number"><text variable="collection-number"/></if></choose>
    </group></layout>"""
    items = [
        {"id": "a", "type": "report", "number": "SAND88-2955", "page": "C779-C802",
         "collection-number": "3/95", "issue": "90-03-01"},
        {"id": "b", "type": "report", "number": "TR93-1", "page": "980-980"},
    ]
    style = f"""{HEAD.replace('version="1.0"', 'version="1.0" page-range-format="chicago-16"')}
      <bibliography>{layout}</bibliography></style>"""
    processor = Processor(Style.parse(style), items, locale="en-US")
    assert [to_text(e.content, processor.quote_marks) for e in processor.bibliography()] == [
        "SAND88-2955 | C779–802 | 90-03–01 | 3/95", "TR93-1 | 980–980"
    ]


def test_field_text_punctuation_as_citeproc_js_prints_it() -> None:
    """A straight quote opening a word in protected text stays straight, and a space
    before a colon becomes a narrow no-break space (citeproc-js does so in any
    language)."""
    layout = """<layout><text variable="title"/></layout>"""
    items = [
        {"id": "a", "type": "book",
         "title": "Remarks on <span class=\"nocase\">'t Hooft's</span> proposal"},
        {"id": "b", "type": "book", "title": "Numerical Recipes : the Art"},
    ]
    assert bibliography(layout, items) == [
        "Remarks on 't Hooft’s proposal", "Numerical Recipes\u202f: the Art"
    ]


def test_a_year_only_date_in_a_sort_macro_sorts_with_the_full_date() -> None:
    """citeproc-js writes every date of a sort macro in full width, the parts the
    macro leaves out as zeros: the title decides between a year and a dated year."""
    style = f"""{HEAD}<bibliography><sort><key macro="date"/><key variable="title"/></sort>
      <layout><text variable="title"/></layout></bibliography>
      <macro name="date"><choose><if type="book">
        <date variable="issued" date-parts="year" form="numeric"/></if>
        <else><date variable="issued"><date-part name="year"/>
          <date-part name="month" form="numeric-leading-zeros"/></date></else></choose>
      </macro></style>"""
    items = [
        {"id": "r", "type": "book", "title": "Robust", "issued": {"date-parts": [[2020]]}},
        {"id": "i", "type": "report", "title": "Identification",
         "issued": {"date-parts": [[2020]]}},
    ]
    processor = Processor(Style.parse(style), items, locale="en-US")
    assert [entry.id for entry in processor.bibliography()] == ["i", "r"]


def test_year_suffix_letters_follow_the_last_year_of_a_range() -> None:
    layout = """<layout><date variable="issued"><date-part name="year"/></date></layout>"""
    xml = HEAD.replace(
        '<citation><layout><text variable="title"/></layout></citation>',
        f'<citation disambiguate-add-year-suffix="true">{layout}</citation>',
    )
    items = [
        {"id": n, "type": "book", "issued": {"date-parts": [[1984], [1986]]}} for n in "ab"
    ]
    processor = Processor(Style.parse(xml + "</style>"), items, locale="en-US")
    nodes = processor.process_citations([Cluster([Cite(n)]) for n in "ab"])
    assert [to_text(node, processor.quote_marks) for node in nodes] == [
        "1984–1986a", "1984–1986b"
    ]


def test_a_number_range_takes_the_locale_page_range_delimiter() -> None:
    """AMA sets its page-range delimiter to a hyphen; citeproc-js uses it for an
    issue's range too ("11(2-3)")."""
    style = HEAD.replace(
        "<citation>",
        '<locale><terms><term name="page-range-delimiter">-</term></terms></locale><citation>',
    ) + '<bibliography><layout><text variable="issue"/></layout></bibliography></style>'
    processor = Processor(
        Style.parse(style), [{"id": "i", "type": "article-journal", "issue": "2-3"}],
        locale="en-US",
    )
    (entry,) = processor.bibliography()
    assert to_text(entry.content, processor.quote_marks) == "2-3"


def test_people_the_sort_keys_name_are_told_apart_too() -> None:
    """citeproc-js registers everyone any rendering names: a style whose sort key
    prints editors (Chicago's) tells an author from an editor of the same name."""
    xml = HEAD.replace(
        '<citation><layout><text variable="title"/></layout></citation>',
        """<citation disambiguate-add-givenname="true" givenname-disambiguation-rule="primary-name">
          <layout><names variable="author"><name form="short" initialize-with=". "/>
          </names></layout></citation>""",
    ) + """<bibliography><sort><key macro="editors"/></sort>
      <layout><text variable="title"/></layout></bibliography>
      <macro name="editors"><names variable="editor"/></macro></style>"""
    items = [
        {"id": "k", "type": "book", "author": [{"family": "Keller", "given": "Tobias"}]},
        {"id": "r", "type": "chapter", "author": [{"family": "Rokos", "given": "Georgios"}],
         "editor": [{"family": "Keller", "given": "Rainer"}]},
    ]
    processor = Processor(Style.parse(xml), items, locale="en-US")
    nodes = processor.process_citations([Cluster([Cite(n)]) for n in "kr"])
    assert [to_text(node, processor.quote_marks) for node in nodes] == ["T. Keller", "Rokos"]


def test_strip_periods_keeps_a_period_that_joins_a_word_in_text() -> None:
    """Vancouver styles strip the periods of a journal's abbreviation; citeproc-js keeps
    in text a period a lower-case letter follows ("Census.gov", a URL a Mendeley export
    puts in ``journal``), and strips a date's every period."""
    layout = """<layout><group delimiter=". ">
      <text variable="container-title" strip-periods="true"/>
      <date variable="issued"><date-part name="month" form="short" strip-periods="true"/>
      </date>
    </group></layout>"""
    items = [
        {"id": "a", "type": "webpage", "container-title": "https://www.census.gov/x.html",
         "issued": {"date-parts": [[2021, 9]]}},
        {"id": "b", "type": "article-journal", "container-title": "Nucl. Instrum. Meth. A"},
    ]
    assert bibliography(layout, items) == [
        "https://www.census.gov/x.html. Sept", "Nucl Instrum Meth A"
    ]


def test_a_prefixed_page_range_keeps_what_citeproc_js_keeps() -> None:
    """PNAS's "E463-71" names its prefix once: with no page-range-format the hyphen is
    kept as written, as where the prefixes differ; an article number's one-page range
    ("e97-e97", Nucleic Acids Research) stays whole, its prefix too."""
    layout = '<layout><text variable="page"/></layout>'

    def pages(value: str, page_format: str | None) -> str:
        option = f' page-range-format="{page_format}"' if page_format else ""
        xml = HEAD.replace('version="1.0">', f'version="1.0"{option}>')
        style = Style.parse(f"{xml}<bibliography>{layout}</bibliography></style>")
        processor = Processor(style, [{"id": "p", "type": "article-journal", "page": value}],
                              locale="en-US")
        (entry,) = processor.bibliography()
        return to_text(entry.content, processor.quote_marks)

    assert pages("E463-71", None) == "E463-71"
    assert pages("S12-S19", None) == "S12\u2013S19"
    assert pages("e97-e97", "chicago-16") == "e97\u2013e97"
    assert pages("e97-e97", "minimal-two") == "e97\u2013e97"
    assert pages("e97-e99", "minimal-two") == "e97\u201399"


def test_a_timestamp_in_the_note_is_read_as_its_day() -> None:
    """Zotero's GitHub items keep "original-date: 2016-05-09T22:39:41Z" in Extra (the
    note); citeproc-js reads the date and leaves the time out."""
    layout = """<layout><date variable="original-date" form="text" date-parts="year-month-day"/>
      </layout>"""
    item = {"id": "g", "type": "software", "title": "allenai/pdffigures2",
            "note": "original-date: 2016-05-09T22:39:41Z"}
    assert bibliography(layout, [item]) == ["May 9, 2016"]


def test_a_hyphen_before_a_capital_suffix_is_kept() -> None:
    """A catalogue number ("12-574E") is no range; citeproc-js keeps its hyphen, and
    makes a dash of one between numbers with lower-case letters ("12a-14a")."""
    layout = '<layout><text variable="number"/></layout>'
    items = [
        {"id": "a", "type": "report", "number": "12-574E"},
        {"id": "b", "type": "report", "number": "16A-17, 12a-14a"},
    ]
    assert bibliography(layout, items) == ["12-574E", "16A-17, 12a\u201314a"]


def test_an_en_dash_the_data_writes_stays_under_a_hyphen_delimiter() -> None:
    """AMA's page-range delimiter is a hyphen: citeproc-js puts it for a hyphen in an
    issue ("2-3"), and keeps an en dash the data writes ("2–3", Elsevier's exports)."""
    style = HEAD.replace(
        "<citation>",
        '<locale><terms><term name="page-range-delimiter">-</term></terms></locale><citation>',
    ) + '<bibliography><layout><text variable="issue"/></layout></bibliography></style>'
    items = [{"id": "a", "type": "article-journal", "issue": "2\u20133"},
             {"id": "b", "type": "article-journal", "issue": "5-6"}]
    processor = Processor(Style.parse(style), items, locale="en-US")
    assert [to_text(entry.content, processor.quote_marks)
            for entry in processor.bibliography()] == ["2\u20133", "5-6"]
