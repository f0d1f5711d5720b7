"""The BibTeX/biblatex to CSL-JSON mapping (:mod:`sphinxcontrib_highlight.bibliography.to_csl`).

Small snippets, each with the exact item it must give, then every entry of the
real-world files: each item must validate against the CSL data schema and keep no LaTeX.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pybtex.errors
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from pybtex.database import parse_file, parse_string

from sphinxcontrib_highlight.bibliography.csl_markup import rich_text
from sphinxcontrib_highlight.bibliography.to_csl import csl_item, csl_items

TESTS = Path(__file__).parents[1]
SCHEMA = json.loads((TESTS / "schemas" / "csl-data.json").read_text("utf-8"))
REAL_WORLD = [
    TESTS / "data" / "varied.bib",
    TESTS / "data" / "corpora" / "biblatex-examples.bib",
    TESTS / "data" / "corpora" / "petsc.bib",
    TESTS.parent / "sphinxcontrib_highlight" / "data" / "highlight.bib",
    TESTS.parent / "docs" / "gallery.bib",
]


def item(bibtex: str, key: str | None = None) -> dict[str, Any]:
    """The item of ``key`` (the first entry when None), crossrefs resolved."""
    data = parse_string(bibtex, "bibtex")
    entry = data.entries[key] if key else next(iter(data.entries.values()))
    return csl_item(entry, bibliography=data)


def without_id(value: dict[str, Any]) -> dict[str, Any]:
    return {name: field for name, field in value.items() if name != "id"}


# --- types -----------------------------------------------------------------------------

TYPES = [
    ("article", "", "article-journal"),
    ("article", "entrysubtype = {magazine},", "article-magazine"),
    ("article", "entrysubtype = {newspaper},", "article-newspaper"),
    ("periodical", "", "periodical"),
    ("book", "", "book"),
    ("mvbook", "", "book"),
    ("booklet", "", "book"),
    ("inbook", "", "chapter"),
    ("bookinbook", "", "chapter"),
    ("suppbook", "", "chapter"),
    ("collection", "", "book"),
    ("incollection", "", "chapter"),
    ("proceedings", "", "book"),
    ("inproceedings", "", "paper-conference"),
    ("conference", "", "paper-conference"),
    ("reference", "", "book"),
    ("inreference", "", "entry-encyclopedia"),
    ("manual", "", "book"),
    ("misc", "", "document"),
    ("online", "", "webpage"),
    ("electronic", "", "webpage"),
    ("www", "", "webpage"),
    ("patent", "", "patent"),
    ("report", "", "report"),
    ("techreport", "", "report"),
    ("thesis", "", "thesis"),
    ("phdthesis", "", "thesis"),
    ("mastersthesis", "", "thesis"),
    ("unpublished", "", "manuscript"),
    ("software", "", "software"),
    ("dataset", "", "dataset"),
    ("preprint", "", "article"),
    ("letter", "", "personal_communication"),
    ("standard", "", "standard"),
    ("something", "", "document"),
]


@pytest.mark.parametrize(("bibtex_type", "extra", "csl_type"), TYPES)
def test_entry_types(bibtex_type: str, extra: str, csl_type: str) -> None:
    result = item(f"@{bibtex_type}{{k, {extra} title = {{T}}}}")
    assert result["type"] == csl_type


# --- whole items -----------------------------------------------------------------------

ITEMS = [
    pytest.param(
        r"""@article{k,
          author = {Finnerup, Nanna Brix and Kuner, Rohini and Jensen, Troels S.},
          title = {Neuropathic pain: from mechanisms to treatment},
          journal = {Physiological Reviews}, shortjournal = {Physiol. Rev.},
          year = 2021, month = jan, volume = 101, number = 1, pages = {259--301},
          doi = {https://doi.org/10.1152/physrev.00045.2019}, pmid = {32584191}}""",
        {
            "type": "article-journal",
            "author": [
                {"family": "Finnerup", "given": "Nanna Brix"},
                {"family": "Kuner", "given": "Rohini"},
                {"family": "Jensen", "given": "Troels S."},
            ],
            "title": "Neuropathic pain: from mechanisms to treatment",
            "container-title": "Physiological Reviews",
            "container-title-short": "Physiol. Rev.",
            "issue": "1",
            "volume": "101",
            "page": "259-301",
            "DOI": "10.1152/physrev.00045.2019",
            "PMID": "32584191",
            "issued": {"date-parts": [[2021, 1]]},
        },
        id="article",
    ),
    pytest.param(
        r"""@book{k, editor = {Vogelstein, Bert and Kinzler, Kenneth W.},
          title = {The Genetic Basis of Human Cancer}, subtitle = {A Primer},
          titleaddon = {With Figures}, edition = {2}, series = {Medical Texts},
          number = {12}, publisher = {McGraw-Hill and Wiley}, location = {New York},
          isbn = {978-0-07-137050-9}, year = {2002}}""",
        {
            "type": "book",
            "editor": [
                {"family": "Vogelstein", "given": "Bert"},
                {"family": "Kinzler", "given": "Kenneth W."},
            ],
            "title": "The Genetic Basis of Human Cancer: A Primer. With Figures",
            "collection-title": "Medical Texts",
            "collection-number": "12",
            "edition": "2",
            "publisher": "McGraw-Hill; Wiley",
            "publisher-place": "New York",
            "ISBN": "978-0-07-137050-9",
            "issued": {"date-parts": [[2002]]},
        },
        id="book-with-editors-only",
    ),
    pytest.param(
        r"""@incollection{k, author = {Meltzer, Paul S.}, title = {Chromosome alterations},
          editor = {Vogelstein, Bert}, booktitle = {The Genetic Basis},
          booksubtitle = {Second Thoughts}, bookauthor = {Kandel, Eric R.},
          translator = {Smith, Ann}, chapter = {4}, pages = {93--113}, year = {2002}}""",
        {
            "type": "chapter",
            "author": [{"family": "Meltzer", "given": "Paul S."}],
            "editor": [{"family": "Vogelstein", "given": "Bert"}],
            "translator": [{"family": "Smith", "given": "Ann"}],
            "container-author": [{"family": "Kandel", "given": "Eric R."}],
            "title": "Chromosome alterations",
            "container-title": "The Genetic Basis: Second Thoughts",
            "chapter-number": "4",
            "page": "93-113",
            "issued": {"date-parts": [[2002]]},
        },
        id="chapter",
    ),
    pytest.param(
        r"""@inproceedings{k, author = {Lee, Jiwon}, title = {Attention},
          booktitle = {Proc. Neural Systems}, eventtitle = {Neural Systems Conference},
          eventtitleaddon = {NSC}, venue = {Seoul}, eventdate = {2019-05-01/2019-05-03},
          organization = {NS Society}, series = {LNCS}, number = {42}, year = {2019}}""",
        {
            "type": "paper-conference",
            "author": [{"family": "Lee", "given": "Jiwon"}],
            "title": "Attention",
            "container-title": "Proc. Neural Systems",
            "collection-title": "LNCS",
            "collection-number": "42",
            "event-title": "Neural Systems Conference (NSC)",
            "event-place": "Seoul",
            "event-date": {"date-parts": [[2019, 5, 1], [2019, 5, 3]]},
            "publisher": "NS Society",
            "issued": {"date-parts": [[2019]]},
        },
        id="inproceedings",
    ),
    pytest.param(
        r"""@phdthesis{k, author = {Garc{\'\i}a, Mar{\'\i}a Jos{\'e}},
          title = {Glia}, school = {Universidad de Granada}, address = {Granada},
          year = {2018}, pages = {212}}""",
        {
            "type": "thesis",
            "author": [{"family": "García", "given": "María José"}],
            "title": "Glia",
            "genre": "PhD Thesis",
            "number-of-pages": "212",
            "publisher": "Universidad de Granada",
            "publisher-place": "Granada",
            "issued": {"date-parts": [[2018]]},
        },
        id="phdthesis",
    ),
    pytest.param(
        r"""@thesis{k, author = {Loh, Nin C.}, title = {Accelerometer}, type = {mathesis},
          institution = {MIT}, date = {1992}}""",
        {
            "type": "thesis",
            "author": [{"family": "Loh", "given": "Nin C."}],
            "title": "Accelerometer",
            "genre": "Master's Thesis",
            "publisher": "MIT",
            "issued": {"date-parts": [[1992]]},
        },
        id="thesis-with-type-key",
    ),
    pytest.param(
        r"""@techreport{k, author = {{World Health Organization}}, title = {Guidelines},
          institution = {WHO}, number = {WHO-2020-7}, type = {Technical Brief},
          year = {2020}}""",
        {
            "type": "report",
            "author": [{"literal": "World Health Organization"}],
            "title": "Guidelines",
            "genre": "Technical Brief",
            "number": "WHO-2020-7",
            "publisher": "WHO",
            "issued": {"date-parts": [[2020]]},
        },
        id="techreport",
    ),
    pytest.param(
        r"""@misc{k, author = {Nguyen, An}, title = {Atlas}, howpublished = {Zenodo},
          year = {2021}, note = {Version 2}, addendum = {Data only}}""",
        {
            "type": "document",
            "author": [{"family": "Nguyen", "given": "An"}],
            "title": "Atlas",
            "publisher": "Zenodo",
            "note": "Version 2. Data only",
            "issued": {"date-parts": [[2021]]},
        },
        id="misc-howpublished",
    ),
    pytest.param(
        r"""@misc{k, title = {Portal}, howpublished = {\url{https://example.org/a_b~c}},
          urldate = {2022-03-04}}""",
        {
            "type": "document",
            "title": "Portal",
            "URL": "https://example.org/a_b~c",
            "accessed": {"date-parts": [[2022, 3, 4]]},
        },
        id="misc-howpublished-url",
    ),
    pytest.param(
        r"""@online{k, author = {Brown, Alice}, title = {The Portal},
          organization = {Pain Society}, date = {2022-10-05}, url = {https://example.org},
          urldate = {2023-01-02T10:11:12Z}, langid = {british}}""",
        {
            "type": "webpage",
            "author": [{"family": "Brown", "given": "Alice"}],
            "title": "The Portal",
            "publisher": "Pain Society",
            "URL": "https://example.org",
            "language": "en-GB",
            "accessed": {"date-parts": [[2023, 1, 2]]},
            "issued": {"date-parts": [[2022, 10, 5]]},
        },
        id="online",
    ),
    pytest.param(
        r"""@misc{k, author = {Zhao, Lei}, title = {States}, eprint = {2101.00001},
          archivePrefix = {arXiv}, primaryClass = {q-bio.NC}, year = {2021}}""",
        {
            "type": "document",
            "author": [{"family": "Zhao", "given": "Lei"}],
            "title": "States",
            "number": "arXiv:2101.00001",
            "URL": "https://arxiv.org/abs/2101.00001",
            "issued": {"date-parts": [[2021]]},
        },
        id="arxiv-eprint",
    ),
    pytest.param(
        r"""@preprint{k, author = {Zhao, Lei}, title = {States}, eprint = {2101.00001},
          eprinttype = {arxiv}, year = {2021}}""",
        {
            "type": "article",
            "author": [{"family": "Zhao", "given": "Lei"}],
            "title": "States",
            "number": "arXiv:2101.00001",
            "publisher": "arXiv",
            "URL": "https://arxiv.org/abs/2101.00001",
            "issued": {"date-parts": [[2021]]},
        },
        id="arxiv-preprint",
    ),
    pytest.param(
        r"""@article{k, title = {T}, journal = {J}, eprint = {123456}, eprinttype = {pubmed},
          year = {2020}}""",
        {
            "type": "article-journal",
            "title": "T",
            "container-title": "J",
            "PMID": "123456",
            "issued": {"date-parts": [[2020]]},
        },
        id="pubmed-eprint",
    ),
    pytest.param(
        r"""@patent{k, author = {Sorace, Ronald E.}, title = {Converter},
          number = {5668842}, type = {patentus}, location = {countryus},
          holder = {Hughes}, date = {1997-09-16}}""",
        {
            "type": "patent",
            "author": [{"family": "Sorace", "given": "Ronald E."}],
            "title": "Converter",
            "genre": "U.S. patent",
            "number": "5668842",
            "jurisdiction": "United States of America",
            "issued": {"date-parts": [[1997, 9, 16]]},
        },
        id="patent",
    ),
    pytest.param(
        r"""@unpublished{k, author = {Doe, J.}, title = {Draft}, note = {Submitted},
          pubstate = {inpress}, year = {in press}}""",
        {
            "type": "manuscript",
            "author": [{"family": "Doe", "given": "J."}],
            "title": "Draft",
            "status": "in press",
            "note": "Submitted",
            "issued": {"literal": "in press"},
        },
        id="unpublished-literal-year",
    ),
    pytest.param(
        r"""@software{k, author = {van Rossum, Guido}, title = {Python}, version = {3.12},
          date = {2023-10}, url = {https://python.org}}""",
        {
            "type": "software",
            "author": [{"family": "Rossum", "given": "Guido", "non-dropping-particle": "van"}],
            "title": "Python",
            "version": "3.12",
            "URL": "https://python.org",
            "issued": {"date-parts": [[2023, 10]]},
        },
        id="software",
    ),
    pytest.param(
        r"""@periodical{k, editor = {Doe, Jane}, title = {Computers and Graphics},
          issuetitle = {Semantic {3D} Media}, volume = {35}, number = {4}, year = {2011}}""",
        {
            "type": "periodical",
            "editor": [{"family": "Doe", "given": "Jane"}],
            "title": "Computers and Graphics",
            "volume-title": 'Semantic <span class="nocase">3D</span> Media',
            "issue": "4",
            "volume": "35",
            "issued": {"date-parts": [[2011]]},
        },
        id="periodical",
    ),
    pytest.param(
        r"""@article{k, title = {T}, journaltitle = {Journal}, journalsubtitle = {Series B},
          number = {3}, issue = {Spring}, eid = {107502}, volume = {209}, part = {2},
          date = {2020}}""",
        {
            "type": "article-journal",
            "title": "T",
            "container-title": "Journal: Series B",
            "issue": "3, Spring",
            "volume": "209.2",
            "page": "107502",
            "issued": {"date-parts": [[2020]]},
        },
        id="article-eid-issue-part",
    ),
    pytest.param(
        r"""@book{k, author = {Knuth, Donald E.}, title = {The {\TeX}book},
          maintitle = {Computers \& Typesetting}, volume = {A}, volumes = {5},
          pagetotal = {483}, year = {1984}}""",
        {
            "type": "book",
            "author": [{"family": "Knuth", "given": "Donald E."}],
            "title": "The TeXbook",
            "container-title": "Computers & Typesetting",
            "volume": "A",
            "number-of-volumes": "5",
            "number-of-pages": "483",
            "issued": {"date-parts": [[1984]]},
        },
        id="maintitle",
    ),
    pytest.param(
        r"""@collection{k, editor = {Jaff{\'e}, Philipp}, editora = {Loewenfeld, Samuel},
          editoratype = {redactor}, editorb = {Kaltenbrunner, Ferdinand},
          editorbtype = {compiler}, editortype = {director}, title = {Regesta},
          year = {1885}}""",
        {
            "type": "book",
            "director": [{"family": "Jaffé", "given": "Philipp"}],
            "contributor": [{"family": "Loewenfeld", "given": "Samuel"}],
            "compiler": [{"family": "Kaltenbrunner", "given": "Ferdinand"}],
            "title": "Regesta",
            "issued": {"date-parts": [[1885]]},
        },
        id="editor-types",
    ),
]


