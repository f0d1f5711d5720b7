"""The reader's side of HTML pages: Zotero metadata, downloads, copy link, reference links.

Expected values come from the published page (``seed.py``) and the verified metadata
(shared/data/README.md), not from the extension's own code; every download is read back
with an independent reader (pybtex, rispy, jsonschema) and compared with the source file.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import rispy
import sphinx
from bs4 import BeautifulSoup
from conftest import output, soup, straight_quotes, warnings
from jsonschema import Draft7Validator
from pybtex.database import parse_file
from pybtex.richtext import Text
from seed import CITATION, CITATION_DOI, REFERENCE_DOIS, REFERENCES
from zotero import embedded_metadata, parse_context_object

from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE

SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "csl-data.json").read_text("utf-8"))

#: Full journal names of references 1-14, from the verified metadata (shared/data).
REFERENCE_JOURNALS = [
    "Physiological Reviews", "Nature Reviews Neuroscience", "Science",
    "Nature Reviews Neuroscience", "Neuron", "Trends in Immunology", "Nature",
    "Brain, Behavior, and Immunity", "Nature Neuroscience", "Nature Immunology",
    "Nature Reviews Neuroscience", "Pharmacol Ther", "Nature Communications", "Neuron",
]
#: PMIDs of references 1-14, from the verified metadata; None: none verified.
REFERENCE_PMIDS = [
    "32584191", None, "35357926", None, "30571942", None, "29769726", None, "26642091",
    "33859405", "32440016", None, None, "33667343",
]

_PRINTED = re.compile(
    r"^(?P<authors>.*?)\. (?P<title>.*)\. (?P<journal>[^.]+) (?P<year>\d{4}), "
    r"(?P<volume>\d+): (?P<pages>.*)\.$"
)


def printed(reference: str) -> dict[str, object]:
    """The parts of a reference as the journal printed it."""
    match = _PRINTED.match(reference)
    assert match, reference
    parts: dict[str, object] = match.groupdict()
    names = [name for name in str(parts["authors"]).split(", ") if name != "et al"]
    parts["surnames"] = [name.rsplit(" ", 1)[0] for name in names]
    first, _, last = str(parts["pages"]).replace("–", "-").partition("-")
    parts["firstpage"], parts["lastpage"] = first, last
    return parts


def meta_tags(page: BeautifulSoup) -> list[tuple[str, str]]:
    return [
        (tag["name"], tag["content"])
        for tag in page.head.find_all("meta")
        if tag.get("name", "").startswith("citation_")
    ]


def decoded(latex: str) -> str:
    return str(Text.from_latex(latex).render_as("text"))


def download(app, page: BeautifulSoup, selector: str, base: str = "") -> Path:
    href = page.select_one(selector)["href"]
    return (Path(app.outdir) / base / href).resolve()


SOURCE = parse_file(str(BUNDLED_BIBFILE), "bibtex")
REFERENCE_KEYS = list(SOURCE.entries)[1:]


# --- Zotero: Highwire tags and COinS --------------------------------------------------


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_meta_tags_describe_the_article(app):
    app.build()
    item = embedded_metadata(meta_tags(soup(app)))
    assert item["title"] == "Specialized Microglia Resolve Neuropathic Pain in the Spinal Cord"
    assert [c["lastName"] for c in item["creators"]] == ["Yang", "Xie", "Zhu"]
    assert [c["firstName"] for c in item["creators"]] == ["J.", "S.", "S."]
    assert item["journal_title"] == "Neuroscience Bulletin"
    assert item["journal_abbrev"] == "Neurosci. Bull."
    assert (item["volume"], item["pages"]) == ("39", "173-175")
    assert item["publication_date"] == "2023"
    assert "https://doi.org/" + item["doi"] == CITATION_DOI
    assert "issue" not in item  # not verified, so not in the data, so not in the tags
    assert len(item["references"]) == 14


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_citation_reference_per_reference(app):
    app.build()
    references = embedded_metadata(meta_tags(soup(app)))["references"]
    for content, reference, doi in zip(references, REFERENCES, REFERENCE_DOIS, strict=True):
        fields = [part.split("=", 1) for part in content.split("; ")]
        values = dict(fields)
        expected = printed(reference)
        assert values["citation_title"] == expected["title"]
        assert values["citation_journal_abbrev"] == expected["journal"]
        assert values["citation_volume"] == expected["volume"]
        assert values["citation_publication_date"] == expected["year"]
        assert values.get("citation_doi") == doi
        surnames = [value.split(",")[0] for name, value in fields if name == "citation_author"]
        assert surnames[: len(expected["surnames"])] == expected["surnames"]


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_coins_spans_article_first_then_every_reference(app):
    """What Zotero's COinS translator saves: the article, then the 14 references."""
    app.build()
    spans = soup(app).select("span.Z3988")
    assert len(spans) == 15
    items = [parse_context_object(span["title"]) for span in spans]
    for span in spans:
        assert span["title"].startswith(
            "ctx_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&"
        )
    article = items[0]
    assert CITATION.startswith("Yang, J., Xie, S., Zhu, S. et al. " + article["title"])
    assert [c["lastName"] for c in article["creators"]] == ["Yang", "Xie", "Zhu"]
    assert (article["journalAbbreviation"], article["volume"]) == ("Neurosci. Bull.", "39")
    assert (article["pages"], article["date"]) == ("173-175", "2023")
    assert article["publicationTitle"] == "Neuroscience Bulletin"
    assert "https://doi.org/" + article["DOI"] == CITATION_DOI
    rows = zip(items[1:], REFERENCES, REFERENCE_DOIS, REFERENCE_JOURNALS, strict=True)
    for item, reference, doi, journal in rows:
        expected = printed(reference)
        assert item["itemType"] == "journalArticle"
        assert item["title"] == expected["title"]
        assert item["publicationTitle"] == journal
        assert item["journalAbbreviation"] == expected["journal"]
        assert item["volume"] == expected["volume"]
        assert item["date"] == expected["year"]
        pages = f"{expected['firstpage']}-{expected['lastpage']}".rstrip("-")
        assert item["pages"] == pages
        assert item["DOI"] == doi
        surnames = [c["lastName"] for c in item["creators"]]
        assert surnames[: len(expected["surnames"])] == expected["surnames"]
        assert all(c["firstName"] for c in item["creators"])


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_coins_names_and_numbers_keep_every_character(app):
    app.build()
    items = {
        item["title"]: item
        for item in (parse_context_object(s["title"]) for s in soup(app).select("span.Z3988"))
    }
    huang = items["Microglia use TAM receptors to detect and engulf amyloid β plaques"]
    assert {"lastName": "O’Connor", "firstName": "Carolyn"} in huang["creators"]
    tansley = next(i for t, i in items.items() if t.startswith("Single-cell RNA"))
    assert tansley["creators"][2] == {"lastName": "Ureña Guzmán", "firstName": "Alba"}
    assert len(tansley["creators"]) == 23
    assert items["Spinal macrophages resolve nociceptive hypersensitivity after peripheral "
                 "injury"]["pages"] == "1274-1282.e6"
    assert items["TSH/IGF1 receptor crosstalk: Mechanism and clinical implications"][
        "pages"] == "107502"
    price = next(i for t, i in items.items() if t.startswith("Transition to chronic pain"))
    assert price["creators"][4] == {"lastName": "de Koninck", "firstName": "Y."}
    assert len(price["creators"]) == 6


