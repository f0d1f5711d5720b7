"""The DOI layer without Sphinx: DOIs' forms, the cache file, fetching, items as entries,
and the comparison of an entry with its DOI's metadata. The resolver is a server on
127.0.0.1 (:mod:`doi_server`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from doi_server import BAD_JSON, ITEMS, SLOW, UNKNOWN
from pybtex.database import parse_string

from sphinxcontrib_highlight.bibliography.csl_files import usable_item
from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE, load_bibliography
from sphinxcontrib_highlight.bibliography.doi_cache import (
    CacheProblem,
    cache_text,
    read_cache,
    trimmed,
    write_cache,
)
from sphinxcontrib_highlight.bibliography.doi_entries import doi_file, without_foreign_tags
from sphinxcontrib_highlight.bibliography.doi_fetch import FetchError, bare_doi, doi_key, fetch_csl
from sphinxcontrib_highlight.bibliography.doi_index import field_doi_key
from sphinxcontrib_highlight.bibliography.doi_verify import mismatches, words
from sphinxcontrib_highlight.bibliography.from_csl import entry_of
from sphinxcontrib_highlight.bibliography.to_csl import csl_item

NRN = "10.1038/nrn.2018.2"
#: A file of one entry, which has no DOI.
NO_DOI_BIBFILE = Path(__file__).parents[1] / "roots" / "test-doi" / "refs.bib"



@pytest.mark.parametrize(("written", "bare"), [
    ("10.1038/nrn.2018.2", "10.1038/nrn.2018.2"),
    ("doi:10.1038/NRN.2018.2", "10.1038/NRN.2018.2"),
    ("DOI: 10.1038/nrn.2018.2", "10.1038/nrn.2018.2"),
    ("https://doi.org/10.1038/nrn.2018.2", "10.1038/nrn.2018.2"),
    ("http://dx.doi.org/10.1038/nrn.2018.2", "10.1038/nrn.2018.2"),
    ("https://doi.org/10.1038%2Fnrn.2018.2", "10.1038/nrn.2018.2"),
    ("inoue2018microglia", None),
    ("10.1038", None),
    ("https://example.org/10.1038/nrn.2018.2", None),
])
def test_dois_in_the_forms_authors_paste(written, bare):
    assert bare_doi(written) == bare
    assert doi_key(written) == (bare.lower() if bare else None)


def test_the_cache_file_is_sorted_and_stable(tmp_path):
    """Written twice in any order, the same bytes; one item added changes only its lines."""
    path = tmp_path / "dois.json"
    items = {key: trimmed(item) for key, item in ITEMS.items()}
    write_cache(path, dict(reversed(items.items())))
    first = path.read_bytes()
    write_cache(path, items)
    assert path.read_bytes() == first
    assert first.endswith(b"}\n") and not first.endswith(b"\n\n")
    assert read_cache(path) == items
    assert list(json.loads(first)["items"]) == sorted(items)
    assert [p.name for p in tmp_path.iterdir()] == ["dois.json"]  # no temporary left
    fewer = cache_text({key: items[key] for key in list(items)[:2]}).splitlines()
    assert set(fewer) <= set(first.decode().splitlines())


def test_trimmed_keeps_csl_variables_only():
    assert "indexed" not in trimmed(ITEMS[NRN])
    assert trimmed({"short-container-title": ["Nat Rev Neurosci"], "title": "x"}) == {
        "container-title-short": ["Nat Rev Neurosci"], "title": "x",
    }


@pytest.mark.parametrize(("text", "says"), [
    ('{"format": 1, "items": {', "is not valid JSON"),
    ('[1, 2]', "is not a DOI cache of format 1"),
    ('{"format": 2, "items": {}}', "is not a DOI cache of format 1"),
    ('{"format": 1, "items": {"10.1/x": 3}}', "has no 'items' object"),
])
def test_a_damaged_cache_says_what_to_do(tmp_path, text, says):
    path = tmp_path / "dois.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CacheProblem, match=says) as raised:
        read_cache(path)
    assert str(path) in str(raised.value)
    made = doi_file(path)  # as a bibliography sees it: no entries, one located problem
    assert not made.written_keys
    assert [problem.subtype.value for problem in made.problems] == ["doi"]


def test_no_cache_file_is_an_empty_cache(tmp_path):
    assert read_cache(tmp_path / "none.json") == {}


def test_fetch_by_content_negotiation(resolver):
    assert fetch_csl(NRN.upper(), resolver.url)["title"] == ITEMS[NRN]["title"]
    assert resolver.accepts == ["application/vnd.citationstyles.csl+json"]


@pytest.mark.parametrize(("doi", "says", "asked"), [
    (UNKNOWN, "answered 404: the resolver knows no such DOI", 1),
    (BAD_JSON, "did not answer with JSON", 1),
    (SLOW, r"did not answer within 0\.5 s \(2 attempts\)", 2),
])
def test_fetch_failures_are_bounded_and_explained(resolver, doi, says, asked):
    with pytest.raises(FetchError, match=says):
        fetch_csl(doi, resolver.url)
    assert resolver.requests[doi] == asked


def test_an_unreachable_resolver_is_a_fetch_error(resolver):
    url = resolver.url
    resolver.stop()
    with pytest.raises(FetchError, match="could not be reached"):
        fetch_csl(NRN, url)


def test_items_become_entries_that_map_back_to_the_same_item():
    """to_csl(entry_of(item)) gives the item's variables back, rich text included; a
    list where CSL-JSON has one string (Crossref's container-title) gives its first."""
    item = {
        "type": "article-journal",
        "title": "Microglia use TAM receptors to detect and engulf amyloid β plaques",
        "author": [{"family": "Huang", "given": "Youtong"},
                   {"family": "O\u2019Connor", "given": "Carolyn"}],
        "container-title": ["Nature Immunology"],
        "volume": "22", "issue": "5", "page": "586-594",
        "DOI": "10.1038/s41590-021-00913-5",
        "issued": {"date-parts": [[2021]]},
    }
    back = csl_item(entry_of(usable_item(item, "10.1038/s41590-021-00913-5")))
    assert back == {**item, "id": "10.1038/s41590-021-00913-5",
                    "container-title": "Nature Immunology"}


@pytest.mark.parametrize("rich", [
    "A <i>Drosophila</i> gene &amp; 50% of {braces} $5 #1 a_b ~ ^",
    "Ca<sup>2+</sup> and <span class=\"nocase\">DNA</span> in <b>bold</b>",
    '<span style="font-variant:small-caps;">Small</span> caps, x<sub>2</sub>',
])
def test_rich_text_survives_in_the_entry(rich):
    """The entry keeps the item it was made from: the CSL engine renders its rich text
    as the resolver gave it."""
    entry = entry_of(usable_item({"type": "article-journal", "title": rich}, "k"))
    assert csl_item(entry)["title"] == rich


def test_tags_csl_does_not_define_are_dropped_text_kept():
    item = {"type": "article-journal", "title": "<jats:title>Pain</jats:title> <scp>x</scp>",
            "note": "<i>kept</i> <span class=\"nocase\">DNA</span>"}
    assert without_foreign_tags(item) == {**item, "title": "Pain x"}


def test_the_bundled_entries_match_their_own_metadata():
    """Every bundled entry with a DOI, turned into its item and back, has no mismatch:
    the comparison sees through braces, LaTeX and case."""
    bibliography = load_bibliography([BUNDLED_BIBFILE], "utf-8")
    checked = 0
    for entry in bibliography.entries.values():
        item = csl_item(entry)
        if "DOI" in item:
            assert mismatches(entry, item) == []
            checked += 1
    assert checked >= 9


def test_words_ignore_markup_accents_case_and_punctuation():
    assert words("Ure\u00f1a Guzm\u00e1n") == words("urena guzman") == "urena guzman"
    assert words("Injured sensory neuron\u2013derived CSF1") == "injured sensory neuron derived csf1"
    assert words("<i>In vivo</i>: a &amp; b") == "in vivo a b"


def test_a_year_matches_any_date_of_publication():
    """Online in one year, in print the next: either year is right."""
    entry = parse_string(
        "@article{k, author={Guan, Z.}, title={T}, year={2016}, doi={10.1038/nn.4189}}",
        "bibtex",
    ).entries["k"]
    item = {"title": "T", "author": [{"family": "Guan"}],
            "issued": {"date-parts": [[2015]]}, "published-print": {"date-parts": [[2016]]}}
    assert mismatches(entry, item) == []
    item["published-print"] = {"date-parts": [[2015]]}
    assert [m.what for m in mismatches(entry, item)] == ["year"]


def test_the_doi_cache_is_a_supplement_not_a_listed_file(tmp_path):
    """A bibliography finds a cached DOI after its files, but its full list, its first
    key and its duplicate check leave the cache out."""
    path = tmp_path / "dois.json"
    write_cache(path, {NRN: trimmed(ITEMS[NRN])})
    bibliography = load_bibliography([NO_DOI_BIBFILE], "utf-8", doi_file(path))
    assert NRN.upper() in bibliography
    assert bibliography.key_as_written(NRN.upper()) == NRN
    assert bibliography.get(NRN).fields["journal"] == "Nature Reviews Neuroscience"
    assert NRN not in bibliography.keys()  # noqa: SIM118 -- keys() is a list of keys
    assert bibliography.first_key() == "kohno2022spinal"
    assert bibliography.source(NRN) == (str(path), 4)  # the line its item starts on
    assert not bibliography.problems


def test_a_doi_an_entry_holds_is_that_entry_before_the_cache(tmp_path):
    """A DOI (any case, any form) that an entry of the files holds finds that entry, even
    when the DOI cache holds the DOI too; a DOI no entry holds is the cache's."""
    path = tmp_path / "dois.json"
    write_cache(path, {NRN: trimmed(ITEMS[NRN])})
    bibliography = load_bibliography([BUNDLED_BIBFILE], "utf-8", doi_file(path))
    for written in (NRN, NRN.upper(), f"https://doi.org/{NRN}"):
        assert bibliography.key_as_written(bare_doi(written)) == "inoue2018microglia"
    assert bibliography.get(NRN).key == "inoue2018microglia"
    assert bibliography.source(NRN) == (str(BUNDLED_BIBFILE), 69)
    assert bibliography.digest(NRN) == bibliography.digest("inoue2018microglia")
    assert [key for _, _, key in bibliography.doi_holders(NRN)] == ["inoue2018microglia"]
    assert bibliography.doi_holders("10.1038/s41586-020-2649-2") == ()
    assert "10.1038/s41586-020-2649-2" not in bibliography


def test_a_cache_that_cannot_be_written_is_a_problem_not_an_error(tmp_path, resolver):
    """Fetched items still serve the run; the problem says which file and why."""
    from sphinxcontrib_highlight.bibliography.doi_lookup import look_up

    (tmp_path / "a-file").write_text("", encoding="utf-8")
    cache = tmp_path / "a-file" / "dois.json"
    lookup = look_up([NRN], cache, resolver.url, fetch=True)
    assert lookup.fetched == [NRN] and NRN in lookup.items
    assert lookup.problem is not None and f"the DOI cache {cache} cannot be written" in lookup.problem


def test_look_up_asks_only_for_what_the_cache_lacks(tmp_path, resolver):
    from sphinxcontrib_highlight.bibliography.doi_lookup import look_up

    cache = tmp_path / "dois.json"
    first = look_up([NRN, f"doi:{NRN.upper()}", UNKNOWN], cache, resolver.url, fetch=True)
    assert first.fetched == [NRN] and set(first.failures) == {UNKNOWN}
    again = look_up([NRN], cache, resolver.url, fetch=True)
    assert again.fetched == [] and again.items[NRN] == first.items[NRN]
    assert resolver.requests[NRN] == 1
    off = look_up([UNKNOWN], cache, resolver.url, fetch=False)
    assert off.failures == {UNKNOWN: "not in the DOI cache dois.json, and fetching is off"}
    assert resolver.requests[UNKNOWN] == 1


@pytest.mark.parametrize(("value", "key"), [
    ("10.1038/NRN.2018.2", NRN),
    ("{https://doi.org/10.1038/nrn.2018.2}", NRN),
    ("doi:10.1038/nrn.2018.2", NRN),
    (r"10.5555/a\_b", "10.5555/a_b"),  # 10.5555: Crossref's prefix for examples
    ("not a DOI", None),
])
def test_a_doi_field_is_read_as_to_csl_reads_it(value, key):
    assert field_doi_key(value) == key


def test_an_entry_shadowed_by_an_earlier_file_holds_no_doi(tmp_path):
    """The key's first definition is the entry; a later file's entry under the same key,
    whose doi it would be, is not used, so a citation of that DOI does not find it."""
    first = tmp_path / "first.bib"
    first.write_text("@misc{inoue2018microglia, note = {no doi here}}\n", encoding="utf-8")
    bibliography = load_bibliography([first, BUNDLED_BIBFILE], "utf-8")
    assert bibliography.doi_holders(NRN) == ()
    assert NRN not in bibliography
    assert [key for _, _, key in load_bibliography([BUNDLED_BIBFILE], "utf-8").doi_holders(NRN)] \
        == ["inoue2018microglia"]
