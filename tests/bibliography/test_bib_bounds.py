"""Hostile sizes and bytes in BibTeX: the reader's work and output stay bounded.

Complexity is checked by counting the Python events (calls and lines) a parse runs, not
by timing it: the count is the same on an idle machine and a loaded one.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import soup, warnings

from sphinxcontrib_highlight.bibliography.database import (
    BibFile,
    BibProblem,
    load_file,
    parse_text,
)
from sphinxcontrib_highlight.bibliography.parse import expansion_bound
from sphinxcontrib_highlight.warning_types import Warn
from sphinxcontrib_highlight.web.downloads import DOWNLOAD_DIR

#: What no page or download may hold: the C0 controls but tab, line feed and carriage
#: return, and DEL.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def macro_heavy(count: int) -> str:
    """``count`` ``@string`` macros, then ``count`` entries, each using one of them."""
    macros = "".join(f'@string{{jn{n} = "Journal number {n}"}}\n' for n in range(count))
    entries = "".join(
        f"@article{{key{n},\n  title = {{Title {n}}},\n  journal = jn{n},\n}}\n"
        for n in range(count)
    )
    return macros + entries


def parse_events(text: str) -> int:
    """How many Python calls and lines parsing ``text`` runs."""
    count = 0

    def tracer(frame: object, event: str, arg: object) -> object:
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        bibfile = parse_text(text, "macros.bib")
    finally:
        sys.settrace(None)
    assert not bibfile.problems
    return count


def test_a_file_of_many_macros_parses_in_time_linear_in_its_size():
    """Four times the macros and entries: about four times the work (a parse whose work
    grew with macros × entries did sixteen times, and ten times already at this size)."""
    small = parse_events(macro_heavy(100))
    large = parse_events(macro_heavy(400))
    assert large / small < 5, (small, large)


def test_entries_see_the_macros_defined_before_them():
    text = macro_heavy(3) + '@string{JN1 = "Redefined"}\n@misc{late, journal = jn1 # { x}}\n'
    entries = parse_text(text, "macros.bib").entries
    assert entries["key1"].fields["journal"] == "Journal number 1"
    assert entries["late"].fields["journal"] == "Redefined x"


# --- macros that expand past the bound --------------------------------------------------

def doubling(count: int, separator: str = "\n") -> str:
    """A few hundred bytes of macros, each twice the one before: ``a{count}`` would be
    2**count characters long."""
    macros = ['@string{a0 = "x"}', *(f"@string{{a{n} = a{n - 1} # a{n - 1}}}"
                                         for n in range(1, count + 1))]
    return separator.join(macros) + "\n"


DOUBLING_ENTRIES = (
    "@article{big, author = {Doe, Jane}, title = {Big}, journal = a40, year = 2020}\n"
    "@article{after, author = {Roe, Rick}, title = {Still here}, journal = {J}, year = 2021}\n"
)


def expansion_problems(bibfile: BibFile) -> list[BibProblem]:
    return [problem for problem in bibfile.problems if problem.subtype is Warn.BIB_EXPANSION]


def test_doubling_macros_stop_at_the_bound_with_a_located_warning():
    text = doubling(40) + DOUBLING_ENTRIES
    bibfile = parse_text(text, "doubling.bib")
    [problem] = expansion_problems(bibfile)
    # a12 (4,096 characters) is the first past its line's bound of 64 x 41 + 1,024.
    assert problem.lineno == 13
    assert problem.message.startswith("@string macro 'a12' expands to 4,096 characters")
    assert "defined as empty" in problem.message
    entries = bibfile.entries
    assert entries["big"].fields["journal"] == ""
    assert entries["after"].fields["title"] == "Still here"
    assert max(len(value) for entry in entries.values() for value in entry.fields.values()) < 4096


def test_doubling_macros_on_one_line_are_bounded_by_that_line():
    text = doubling(40, separator=" ") + DOUBLING_ENTRIES
    bibfile = parse_text(text, "doubling.bib")
    [problem] = expansion_problems(bibfile)
    assert problem.lineno == 1
    assert expansion_bound(text.index("\n") + 1) < 2**17
    assert len(bibfile.entries["after"].fields["title"]) == len("Still here")


def test_a_field_past_the_bound_is_left_out_and_its_entry_kept():
    """A macro within its own line's bound, used many times by one field: the field is
    left out, not built, and the entry keeps its other fields."""
    big = "y" * 2_000
    text = (f'@string{{big = "{big}"}}\n'
            f"@misc{{many, title = {{Kept}}, note = {' # '.join(['big'] * 1000)}}}\n"
            "@misc{small, note = big}\n")
    bibfile = parse_text(text, "many.bib")
    [problem] = expansion_problems(bibfile)
    assert problem.lineno == 2
    assert problem.message.startswith("entry 'many': field 'note' expands to 2,000,000 characters")
    assert dict(bibfile.entries["many"].fields) == {"title": "Kept"}
    assert bibfile.entries["small"].fields["note"] == big


def project(tmp_path: Path, bib: bytes | str) -> Path:
    """A Sphinx project whose one page lists every entry of ``refs.bib``."""
    srcdir = tmp_path / "project"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(
        'extensions = ["sphinxcontrib_highlight"]\nhighlight_bibfiles = ["refs.bib"]\n',
        encoding="utf-8",
    )
    (srcdir / "index.rst").write_text(
        "References\n==========\n\n.. highlight-citation::\n\n.. highlight-references::\n",
        encoding="utf-8",
    )
    raw = bib.encode("utf-8") if isinstance(bib, str) else bib
    (srcdir / "refs.bib").write_bytes(raw)
    return srcdir


def check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_highlight", "check", str(path)],
        capture_output=True, text=True, encoding="utf-8", check=False, timeout=120,
    )


def test_doubling_macros_in_a_sphinx_build_warn_and_the_rest_renders(make_app, tmp_path):
    srcdir = project(tmp_path, doubling(40) + DOUBLING_ENTRIES)
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    log = warnings(app)
    assert "Traceback" not in log
    [line] = [line for line in log.splitlines() if "bib_expansion" in line]
    assert "refs.bib:13: WARNING: @string macro 'a12' expands to 4,096 characters" in line
    assert line.endswith("[highlight.bib_expansion]")
    page = soup(app)
    assert "Still here" in page.select_one("ol.highlight-reference-list").get_text()
    assert (Path(app.outdir) / "index.html").stat().st_size < 100_000


def test_doubling_macros_in_check_warn_with_their_line(tmp_path):
    path = tmp_path / "doubling.bib"
    path.write_text(doubling(40) + DOUBLING_ENTRIES, encoding="utf-8")
    result = check(path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{path}:13: warning: @string macro 'a12' expands to 4,096 characters" in result.stdout
    assert "[highlight.bib_expansion]" in result.stdout


# --- control characters ----------------------------------------------------------------

def long_entry(number: int, title: str = "") -> str:
    """An entry of about a kilobyte (its abstract), so a file passes 64 KiB in 70 of them."""
    return (f"@article{{entry{number},\n  author = {{Doe, Jane}},\n"
            f"  title = {{{title or f'Entry number {number}'}}},\n  journal = {{J}},\n"
            f"  year = 2020,\n  abstract = {{{'Words. ' * 140}}},\n}}\n")


PLACES = ("start", "after 64 KiB", "last entry")


def with_controls(places: tuple[str, ...] = PLACES) -> tuple[str, list[int]]:
    """A file with a NUL at its start, one after 64 KiB (in an entry's title) and a NUL
    and an ESC in a field of its last entry, or those of ``places``; and their lines."""
    text = "\x00" if "start" in places else ""
    text += "% a file with control characters\n"
    lines = [1] if "start" in places else []
    number = 0
    while len(text.encode()) < 70_000:
        text += long_entry(number)
        number += 1
    if "after 64 KiB" in places:
        lines.append(text.count("\n") + 3)  # the title's line of the next entry
    nul = "\x00" if "after 64 KiB" in places else ""
    text += long_entry(number, title=f"After sixty-four{nul} kilobytes")
    text += long_entry(number + 1)
    if "last entry" in places:
        lines.append(text.count("\n") + 3)
    escape = "\x00" if "last entry" in places else ""
    text += long_entry(number + 2, title=f"The last{escape} entry{escape and chr(27)}")
    return text, lines


def test_control_characters_get_the_same_warning_wherever_they_are(tmp_path):
    text, lines = with_controls()
    path = tmp_path / "controls.bib"
    path.write_text(text, encoding="utf-8")
    bibfile = load_file(path, "utf-8")
    found = [(problem.lineno, problem.subtype, problem.message) for problem in bibfile.problems]
    nul = "control character U+0000 removed (BibTeX is text; no page or download may carry it)"
    assert found == [
        (lines[0], Warn.BIBFILE, nul),
        (lines[1], Warn.BIBFILE, nul),
        (lines[2], Warn.BIBFILE, ("control characters U+0000, U+001B removed (BibTeX is text;"
                                  " no page or download may carry them)")),
    ]
    titles = [entry.fields["title"] for entry in bibfile.entries.values()]
    assert "After sixty-four kilobytes" in titles
    assert titles[-1] == "The last entry"


@pytest.mark.parametrize("place", PLACES)
def test_control_characters_reach_neither_the_page_nor_the_downloads(make_app, tmp_path, place):
    text, lines = with_controls((place,))
    app = make_app("html", srcdir=project(tmp_path, text), freshenv=True)
    app.build()
    log = warnings(app)
    assert "Traceback" not in log
    located = [line for line in log.splitlines() if "refs.bib:" in line]
    assert [line.split("refs.bib:")[1].split(":")[0] for line in located] == [str(lines[0])]
    assert "control character" in located[0]
    assert located[0].endswith("[highlight.bibfile]")
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    page = soup(app)
    items = [item.get_text() for item in page.select("ol.highlight-reference-list > li")]
    assert len(items) == text.count("@article") - 1  # all but the article itself
    assert any("The last entry" in item for item in items)
    assert not CONTROL.search(html)
    assert not CONTROL.search(page.get_text())
    downloads = [path for path in Path(app.outdir, DOWNLOAD_DIR).rglob("*") if path.is_file()]
    assert downloads
    for download in downloads:
        assert not CONTROL.search(download.read_bytes().decode("utf-8")), download
    assert any(b"The last entry" in path.read_bytes() for path in downloads)


def test_a_file_in_utf16_is_text_not_binary(tmp_path):
    """Every other byte of a UTF-16 file is a NUL: it is the characters that count."""
    path = tmp_path / "utf16.bib"
    path.write_text(long_entry(1) + long_entry(2), encoding="utf-16")
    bibfile = load_file(path, "utf-16")
    assert bibfile.problems == ()
    assert list(bibfile.entries) == ["entry1", "entry2"]


def test_a_binary_file_is_one_warning_wherever_its_control_bytes_are(tmp_path):
    path = tmp_path / "binary.bib"
    path.write_bytes(long_entry(1).encode() * 20 + bytes(range(256)) * 40)
    [problem] = load_file(path, "utf-8").problems
    assert (problem.lineno, problem.message) == (
        1, "this is not a BibTeX file (it holds binary data)")


def test_a_files_values_stay_within_170_times_its_size():
    """A thousand of the shortest entries, each naming a macro as long as its line allows:
    each keeps the value, one longer is refused, and the file's values stay within the
    documented 170 times its size."""
    entries = [f"@a{{k{n:03},c=m}}\n" for n in range(1000)]
    allowed = expansion_bound(len(entries[0]))
    text = f'@string{{m = "{"m" * allowed}"}}\n' + "".join(entries)
    bibfile = parse_text(text, "tiny.bib")
    assert not bibfile.problems
    assert all(len(entry.fields["c"]) == allowed for entry in bibfile.entries.values())
    values = sum(len(entry.fields["c"]) for entry in bibfile.entries.values())
    assert 100 * len(text) < values <= 170 * len(text)
    longer = parse_text(f'@string{{m = "{"m" * (allowed + 1)}"}}\n' + entries[0], "long.bib")
    assert [problem.subtype for problem in longer.problems] == [Warn.BIB_EXPANSION]
