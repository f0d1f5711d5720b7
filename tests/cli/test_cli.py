"""The command line, run as a user runs it: a new process, arguments, exit status, output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import own_warnings, warnings
from seed import REFERENCES

from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE

BAD_BIB = Path(__file__).parents[1] / "roots" / "test-bad-bib" / "problems.bib"
SCRIPT = Path(sys.executable).parent / "sphinx-highlight"

#: The two ways to start it: the module and the console script.
LAUNCHERS = {
    "module": [sys.executable, "-m", "sphinxcontrib_highlight"],
    "script": [str(SCRIPT)],
}


def run(*args: str, launcher: str = "module", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LAUNCHERS[launcher], *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
@pytest.mark.parametrize("command", [[], ["render"], ["convert"], ["check"]])
def test_help(launcher, command):
    result = run(*command, "--help", launcher=launcher)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ")
    for word in command:
        assert f" {word} " in result.stdout.splitlines()[0]


def test_console_script_is_installed():
    assert SCRIPT.is_file()
    assert run("--version", launcher="script").stdout.startswith("sphinx-highlight ")


def test_no_command_is_a_usage_error():
    result = run()
    assert result.returncode == 2
    assert "usage:" in result.stderr


@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_render_text_is_the_published_list(launcher):
    result = run("render", "--exclude-article", str(BUNDLED_BIBFILE), launcher=launcher)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    expected = [f"{number}. {text}" for number, text in enumerate(REFERENCES, start=1)]
    assert result.stdout.splitlines() == expected


def test_render_every_entry_by_default():
    lines = run("render", str(BUNDLED_BIBFILE)).stdout.splitlines()
    assert len(lines) == 15
    assert lines[0].startswith("1. Yang J, Xie S, Zhu S, et al. Specialized Microglia")
    assert lines[1] == f"2. {REFERENCES[0]}"


def test_render_article_by_key_and_style():
    result = run("render", "--article", "finnerup2021neuropathic", "--style", "springer-nature",
                 str(BUNDLED_BIBFILE))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 14
    assert lines[0].startswith("1. Yang, J., Xie, S., Zhu, S. et al. Specialized Microglia")
    assert not any("Finnerup" in line for line in lines)


def test_render_html_is_a_list_of_the_published_items():
    result = run("render", "--exclude-article", "--format", "html", str(BUNDLED_BIBFILE))
    page = BeautifulSoup(result.stdout, "html.parser")
    items = page.select("ol.highlight-reference-list > li")
    assert [item.get_text() for item in items] == REFERENCES
    assert items[0]["id"] == "ref-finnerup2021neuropathic"


VARIED_BIB = Path(__file__).parents[1] / "data" / "varied.bib"


def test_render_ieee_labels_entries_as_zotero_does():
    """IEEE's list reads "[1] E. R. Kandel, …", not "1. E. R. Kandel, …" (issue 17)."""
    result = run("render", "--style", "ieee", str(VARIED_BIB))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "[1] E. R. Kandel, J. H. Schwartz, and T. M. Jessell, Principles of Neural "
        "Science, 5th ed. New York: McGraw-Hill, 2013."
    )
    assert len(lines) == 9
    for number, line in enumerate(lines, 1):
        assert line.startswith(f"[{number}] ") and not line.startswith(f"[{number}] [")
    records = json.loads(run("render", "--style", "ieee", "--format", "json",
                             str(VARIED_BIB)).stdout)
    assert [(record["number"], record["label"]) for record in records[:2]] == [(1, "[1]"), (2, "[2]")]
    assert records[0]["text"].startswith("E. R. Kandel")


def test_render_apa_lists_without_numbers():
    result = run("render", "--style", "apa", str(VARIED_BIB))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Brown, A. (2022). The pain research portal. Pain Society. https://example.org/portal"
    )
    assert len(lines) == 9
    assert not [line for line in lines if re.match(r"\(?\[?\d+[.)\]]", line)]
    page = BeautifulSoup(run("render", "--style", "apa", "--format", "html",
                             str(VARIED_BIB)).stdout, "html.parser")
    listed = page.select_one("ol.highlight-reference-list")
    assert "highlight-hanging-indent" in listed["class"]
    assert "list-style-type: none" in listed["style"]
    assert "text-indent: -2em" in listed["style"]
    assert not page.select(".highlight-reference-label")