@pytest.mark.sphinx("html", testroot="reader", freshenv=True)
def test_article_span_first_even_after_a_list(app):
    """A list before the citation block: the article's span still comes first."""
    app.build()
    spans = [parse_context_object(s["title"]) for s in soup(app, "listfirst").select(
        "span.Z3988")]
    assert spans[0]["title"].startswith("Specialized Microglia")
    titles = [span["title"] for span in spans]
    assert len(titles) == len(set(titles)) == 3  # the article is in the list too: one span


@pytest.mark.sphinx("html", testroot="reader", freshenv=True)
def test_each_page_describes_its_own_block(app):
    app.build()
    assert warnings(app) == ""
    front = embedded_metadata(meta_tags(soup(app)))
    other = embedded_metadata(meta_tags(soup(app, "other")))
    assert front["title"].startswith("Specialized Microglia")
    assert other["title"].startswith("Qualitative sex differences")
    assert other["references"] == []
    assert soup(app, "other").select_one(".highlight-citation-text").get_text().startswith(
        "Mogil, J.S.")


# --- downloads and the copy link -------------------------------------------------------


def _source_fields(key: str) -> tuple[dict[str, str], list[str]]:
    entry = SOURCE.entries[key]
    return dict(entry.fields), [str(person) for person in entry.persons["author"]]


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_bibtex_downloads_parse_back_to_the_source(app):
    app.build()
    page = soup(app)
    citation = parse_file(str(download(app, page, ".highlight-citation a.highlight-download-bibtex")))
    assert list(citation.entries) == ["yang2023specialized"]
    references = parse_file(str(download(app, page, ".highlight-references "
                                                    "a.highlight-download-bibtex")))
    assert list(references.entries) == REFERENCE_KEYS
    for data in (citation, references):
        for key, entry in data.entries.items():
            fields, authors = _source_fields(key)
            assert dict(entry.fields) == fields
            assert [str(person) for person in entry.persons["author"]] == authors


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_ris_downloads_parse_back_to_the_source(app):
    app.build()
    path = download(app, soup(app), ".highlight-references a.highlight-download-ris")
    records = rispy.loads(path.read_text(encoding="utf-8"))
    assert [record["id"] for record in records] == REFERENCE_KEYS
    for record, reference, doi in zip(records, REFERENCES, REFERENCE_DOIS, strict=True):
        expected = printed(reference)
        assert record["type_of_reference"] == "JOUR"
        assert record["title"] == expected["title"]
        assert record["alternate_title1"] == expected["journal"]
        assert (record["volume"], record["year"]) == (expected["volume"], expected["year"])
        assert record["start_page"] == expected["firstpage"]
        assert record.get("end_page", "") == expected["lastpage"]
        assert record.get("doi") == doi
        entry = SOURCE.entries[record["id"]]
        named = [p for p in entry.persons["author"] if str(p) != "others"]
        assert len(record["authors"]) == len(named)
        surnames = [author.split(",")[0] for author in record["authors"]]
        assert surnames[: len(expected["surnames"])] == expected["surnames"]
    citation = rispy.loads(download(app, soup(app), ".highlight-citation "
                                    "a.highlight-download-ris").read_text(encoding="utf-8"))
    assert citation[0]["authors"] == ["Yang, J.", "Xie, S.", "Zhu, S."]
    assert citation[0]["doi"] == "10.1007/s12264-022-00932-8"


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_csl_json_downloads_are_valid_and_match_the_source(app):
    app.build()
    page = soup(app)
    items = json.loads(download(app, page, ".highlight-references a.highlight-download-csl-json")
                       .read_text(encoding="utf-8"))
    Draft7Validator.check_schema(SCHEMA)
    Draft7Validator(SCHEMA).validate(items)
    assert [item["id"] for item in items] == REFERENCE_KEYS
    for item, reference, doi, pmid in zip(items, REFERENCES, REFERENCE_DOIS, REFERENCE_PMIDS,
                                          strict=True):
        expected = printed(reference)
        assert item["type"] == "article-journal"
        # A nocase span (a braced word) is markup CSL processors read, not text.
        assert re.sub(r"</?span[^>]*>", "", item["title"]) == expected["title"]
        assert item["container-title-short"] == expected["journal"]
        assert item["issued"] == {"date-parts": [[int(expected["year"])]]}
        assert item["page"] == str(expected["pages"]).replace("–", "-")
        assert item.get("DOI") == doi
        assert item.get("PMID") == pmid
        entry = SOURCE.entries[item["id"]]
        assert re.sub(r"</?span[^>]*>", "", item["title"]) == decoded(entry.fields["title"])
    price = items[1]
    assert price["author"][4] == {"family": "Koninck", "given": "Y.",
                                  "non-dropping-particle": "de"}
    article = json.loads(download(app, page, ".highlight-citation a.highlight-download-csl-json")
                         .read_text(encoding="utf-8"))
    Draft7Validator(SCHEMA).validate(article)
    assert article[0]["container-title"] == "Neuroscience Bulletin"


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_copy_link_holds_the_exact_citation(app):
    app.build()
    link = soup(app).select_one(".highlight-citation a.highlight-copy")
    assert link["data-highlight-copy"] == f"{CITATION} {CITATION_DOI}"
    # Without JavaScript the link opens the same text as a UTF-8 file.
    text = (Path(app.outdir) / link["href"]).read_text(encoding="utf-8")
    assert text == f"{CITATION} {CITATION_DOI}\n"


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_script_and_stylesheet_are_local(app):
    app.build()
    page = soup(app)
    scripts = [tag["src"] for tag in page.select("script[src]")]
    assert any(src.startswith("_static/sphinxcontrib-highlight.js") for src in scripts)
    assert all(not urlsplit(src).netloc for src in scripts)  # no CDN, no external script
    assert (Path(app.outdir) / "_static" / "sphinxcontrib-highlight.js").is_file()


