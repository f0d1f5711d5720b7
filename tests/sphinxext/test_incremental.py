"""Incremental builds: after an edit, every page equals what a clean build writes."""

from __future__ import annotations

import gc
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import edit

from sphinxcontrib_highlight import speed
from sphinxcontrib_highlight.speed.packing import Packed, unpacked

PAGES = ("index", "chapter1", "chapter2", "chapter3", "bibliography")


def bodies(outdir: Path) -> dict[str, str]:
    """The rendered body of every page (the rest holds nothing of ours)."""
    result = {}
    for page in PAGES:
        html = (outdir / f"{page}.html").read_text(encoding="utf-8")
        result[page] = str(BeautifulSoup(html, "html.parser").select_one("div.body"))
    return result


def clean_build(make_app, srcdir: Path, tmp_path: Path) -> dict[str, str]:
    fresh = tmp_path / "fresh"
    shutil.copytree(srcdir, fresh, ignore=shutil.ignore_patterns("_build"))
    app = make_app("html", srcdir=fresh, freshenv=True)
    app.build()
    return bodies(Path(app.outdir))


@pytest.fixture
def built(make_app, root_copy):
    srcdir = root_copy("multipage")
    make_app("html", srcdir=srcdir, freshenv=True).build()
    return srcdir


def rebuild(make_app, srcdir: Path):
    app = make_app("html", srcdir=srcdir)
    app.build()
    return app


def test_new_citation_renumbers_every_page(make_app, built, tmp_path):
    edit(built / "chapter1.rst", "First :hcite:`charlie2022`", "First :hcite:`delta2023,charlie2022`")
    app = rebuild(make_app, built)
    after = bodies(Path(app.outdir))
    assert after == clean_build(make_app, built, tmp_path)
    # The project list gained delta first; the unedited bibliography page shows it, and
    # the unedited chapter 3 shows bravo's new number.
    assert "Delta G. Fourth paper." in after["bibliography"].split("Charlie D")[0]
    assert ">4</a>]" in after["chapter3"]


def test_removed_citation_leaves_no_stale_number(make_app, built, tmp_path):
    edit(built / "chapter1.rst", "First :hcite:`charlie2022` then", "First then")
    app = rebuild(make_app, built)
    assert bodies(Path(app.outdir)) == clean_build(make_app, built, tmp_path)


def test_edited_bibfile_rewrites_lists_and_tooltips(make_app, built, tmp_path):
    edit(built / "refs.bib", "title = {First paper}", "title = {First paper, revised}")
    app = rebuild(make_app, built)
    after = bodies(Path(app.outdir))
    assert after == clean_build(make_app, built, tmp_path)
    assert "First paper, revised" in after["chapter1"]  # a tooltip on a page with no list
    assert "First paper, revised" in after["bibliography"]


def test_touched_bibfile_rewrites_nothing(make_app, built):
    before = {page: (built / "_build" / "html" / f"{page}.html").stat().st_mtime_ns
              for page in PAGES}
    future = time.time() + 5
    os.utime(built / "refs.bib", (future, future))
    rebuild(make_app, built)
    after = {page: (built / "_build" / "html" / f"{page}.html").stat().st_mtime_ns
             for page in PAGES}
    assert after == before


def test_a_build_that_reads_no_page_leaves_the_records_packed(
    make_app, built, tmp_path, monkeypatch
):
    """The citation records and the resolution travel in the environment as bytes, and a
    build that reads no page never unpickles them; the build after it, which does, still
    equals a clean build (see model.Packed)."""
    # The child that parses the touched .bib is done when the build looks: a build that
    # finds it still busy unpacks on purpose (the next test), and on a loaded machine
    # whether it is done was a race.
    monkeypatch.setattr(speed, "busy", lambda: False)
    future = time.time() + 5
    os.utime(built / "refs.bib", (future, future))
    app = rebuild(make_app, built)
    data = app.env.domains["highlight"].data
    for name in ("cites", "resolution"):
        assert isinstance(data[name], Packed)
        assert data[name]._value is None, f"{name} was unpickled"
    edit(built / "chapter1.rst", "First :hcite:`charlie2022`", "First :hcite:`delta2023,charlie2022`")
    after = bodies(Path(rebuild(make_app, built).outdir))
    assert after == clean_build(make_app, built, tmp_path)