def test_render_writes_utf8_file(tmp_path):
    out = tmp_path / "refs.md"
    result = run("render", "--exclude-article", "--format", "markdown", "-o", str(out),
                 str(BUNDLED_BIBFILE))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "Ureña Guzmán A" in text and "O’Connor C" in text and "amyloid β" in text


def test_unknown_style_is_a_usage_error():
    result = run("render", "--style", "no-such-style", str(BUNDLED_BIBFILE))
    assert result.returncode == 2
    assert "unknown CSL style 'no-such-style'" in result.stderr
    assert result.stdout == ""


def test_unreadable_file_is_reported_and_fails(tmp_path):
    missing = tmp_path / "missing.bib"
    result = run("render", str(missing))
    assert result.returncode == 1
    assert re.fullmatch(
        rf"{re.escape(str(missing))}: warning: cannot read BibTeX file .*: .* \[highlight\.bibfile\]\n",
        result.stderr,
    )


@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_check_clean_file(launcher):
    result = run("check", str(BUNDLED_BIBFILE), launcher=launcher)
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "0 problems in 1 file\n"


def test_check_reports_every_problem_with_its_line():
    result = run("check", str(BAD_BIB))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    pattern = re.compile(
        rf"{re.escape(str(BAD_BIB))}:(\d+): warning: (.+) \[highlight\.([a-z_]+)\]"
    )
    found = [pattern.fullmatch(line) for line in lines]
    assert all(found), lines
    reported = [(int(m[1]), m[3]) for m in found if m]
    assert reported == [
        (14, "missing_field"),  # no author
        (20, "duplicate_key"),
        (24, "unknown_type"),  # @gadget
        (30, "bib_syntax"),  # a field given twice
        (40, "bib_syntax"),  # the unbalanced brace
        (40, "missing_field"),  # what the broken entry lost: title, journal and year
    ]
    assert result.stderr == f"{len(lines)} problems in 1 file\n"


@pytest.mark.sphinx("html", testroot="bad-bib", freshenv=True)
def test_check_says_what_the_sphinx_build_says(app):
    """The same problems, in the same words, as the build's warnings."""
    app.build()

    def message(line: str) -> str:
        return re.split(r"(?i)\bwarning: ", line, maxsplit=1)[1]

    # Sphinx's own warnings of registering its nodes again in one process aside.
    built = {message(line) for line in own_warnings(app) if "WARNING:" in line}
    bib = Path(app.srcdir) / "problems.bib"
    checked = {message(line) for line in run("check", str(bib)).stdout.splitlines()}
    assert checked == built
    assert len(checked) == 6