@pytest.mark.parametrize(("bibtex", "expected"), ITEMS)
def test_items(bibtex: str, expected: dict[str, Any]) -> None:
    result = item(bibtex)
    assert result["id"] == "k"
    assert without_id(result) == expected


# --- names -----------------------------------------------------------------------------

NAMES = [
    ("Jensen, Troels Staehelin", {"family": "Jensen", "given": "Troels Staehelin"}),
    ("Mark C.W. Smith", {"family": "Smith", "given": "Mark C.W."}),
    ("Zhen-Zhong Xu", {"family": "Xu", "given": "Zhen-Zhong"}),
    ("de Koninck, Yves", {"family": "Koninck", "given": "Yves", "non-dropping-particle": "de"}),
    ("Ludwig van Beethoven",
     {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}),
    ("Smith, Jr., John", {"family": "Smith", "given": "John", "suffix": "Jr."}),
    ("{World Health Organization}", {"literal": "World Health Organization"}),
    ("{Barnes and Noble, Inc.}", {"literal": "Barnes and Noble, Inc."}),
    (r"{\"O}zt{\"u}rk, Ay{\c{s}}e", {"family": "Öztürk", "given": "Ayşe"}),
    (r"{\"O}zt{\"u}", {"family": "Öztü"}),
    (r"{\textsc{Acme} Corp.}", {"literal": "Acme Corp."}),
    ("Ureña Guzmán, Alba", {"family": "Ureña Guzmán", "given": "Alba"}),
    ("O’Connor, Carolyn", {"family": "O’Connor", "given": "Carolyn"}),
    ("Aristotle", {"family": "Aristotle"}),
]


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_names(name: str, expected: dict[str, str]) -> None:
    assert item(f"@book{{k, author = {{{name}}}}}")["author"] == [expected]


