"""CSL-JSON, CSL-YAML and CITATION.cff as bibliographies: in builds, downloads,
metadata, incremental builds, the command line, and with bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rispy
import yaml
from conftest import edit, soup, warnings
from pybtex.database import parse_string

from sphinxcontrib_highlight.bibliography.cff import read_cff
from sphinxcontrib_highlight.bibliography.csl_files import read_csl_json, read_csl_yaml
from sphinxcontrib_highlight.bibliography.database import (
    BUNDLED_BIBFILE,
    ITEM_SUFFIXES,
    load_bibliography,
)
from sphinxcontrib_highlight.bibliography.from_csl import entry_of, latex
from sphinxcontrib_highlight.bibliography.item_files import READERS
from sphinxcontrib_highlight.bibliography.latex import latex_text, plain_text
from sphinxcontrib_highlight.bibliography.ris import read_ris
from sphinxcontrib_highlight.bibliography.to_csl import csl_item
from sphinxcontrib_highlight.export import formats

ROOTS = Path(__file__).parents[1] / "roots"


def bundled_entries():
    return list(load_bibliography([BUNDLED_BIBFILE], "utf-8").entries.values())


def body_text(app, page: str = "index") -> str:
    return " ".join(soup(app, page).select_one("div.body").get_text().split())


# --- builds ----------------------------------------------------------------------------


def test_csl_json_renders_as_the_bibtex_it_was_made_from(make_app, root_copy):
    """The root's refs.json is the bundled highlight's first six entries as CSL-JSON: a
    build from it prints what a build from those BibTeX entries prints."""
    from_json = make_app("html", srcdir=root_copy("csl-json"), freshenv=True)
    from_json.build()
    bib_root = root_copy("csl-json", "csl-json-as-bib")
    (bib_root / "refs.bib").write_text(formats.to_bibtex(bundled_entries()[:6]), encoding="utf-8")
    conf = bib_root / "conf.py"
    conf.write_text(conf.read_text().replace("refs.json", "refs.bib"), encoding="utf-8")
    from_bib = make_app("html", srcdir=bib_root, freshenv=True)
    from_bib.build()
    assert "WARNING" not in warnings(from_json)
    text = body_text(from_json)
    assert text == body_text(from_bib)
    assert "Cite this article" in text
    assert "Neuropathic pain [1] and its spinal mechanisms [3, 4]." in text
    assert "Finnerup NB, Kuner R, Jensen TS. Neuropathic pain" in text


def test_csl_yaml_list_from_bibfile_option(app_csl_json):
    page = soup(app_csl_json, "other")
    items = [" ".join(li.get_text().split()) for li in page.select("div.body ol > li")]
    assert len(items) == 3  # more.yaml's four items but its first, the list's "article"
    assert items[0].startswith("Rothhammer V, Borucki DM, Tjon EC")
    assert "Microglial heterogeneity in chronic pain" in items[1]
    assert "Microglia in health and disease [1]." in body_text(app_csl_json, "other")


@pytest.fixture
def app_csl_json(make_app, root_copy):
    app = make_app("html", srcdir=root_copy("csl-json"), freshenv=True)
    app.build()
    return app


def test_csl_items_are_downloaded_and_described_to_zotero(app_csl_json):
    page = soup(app_csl_json, "index")
    assert page.find("meta", attrs={"name": "citation_title"})["content"] == (
        "Specialized Microglia Resolve Neuropathic Pain in the Spinal Cord")
    assert page.find("meta", attrs={"name": "citation_doi"})["content"] == (
        "10.1007/s12264-022-00932-8")
    block = page.select_one("div.highlight-citation")
    links = {a["class"][1]: a["href"] for a in block.select("a.highlight-download")}
    outdir = Path(app_csl_json.outdir)
    items = json.loads((outdir / links["highlight-download-csl-json"]).read_text("utf-8"))
    written = json.loads((ROOTS / "test-csl-json" / "refs.json").read_text("utf-8"))
    assert items == [written[0]]  # the item as the file holds it
    bib = parse_string((outdir / links["highlight-download-bibtex"]).read_text("utf-8"), "bibtex")
    assert bib.entries["yang2023specialized"].fields["journal"] == "Neuroscience Bulletin"
    (record,) = rispy.loads((outdir / links["highlight-download-ris"]).read_text("utf-8"))
    assert record["doi"] == "10.1007/s12264-022-00932-8"
    assert page.select("span.Z3988")  # COinS for Zotero


def test_csl_json_keeps_what_bibtex_cannot_hold(make_app, root_copy):
    """A variable BibTeX has no field for still reaches the style and the download."""
    srcdir = root_copy("csl-json")
    items = json.loads((srcdir / "refs.json").read_text("utf-8"))
    items[0]["title"] = "Specialized <i>Microglia</i> &amp; pain"
    items[0]["medium"] = "Print"
    (srcdir / "refs.json").write_text(json.dumps(items), encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    block = soup(app).select_one("div.highlight-citation")
    assert block.find("em").get_text() == "Microglia"
    assert "Specialized Microglia & pain" in " ".join(block.get_text().split())
    link = block.select_one("a.highlight-download-csl-json")["href"]
    (downloaded,) = json.loads((Path(app.outdir) / link).read_text("utf-8"))
    assert downloaded["medium"] == "Print"
    assert downloaded["title"] == "Specialized <i>Microglia</i> &amp; pain"


@pytest.mark.parametrize("title", [
    "The $100 genome and the $1000 one", "Growth as x^2", r"Paths like C:\data",
])
def test_bibtex_download_of_a_csl_item_reads_back_as_its_text(make_app, root_copy, title):
    """The BibTeX made from a CSL-JSON item holds its title as LaTeX that prints the
    title again: a dollar would open math, a caret stop LaTeX, a backslash start a command."""
    srcdir = root_copy("csl-json")
    items = json.loads((srcdir / "refs.json").read_text("utf-8"))
    items[0]["title"] = title
    (srcdir / "refs.json").write_text(json.dumps(items), encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    link = soup(app).select_one("div.highlight-citation a.highlight-download-bibtex")["href"]
    bib = parse_string((Path(app.outdir) / link).read_text("utf-8"), "bibtex")
    (entry,) = bib.entries.values()
    assert csl_item(entry)["title"] == title


# --- bad input -------------------------------------------------------------------------


def test_malformed_json_is_a_located_warning_and_the_build_goes_on(make_app, root_copy):
    srcdir = root_copy("csl-json")
    text = (srcdir / "refs.json").read_text("utf-8")
    broken = text.replace('"volume": "101",', '"volume": "101"', 1)
    (srcdir / "refs.json").write_text(broken, encoding="utf-8")
    line = broken[: broken.index('"volume": "101"')].count("\n") + 2
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert f"refs.json:{line}: WARNING: not valid JSON: Expecting ',' delimiter" in warnings(app)
    assert "[highlight.csl_syntax]" in warnings(app)
    assert "Rothhammer V" in body_text(app, "other")  # the page reading more.yaml renders


def test_malformed_yaml_is_a_located_warning(make_app, root_copy):
    srcdir = root_copy("csl-json")
    with (srcdir / "more.yaml").open("a", encoding="utf-8") as stream:
        stream.write("- id: [unclosed\n")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert "more.yaml:" in warnings(app)
    assert "not valid YAML" in warnings(app)
    assert "Finnerup NB" in body_text(app)  # the page reading refs.json renders


def test_item_without_id_is_skipped_at_its_line(make_app, root_copy):
    srcdir = root_copy("csl-json")
    text = (srcdir / "refs.json").read_text("utf-8")
    text = text.replace('"id": "price2018transition",', "", 1)
    (srcdir / "refs.json").write_text(text, encoding="utf-8")
    line = text[: text[: text.index('"family": "Price"')].rfind("\n  {") + 1].count("\n") + 1
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert (f'refs.json:{line}: WARNING: item 3 has no "id"; it is skipped'
            in warnings(app))
    assert "[highlight.csl_item]" in warnings(app)
    assert "Price TJ" not in body_text(app)
    assert "Finnerup NB" in body_text(app)


def test_items_read_with_lines_and_problems():
    items, problems = read_csl_json(
        '[\n  {"id": "a", "type": "book", "author": "Smith"},\n  3,\n  {"id": "a"}\n]', "f.json"
    )
    assert [(item.item["id"], item.line) for item in items] == [("a", 2)]
    assert "author" not in items[0].item
    assert [(p.subtype.value, p.lineno) for p in problems] == [
        ("csl_item", 2), ("csl_item", 3), ("duplicate_key", 4)]
    items, problems = read_csl_yaml(
        "references:\n- id: b\n  type: book\n  issued: 2020-05-01\n", "f.yaml")
    assert items[0].item["issued"] == "2020-05-01"  # a date stays the text written
    assert items[0].line == 2
    assert problems == []
    # pandoc-citeproc's and Better BibTeX's form of a date: a list of year, month, day.
    items, problems = read_csl_yaml(
        "- id: c\n  type: book\n  issued:\n    - year: 2017\n      month: 12\n"
        "  accessed:\n    year: 2021\n", "f.yaml")
    assert items[0].item["issued"] == {"date-parts": [[2017, 12]]}
    assert items[0].item["accessed"] == {"date-parts": [[2021]]}
    assert problems == []
    assert set(READERS) == ITEM_SUFFIXES


# --- CSL to BibTeX ---------------------------------------------------------------------


def test_csl_item_to_entry_and_back_keeps_the_item():
    for entry in bundled_entries():
        item = csl_item(entry)
        made = entry_of(item)
        assert csl_item(made) == item
        assert made.key == entry.key
        again = csl_item(formats_roundtrip(made))
        for variable in ("title", "container-title", "volume", "page", "DOI", "issued"):
            assert again.get(variable) == item.get(variable), (entry.key, variable)
        assert [name.get("family") for name in again.get("author", [])] == [
            name.get("family") for name in item.get("author", [])]


def formats_roundtrip(entry):
    """The entry written as BibTeX and read back (the item it kept is gone)."""
    return next(iter(parse_string(formats.to_bibtex([entry]), "bibtex").entries.values()))


def test_rich_text_becomes_latex_that_reads_back():
    assert latex("<i>E. coli</i> &amp; <span class=\"nocase\">DNA</span>") == "E. coli & {DNA}"
    for text in ("50% of $5 ~ a_b\\c", "pages 3--5, ``quoted''", "Costs in $ and #1"):
        assert plain_text(latex_text(latex(text))) == text


# --- CITATION.cff ----------------------------------------------------------------------


@pytest.fixture
def app_cff(make_app, root_copy):
    app = make_app("html", srcdir=root_copy("cff"), freshenv=True)
    app.build()
    return app


def test_cff_preferred_citation_and_references(app_cff):
    assert "WARNING" not in warnings(app_cff)
    page = soup(app_cff)
    block = page.select_one("div.highlight-citation")
    assert "Cite this software" in block.get_text()
    text = " ".join(block.get_text().split())
    assert "Yang, J., Xie, S. & Zhu, S. Specialized Microglia Resolve Neuropathic Pain" in text
    items = [" ".join(li.get_text().split()) for li in page.select("div.body ol > li")]
    assert items[0].startswith("Finnerup NB, Kuner R, Jensen TS.")
    assert items[1].startswith("Inoue K, Tsuda M.")
    assert "As the paper shows [1, 2]." in body_text(app_cff)
    assert page.find("meta", attrs={"name": "citation_doi"})["content"] == (
        "10.1007/s12264-022-00932-8")


def test_cff_software_block_downloads_the_file(app_cff):
    page = soup(app_cff, "software")
    block = page.select_one("div.highlight-citation")
    text = " ".join(block.get_text().split())
    assert "Moore, A. & Rayson, P. PyMUSAS: Python Multilingual Ucrel Semantic Analysis System" in text
    assert "(2021)" in text
    outdir = Path(app_cff.outdir)
    cff_link = block.select_one("a.highlight-download-cff")
    assert (outdir / cff_link["href"]).read_text("utf-8") == (
        ROOTS / "test-cff" / "software.cff").read_text("utf-8")
    csl_link = block.select_one("a.highlight-download-csl-json")["href"]
    (item,) = json.loads((outdir / csl_link).read_text("utf-8"))
    assert item == {
        "id": "pymusas", "type": "software",
        "author": [{"family": "Moore", "given": "Andrew"}, {"family": "Rayson", "given": "Paul"}],
        "title": "PyMUSAS: Python Multilingual Ucrel Semantic Analysis System",
        "version": "0.1.0", "URL": "https://ucrel.github.io/pymusas/", "issued": "2021-12-07",
    }
    assert block.select_one("a.highlight-copy")  # the copy button
    assert page.find("meta", attrs={"name": "citation_author"})["content"] == "Moore, Andrew"


def test_invalid_cff_is_located_and_the_rest_renders(make_app, root_copy):
    srcdir = root_copy("cff")
    edit(srcdir / "software.cff", "version: 0.1.0", "version: 0.1.0\nlicence: Apache-2.0")
    edit(srcdir / "software.cff", "  - given-names: Paul", "  - given-names: Paul\n    alias: ''")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    found = warnings(app)
    lines = (srcdir / "software.cff").read_text("utf-8").splitlines()
    alias, licence = lines.index("    alias: ''") + 1, lines.index("licence: Apache-2.0") + 1
    assert (f"software.cff:{alias}: WARNING: CITATION.cff does not follow the CFF 1.2.0 schema"
            " at authors/1/alias: ") in found  # jsonschema's wording varies by version
    assert (f"software.cff:{licence}: WARNING: CITATION.cff does not follow the CFF 1.2.0 schema at"
            " licence: Additional properties are not allowed ('licence' was unexpected)"
            " [highlight.cff]") in found
    assert "Moore, A. & Rayson, P. PyMUSAS" in body_text(app, "software")


def test_cff_entity_authors_and_identifiers():
    (item,), problems = read_cff(
        "cff-version: 1.2.0\nmessage: Cite it.\ntitle: sphinxcontrib-highlight\n"
        "authors:\n  - name: The sphinxcontrib-highlight developers\n"
        "identifiers:\n  - type: url\n    value: https://pypi.org/project/sphinxcontrib-highlight/\n",
        "CITATION.cff",
    )
    assert problems == []
    assert item.item == {
        "id": "sphinxcontrib-highlight", "type": "software",
        "author": [{"literal": "The sphinxcontrib-highlight developers"}],
        "title": "sphinxcontrib-highlight",
        "URL": "https://pypi.org/project/sphinxcontrib-highlight/",
    }
    entry = entry_of(item.item)
    assert formats.to_bibtex([entry]).splitlines()[1].strip() == (
        'author = "{The sphinxcontrib-highlight developers}",')


# --- incremental builds ----------------------------------------------------------------


def test_edited_json_rewrites_only_the_pages_that_use_it(make_app, root_copy):
    srcdir = root_copy("csl-json")
    make_app("html", srcdir=srcdir, freshenv=True).build()
    pages = ("index", "other", "plain")
    html = srcdir / "_build" / "html"
    before = {page: (html / f"{page}.html").stat().st_mtime_ns for page in pages}
    edit(srcdir / "refs.json", "A spinal microglia population", "A spinal microglia cohort")
    app = make_app("html", srcdir=srcdir)
    app.build()
    rewritten = {page for page in pages if (html / f"{page}.html").stat().st_mtime_ns != before[page]}
    assert rewritten == {"index"}
    assert "A spinal microglia cohort" in body_text(app)


# --- command line ----------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_highlight", *args],
        capture_output=True, text=True, encoding="utf-8", check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )


@pytest.mark.parametrize("middle", ["csl-json", "csl-yaml"])
def test_convert_round_trips_through_csl(tmp_path, middle):
    """BibTeX to CSL-JSON or CSL-YAML and back gives the items the BibTeX gave."""
    suffix = formats.CONVERT_FORMATS[middle].suffix
    middle_file = tmp_path / f"refs{suffix}"
    assert run("convert", str(BUNDLED_BIBFILE), "--to", middle, "-o", str(middle_file)).returncode == 0
    back = tmp_path / "back.bib"
    result = run("convert", str(middle_file), "--to", "bibtex", "-o", str(back))
    assert result.returncode == 0, result.stderr
    again = tmp_path / "again.json"
    assert run("convert", str(back), "--to", "csl-json", "-o", str(again)).returncode == 0
    original = json.loads(formats.to_csl_json(bundled_entries()))
    assert [item["id"] for item in json.loads(again.read_text("utf-8"))] == [
        item["id"] for item in original]
    if middle == "csl-yaml":
        assert yaml.safe_load(middle_file.read_text("utf-8"))["references"] == original
    else:
        assert json.loads(middle_file.read_text("utf-8")) == original


def test_convert_from_cff_to_ris_and_render():
    result = run("convert", str(ROOTS / "test-cff" / "CITATION.cff"), "--to", "ris")
    assert result.returncode == 0, result.stderr
    records = rispy.loads(result.stdout)
    assert [record["title"] for record in records] == [
        "Specialized Microglia Resolve Neuropathic Pain in the Spinal Cord",
        "Neuropathic pain: From mechanisms to treatment",
        "Microglia in neuropathic pain: Cellular and molecular mechanisms and therapeutic potential",
    ]
    software = rispy.loads(run("convert", str(ROOTS / "test-cff" / "software.cff"), "--to",
                               "ris").stdout)
    assert software[0]["type_of_reference"] == "COMP"
    rendered = run("render", str(ROOTS / "test-csl-json" / "more.yaml"))
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stdout.startswith("1. Shemer A, Erny D, Jung S, Prinz M.")


def test_check_validates_each_format(tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('[\n  {"type": "book", "title": "No id"}\n]\n', encoding="utf-8")
    bad_cff = tmp_path / "CITATION.cff"
    bad_cff.write_text("cff-version: 1.2.0\nmessage: Cite.\ntitle: x\nauthors: []\n",
                       encoding="utf-8")
    result = run("check", str(bad_json), str(bad_cff))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f'{bad_json}:2: warning: item 1 has no "id"; it is skipped (give it one to cite it)' \
        " [highlight.csl_item]" in lines
    assert any(line.startswith(f"{bad_cff}:4: warning: CITATION.cff does not follow the CFF"
                               " 1.2.0 schema at authors:") for line in lines)
    good = run("check", str(ROOTS / "test-csl-json" / "refs.json"))
    assert good.returncode == 0, good.stdout


def test_check_reads_a_projects_cff_files(root_copy):
    """``check`` of a project finds the CITATION.cff of highlight_citation_cff and of a
    ``:cff:`` option, as the build reads them."""
    srcdir = root_copy("cff")
    edit(srcdir / "CITATION.cff", "version: 1.1.0", "version: 1.1.0\nlicence: CC-BY-4.0")
    edit(srcdir / "software.cff", "version: 0.1.0", "version: 0.1.0\nlicence: Apache-2.0")
    result = run("check", "--conf", str(srcdir))
    assert result.returncode == 1
    reported = {line.split(": warning: ")[0] for line in result.stdout.splitlines()}
    cff_lines = (srcdir / "CITATION.cff").read_text("utf-8").splitlines()
    software_lines = (srcdir / "software.cff").read_text("utf-8").splitlines()
    assert reported == {
        f"{srcdir / 'CITATION.cff'}:{cff_lines.index('licence: CC-BY-4.0') + 1}",
        f"{srcdir / 'software.cff'}:{software_lines.index('licence: Apache-2.0') + 1}",
    }


def test_ris_files_are_read_record_by_record(tmp_path):
    """The RIS the downloads hold reads back as the items they were written from (but
    ``and others``, which RIS cannot say); a record is located at its ``TY`` line."""
    ris = tmp_path / "refs.ris"
    ris.write_text(formats.to_ris(bundled_entries()), encoding="utf-8")
    read = load_bibliography([ris], "utf-8")
    assert read.problems == ()
    original = [csl_item(entry) for entry in bundled_entries()]
    again = [csl_item(entry) for entry in read.entries.values()]
    assert [item["id"] for item in again] == [item["id"] for item in original]
    for before, after in zip(original, again, strict=True):
        for variable in ("title", "volume", "page", "DOI", "PMID", "issued", "type"):
            assert after.get(variable) == _plain(before.get(variable)), (before["id"], variable)
    lines = ris.read_text("utf-8").splitlines()
    assert read.source("finnerup2021neuropathic") == (
        str(ris), lines.index("ID  - finnerup2021neuropathic"))  # the TY line above it


def _plain(value):
    """A variable as RIS carries it: text without CSL's markup."""
    if isinstance(value, str):
        return re.sub(r"<[^>]+>", "", value)
    return value