def test_convert_writes_each_format(tmp_path):
    for fmt, check in {
        "bibtex": lambda text: text.count("\n@article{") == 14,
        "ris": lambda text: text.count("TY  - JOUR") == 15,
        "csl-json": lambda text: len(json.loads(text)) == 15,
    }.items():
        out = tmp_path / f"out.{fmt}"
        result = run("convert", str(BUNDLED_BIBFILE), "--to", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert check(out.read_text(encoding="utf-8")), fmt
        assert run("convert", str(BUNDLED_BIBFILE), "--to", fmt).stdout == out.read_text(
            encoding="utf-8"
        )


def test_convert_needs_a_known_format():
    result = run("convert", str(BUNDLED_BIBFILE), "--to", "endnote")
    assert result.returncode == 2
    assert "invalid choice: 'endnote'" in result.stderr


PROJECT_PAGE = """\
A project whose pages choose their styles
=========================================

.. highlight-citation:: noauthor2021
   :style: apa

.. highlight-references::
   :style: vancouver

.. highlight-references::
   :style: no-such-style
"""


def _project(root_copy) -> Path:
    """test-bad-bib with pybtex's unsrt for its lists, and pages with styles of their own."""
    srcdir = root_copy("bad-bib")
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('highlight_reference_style = "unsrt"\n')
    (srcdir / "styles.rst").write_text(PROJECT_PAGE, encoding="utf-8")
    return srcdir


def test_check_reads_a_project_as_its_build_does(make_app, root_copy):
    """`check` used one style, whatever conf.py and the pages chose: it said nothing of
    unsrt's or vancouver's needs, which the build then warned about."""
    srcdir = _project(root_copy)
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()

    def message(line: str) -> str:
        where, said = re.split(r"(?i): warning: ", line, maxsplit=1)
        return f"{Path(where.split(':')[0]).name}:{where.split(':')[1]}: {said}"

    built = {
        message(line) for line in warnings(app).splitlines()
        if "WARNING:" in line and "[highlight" in line
    }
    result = run("check", "--conf", str(srcdir))
    checked = {message(line) for line in result.stdout.splitlines()}
    assert result.returncode == 1
    assert checked == built
    for style in ("unsrt", "vancouver"):
        assert any(f"which style {style!r} needs" in line for line in checked), checked
    assert any(line.startswith("styles.rst:10: highlight-references: unknown CSL style")
               for line in checked), checked


@pytest.mark.parametrize("where", ["here", "docs"])
def test_check_finds_the_project_by_itself(root_copy, tmp_path, where):
    srcdir = _project(root_copy)
    cwd = srcdir if where == "here" else srcdir.parent
    if where == "docs":
        srcdir = srcdir.rename(srcdir.parent / "docs")
    result = run("check", cwd=cwd)
    assert result.returncode == 1
    prefix = "" if where == "here" else "docs/"
    assert f"{prefix}problems.bib:14: warning: entry 'noauthor2021' has no 'author', which " \
           "style 'unsrt' needs [highlight.missing_field]" in result.stdout.splitlines()
    assert result.stderr == f"{len(result.stdout.splitlines())} problems in 1 file\n"


def test_check_of_a_clean_project_with_the_bundled_file(tmp_path):
    (tmp_path / "conf.py").write_text('extensions = ["sphinxcontrib_highlight"]\n')
    (tmp_path / "index.rst").write_text("Title\n=====\n\n.. highlight-references::\n")
    result = run("check", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "0 problems in 1 file\n")


def test_check_without_files_or_project_says_what_to_give(tmp_path):
    result = run("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "--conf DIR" in result.stderr


@pytest.mark.sphinx("html", testroot="bad-input", freshenv=True)
def test_check_finds_the_keys_pages_name_that_no_file_holds(app):
    """The how-to on Zotero says to check the keys the pages use after a new export: the
    same warnings as the build's, at the same lines."""
    app.build()

    def located(line: str) -> str:
        where, said = re.split(r"(?i): warning: ", line, maxsplit=1)
        return f"{Path(where.split(':')[0]).name}:{where.split(':')[1]}: {said}"

    built = {located(line) for line in warnings(app).splitlines()
             if "[highlight.unknown_key]" in line or "[highlight.style]" in line}
    result = run("check", "--conf", str(app.srcdir))
    checked = {located(line) for line in result.stdout.splitlines()}
    assert checked == built
    assert len(checked) == 5


SHOWN_NOT_USED_RST = """\
Writing citations
=================

Write ``:hcite:`shown-inline``` in a sentence, or see::

   :hcite:`shown-literal`

.. code-block:: rst

   .. highlight-citation:: shown-in-code
      :style: no-such-style

But this one is real: :hcite:`used-and-missing`.
"""

SHOWN_NOT_USED_MD = """\
# In MyST

Write `` {hcite}`shown-inline` `` or:

```rst
:hcite:`shown-fenced`
```

````markdown
```{highlight-citation} shown-in-code
```
````

A real one {hcite}`used-in-myst`.
"""


def test_check_leaves_code_and_literal_blocks_out(tmp_path):
    """A page that shows how to cite is not citing."""
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser", "sphinxcontrib_highlight"]\n')
    (tmp_path / "index.rst").write_text(SHOWN_NOT_USED_RST)
    (tmp_path / "myst.md").write_text(SHOWN_NOT_USED_MD)
    result = run("check", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        ("index.rst:13: warning: :hcite: key 'used-and-missing' is not in the bibliography "
        "[highlight.unknown_key]"),
        ("myst.md:14: warning: :hcite: key 'used-in-myst' is not in the bibliography "
        "[highlight.unknown_key]"),
    ]


def test_this_documentation_passes_its_own_check():
    result = run("check", "--conf", str(Path(__file__).parents[2] / "docs"))
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_check_reports_an_invalid_setting_at_conf_py(tmp_path):
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinxcontrib_highlight"]\nhighlight_cite_format = "footnote"\n'
    )
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        ("conf.py: warning: invalid value 'footnote' for highlight_cite_format: expected one "
        "of 'brackets', 'superscript', 'parentheses'; using the default 'brackets' "
        "[highlight.config]")
    ]


