"""Parallel reading and writing give the same output as a serial build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import every_file, warnings
from sphinx.util.console import strip_colors

from sphinxcontrib_highlight.speed import cpus as speed_cpus


def bodies(outdir: Path) -> dict[str, str]:
    return {
        path.name: str(
            BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("div.body")
        )
        for path in sorted(outdir.glob("*.html"))
    }


@pytest.mark.parametrize("cpus", [2, 4])
def test_parallel_equals_serial(make_app, root_copy, monkeypatch, cpus):
    """-j 4 gives the pages of -j 1, and Sphinx reads and writes in parallel whatever the
    CPUs (the extension never turns the user's -j off)."""
    monkeypatch.setattr(speed_cpus, "usable_cpus", lambda: cpus)
    serial = make_app("html", srcdir=root_copy("parallel", "serial"), freshenv=True, parallel=1)
    serial.build()
    parallel = make_app("html", srcdir=root_copy("parallel", "j4"), freshenv=True, parallel=4)
    parallel.build()
    assert parallel.builder.parallel_ok is True
    # A second app in one process re-registers Sphinx's nodes ([app.add_node]): not ours.
    for app in (serial, parallel):
        assert [line for line in warnings(app).splitlines() if "[app.add_" not in line] == []
    # It really read in chunks ("reading sources... [ 20%] bibliography .. page01").
    assert re.search(r"reading sources\.\.\. \[.*\] \S+ \.\. \S+", strip_colors(parallel.status.getvalue()))
    serial_pages, parallel_pages = bodies(Path(serial.outdir)), bodies(Path(parallel.outdir))
    assert {f"page{n:02d}.html" for n in range(1, 13)} <= serial_pages.keys()
    assert parallel_pages == serial_pages
    # The pages really hold resolved citations and lists.
    assert "highlight-reference-list" in serial_pages["bibliography.html"]
    assert "highlight-cite" in serial_pages["page07.html"]
    assert_same_files(serial, parallel)


def assert_same_files(serial, parallel) -> None:
    """Every file of the two outputs is the same: page heads (meta tags, assets) as well as
    bodies, download files, the search index, objects.inv and .buildinfo. Nothing is left
    out: the files of Sphinx's own that could differ (its pickled environment and
    doctrees) are written beside the output directory, not in it."""
    serial_files, parallel_files = every_file(serial.outdir), every_file(parallel.outdir)
    assert parallel_files.keys() == serial_files.keys()
    assert [name for name in serial_files if parallel_files[name] != serial_files[name]] == []
    assert ".buildinfo" in serial_files or serial.builder.name != "html"


@pytest.mark.parametrize(("root", "builder"), [("reader", "html"), ("parallel", "text")])
def test_parallel_equals_serial_on_the_whole_output(make_app, root_copy, monkeypatch, root, builder):
    """Pages with meta tags, COinS and download files (reader), and the text builder: -j 4
    on four CPUs (children resolve every page ahead and the build waits for them) writes
    every file of -j 1."""
    monkeypatch.setattr(speed_cpus, "usable_cpus", lambda: 4)
    serial = make_app(builder, srcdir=root_copy(root, "serial"), freshenv=True, parallel=1)
    serial.build()
    parallel = make_app(builder, srcdir=root_copy(root, "j4"), freshenv=True, parallel=4)
    parallel.build()
    files = every_file(serial.outdir)
    if builder == "html":
        assert any(name.startswith("_downloads/") for name in files)
        assert b'name="citation_title"' in files["index.html"]
    else:
        assert {f"page{n:02d}.txt" for n in range(1, 13)} <= files.keys()
        assert "[1, 2]" in files["page01.txt"].decode("utf-8")
    assert_same_files(serial, parallel)