def test_and_others_is_kept_as_the_literal_others() -> None:
    result = item("@article{k, author = {Zhao, Lei and Wang, Fang and others}}")
    assert result["author"] == [
        {"family": "Zhao", "given": "Lei"},
        {"family": "Wang", "given": "Fang"},
        {"literal": "others"},
    ]


# --- titles and rich text --------------------------------------------------------------

TITLES = [
    # A group that starts with a command is a "special character" to BibTeX, whose case
    # changes reach inside it (citation.js reads it so too): not a protection.
    ("The {DNA} of {\\emph{Mus}} mice", 'The <span class="nocase">DNA</span> of <i>Mus</i> mice'),
    ("{{Whole Title Protected}}", '<span class="nocase">Whole Title Protected</span>'),
    (r"{\"O}sterreich and \"{o}ffentlich", "Österreich and öffentlich"),
    (r"\emph{Italic} \textit{it} \textbf{bold} {\em em} \mkbibemph{mk}",
     "<i>Italic</i> <i>it</i> <b>bold</b> <i>em</i> <i>mk</i>"),
    (r"\textsc{Small} x\textsuperscript{2} H\textsubscript{2}O",
     '<span style="font-variant:small-caps;">Small</span> x<sup>2</sup> H<sub>2</sub>O'),
    (r"$\alpha$-synuclein, $\beta$ and $H_2O$ and $Ca^{2+}$",
     "α-synuclein, β and H<sub>2</sub>O and Ca<sup>2+</sup>"),
    # Only what a processor would read as markup is escaped; Zotero's items hold a bare &.
    ("A & B < C > D", "A & B < C > D"),
    ("a <i>tag</i> and &amp; written", "a &lt;i>tag&lt;/i> and &amp;amp; written"),
    (r"Smith \& Sons 100\% a\_b", "Smith & Sons 100% a_b"),
    (r"\noopsort{1}First", "First"),
    (r"The \LaTeX{} Companion", "The LaTeX Companion"),
    (r"Stra\ss e \textasciitilde{} \textbraceleft x\textbraceright", "Straße ~ {x}"),
    (r"\enquote{Quoted} and ``quoted''", "\u201cQuoted\u201d and \u201cquoted\u201d"),
    (r"One -- two --- three", "One \u2013 two \u2014 three"),
    (r"\textit{Trans. {IEEE}}", '<i>Trans. <span class="nocase">IEEE</span></i>'),
    (r"\unknowncommand{kept} text", "kept text"),
    ("{2020}", "2020"),
]