def test_check_reports_a_conf_py_that_fails(tmp_path):
    (tmp_path / "conf.py").write_text("raise RuntimeError('no')\n")
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("conf.py: error: ")
    # Sphinx's own report, as sphinx-build gives it: the line of conf.py that failed.
    assert 'conf.py", line 1, in <module>' in result.stderr
    assert result.stderr.rstrip().endswith("RuntimeError: no")


def test_check_reads_each_pages_bibfile_on_its_own(tmp_path):
    """The how-to "One BibTeX file per article" checked every file as one bibliography,
    so a reference two articles share was a duplicate key; the build reads each alone."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (tmp_path / "conf.py").write_text('extensions = ["sphinxcontrib_highlight"]\n')
    pieces = re.split(r"\n(?=@)", BUNDLED_BIBFILE.read_text(encoding="utf-8"))
    entries = [piece for piece in pieces if piece.startswith("@")]
    for name, chosen in {"one": entries[:4], "two": entries[4:7] + entries[2:3]}.items():
        (articles / f"{name}.bib").write_text("\n".join(chosen), encoding="utf-8")
        (articles / f"{name}.rst").write_text(
            f"{name}\n{'=' * len(name)}\n\n.. highlight-references::\n   :bibfile: {name}.bib\n"
        )
    together = run("check", *sorted(map(str, articles.glob("*.bib"))))
    assert "[highlight.duplicate_key]" in together.stdout  # the files read as one
    result = run("check", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


CITED_ONLY = """\
A chapter
=========

Only one entry is cited :hcite:`noauthor2021`, and the book lists what it cites.

.. highlight-references::
   :cited: project
   :style: vancouver
"""


def test_check_renders_only_what_the_pages_show(make_app, root_copy):
    """A book's list shows the entries it cites: the others' needs are not the build's
    warnings, so not check's either (the file's own problems are, in both)."""
    srcdir = root_copy("bad-bib")
    (srcdir / "index.rst").write_text(CITED_ONLY, encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()

    def located(line: str) -> str:
        where, said = re.split(r"(?i): warning: ", line, maxsplit=1)
        return f"{Path(where.split(':')[0]).name}:{where.split(':')[1]}: {said}"

    built = {located(line) for line in warnings(app).splitlines() if "[highlight" in line}
    checked = {located(line) for line in run("check", cwd=srcdir).stdout.splitlines()}
    assert checked == built
    assert [line for line in checked if "which style" in line] == [
        ("problems.bib:14: entry 'noauthor2021' has no 'author', which style 'vancouver' "
        "needs [highlight.missing_field]")
    ]


EVERY_ROLE_RST = """\
Every role
==========

Textual :hcite:t:`missing-t`, parenthetical :hcite:p:`missing-p`, sphinxcontrib-bibtex's
names :cite:p:`missing-cite-p` and :cite:t:`missing-cite-t`, with texts
:hcite:`{see}missing-texts{p. 5}` and a found key with texts
:hcite:p:`{see}finnerup2021neuropathic{pp. 5-7}, {also}missing-second{chap. 3}`.

A label CSL does not know :hcite:t:`finnerup2021neuropathic{xyz. 5}`.

A brace left open :cite:p:`{see finnerup2021neuropathic`.
"""


def test_check_reads_every_citation_role_and_its_texts(make_app, tmp_path):
    """``:hcite:p:``, ``:hcite:t:`` and the ``:cite:`` aliases name keys as ``:hcite:``
    does, and a pre- or post-text is no key: check reports what the build reports."""
    (tmp_path / "conf.py").write_text('extensions = ["sphinxcontrib_highlight"]\n')
    (tmp_path / "index.rst").write_text(EVERY_ROLE_RST)
    app = make_app("html", srcdir=tmp_path, freshenv=True)
    app.build()
    built = sorted(
        line.replace(f"{app.srcdir}/", "").replace(": WARNING: ", ": warning: ")
        for line in warnings(app).splitlines()
        if re.search(r"\[highlight\.(unknown_key|locator|cite_syntax)\]", line)
    )
    assert len(built) == 8
    result = run("check", cwd=tmp_path)
    assert sorted(result.stdout.splitlines()) == built
