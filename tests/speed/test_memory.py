"""What a build keeps in memory is bounded: caches hold the latest entries, and a build
whose caches hold only two gives the same pages, files and warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import output_files, own_warnings

from sphinxcontrib_highlight.bibliography import database as bibdata
from sphinxcontrib_highlight.speed import memo


def test_recent_keeps_the_latest_items():
    cache: memo.Recent[str, int] = memo.Recent(limit=2)
    cache["a"], cache["b"], cache["a"] = 1, 2, 3
    assert cache == {"a": 3, "b": 2}  # a key stored again is no new key
    cache["c"] = 4
    assert cache == {"b": 2, "c": 4}  # "a" was stored first


@pytest.mark.parametrize("root", ["parallel", "bad-bib", "multipage"])
def test_tiny_caches_change_nothing(make_app, root_copy, root, monkeypatch):
    """Pages share entries and show each in several forms: with two entries cached,
    every form is made again from a fresh entry object, and must come out the same."""
    built = []
    for limit in (memo.RECENT, 2):
        monkeypatch.setattr(memo.Recent, "limit", limit)
        monkeypatch.setattr(bibdata, "_cache", {})
        monkeypatch.setattr(bibdata, "_bibliographies", {})
        app = make_app("html", srcdir=root_copy(root, f"limit-{limit}"), freshenv=True)
        app.build()
        built.append((output_files(Path(app.outdir)), own_warnings(app)))
    assert built[0][0] and built[0] == built[1]