def test_while_a_child_parses_the_build_unpacks_and_collects(make_app, built, monkeypatch):
    """A build that would wait for the child parsing a changed .bib unpacks the records
    and runs the collector's full pass first, in what would be idle time."""
    collected = []
    monkeypatch.setattr(speed, "busy", lambda: True)
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(args) or 0)
    future = time.time() + 5
    os.utime(built / "refs.bib", (future, future))
    app = rebuild(make_app, built)
    data = app.env.domains["highlight"].data
    assert collected
    assert not isinstance(data["cites"], Packed) or data["cites"]._value is not None
    assert data["resolution"]._value is not None


def test_packed_values_pickle_to_the_same_bytes_and_back():
    resolution = {"chapter1": [("list-1", 0)], "chapter2": None}
    packed = Packed(resolution)
    blob = pickle.dumps(packed)
    again = pickle.loads(blob)
    assert again.value == resolution
    assert pickle.dumps(again) == blob  # re-pickled from its bytes, not re-encoded
    assert unpacked(again) == unpacked(resolution) == resolution


def page_mtimes(srcdir: Path) -> dict[str, int]:
    return {page: (srcdir / "_build" / "html" / f"{page}.html").stat().st_mtime_ns
            for page in PAGES}


def test_edited_entry_rewrites_only_the_pages_that_show_it(make_app, built, tmp_path):
    """Only an entry's text changed (same keys, same order): no renumbering, and only
    the pages that list or cite the entry are written again."""
    before = page_mtimes(built)
    edit(built / "refs.bib", "title = {Fourth paper}", "title = {Fourth paper, revised}")
    app = rebuild(make_app, built)
    after = bodies(Path(app.outdir))
    assert after == clean_build(make_app, built, tmp_path)
    rewritten = {page for page, mtime in page_mtimes(built).items() if mtime != before[page]}
    showing = {page for page, body in after.items() if "Fourth paper, revised" in body}
    assert showing == {"chapter2", "bibliography"}  # cited on one page, listed on another
    # Sphinx itself writes a page's toctree parent with it (index holds the toctree).
    assert rewritten == showing | {"index"}


def test_entries_edited_build_after_build_rewrite_the_pages_that_show_them(
    make_app, built, tmp_path
):
    """Each build after an edit inside an entry knows which entries changed since the
    build before (the .bib's parse was patched from that build's): build after build,
    the pages written are those that show the entry, and they equal a clean build."""
    for step, (old, new, showing) in enumerate((
        ("title = {Fourth paper}", "title = {Fourth paper, revised}", {"chapter2", "bibliography"}),
        ("title = {Third paper}", "title = {Third paper, revised}",
         {"chapter1", "chapter2", "bibliography"}),
        ("year = {2023}", "year = {2024}", {"chapter2", "bibliography"}),
    )):
        before = page_mtimes(built)
        edit(built / "refs.bib", old, new)
        app = rebuild(make_app, built)
        (bibfile,) = app.env.domains["highlight"].bibliography((str(built / "refs.bib"),)).files
        assert bibfile.patched is not None  # the build took the path this test is about
        rewritten = {page for page, mtime in page_mtimes(built).items() if mtime != before[page]}
        assert rewritten - {"index"} == showing
        assert bodies(Path(app.outdir)) == clean_build(make_app, built, tmp_path / str(step))


def test_key_respelled_in_bibfile_renumbers(make_app, built, tmp_path):
    """A key whose spelling changed (keys match without regard to case, but the anchors
    use the key as written) is a change of keys: the project is resolved again."""
    edit(built / "refs.bib", "@article{delta2023,", "@article{Delta2023,")
    app = rebuild(make_app, built)
    assert bodies(Path(app.outdir)) == clean_build(make_app, built, tmp_path)
