"""man, Texinfo and EPUB: the reference list keeps its structure, order and links.

Each builder gets standard docutils nodes; these tests read what each writer made of
them: the man page's sections and numbered paragraphs, Texinfo's ``@enumerate`` and its
cross-references, and the EPUB package's XHTML (parsed as XML, as readers parse it).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import output, warnings
from seed import CITATION, CITATION_DOI, REFERENCE_DOIS, REFERENCES

NUMBERS = [f"{number}." for number in range(1, len(REFERENCES) + 1)]


def man_text(line: str) -> str:
    """A line of roff as the reader sees it: hyphens, and no break or width hints."""
    return line.replace("\\-", "-").replace("\\%", "").replace("\\:", "").replace("\\&", "")


@pytest.mark.sphinx("man", testroot="bundled", freshenv=True)
def test_man_page_numbers_the_list_in_its_section(app):
    app.build()
    lines = output(app, "bundled.1").splitlines()
    assert next(line for line in lines if line.startswith(".TH ")).startswith('.TH "BUNDLED" "1" ')
    # Sphinx 8.1 writes ".SH AUTHOR", Sphinx 9 ".SH Author".
    sections = [line.upper() for line in lines if line.startswith(".SH ")]
    assert sections == [".SH NAME", ".SH REFERENCES", ".SH AUTHOR"]
    start = lines.index(".SH REFERENCES")
    end = next(index for index, line in enumerate(lines) if line.upper() == ".SH AUTHOR")
    assert CITATION in map(man_text, lines[:start])
    assert man_text(CITATION_DOI) in "".join(map(man_text, lines[:start]))
    section = lines[start + 1 : end]
    # One indented list: an .IP paragraph per entry, tagged with its number, in order.
    assert section[0].startswith(".INDENT") and section[-1] == ".UNINDENT"
    assert [line for line in section[1:-1] if line.startswith((".INDENT", ".UNINDENT"))] == []
    tags = [index for index, line in enumerate(section) if line.startswith(".IP ")]
    assert [section[index].split()[1] for index in tags] == NUMBERS
    for number, (begin, stop) in enumerate(zip(tags, [*tags[1:], len(section) - 1], strict=True), 1):
        item = [man_text(line) for line in section[begin + 1 : stop]]
        assert item[0] == REFERENCES[number - 1], number
        doi = REFERENCE_DOIS[number - 1]
        assert any(f"https://doi.org/{doi}" in line for line in item) is bool(doi), number


def texinfo_items(texi: str) -> list[tuple[int, list[str]]]:
    """Every ``@enumerate`` block's items: each one's number and text lines."""
    items = []
    for match in re.finditer(r"\n@enumerate ?(\d*)\n(.*?)\n@end enumerate\n", texi, re.DOTALL):
        start = int(match.group(1) or 1)
        bodies = match.group(2).split("\n@item ")
        assert bodies[0].strip() == ""  # nothing in the list but items
        items.extend(
            (start + index, [line for line in body.splitlines() if line.strip()])
            for index, body in enumerate(bodies[1:])
        )
    return items


def texinfo_text(line: str) -> str:
    line = re.sub(r"@anchor\{[^}]*\}", "", line)
    return line.replace("@@", "@").replace("@{", "{").replace("@}", "}")


@pytest.mark.sphinx("texinfo", testroot="bundled", freshenv=True)
def test_texinfo_list_is_an_enumerate_in_its_node(app):
    app.build()
    texi = output(app, "bundled.texi")
    body = texi[texi.index("@node Top"):]
    assert re.findall(r"(?m)^@(node|chapter|heading) (.*)$", body) == [
        ("node", "Top"), ("heading", "Cite this article"),
        ("node", "References,,Top,Top"), ("chapter", "References"),
    ]
    assert body.index(CITATION) < body.index(f"@indicateurl{{{CITATION_DOI}}}") < body.index(
        "@chapter References"
    ) < body.index("@enumerate")
    items = texinfo_items(body)
    assert [number for number, _ in items] == list(range(1, 15))
    assert [texinfo_text(lines[0]) for _, lines in items] == REFERENCES
    for (number, lines), doi in zip(items, REFERENCE_DOIS, strict=True):
        urls = re.findall(r"@indicateurl\{([^}]*)\}", "\n".join(lines[1:]))
        assert (f"https://doi.org/{doi}" in urls) is bool(doi), number


@pytest.mark.sphinx("texinfo", testroot="two-lists", freshenv=True)
def test_texinfo_citations_point_at_anchors_in_the_right_list(app):
    """Every ``@ref`` of a citation goes to an ``@anchor`` in the item of the list whose
    number the citation prints. (Sphinx's writer puts an anchor that was never written
    after the last page, where the Info reader would land.)"""
    app.build()
    assert warnings(app) == ""
    texi = output(app, "two-lists.texi")
    anchored_at = {}
    for number, lines in texinfo_items(texi):
        for anchor in re.findall(r"@anchor\{([^}]*)\}", "\n".join(lines)):
            anchored_at[anchor] = number
    assert [number for number, _ in texinfo_items(texi)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    references = re.findall(r"@ref\{([^,}]*),,([^}]*)\}", texi)
    assert len(references) == 20  # every number printed on the two pages that cite
    assert [(target, printed) for target, printed in references
            if anchored_at.get(target) != int(printed)] == []


@pytest.fixture
def epub(make_app, root_copy) -> zipfile.ZipFile:
    app = make_app("epub", srcdir=root_copy("bundled"), freshenv=True,
                   confoverrides={"version": "1", "copyright": "the authors"})
    app.build()
    assert warnings(app) == ""
    return zipfile.ZipFile(Path(app.outdir) / "bundled.epub")


def test_epub_package_is_well_formed_xml(epub):
    names = epub.namelist()
    assert names[0] == "mimetype" and epub.read("mimetype") == b"application/epub+zip"
    assert epub.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    parsed = [name for name in names if name.endswith((".xhtml", ".opf", ".ncx", ".xml"))]
    assert {"index.xhtml", "content.opf", "toc.ncx", "META-INF/container.xml"} <= set(parsed)
    for name in parsed:
        ET.fromstring(epub.read(name))  # raises on anything a reader would reject as XML
    opf = ET.fromstring(epub.read("content.opf"))
    namespace = {"opf": "http://www.idpf.org/2007/opf"}
    manifest = {item.get("id"): item.get("href")
                for item in opf.findall("opf:manifest/opf:item", namespace)}
    spine = [manifest[ref.get("idref")] for ref in opf.findall("opf:spine/opf:itemref", namespace)]
    assert "index.xhtml" in spine
    assert "_static/sphinxcontrib-highlight.css" in manifest.values()


def test_epub_list_items_in_order_with_doi_anchors(epub):
    page = BeautifulSoup(epub.read("index.xhtml").decode("utf-8"), "html.parser")
    block = page.select_one("div.highlight-citation")
    assert block.select_one(".highlight-citation-text").get_text() == CITATION
    assert block.select_one(".highlight-citation-doi a")["href"] == CITATION_DOI
    lists = page.select("ol.highlight-reference-list")
    assert len(lists) == 1 and lists[0].get("start") in (None, "1")
    items = lists[0].find_all("li", recursive=False)
    assert [item.select_one(".highlight-reference-text").get_text() for item in items] == (
        REFERENCES
    )
    for item, doi in zip(items, REFERENCE_DOIS, strict=True):
        hrefs = [a["href"] for a in item.select("a[href]") if "doi.org" in a["href"]]
        assert hrefs == ([f"https://doi.org/{doi}"] if doi else []), item["id"]