@pytest.mark.parametrize(("title", "expected"), TITLES)
def test_title_rich_text(title: str, expected: str) -> None:
    assert item(f"@article{{k, title = {{{title}}}}}")["title"] == expected


def test_names_and_identifiers_are_plain_text_and_text_variables_escaped() -> None:
    result = item(
        r"""@article{k, author = {{Johnson \& Johnson}}, publisher = {Smith \& Sons},
        doi = {10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P}}"""
    )
    assert result["author"] == [{"literal": "Johnson & Johnson"}]
    assert result["publisher"] == "Smith & Sons"
    assert result["DOI"] == "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"


def test_case_protection_only_in_titles() -> None:
    result = item("@book{k, title = {On {DNA}}, publisher = {{DNA} Press}}")
    assert result["title"] == 'On <span class="nocase">DNA</span>'
    assert result["publisher"] == "DNA Press"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("title = {Pain}, subtitle = {A Review}", "Pain: A Review"),
        ("title = {Pain?}, subtitle = {A Review}", "Pain? A Review"),
        ("title = {Pain}, subtitle = {: A Review}", "Pain : A Review"),
        ("title = {Pain}, titleaddon = {Abstract}", "Pain. Abstract"),
        ("title = {Pain.}, titleaddon = {Abstract}", "Pain. Abstract"),
    ],
)
def test_subtitles_and_addons(fields: str, expected: str) -> None:
    assert item(f"@book{{k, {fields}}}")["title"] == expected


