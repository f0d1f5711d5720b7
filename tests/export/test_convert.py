"""BibTeX, RIS and CSL-JSON written from a bibliography, read back by their own readers."""

from __future__ import annotations

import codecs
import json

import pytest
import rispy
from pybtex.database import parse_string
from seed import REFERENCE_DOIS

from sphinxcontrib_highlight.bibliography.database import (
    BUNDLED_BIBFILE,
    load_bibliography,
    parse_text,
)
from sphinxcontrib_highlight.export import formats as convert
from sphinxcontrib_highlight.speed import switch

VARIED = r"""
@preamble{"\newcommand{\noop}[1]{}"}
@book{book2001,
  editor    = {Lovelace, Ada and {World Health Organization}},
  title     = {Collected {Notes}},
  publisher = {Test Press},
  address   = {London},
  edition   = {2},
  year      = {2001},
  month     = mar,
  isbn      = {978-0-00-000000-2},
}
@phdthesis{thesis2010,
  author = {M{\"u}ller, J{\"o}rg and von Neumann, Jr, John},
  title  = {A thesis},
  school = {Test University},
  year   = {2010},
}
@online{web2022,
  author = {Doe, Jane and others},
  title  = {A page},
  url    = {https://example.org/page?a=1&b=2},
  date   = {2022-05-17},
}
@preprint{pre2023,
  author     = {Roe, Richard},
  title      = {A preprint},
  eprinttype = {bioRxiv},
  eprint     = {2023.01.01.000001},
  year       = {2023},
}
"""


@pytest.fixture(scope="module")
def bundled():
    return load_bibliography([BUNDLED_BIBFILE], "utf-8")


@pytest.fixture(scope="module")
def varied():
    return parse_text(VARIED, "varied.bib")


def test_bibtex_round_trip(bundled):
    data = parse_string(convert.to_bibtex(bundled), "bibtex")
    assert list(data.entries) == bundled.keys()
    for entry in bundled.entries.values():
        again = data.entries[entry.key]
        assert again.type == entry.type
        assert dict(again.fields) == dict(entry.fields)
        assert {role: [str(p) for p in people] for role, people in again.persons.items()} == {
            role: [str(p) for p in people] for role, people in entry.persons.items()
        }


def test_bibtex_of_one_entry_and_preamble(varied):
    from sphinxcontrib_highlight.bibliography.database import Bibliography

    text = convert.to_bibtex(Bibliography((varied,)))
    assert r"\newcommand{\noop}" in parse_string(text, "bibtex").preamble
    single = convert.to_bibtex([varied.entries["thesis2010"]])
    assert list(parse_string(single, "bibtex").entries) == ["thesis2010"]


def test_ris_read_back_by_rispy(bundled):
    records = rispy.loads(convert.to_ris(bundled))
    assert len(records) == 15
    assert all(record["type_of_reference"] == "JOUR" for record in records)
    references = records[1:]
    assert [record.get("doi") for record in references] == REFERENCE_DOIS
    huang = references[9]
    assert "O’Connor, Carolyn" in huang["authors"]
    assert huang["title"].endswith("amyloid β plaques")
    assert huang["secondary_title"] == "Nature Immunology"
    assert huang["alternate_title1"] == "Nat Immunol"
    tansley = references[12]
    assert tansley["authors"][2] == "Ureña Guzmán, Alba"
    assert len(tansley["authors"]) == 23
    assert "de Koninck, Y." in references[1]["authors"]
    niehaus = references[13]
    assert (niehaus["start_page"], niehaus["end_page"]) == ("1274", "1282.e6")
    assert niehaus["accession_number"] == "33667343"
    krieger = references[11]  # an article number, not a range
    assert krieger["start_page"] == "107502" and "end_page" not in krieger
    assert references[0]["title"] == "Neuropathic pain: From mechanisms to treatment"


def test_ris_starts_each_record_with_ty(bundled):
    text = convert.to_ris(bundled)
    assert text.startswith("TY  - JOUR\n")
    assert "\n1.\n" not in text