def test_csl_text_is_not_checked_as_latex(make_app, root_copy):
    """An item's text is not LaTeX: a brace that does not pair up or a dollar sign is
    printed, with no warning, and the BibTeX download is still written."""
    srcdir = root_copy("csl-json")
    items = json.loads((srcdir / "refs.json").read_text("utf-8"))
    items[0]["title"] = "Pain {relief, in $ and 50%"
    (srcdir / "refs.json").write_text(json.dumps(items), encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert "WARNING" not in warnings(app)
    block = soup(app).select_one("div.highlight-citation")
    assert "Pain {relief, in $ and 50%" in block.get_text()
    bib = block.select_one("a.highlight-download-bibtex")["href"]
    written = parse_string((Path(app.outdir) / bib).read_text("utf-8"), "bibtex")
    assert plain_text(latex_text(written.entries["yang2023specialized"].fields["title"])) == (
        "Pain relief, in $ and 50%")


def test_missing_citation_cff_is_a_warning_at_conf(make_app, root_copy):
    srcdir = root_copy("cff")
    (srcdir / "CITATION.cff").unlink()
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert f"cannot read bibliography file '{srcdir / 'CITATION.cff'}'" in warnings(app)
    assert "[highlight.bibfile]" in warnings(app)
    assert "Moore, A. & Rayson, P." in body_text(app, "software")  # the other file renders
    # The block that would show the missing file's software says so, naming no key.
    assert "highlight-citation: the bibliography has no entry to show" in warnings(app)
    assert "'the first entry'" not in warnings(app)


def test_cff_option_problems_are_directive_warnings(make_app, root_copy):
    srcdir = root_copy("cff")
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text().replace('highlight_citation_cff = "CITATION.cff"', ""))
    (srcdir / "software.rst").write_text(
        "PyMUSAS\n=======\n\n.. highlight-citation::\n   :cff: software.bib\n\n"
        ".. highlight-references::\n   :cff:\n", encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    found = warnings(app)
    assert ("software.rst:4: WARNING: highlight-citation: invalid value 'software.bib' for"
            " option :cff: (expected the path of a .cff file") in found
    assert ("software.rst:7: WARNING: highlight-references: :cff: without a path needs"
            " highlight_citation_cff; using the configured files [highlight.directive]") in found


def test_an_unfinished_ris_record_is_located():
    items, problems = read_ris("TY  - JOUR\nTI  - First\nER  - \n\nTY  - BOOK\nTI  - Cut\n", "x.ris")
    assert [item.item["title"] for item in items] == ["First"]
    assert [(p.subtype.value, p.lineno) for p in problems] == [("csl_syntax", 5)]


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_a_name_part_that_is_not_text_is_a_located_warning(make_app, root_copy, style):
    """A name whose family or given name is a number or a list (a hand-written CSL-YAML
    ``family: 2001``) leaves its name variable out, as any other bad name list is."""
    srcdir = root_copy("csl-json")
    text = (srcdir / "refs.json").read_text("utf-8")
    text = text.replace('"family": "Kuner"', '"family": 5', 1)
    (srcdir / "refs.json").write_text(text, encoding="utf-8")
    line = text[: text[: text.index('"family": 5')].rfind("\n  {") + 1].count("\n") + 1
    app = make_app("html", srcdir=srcdir, freshenv=True,
                   confoverrides={"highlight_reference_style": style})
    app.build()
    assert (f"refs.json:{line}: WARNING: item 'finnerup2021neuropathic': 'author' is not a"
            " list of names; it is left out [highlight.csl_item]" in warnings(app))
    assert "Neuropathic pain" in body_text(app)
    assert "Kohno" in body_text(app)