def test_rich_text_of_urls_keeps_their_characters() -> None:
    assert rich_text(r"See \url{http://host/\~{}user/a_b}") == "See http://host/~user/a_b"


_PIECES = [*"ab {}\\$^_~&<>'\"`-", "\\emph", "\\'", "\\c", "\\url", "\\foo", "\\LaTeX", "\\em "]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (r"<b\url>", "&lt;b>"),  # "<b" and ">" from two pieces of the writer
        (r"\em b><b$>", "<i>b>&lt;b></i>"),  # "<b" before a formula holding ">"
        (r"<{b>", "&lt;b>"),
    ],
)
def test_text_that_joins_into_a_tag_is_escaped(value: str, expected: str) -> None:
    assert rich_text(value) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=20).map("".join))
def test_any_value_becomes_text_without_latex(value: str) -> None:
    for protect_case in (False, True):
        result = rich_text(value, protect_case=protect_case)
        assert not re.search(r"\\[A-Za-z]", result)
        # Between the mapping's own tags (where a processor reads text, piece by piece),
        # nothing it would read as markup: no tag, no character reference but the
        # mapping's own escapes of "&" and "<".
        for piece in re.split(r"</?(?:i|b|sup|sub|span[^>]*)>", result):
            unescaped = re.sub(r"&(?:amp|lt);", "_", piece)
            assert not re.search(r"<(?=/?(?:i|b|sup|sub|sc)>|/?span\b)|&(?=\w+;|#)", unescaped)
        # The tags a processor reads: exactly these, only a span has attributes.
        tags = re.findall(r"<(/?)(i|b|sup|sub|span(?=[ >])[^<>]*)>", result)
        depth: list[str] = []
        for closing, tag in ((closing, tag.split()[0]) for closing, tag in tags):
            if closing:
                assert depth.pop() == tag
            else:
                depth.append(tag)
        assert depth == []