def test_csl_json_items(bundled):
    items = json.loads(convert.to_csl_json(bundled))
    assert [item["id"] for item in items] == bundled.keys()
    article = items[0]
    assert article["type"] == "article-journal"
    # "and others" stays a last name, as Zotero's import and pandoc keep it.
    assert [name.get("family", name.get("literal")) for name in article["author"]] == [
        "Yang", "Xie", "Zhu", "others"]
    assert article["container-title-short"] == "Neurosci. Bull."
    assert article["page"] == "173-175"
    assert article["issued"] == {"date-parts": [[2023]]}
    assert article["DOI"] == "10.1007/s12264-022-00932-8"
    price = items[2]
    assert price["author"][4] == {"family": "Koninck", "given": "Y.",
                                  "non-dropping-particle": "de"}
    assert items[1]["PMID"] == "32584191" and items[1]["issue"] == "1"
    assert items[10]["title"].endswith("amyloid β plaques")


def test_csl_json_of_varied_types(varied):
    items = {item["id"]: item for item in json.loads(convert.to_csl_json(varied.entries.values()))}
    book = items["book2001"]
    assert book["type"] == "book"
    assert book["editor"] == [{"family": "Lovelace", "given": "Ada"},
                              {"literal": "World Health Organization"}]
    # Braces protect a word's case, which CSL-JSON says with a nocase span.
    assert book["title"] == 'Collected <span class="nocase">Notes</span>'
    assert book["issued"] == {"date-parts": [[2001, 3]]}
    assert (book["publisher"], book["publisher-place"], book["edition"]) == (
        "Test Press", "London", "2")
    thesis = items["thesis2010"]
    assert (thesis["type"], thesis["genre"], thesis["publisher"]) == (
        "thesis", "PhD Thesis", "Test University")  # Zotero's wording
    assert thesis["author"] == [
        {"family": "Müller", "given": "Jörg"},
        {"family": "Neumann", "given": "John", "non-dropping-particle": "von", "suffix": "Jr"},
    ]
    web = items["web2022"]
    assert web["type"] == "webpage"
    # "and others" has no CSL form; it stays a last name, as Zotero's import keeps it.
    assert web["author"] == [{"family": "Doe", "given": "Jane"}, {"literal": "others"}]
    assert web["URL"] == "https://example.org/page?a=1&b=2"
    assert web["issued"] == {"date-parts": [[2022, 5, 17]]}
    pre = items["pre2023"]
    assert (pre["type"], pre["publisher"], pre["number"]) == (
        "article", "bioRxiv", "2023.01.01.000001")


def test_ris_of_varied_types(varied):
    records = {r["id"]: r for r in rispy.loads(convert.to_ris(varied.entries.values()))}
    assert records["book2001"]["type_of_reference"] == "BOOK"
    assert records["book2001"]["secondary_authors"] == ["Lovelace, Ada",
                                                        "World Health Organization"]
    assert records["book2001"]["date"] == "2001/03"
    assert records["thesis2010"]["type_of_reference"] == "THES"
    assert records["thesis2010"]["authors"] == ["Müller, Jörg", "von Neumann, John, Jr"]
    assert records["web2022"]["urls"] == ["https://example.org/page?a=1&b=2"]
    assert records["pre2023"]["type_of_reference"] == "UNPB"


def test_bibtex_writer_shortcut_matches_the_latex_encoder():
    """The writer skips pybtex's encoder only for values the encoder leaves as they are."""
    samples = [
        r"Gon{\c{c}}alves, Yusuf and M{\"u}ller, Élodie", "Bjørn -- 1970–1971", "a\tb\nc",
        "100% sure", "R&D", "a_b", "x~y", "#1", "日本語", "emoji 🙂", "\\url{https://x.org/a}",
        "\x01control", "",
    ]
    for text in samples:
        assert convert._writer()._encode(text) == codecs.encode(text, "ulatex+UTF-8"), text


def test_the_page_and_its_csl_json_download_map_an_entry_once(monkeypatch):
    """Rendering an entry in a CSL style and writing its CSL-JSON download both need its
    CSL item; the mapping (half what rendering costs) runs once per entry."""
    from sphinxcontrib_highlight.bibliography import to_csl
    from sphinxcontrib_highlight.export.formats import to_csl_json
    from sphinxcontrib_highlight.styles.csl_style import CslStyle

    entry = parse_string(
        "@article{k, author={Doe, Jane}, title={T}, journal={J}, year={2020}}", "bibtex"
    ).entries["k"]
    mapped = []
    item = to_csl._item
    monkeypatch.setattr(to_csl, "_item", lambda record: mapped.append(record) or item(record))
    CslStyle("apa").render(entry)
    assert '"title": "T"' in to_csl_json([entry])
    assert len(mapped) == 1


