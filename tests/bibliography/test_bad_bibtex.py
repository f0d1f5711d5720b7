"""Broken, odd and real-world BibTeX: every problem is one located warning, the rest renders."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import soup, warnings

CORPORA = Path(__file__).parents[1] / "data" / "corpora"

#: (text in the warning, file:line it must name, subtype)
BROKEN_BIB_PROBLEMS = [
    ("syntax error in entry 'unbalanced2001': premature end of file", "syntax.bib:7", "bib_syntax"),
    ("syntax error in entry 'nocomma2003': '}' expected", "syntax.bib:17", "bib_syntax"),
    ("syntax error in entry 'noequals2004': '=' expected", "syntax.bib:22", "bib_syntax"),
    ("syntax error: '(' or '{' expected", "syntax.bib:26", "bib_syntax"),
    ("syntax error in entry 'unterminated2006': premature end of file", "syntax.bib:32", "bib_syntax"),
    ("duplicate key 'dup2019': the entry at", "dup-b.bib:1", "duplicate_key"),
    ("key 'case2019' differs only in case from 'Case2019'", "dup-b.bib:6", "duplicate_key"),
    ("no BibTeX entries in this file", "empty.bib:1", "bibfile"),
    ("no BibTeX entries in this file", "comments.bib:1", "bibfile"),
    ("this is not a BibTeX file (it holds binary data)", "not-bibtex.bib:1", "bibfile"),
    ("@gadget is no BibTeX or biblatex entry type", "content.bib:19", "unknown_type"),
    ("entry 'notitle2014' has no 'title'", "content.bib:24", "missing_field"),
    ("URL 'javascript:alert(1)' is not http(s)", "content.bib:51", "link"),
]

#: Every entry that is valid, as the list must show it.
VALID_ENTRIES = [
    "Fine F. After the unbalanced brace. J 2002.",
    "Stray S. After a stray at sign. J 2005.",
    "Speaker S. A talk at a conference. In: Proceedings of Testing. 2010.",
    "Untitled U. Journal of Tests 2014.",
    "Child C. Inherited fields. In: Chair C, editor. Proceedings of Crossref. XPress, 2015.",
    (
        "Müller J, van der Waals J, King M Jr., Barnes and Noble. Unknown x and "
        "math α + β in DNA. Journal of Tests 2016."
    ),
    "A1 A, A2 A, A3 A, A4 A, A5 A, A6 A, et al. Very many authors. Journal of Tests 2017.",
    "First F. The first definition. J 2019.",
    "Upper U. Upper case key. J 2019.",
    "Bom B. After a byte-order mark, with CRLF. J 2021.",
]


def warning_lines(app) -> list[str]:
    return [line for line in warnings(app).splitlines() if "WARNING" in line]


@pytest.mark.sphinx("html", testroot="broken-bib", freshenv=True)
def test_every_problem_is_one_located_warning(app):
    app.build()
    lines = warning_lines(app)
    for needle, location, subtype in BROKEN_BIB_PROBLEMS:
        found = [line for line in lines if needle in line and location in line]
        assert len(found) == 1, (needle, location, lines)
        assert found[0].endswith(f"[highlight.{subtype}]")
    unreadable = [line for line in lines if "cannot read BibTeX file" in line]
    assert any("missing.bib': No such file" in line for line in unreadable)
    assert any("adir.bib': it is not a file" in line for line in unreadable)
    assert "Traceback" not in warnings(app)


@pytest.mark.sphinx("html", testroot="broken-bib", freshenv=True)
def test_every_valid_entry_renders(app):
    app.build()
    page = soup(app)
    items = [li.select_one(".highlight-reference-text").get_text()
             for li in page.select("ol.highlight-reference-list > li")]
    for entry in VALID_ENTRIES:
        assert entry in items
    assert "[noequals2004]" in items  # nothing printable: the key keeps its place
    assert page.select_one(".highlight-citation-text").get_text() == (
        "Good, G. The article itself. J (2020)."
    )
    # Citations resolve, case-insensitively, to the first definition.
    assert [a.get_text() for a in page.select(".highlight-cite a")] == ["2", "17"]
    assert not page.select('a[href^="javascript:"]')


@pytest.mark.parametrize(
    "subtype", ["bib_syntax", "duplicate_key", "bibfile", "missing_field", "unknown_type", "link"]
)
def test_bibtex_problems_can_be_suppressed(make_app, root_copy, subtype):
    app = make_app("html", srcdir=root_copy("broken-bib"), freshenv=True,
                   confoverrides={"suppress_warnings": [f"highlight.{subtype}"]})
    app.build()
    assert f"[highlight.{subtype}]" not in warnings(app)
    assert "[highlight." in warnings(app)


@pytest.mark.sphinx("html", testroot="latin1", freshenv=True)
def test_latin1_bytes_in_a_utf8_file_warn_with_their_line(app):
    app.build()
    line = next(line for line in warning_lines(app) if "highlight_bibfile_encoding" in line)
    assert re.search(r"latin1\.bib:7: WARNING: bytes that are not utf-8-sig", line)
    assert line.endswith("[highlight.bibfile]")
    assert soup(app).select_one(".highlight-reference-text").get_text().startswith("M\ufffdller J. \ufffdber Schmerz.")


@pytest.mark.sphinx("html", testroot="latin1", freshenv=True,
                    confoverrides={"highlight_bibfile_encoding": "latin-1"})
def test_latin1_file_with_its_encoding_configured(app):
    app.build()
    assert warnings(app) == ""
    assert soup(app).select_one(".highlight-reference-text").get_text() == (
        "Müller J. Über Schmerz. J 2000."
    )


@pytest.mark.parametrize(("name", "entries"), [("biblatex-examples.bib", 92), ("petsc.bib", 3994)])
def test_real_world_files_render_every_entry(make_app, tmp_path, name, entries):
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    shutil.copy(CORPORA / name, srcdir / name)
    (srcdir / "conf.py").write_text(
        f'extensions = ["sphinxcontrib_highlight"]\nhighlight_bibfiles = ["{name}"]\n'
    )
    (srcdir / "index.rst").write_text("Corpus\n======\n\n.. highlight-references::\n")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert "Traceback" not in warnings(app)
    items = soup(app).select("ol.highlight-reference-list > li")
    assert len(items) == entries - 1  # every entry but the first, taken as the article
    assert all(item.select_one(".highlight-reference-text").get_text().strip() for item in items)
    lines = warning_lines(app)
    assert len(lines) == len(set(lines))  # each problem once
    for line in lines:
        assert re.search(rf"{re.escape(name)}:\d+: WARNING: .*\[highlight\.\w+\]$", line), line


@pytest.mark.slow
def test_fifty_megabyte_file_loads_and_renders(make_app, tmp_path):
    """A 50 MB .bib (about 165,000 entries) builds; the page shows the keys it asks for."""
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    entry = (
        "@article{{key{n},\n  author = {{Surname{n}, Given and M{{\\\"u}}ller, J.}},\n"
        "  title = {{Title number {n} with {{Braces}} and words to make it longer}},\n"
        "  journal = {{Journal of Synthetic Results}},\n"
        "  year = {{{year}}}, volume = {{{volume}}}, pages = {{{page}--{last}}},\n}}\n"
    )
    with (srcdir / "big.bib").open("w", encoding="utf-8") as big:
        written, number = 0, 0
        while written < 50_000_000:
            text = entry.format(n=number, year=1950 + number % 70, volume=number % 300,
                                page=number % 900, last=number % 900 + 10)
            written += big.write(text)
            number += 1
    (srcdir / "conf.py").write_text(
        'extensions = ["sphinxcontrib_highlight"]\nhighlight_bibfiles = ["big.bib"]\n'
    )
    (srcdir / "index.rst").write_text(
        "Big\n===\n\n.. highlight-references::\n   :keys: key7, key123456, key0\n"
    )
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert warnings(app) == ""
    items = [li.select_one(".highlight-reference-text").get_text()
             for li in soup(app).select("ol.highlight-reference-list > li")]
    assert items == [
        (
            "Surname7 G, Müller J. Title number 7 with Braces and words to make it longer. "
            "Journal of Synthetic Results 1957, 7: 7–17."
        ),
        (
            "Surname123456 G, Müller J. Title number 123456 with Braces and words to make it "
            "longer. Journal of Synthetic Results 1996, 156: 156–166."
        ),
        (
            "Surname0 G, Müller J. Title number 0 with Braces and words to make it longer. "
            "Journal of Synthetic Results 1950, 0: 0–10."
        ),
    ]