@pytest.mark.parametrize(("buildername", "page", "prefix"), [
    ("html", "sub/deep.html", "../"),
    ("dirhtml", "sub/deep/index.html", "../../"),
    ("singlehtml", "index.html", ""),
])
def test_download_links_resolve_from_every_page(make_app, rootdir, sphinx_test_tempdir,
                                                buildername, page, prefix):
    srcdir = Path(sphinx_test_tempdir) / f"reader-links-{buildername}"
    if srcdir.exists():
        shutil.rmtree(srcdir)
    shutil.copytree(rootdir / "test-reader", srcdir)
    app = make_app(buildername, srcdir=srcdir, freshenv=True)
    app.build()
    html = BeautifulSoup((Path(app.outdir) / page).read_text("utf-8"), "html.parser")
    links = html.select("a.highlight-download, a.highlight-copy")
    assert links
    for link in links:
        assert link["href"].startswith(prefix + "_downloads/highlight/"), link["href"]
        target = (Path(app.outdir) / page).parent / link["href"]
        assert target.is_file(), link["href"]
    titles = [span["title"] for span in html.select("span.Z3988")]
    assert len(titles) == len(set(titles))  # singlehtml: one span per item, not per block


@pytest.mark.sphinx("html", testroot="reader", freshenv=True, parallel=2)
def test_parallel_build_writes_every_download(app):
    app.build()
    page = soup(app)
    for link in page.select("a.highlight-download"):
        path = Path(app.outdir) / link["href"]
        assert path.is_file()
        assert path.read_text(encoding="utf-8").strip()
    assert not list(Path(app.outdir).rglob(".tmp-*"))
    # Pages written by worker processes still get their own meta tags.
    for name, title in (("index", "Specialized"), ("other", "Qualitative"),
                        ("sub/deep", "Specialized"), ("listfirst", "Specialized")):
        assert embedded_metadata(meta_tags(soup(app, name)))["title"].startswith(title)