def test_entries_share_download_texts_only_when_their_content_is_equal(monkeypatch):
    """The download texts are memoized by :func:`formats.content_key`: equal for a copy of
    an entry, different for anything a text is made from."""
    from pybtex.database import Entry, Person

    from sphinxcontrib_highlight.export.formats import content_key

    def made(kind: str = "article", names: tuple[list[str], ...] = (["Ann", "Marie"],),
             csl: dict[str, str] | None = None, **fields: str) -> Entry:
        entry = Entry(kind, fields={"title": "T", "year": "2020", **fields})
        entry.key = "k"
        for first in names:
            person = Person("Doe, X")
            person.first_names = list(first)
            entry.add_person(person, "author")
        if csl is not None:
            entry.csl = csl  # type: ignore[attr-defined]
        return entry

    texts = (convert.to_bibtex, convert.to_ris, convert.to_csl_json)
    assert content_key(made()) == content_key(made())
    different = [
        made("Article"),  # BibTeX writes the type as written
        made(names=(["Ann Marie"],)),  # one given name, not two
        made(names=(["Ann"], ["Marie"])),
        made(title="U"),
        made(csl={"id": "k", "type": "book"}),
        made(note=""),  # a field more, even empty
    ]
    keys = [content_key(entry) for entry in [made(), *different]]
    assert len(set(keys)) == len(keys)
    memoized = [[write([entry]) for write in texts] for entry in [made(), *different]]
    monkeypatch.setattr(switch, "_enabled", False)  # each made afresh
    assert memoized == [[write([entry]) for write in texts] for entry in [made(), *different]]
    assert content_key(made(csl={"id": "k", "when": object()})) is None  # type: ignore[dict-item]


def test_entries_made_from_records_are_keyed_by_the_record_and_its_source_text():
    """An entry made from a parsed record is keyed by the record's digest, which names
    the source text it is made from: entries with equal digests have equal contents
    (equal digests of their fields), and an edit of the entry, or of a macro defined
    before it, gives it another key. Entries made otherwise are keyed by their fields."""
    from pybtex.database import Entry

    from sphinxcontrib_highlight.bibliography.database import parse_text
    from sphinxcontrib_highlight.styles import base

    def keys(text: str) -> dict[str, bytes | None]:
        parsed = parse_text(text, "refs.bib")
        return {key: base.content_key(parsed.entries[key]) for key in parsed.records}

    def fields_digests(text: str) -> dict[str, bytes | None]:
        parsed = parse_text(text, "refs.bib")
        return {key: base._fields_digest(parsed.entries[key]) for key in parsed.records}

    text = (
        "@string{j = {Journal}}\n"
        "@Article{a, author = {Doe, Jo and Roe, Ri}, title = {T}, journal = j, year = 2020}\n"
        "@book{b, editor = {Poe, Al}, title = {B}, year = 2021}\n"
    )
    first, again = keys(text), keys(text)
    assert first == again and all(key is not None for key in first.values())
    assert len(set(first.values())) == len(first)
    assert fields_digests(text) == fields_digests(text)
    for edited, other_kept in [
        (text.replace("title = {T}", "title = {U}"), True),
        (text.replace("Roe, Ri", "Roe, Ra"), True),
        (text.replace("{Journal}", "{Another journal}"), False),  # a macro before both
    ]:
        assert keys(edited)["a"] != first["a"]
        assert fields_digests(edited)["a"] != fields_digests(text)["a"]
        assert (keys(edited)["b"] == first["b"]) is other_kept
    # An entry made otherwise (a crossref's merge, a CSL item) is keyed by its fields.
    made = Entry("book", fields={"title": "B", "year": "2021"})
    made.key = "b"
    assert base.content_key(made) == base._fields_digest(made) is not None
    assert base.content_key(made) not in first.values()
