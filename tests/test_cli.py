"""The command line, run as a user runs it: a new process, arguments, exit status, output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import warnings
from seed import REFERENCES

from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE

BAD_BIB = Path(__file__).parent / "roots" / "test-bad-bib" / "problems.bib"
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
    assert "no style named 'no-such-style'" in result.stderr
    assert "neurosci-bull" in result.stderr  # it says which styles there are
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

    built = {message(line) for line in warnings(app).splitlines() if "WARNING:" in line}
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