# --- numbers and pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("259--301", "259-301"),
        ("1274-1282.e6", "1274-1282.e6"),
        ("431--456, 791--823", "431-456, 791-823"),
        ("S1 -- S10", "S1-S10"),
        ("e1002", "e1002"),
        ("iii--xv", "iii-xv"),
    ],
)
def test_pages(pages: str, expected: str) -> None:
    assert item(f"@article{{k, pages = {{{pages}}}}}")["page"] == expected


def test_number_by_type() -> None:
    assert item("@article{k, number = {3}}")["issue"] == "3"
    assert item("@book{k, number = {3}}")["collection-number"] == "3"
    assert item("@report{k, number = {3}}")["number"] == "3"


@pytest.mark.parametrize(("edition", "expected"), [("2", "2"), ("Second", "Second"),
                                                   ("2nd", "2nd")])
def test_edition_as_written(edition: str, expected: str) -> None:
    assert item(f"@book{{k, edition = {{{edition}}}}}")["edition"] == expected


# --- dates -----------------------------------------------------------------------------

DATES = [
    ("year = 2020", {"date-parts": [[2020]]}),
    ("year = 2020, month = jan", {"date-parts": [[2020, 1]]}),
    ("year = 2020, month = {January}", {"date-parts": [[2020, 1]]}),
    ("year = 2020, month = {Sept.}", {"date-parts": [[2020, 9]]}),
    ("year = 2020, month = {1}", {"date-parts": [[2020, 1]]}),
    ("year = 2020, month = {11}, day = {3}", {"date-parts": [[2020, 11, 3]]}),
    ("year = 2020, month = {March 15}", {"date-parts": [[2020, 3, 15]]}),
    ("year = 2020, month = {13}", {"date-parts": [[2020]]}),
    ("year = {2020a}", {"date-parts": [[2020]]}),
    ("year = {2019--2020}", {"date-parts": [[2019], [2020]]}),
    ("year = {n.d.}", {"literal": "n.d."}),
    ("date = {2020-05-17}", {"date-parts": [[2020, 5, 17]]}),
    ("date = {2020-05/2021}", {"date-parts": [[2020, 5], [2021]]}),
    ("date = {2020/..}", {"literal": "2020\u2013"}),
    ("date = {../2020-03}", {"literal": "\u20132020-03"}),
    ("date = {2020~}", {"date-parts": [[2020]], "circa": True}),
    ("date = {2020?}", {"date-parts": [[2020]], "circa": True}),
    ("date = {2020-22}", {"date-parts": [[2020]], "season": 2}),
    ("date = {-0044-03-15}", {"date-parts": [[-44, 3, 15]]}),
    ("date = {circa 1900}", {"literal": "circa 1900"}),
    ("date = {2020-05-17}, year = {1999}", {"date-parts": [[2020, 5, 17]]}),
    ("date = {june 23-24}, year = {2003}", {"date-parts": [[2003]]}),
]


