"""Parallel reading and writing give the same output as a serial build."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import warnings
from sphinx.util.console import strip_colors

from sphinxcontrib_highlight.speed import background


def bodies(outdir: Path) -> dict[str, str]:
    return {
        path.name: str(
            BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("div.body")
        )
        for path in sorted(outdir.glob("*.html"))
    }


@pytest.mark.parametrize("cpus", [2, 4])
def test_parallel_equals_serial(make_app, root_copy, monkeypatch, cpus):
    """-j 4 gives the pages of -j 1: on four CPUs Sphinx writes them in parallel too; on
    two, it writes them in one process beside the extension's child (reading stays
    parallel either way)."""
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    serial = make_app("html", srcdir=root_copy("parallel", "serial"), freshenv=True, parallel=1)
    serial.build()
    parallel = make_app("html", srcdir=root_copy("parallel", "j4"), freshenv=True, parallel=4)
    parallel.build()
    assert parallel.builder.parallel_ok is (cpus >= 4 or not background.available())
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
