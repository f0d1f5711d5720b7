"""Citing by DOI alone, and entries checked against their DOIs, in real Sphinx builds.

Every DOI is fetched from a resolver on 127.0.0.1 (:mod:`doi_server`): never the
internet. The tests count its requests to show what a build fetched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import edit, soup, warnings
from doi_server import BAD_JSON, ITEMS, SLOW, UNKNOWN

from sphinxcontrib_highlight.bibliography import doi_fetch, doi_lookup
from sphinxcontrib_highlight.bibliography.doi_cache import trimmed, write_cache
from sphinxcontrib_highlight.speed import cpus as speed_cpus
from sphinxcontrib_highlight.sphinxext.cite_syntax import parse_citation


def build(make_app, srcdir: Path, resolver_url: str, parallel: int = 1, **overrides):
    """Build with the test resolver, giving up on an answer after half a second."""
    app = make_app("html", srcdir=srcdir, freshenv=True, parallel=parallel,
                   confoverrides={"highlight_doi_resolver": resolver_url,
                                  "highlight_doi_timeout": 0.5, **overrides})
    app.build()
    return app


def doi_warnings(app) -> list[str]:
    return [line for line in warnings(app).splitlines() if "[highlight.doi" in line]


def test_dois_cited_alone_are_fetched_once_with_j2(make_app, root_copy, resolver, monkeypatch):
    """A -j 2 build fetches each DOI once (also one cited, shown and listed, in three
    forms, on three pages), numbers and lists them like entries, keeps them in a sorted cache, and shows
    a DOI the resolver does not know as a link, with a located warning."""
    monkeypatch.setattr(speed_cpus, "usable_cpus", lambda: 2)
    srcdir = root_copy("doi")
    app = build(make_app, srcdir, resolver.url, parallel=2)
    assert app.builder.parallel_ok is True
    assert dict(resolver.requests) == {
        "10.1038/nrn.2018.2": 1, "10.1152/physrev.00045.2019": 1,
        "10.1038/s41583-020-0310-6": 1, UNKNOWN: 1,
    }
    assert set(resolver.accepts) == {"application/vnd.citationstyles.csl+json"}

    page = soup(app)
    items = page.select("ol.highlight-reference-list > li")
    texts = [item.select_one(".highlight-reference-text").get_text() for item in items]
    assert [text.split(".")[0] for text in texts] == [
        "Inoue K, Tsuda M", "Finnerup NB, Kuner R, Jensen TS",
        "Kohno K, Shirasaka R, Yoshihara K, Mikuriya S, Tanaka K, Takanami K, et al",
        "Mogil JS",
    ]
    assert "Nature Reviews Neuroscience 2018, 19: 138–152" in texts[0]
    # The DOI entries link their DOI like any entry (the "Article" link).
    assert items[0].select_one("a.highlight-link-doi")["href"] == "https://doi.org/10.1038/nrn.2018.2"
    cites = page.select("span.highlight-cite")
    assert [a.get_text() for a in cites[0].select("a")] == ["1", "2"]
    assert cites[0].select_one("a")["href"] == "#ref-10-1038-nrn-2018-2"
    unresolved = cites[2].select_one("a.highlight-doi-unresolved")
    assert unresolved.get_text() == UNKNOWN
    assert unresolved["href"] == f"https://doi.org/{UNKNOWN}"
    second = soup(app, "second").select("span.highlight-cite")
    assert [cite.get_text() for cite in second] == ["[1]", "[4]"]

    # A citation block and a list of keys take a DOI too, in any form.
    third = soup(app, "third")
    assert third.select_one(".highlight-citation-text").get_text() == (
        "Finnerup, N.B., Kuner, R. & Jensen, T.S. Neuropathic pain: From mechanisms to "
        "treatment. Physiological Reviews 101, 259–301 (2021)."
    )
    assert [item.select_one(".highlight-reference-text").get_text()[:16]
            for item in third.select("ol.highlight-reference-list > li")] == ["Inoue K, Tsuda M"]

    # Zotero's metadata and the downloads carry the DOI entries like any other.
    coins = [span["title"] for span in page.select("span.Z3988")]
    assert sum("rft_id=info:doi/10.1038/nrn.2018.2" in title for title in coins) == 1
    csl_json = page.select_one("a[href$='-references.csl.json']")["href"]
    listed = json.loads((Path(app.outdir) / csl_json).read_text(encoding="utf-8"))
    assert [item["id"] for item in listed] == [
        "10.1038/nrn.2018.2", "10.1152/physrev.00045.2019", "kohno2022spinal",
        "10.1038/s41583-020-0310-6",
    ]

    [warning] = doi_warnings(app)
    assert re.search(r"index\.rst:11: WARNING: DOI 10\.1038/s41586-018-0119-x cannot be "
                     r"shown: .* answered 404.*\[highlight\.doi\]$", warning), warning

    cache = srcdir / "highlight-dois.json"
    text = cache.read_text(encoding="utf-8")
    data = json.loads(text)
    assert sorted(data["items"]) == list(data["items"]) == [
        "10.1038/nrn.2018.2", "10.1038/s41583-020-0310-6", "10.1152/physrev.00045.2019",
    ]
    assert "indexed" not in data["items"]["10.1038/nrn.2018.2"]  # only CSL variables kept
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_an_incremental_build_fetches_a_new_doi_and_renumbers(make_app, root_copy, resolver):
    """A DOI cited for the first time on one edited page is fetched in that build, and
    the unchanged page whose project-wide list now shows it is written again."""
    srcdir = root_copy("doi")
    second = srcdir / "second.rst"
    cited = "another :hcite:`10.1038/s41583-020-0310-6`."
    second.write_text(second.read_text(encoding="utf-8").replace(cited, "no other."),
                      encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True,
                   confoverrides={"highlight_doi_resolver": resolver.url})
    app.build()
    assert len(soup(app).select("ol.highlight-reference-list > li")) == 3
    assert "10.1038/s41583-020-0310-6" not in resolver.requests

    second.write_text(second.read_text(encoding="utf-8").replace("no other.", cited),
                      encoding="utf-8")
    again = make_app("html", srcdir=srcdir,
                     confoverrides={"highlight_doi_resolver": resolver.url})
    again.build()
    assert resolver.requests["10.1038/s41583-020-0310-6"] == 1
    items = soup(again).select("ol.highlight-reference-list > li")  # index.rst unchanged
    assert len(items) == 4
    assert items[-1].select_one(".highlight-reference-text").get_text().startswith("Mogil JS.")
    assert [cite.get_text() for cite in soup(again, "second").select("span.highlight-cite")] == [
        "[1]", "[4]",
    ]


def test_a_filled_cache_builds_offline(make_app, root_copy, resolver):
    """Once the cache holds the DOIs, a build asks the network for nothing it has; with
    the resolver gone it gives the same pages, and with fetching off it asks nothing."""
    srcdir = root_copy("doi")
    first = build(make_app, srcdir, resolver.url)
    pages = {name: str(soup(first, name).select_one("div.body")) for name in ("index", "second")}
    asked = sum(resolver.requests.values())

    again = build(make_app, srcdir, resolver.url, highlight_doi_fetch="never")
    assert sum(resolver.requests.values()) == asked  # no request at all
    assert {name: str(soup(again, name).select_one("div.body")) for name in pages} == pages
    [warning] = doi_warnings(again)
    assert "index.rst:11" in warning and "not in the DOI cache highlight-dois.json, and fetching is off" in warning

    resolver.stop()
    offline = build(make_app, srcdir, resolver.url)
    assert {name: str(soup(offline, name).select_one("div.body")) for name in pages} == pages
    [warning] = doi_warnings(offline)  # only the DOI that was never cached is tried
    assert "10.1038/s41586-018-0119-x cannot be shown" in warning
    assert "could not be reached" in warning


def test_dois_that_cannot_be_fetched_warn_and_link(make_app, root_copy, resolver):
    """A timeout and an answer that is not JSON: located warnings, the DOI as a link,
    a build that succeeds; the timeout (highlight_doi_timeout) is tried a bounded number
    of times."""
    srcdir = root_copy("doi")
    (srcdir / "second.rst").write_text(
        f"Second\n======\n\nSlow :hcite:`{SLOW}`.\n\nNot JSON :hcite:`{BAD_JSON}`.\n",
        encoding="utf-8",
    )
    app = build(make_app, srcdir, resolver.url, highlight_doi_timeout=0.25)
    found = doi_warnings(app)
    assert any(re.search(rf"second\.rst:4: WARNING: DOI {re.escape(SLOW)} cannot be shown: .*"
                         r"did not answer within 0\.25 s \(2 attempts\)", line) for line in found), found
    assert any(re.search(rf"second\.rst:6: WARNING: DOI {re.escape(BAD_JSON)} cannot be "
                         r"shown: .*did not answer with JSON", line) for line in found), found
    assert resolver.requests[SLOW] == doi_fetch.ATTEMPTS
    assert resolver.requests[BAD_JSON] == 1  # a wrong answer is not asked again
    links = soup(app, "second").select("a.highlight-doi-unresolved")
    assert [link.get_text() for link in links] == [SLOW, BAD_JSON]
    cached = json.loads((srcdir / "highlight-dois.json").read_text(encoding="utf-8"))["items"]
    assert SLOW not in cached and BAD_JSON not in cached


def test_a_damaged_cache_is_reported_and_kept(make_app, root_copy, resolver):
    """A cache that is not JSON: a warning naming it, citations as links, no traceback,
    and the file left as it is for its author to mend."""
    srcdir = root_copy("doi")
    cache = srcdir / "highlight-dois.json"
    cache.write_text('{"format": 1, "items": {', encoding="utf-8")
    app = build(make_app, srcdir, resolver.url)
    assert any("highlight-dois.json is not valid JSON" in line and "delete it to fetch every DOI again" in line
               for line in doi_warnings(app)), doi_warnings(app)
    assert cache.read_text(encoding="utf-8") == '{"format": 1, "items": {'
    assert soup(app).select("a.highlight-doi-unresolved")


def test_entries_are_verified_against_their_dois(make_app, root_copy, resolver):
    """highlight_verify_dois: each entry with a DOI is compared with its DOI's metadata;
    a copied DOI gives a warning for each of title, first author and year, at the entry's
    line, and a DOI that does not resolve one; a right entry (braces, case, a URL DOI)
    none."""
    srcdir = root_copy("doi-verify")
    app = build(make_app, srcdir, resolver.url)
    found = [line.replace(str(srcdir) + "/", "") for line in doi_warnings(app)]
    assert found == [
        ("refs.bib:17: WARNING: entry 'mogil2020qualitative': title 'Qualitative sex "
        "differences in pain processing: Emerging evidence of a biased literature' differs "
        "from its DOI's (10.1038/nrn.2018.2): 'Microglia in neuropathic pain: Cellular and "
        "molecular mechanisms and therapeutic potential' [highlight.doi_mismatch]"),
        ("refs.bib:17: WARNING: entry 'mogil2020qualitative': first author 'Mogil' differs "
        "from its DOI's (10.1038/nrn.2018.2): 'Inoue' [highlight.doi_mismatch]"),
        ("refs.bib:17: WARNING: entry 'mogil2020qualitative': year '2020' differs from its "
        "DOI's (10.1038/nrn.2018.2): '2018' [highlight.doi_mismatch]"),
        (f"refs.bib:29: WARNING: entry 'rothhammer2018microglial': DOI {UNKNOWN} cannot be "
        f"checked: {resolver.url}/{UNKNOWN} answered 404: the resolver knows no such DOI "
        "[highlight.doi]"),
    ]
    assert dict(resolver.requests) == {"10.1038/nrn.2018.2": 1, UNKNOWN: 1}
    assert set(json.loads((srcdir / "highlight-dois.json").read_text())["items"]) == {
        "10.1038/nrn.2018.2"
    }


def test_a_doi_an_entry_holds_cites_that_entry(make_app, root_copy, resolver):
    """A DOI that a .bib entry or a CSL-JSON item holds (in any case, as a URL) is that
    entry: one number and one list item with its key, even when the DOI cache holds the
    DOI too; nothing is fetched. A DOI two entries hold: the first, and a warning at the
    second."""
    srcdir = root_copy("doi-held")
    write_cache(srcdir / "highlight-dois.json", {
        "10.1038/nrn.2018.2": trimmed(ITEMS["10.1038/nrn.2018.2"]),
    })
    app = build(make_app, srcdir, resolver.url)
    assert dict(resolver.requests) == {}
    page = soup(app)
    items = page.select("ol.highlight-reference-list > li")
    assert [item["id"] for item in items] == [
        "ref-inoue2018microglia", "ref-mogil2020qualitative", "ref-finnerup2021neuropathic",
    ]
    cites = page.select("span.highlight-cite")
    assert [cite.get_text() for cite in cites] == ["[1]", "[1]", "[2]", "[3]"]
    assert {cite.select_one("a")["href"] for cite in cites[:2]} == {"#ref-inoue2018microglia"}
    found = [line.replace(str(srcdir) + "/", "") for line in doi_warnings(app)]
    assert found == [
        ("refs.bib:28: WARNING: entry 'finnerup2021review' holds DOI 10.1152/physrev.00045.2019, "
         "as entry 'finnerup2021neuropathic' (refs.bib:16) does; a citation of the DOI shows "
         "'finnerup2021neuropathic' [highlight.doi]"),
    ]
    cache = json.loads((srcdir / "highlight-dois.json").read_text(encoding="utf-8"))
    assert list(cache["items"]) == ["10.1038/nrn.2018.2"]  # not fetched, not added


def test_missing_dois_are_fetched_together_and_cached_once(
    make_app, root_copy, resolver, monkeypatch
):
    """The four DOIs the cache lacks are asked for at once (the server holds each answer
    until all four wait, so fetching one after another would be seen), each once; the
    cache is written once, sorted, whatever order the answers came in."""
    written = []
    monkeypatch.setattr(doi_lookup, "write_cache",
                        lambda path, items: written.append(list(items)) or write_cache(path, items))
    resolver.together = 4
    srcdir = root_copy("doi")
    app = build(make_app, srcdir, resolver.url, highlight_doi_timeout=10)  # > the hold
    assert resolver.most_at_once == 4
    assert dict(resolver.requests) == {
        "10.1038/nrn.2018.2": 1, "10.1152/physrev.00045.2019": 1,
        "10.1038/s41583-020-0310-6": 1, UNKNOWN: 1,
    }
    assert len(written) == 1
    cached = json.loads((srcdir / "highlight-dois.json").read_text(encoding="utf-8"))["items"]
    assert list(cached) == [
        "10.1038/nrn.2018.2", "10.1038/s41583-020-0310-6", "10.1152/physrev.00045.2019",
    ]
    assert len(doi_warnings(app)) == 1  # the DOI the resolver does not know


#: DOIs with the characters the role splits on, under 10.5555, the prefix Crossref keeps
#: for examples and tests: they name no work, and the test resolver knows none.
COMMA_DOI = "10.5555/a,b"


@pytest.mark.parametrize(("text", "keys"), [
    ("doi:{10.5555/a,b}", ("doi:10.5555/a,b",)),
    ("{see}doi:{10.5555/a,b}{p. 5}, kohno2022", ("doi:10.5555/a,b", "kohno2022")),
    ("DOI:{ 10.5555/a,b }", ("DOI:10.5555/a,b",)),
    ("doi:10.5555/a%2Cb", ("doi:10.5555/a%2Cb",)),
])
def test_the_role_reads_a_doi_with_a_comma(text, keys):
    parsed = parse_citation(text)
    assert tuple(cited.key for cited in parsed.keys) == keys
    assert not parsed.problems
    assert {doi_fetch.bare_doi(key) for key in keys} - {"kohno2022", None} == {COMMA_DOI}


def test_a_doi_with_a_comma_is_cited_whole(make_app, root_copy, resolver):
    """``doi:{…}`` and percent-encoding cite a DOI that holds a comma as one key: the
    resolver is asked for the whole DOI (once, whichever way it was written), and the
    citation links to it; the pre- and post-text around the braces stay theirs."""
    srcdir = root_copy("doi")
    (srcdir / "second.rst").write_text(
        "Second\n======\n\n"
        "Braced :hcite:`{see}doi:{10.5555/a,b}{p. 5}, kohno2022spinal`.\n\n"
        "Encoded :hcite:`doi:10.5555/A%2Cb`.\n",
        encoding="utf-8",
    )
    app = build(make_app, srcdir, resolver.url)
    assert resolver.requests[COMMA_DOI] == 1
    assert "10.5555/a" not in resolver.requests
    found = [line for line in warnings(app).splitlines() if "second.rst" in line]
    assert len(found) == 2, found
    assert all(f"DOI {COMMA_DOI} cannot be shown" in line for line in found), found
    assert not any("highlight.cite_syntax" in line for line in warnings(app).splitlines())
    cites = soup(app, "second").select("span.highlight-cite")
    links = [cite.select_one("a.highlight-doi-unresolved") for cite in cites]
    assert [link.get_text() for link in links] == [COMMA_DOI, "10.5555/A,b"]
    assert links[0]["href"] == "https://doi.org/10.5555/a%2Cb"
    # The post-text stays the DOI's; kohno2022spinal is the project list's third.
    assert cites[0].get_text() == f"[see {COMMA_DOI}, p. 5, 3]"


def test_a_doi_added_to_an_entry_takes_over_its_citations(make_app, root_copy, resolver):
    """Cited alone, a DOI is the cache's entry; once an entry of the files holds it, an
    incremental build (no page edited) numbers and lists that entry instead."""
    srcdir = root_copy("doi-held")
    held = "  doi          = {https://doi.org/10.1038/NRN.2018.2},\n"
    edit(srcdir / "refs.bib", held, "")
    app = build(make_app, srcdir, resolver.url)
    assert resolver.requests["10.1038/nrn.2018.2"] == 1
    assert len(soup(app).select("ol.highlight-reference-list > li")) == 4

    edit(srcdir / "refs.bib", "  pages        = {138--152},\n",
         "  pages        = {138--152},\n" + held)
    again = make_app("html", srcdir=srcdir, confoverrides={
        "highlight_doi_resolver": resolver.url, "highlight_doi_timeout": 0.5})
    again.build()
    items = soup(again).select("ol.highlight-reference-list > li")
    assert [item["id"] for item in items] == [
        "ref-inoue2018microglia", "ref-mogil2020qualitative", "ref-finnerup2021neuropathic",
    ]
    cites = soup(again).select("span.highlight-cite")
    assert [cite.get_text() for cite in cites] == ["[1]", "[1]", "[2]", "[3]"]


def test_a_doi_that_cannot_be_fetched_links_in_an_author_date_style(make_app, root_copy, resolver):
    """As with numbers, an author-date citation of a DOI without metadata shows the DOI
    as a link to doi.org (the how-to promises it), not the "(key?)" of an unknown key."""
    srcdir = root_copy("doi")
    app = build(make_app, srcdir, resolver.url, highlight_reference_style="apa")
    cite = soup(app).select("span.highlight-cite")[-1]
    link = cite.select_one("a.highlight-doi-unresolved")
    assert link is not None, cite
    assert link["href"] == f"https://doi.org/{UNKNOWN}"
    assert cite.get_text() == f"({UNKNOWN})"