@pytest.mark.parametrize(("fields", "expected"), DATES)
def test_issued(fields: str, expected: dict[str, Any]) -> None:
    assert item(f"@article{{k, {fields}}}")["issued"] == expected


def test_old_field_names() -> None:
    result = item("@misc{k, lastchecked = {2020-01-02}, hyphenation = {french}}")
    assert result["accessed"] == {"date-parts": [[2020, 1, 2]]}
    assert result["language"] == "fr-FR"


def test_other_dates() -> None:
    result = item("@book{k, origdate = {1859}, eventdate = {2001-02}, urldate = {2020-01-02}}")
    assert result["original-date"] == {"date-parts": [[1859]]}
    assert result["event-date"] == {"date-parts": [[2001, 2]]}
    assert result["accessed"] == {"date-parts": [[2020, 1, 2]]}


# --- identifiers and the rest ----------------------------------------------------------


@pytest.mark.parametrize(
    ("doi", "expected"),
    [
        ("10.1038/nn.4189", "10.1038/nn.4189"),
        ("https://doi.org/10.1038/nn.4189", "10.1038/nn.4189"),
        ("http://dx.doi.org/10.1038/nn.4189", "10.1038/nn.4189"),
        ("doi:10.1038/nn.4189", "10.1038/nn.4189"),
        (r"10.1002/(SICI)1096\_x", "10.1002/(SICI)1096_x"),
    ],
)
def test_doi(doi: str, expected: str) -> None:
    assert item(f"@article{{k, doi = {{{doi}}}}}")["DOI"] == expected


def test_urls_other_than_http_are_left_out() -> None:
    assert "URL" not in item("@misc{k, url = {javascript:alert(1)}}")


def test_identifiers_and_text_fields() -> None:
    result = item(
        r"""@article{k, issn = {0097-8493}, isbn = {0-226-10403-6}, pmcid = {PMC123},
        pmid = {not a number}, abstract = {We \emph{show}.}, keywords = {pain, glia},
        language = {german}, library = {QA76}, annotation = {Read it}}"""
    )
    assert without_id(result) == {
        "type": "article-journal",
        "ISSN": "0097-8493",
        "ISBN": "0-226-10403-6",
        "PMCID": "PMC123",
        "abstract": "We <i>show</i>.",
        "keyword": "pain, glia",
        "language": "de-DE",
        "call-number": "QA76",
        "annote": "Read it",
    }


# --- inheritance -----------------------------------------------------------------------

CROSSREF = r"""
@inproceedings{paper, author = {Salam, Abdus}, title = {Weak Interactions},
  pages = {367--377}, crossref = {proc}}
@proceedings{proc, editor = {Svartholm, Nils}, title = {Elementary Particle Theory},
  subtitle = {Relativistic Groups}, publisher = {Almquist}, location = {Stockholm},
  year = {1968}, shorttitle = {EPT}, entrysubtype = {x}}
@inbook{chapter, title = {Vorrede}, crossref = {volume}, pages = {1--10}}
@book{volume, author = {Kant, Immanuel}, title = {Kritik}, volume = {5},
  crossref = {works}}
@mvbook{works, title = {Werke}, publisher = {de Gruyter}, year = {1968}}
@article{classic, title = {Art}, crossref = {classicparent}}
@misc{classicparent, booktitle = {Only a Booktitle}, journal = {J. Classic}, year = {1990}}
@book{withxdata, title = {Book}, xdata = {pub1, pub2}, publisher = {Own}}
@xdata{pub1, publisher = {Theirs}, location = {Oxford}}
@xdata{pub2, year = {2000}}
"""