@pytest.mark.parametrize("buildername", ["latex", "text", "epub"])
def test_no_downloads_outside_web_pages(make_app, rootdir, sphinx_test_tempdir, buildername):
    srcdir = Path(sphinx_test_tempdir) / f"reader-none-{buildername}"
    if srcdir.exists():
        shutil.rmtree(srcdir)
    shutil.copytree(rootdir / "test-reader", srcdir)
    app = make_app(buildername, srcdir=srcdir, freshenv=True)
    app.build()
    assert "highlight" not in warnings(app)
    assert "mimetype" not in warnings(app)  # epub: no file it cannot package
    assert not (Path(app.outdir) / "_downloads" / "highlight").exists()


# --- reference links -------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True)
def test_reference_links_as_on_the_journal_page(app):
    app.build()
    items = soup(app).select("ol.highlight-reference-list > li")
    for item, doi, pmid, reference in zip(items, REFERENCE_DOIS, REFERENCE_PMIDS, REFERENCES,
                                          strict=True):
        links = {a.get_text(): a["href"] for a in item.select(".highlight-reference-links a")
                 if "highlight-backref" not in a.get("class", [])}
        expected = ["Google Scholar"]
        if doi:
            expected.insert(0, "Article")
            assert links["Article"] == f"https://doi.org/{doi}"
        if pmid:
            expected.insert(1 if doi else 0, "PubMed")
            assert links["PubMed"] == f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
        assert list(links) == expected
        query = dict(parse_qsl(urlsplit(links["Google Scholar"]).query))
        assert query["title"] == printed(reference)["title"]
        assert query["publication_year"] == printed(reference)["year"]
        assert all(href.startswith("https://") for href in links.values())


