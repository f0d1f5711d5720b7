"""After any incremental build the output holds exactly the files a clean build makes:
download files of an entry's old text, or of a list a page no longer shows, are gone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import edit

from sphinxcontrib_highlight.bibliography import database as bibdata


def files_of(outdir: Path) -> set[str]:
    return {
        path.relative_to(outdir).as_posix() for path in outdir.rglob("*") if path.is_file()
    }


def downloads_of(outdir: Path) -> set[str]:
    return {name for name in files_of(outdir) if name.startswith("_downloads/")}


def clean_build(make_app, srcdir: Path, tmp_path: Path, **options) -> set[str]:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(srcdir, fresh, ignore=shutil.ignore_patterns("_build"))
    app = make_app("html", srcdir=fresh, freshenv=True, **options)
    app.build()
    return files_of(Path(app.outdir))


@pytest.fixture
def built(make_app, root_copy, monkeypatch):
    monkeypatch.setattr(bibdata, "_cache", {})
    monkeypatch.setattr(bibdata, "_bibliographies", {})
    srcdir = root_copy("multipage")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    return srcdir, Path(app.outdir)


EDITS = {
    "an entry's title": ("refs.bib", "title = {First paper}", "title = {First paper, revised}"),
    "an entry's authors": ("refs.bib", "author = {Bravo, Carl}", "author = {Bravo, Carla}"),
    "a list's entries": ("chapter1.rst", "First :hcite:`charlie2022` then", "First then"),
    "a list removed": ("chapter2.rst", ".. highlight-references::\n   :cited:", "Nothing."),
}


@pytest.mark.parametrize("change", EDITS.values(), ids=EDITS.keys())
def test_an_incremental_build_leaves_the_files_of_a_clean_one(
    make_app, built, tmp_path, change
):
    srcdir, outdir = built
    name, old, new = change
    before = downloads_of(outdir)
    edit(srcdir / name, old, new)
    make_app("html", srcdir=srcdir).build()
    assert files_of(outdir) == clean_build(make_app, srcdir, tmp_path)
    assert downloads_of(outdir) != before  # the edit changed what is published


@pytest.mark.parametrize("options", [
    {"parallel": 2},
    {"confoverrides": {"highlight_speedups": False}},
    {"buildername": "dirhtml"},
], ids=["-j 2", "no speed-ups", "dirhtml"])
def test_the_same_with_parallel_writing_without_children_and_in_folders(
    make_app, root_copy, tmp_path, monkeypatch, options
):
    monkeypatch.setattr(bibdata, "_cache", {})
    monkeypatch.setattr(bibdata, "_bibliographies", {})
    options = {"buildername": "html", **options}
    srcdir = root_copy("multipage")
    app = make_app(srcdir=srcdir, freshenv=True, **options)
    app.build()
    before = downloads_of(Path(app.outdir))
    edit(srcdir / "refs.bib", "title = {First paper}", "title = {First paper, revised}")
    edit(srcdir / "chapter1.rst", "First :hcite:`charlie2022` then", "First then")
    again = make_app(srcdir=srcdir, **options)
    again.build()
    after = files_of(Path(again.outdir))
    assert downloads_of(Path(again.outdir)) != before
    fresh = tmp_path / "fresh"
    shutil.copytree(srcdir, fresh, ignore=shutil.ignore_patterns("_build"))
    clean = make_app(srcdir=fresh, freshenv=True, **options)
    clean.build()
    assert after == files_of(Path(clean.outdir))


def test_two_edits_in_a_row_leave_nothing_of_the_one_between(make_app, built, tmp_path):
    srcdir, outdir = built
    edit(srcdir / "refs.bib", "title = {First paper}", "title = {First paper, revised}")
    make_app("html", srcdir=srcdir).build()
    edit(srcdir / "refs.bib", "title = {First paper, revised}", "title = {First paper, again}")
    make_app("html", srcdir=srcdir).build()
    assert files_of(outdir) == clean_build(make_app, srcdir, tmp_path)


def test_a_lost_record_is_read_back_from_the_pages(make_app, built, tmp_path):
    """Without the record of what each page links (deleted, or left incomplete by a build
    that stopped), the pages not written are read for their links: nothing they link is
    removed, and what no page links is."""
    srcdir, outdir = built
    for record in (srcdir / "_build" / "doctrees").glob("highlight-downloads-*.json"):
        record.unlink()
    stray = outdir / "_downloads" / "highlight" / "0123456789abcdef" / "left.bib"
    stray.parent.mkdir(parents=True)
    stray.write_text("@misc{x}\n", encoding="utf-8")
    edit(srcdir / "chapter1.rst", "First :hcite:`charlie2022` then", "First then")
    make_app("html", srcdir=srcdir).build()
    assert files_of(outdir) == clean_build(make_app, srcdir, tmp_path)


def test_a_failed_build_removes_nothing_and_the_next_one_cleans_up(
    make_app, built, tmp_path
):
    """A build that fails while writing keeps every file (the pages it did not write
    still link theirs) and leaves its record incomplete; the next build, reading the
    pages it does not write, ends with a clean build's files."""
    srcdir, outdir = built
    before = downloads_of(outdir)
    edit(srcdir / "refs.bib", "title = {First paper}", "title = {First paper, revised}")
    app = make_app("html", srcdir=srcdir)

    def fail(app: object, pagename: str, *args: object) -> None:
        if pagename == "chapter2":
            raise RuntimeError("a build that stops")

    app.connect("html-page-context", fail)
    with pytest.raises(Exception, match="a build that stops"):
        app.build()
    assert before <= downloads_of(outdir)
    make_app("html", srcdir=srcdir).build()
    assert files_of(outdir) == clean_build(make_app, srcdir, tmp_path)