def test_crossref_renames_the_parents_title() -> None:
    assert without_id(item(CROSSREF, "paper")) == {
        "type": "paper-conference",
        "author": [{"family": "Salam", "given": "Abdus"}],
        "editor": [{"family": "Svartholm", "given": "Nils"}],
        "title": "Weak Interactions",
        "container-title": "Elementary Particle Theory: Relativistic Groups",
        "page": "367-377",
        "publisher": "Almquist",
        "publisher-place": "Stockholm",
        "issued": {"date-parts": [[1968]]},
    }


def test_crossref_chain_gives_bookauthor_and_maintitle() -> None:
    assert without_id(item(CROSSREF, "chapter")) == {
        "type": "chapter",
        "author": [{"family": "Kant", "given": "Immanuel"}],
        "container-author": [{"family": "Kant", "given": "Immanuel"}],
        "title": "Vorrede",
        "container-title": "Kritik",
        "volume": "5",
        "page": "1-10",
        "publisher": "de Gruyter",
        "issued": {"date-parts": [[1968]]},
    }


def test_bibtex_crossref_copies_fields_as_they_are() -> None:
    result = item(CROSSREF, "classic")
    assert result["container-title"] == "J. Classic"
    assert result["issued"] == {"date-parts": [[1990]]}


def test_xdata_lends_fields_the_entry_lacks() -> None:
    result = item(CROSSREF, "withxdata")
    assert result["publisher"] == "Own"
    assert result["publisher-place"] == "Oxford"
    assert result["issued"] == {"date-parts": [[2000]]}


def test_without_the_bibliography_nothing_is_inherited() -> None:
    entry = parse_string(CROSSREF, "bibtex").entries["paper"]
    assert "container-title" not in csl_item(entry)


def test_crossref_cycle_ends() -> None:
    result = item("@book{a, crossref = {b}, title = {A}} @book{b, crossref = {a}, year = 1999}")
    assert result["issued"] == {"date-parts": [[1999]]}


def test_sets_give_their_members_once_and_xdata_nothing() -> None:
    data = parse_string(
        CROSSREF + "@set{both, entryset = {classic, paper}} @set{again, entryset = {paper}}",
        "bibtex",
    )
    ids = [entry["id"] for entry in csl_items(data)]
    assert ids == ["paper", "proc", "chapter", "volume", "works", "classic",
                   "classicparent", "withxdata"]
    set_first = parse_string(
        "@set{s, entryset = {b, a}} @misc{a, title = {A}} @misc{b, title = {B}}", "bibtex"
    )
    assert [entry["id"] for entry in csl_items(set_first)] == ["b", "a"]
    with pytest.raises(ValueError, match="@set"):
        csl_item(set_first.entries["s"])


# --- real-world files ------------------------------------------------------------------

_LATEX_LEFT = re.compile(r"\\[A-Za-z]+|\\[^A-Za-z\s]|\$")


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for inner in value.values() for text in _strings(inner)]
    if isinstance(value, list):
        return [text for inner in value for text in _strings(inner)]
    return []


@pytest.mark.parametrize("path", REAL_WORLD, ids=lambda path: path.name)
def test_real_world_items_validate_and_keep_no_latex(path: Path) -> None:
    pybtex.errors.set_strict_mode(False)
    try:
        data = parse_file(str(path), "bibtex")
    finally:
        pybtex.errors.set_strict_mode(True)
    items = csl_items(data)
    assert len(items) >= sum(
        1 for entry in data.entries.values() if entry.type not in ("set", "xdata")
    )
    errors = [f"{error.path}: {error.message}" for error in Draft7Validator(SCHEMA).iter_errors(items)]
    assert errors == []
    leftovers = [
        (item_["id"], name, text)
        for item_ in items
        for name, value in item_.items()
        if name not in ("URL", "DOI", "id")
        for text in _strings(value)
        if _LATEX_LEFT.search(text)
    ]
    assert leftovers == []