@pytest.mark.sphinx("text", testroot="bundled", freshenv=True)
def test_text_builder_shows_link_urls(app):
    app.build()
    text = output(app, "index.txt")
    assert "https://pubmed.ncbi.nlm.nih.gov/32584191/" in text
    # On paper a Scholar lookup URL means nothing: text and PDF leave it out.
    assert "Google Scholar" not in text
    assert "scholar.google.com" not in text
    # Never wrapped: each DOI URL stays whole on its line (9 references and the article).
    dois = [word for line in text.splitlines() for word in line.split()
            if word.startswith("https://doi.org/")]
    assert len(dois) == 10
    assert all(re.fullmatch(r"https://doi\.org/10\.\d+/\S+", word) for word in dois)


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True,
                    confoverrides={"highlight_reference_links": ["pubmed"]})
def test_reference_links_are_configurable(app):
    app.build()
    labels = {a.get_text() for a in soup(app).select(".highlight-reference-links a")}
    assert labels == {"PubMed"}


# --- hostile fields --------------------------------------------------------------------


HOSTILE_TITLE = ("<script>alert('title')</script> \"quoted\" & "
                 "<b onmouseover=\"alert(1)\">bold</b>; semi")


@pytest.mark.sphinx("html", testroot="reader-hostile", freshenv=True)
def test_hostile_fields_are_escaped_everywhere(app):
    app.build()
    html = output(app, "index.html")
    page = BeautifulSoup(html, "html.parser")
    # No markup from the data: no script but Sphinx's own, no event handler, no bold.
    inline = [tag.get_text() for tag in page.find_all("script") if not tag.get("src")]
    assert all("alert" not in script for script in inline)  # only alabaster's search box
    assert not page.find("b") and not page.find("img") and not page.find("x")
    for tag in page.find_all(True):
        assert not [name for name in tag.attrs if name.startswith("on")], tag
    hrefs = [a["href"] for a in page.find_all("a", href=True)]
    assert not [href for href in hrefs if href.split(":")[0].lower() in ("javascript", "data")]
    assert "https://example.org/article?id=1&view=%22full%22" not in hrefs  # only as written:
    assert 'https://example.org/article?id=1&view="full"' in hrefs
    # Each field reads back exactly, so it was escaped, not mangled.
    item = embedded_metadata(meta_tags(page))
    assert item["title"] == HOSTILE_TITLE
    assert item["journal_abbrev"] == '"><script>alert(2)</script>'
    assert item["issue"] == "'onfocus='alert(3)"
    coins = parse_context_object(page.select_one("span.Z3988")["title"])
    assert coins["title"] == HOSTILE_TITLE
    assert coins["creators"][0]["lastName"] == '<script>alert("author")</script>'
    copy = straight_quotes(page.select_one("a.highlight-copy")["data-highlight-copy"])
    assert straight_quotes(HOSTILE_TITLE) in copy
    citation = straight_quotes(page.select_one(".highlight-citation-text").get_text())
    assert citation.count(straight_quotes(HOSTILE_TITLE)) == 1


@pytest.mark.sphinx("html", testroot="reader-hostile", freshenv=True)
def test_hostile_fields_survive_every_download(app):
    app.build()
    page = soup(app)
    bib = parse_file(str(download(app, page, ".highlight-citation a.highlight-download-bibtex")))
    assert decoded(bib.entries["evil2024"].fields["title"]) == HOSTILE_TITLE
    ris = rispy.loads(download(app, page, ".highlight-citation a.highlight-download-ris")
                      .read_text(encoding="utf-8"))
    assert ris[0]["title"] == HOSTILE_TITLE
    csl = json.loads(download(app, page, ".highlight-references a.highlight-download-csl-json")
                     .read_text(encoding="utf-8"))
    Draft7Validator(SCHEMA).validate(csl)
    assert "URL" not in csl[0] and "PMID" not in csl[1]


@pytest.mark.sphinx("html", testroot="reader-hostile", freshenv=True)
def test_non_web_links_are_dropped_with_a_warning(app):
    app.build()
    found = [line for line in warnings(app).splitlines() if "[highlight.link]" in line]
    assert len(found) == 3, warnings(app)
    # Each warning points at its entry in the .bib file, where the fix belongs.
    assert any(re.search(r"hostile\.bib:14: WARNING: .*'javascript:alert\(5\)' is not http\(s\)", line)
               for line in found)
    assert all(re.search(r"hostile\.bib:(14|22): WARNING", line) for line in found)
    assert any("data:text/html" in line for line in found)
    assert any("pmid" in line and "not a number" in line for line in found)
    assert "Traceback" not in warnings(app)


@pytest.mark.sphinx("html", testroot="reader-hostile", freshenv=True,
                    confoverrides={"suppress_warnings": ["highlight.link"]})
def test_link_warnings_can_be_suppressed(app):
    app.build()
    assert "[highlight.link]" not in warnings(app)
    assert not soup(app).select('a[href^="javascript:"], a[href^="data:"]')


@pytest.mark.sphinx("html", testroot="accents", freshenv=True)
def test_search_finds_words_written_with_latex_accents_whole(app):
    """A word whose accent is a LaTeX command ("Universit{\\'e}") is one word in the
    search index, not its pieces on either side of the accent."""
    app.build()
    index = output(app, "searchindex.js")
    terms = json.loads(re.search(r'"terms":\s*(\{.*?\})', index).group(1))
    assert {"für", "université", "genèv", "lefèvr"} <= terms.keys()  # stems, as Sphinx keeps
    assert not {"universit", "ü", "é", "è", "gen", "lef"} & terms.keys()


@pytest.mark.skipif(sphinx.version_info < (8, 2), reason="Sphinx 8.1 indexes no-search elements")
@pytest.mark.sphinx("html", testroot="reader", freshenv=True)
def test_search_finds_references_not_their_links(app):
    """The words of the references are searchable; the labels every item repeats
    ("PubMed", "Google Scholar", "Download", "BibTeX", "CSL-JSON") and COinS are not."""
    app.build()
    index = output(app, "searchindex.js")
    terms = json.loads(re.search(r'"terms":\s*(\{.*?\})', index).group(1))
    assert "neuropath" in terms  # the stem of a word of reference 1's title
    for label in ("pubm", "scholar", "googl", "download", "bibtex", "csl", "z3988", "ctx_ver"):
        assert label not in terms, label
