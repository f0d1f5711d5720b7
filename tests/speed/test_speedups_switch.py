"""``highlight_speedups = False`` turns the speed layer off and changes no byte of output.

Every test root is built for HTML and for text with the layer on (children made to
start wherever they can: two CPUs, the resolving children from the first page, the
download child from the first job) and with it off; every file of the two output trees
is compared byte for byte, Sphinx's own files included (``.buildinfo``, the search
index: ``highlight_speedups`` rebuilds nothing, so it is not in ``.buildinfo``'s hash,
and the index is made from the same pages). With the layer off, no process is forked.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest

from sphinxcontrib_highlight.bibliography import database as bibdata
from sphinxcontrib_highlight.speed import background, cpus, prerender, switch
from sphinxcontrib_highlight.web import downloads

#: Every test root that loads the extension (``bibtex-compat`` loads only
#: sphinxcontrib-bibtex, which uses the styles through pybtex: no switch there).
ROOTS = sorted(
    path.name.removeprefix("test-")
    for path in (Path(__file__).parents[1] / "roots").glob("test-*")
    if '"sphinxcontrib_highlight"' in (path / "conf.py").read_text(encoding="utf-8")
)


def every_file(outdir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*")) if path.is_file()
    }


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """The processes forked from now on, however they are started (multiprocessing
    forks through ``os.fork``)."""
    forked: list[int] = []
    real_fork = os.fork

    def recording_fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return forked


@pytest.fixture
def build(make_app, root_copy, monkeypatch):
    """Build a root afresh with the speed layer on or off; the whole output tree."""
    monkeypatch.setattr(switch, "_enabled", True)  # whatever the builds set, restored after
    monkeypatch.setattr(cpus, "usable_cpus", lambda: 2)
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    monkeypatch.setattr(prerender, "PAGES_FOR_CHILD", 1)
    monkeypatch.setattr(downloads, "Worker", partial(background.Worker, inline=0))

    def build_root(root: str, builder: str, speedups: bool, label: str = "") -> dict[str, bytes]:
        # A new sphinx-build process: no file parsed, no bibliography cached.
        monkeypatch.setattr(bibdata, "_cache", {})
        monkeypatch.setattr(bibdata, "_bibliographies", {})
        name = f"{root}-{builder}-{'on' if speedups else 'off'}{label}"
        app = make_app(
            builder, srcdir=root_copy(root, name), freshenv=True,
            confoverrides={"highlight_speedups": speedups},
        )
        app.build()
        assert switch.enabled() is speedups
        return every_file(Path(app.outdir))

    return build_root


@pytest.mark.parametrize("builder", ["html", "text"])
@pytest.mark.parametrize("root", ROOTS)
def test_speedups_off_give_the_same_bytes_and_fork_nothing(build, forks, root, builder):
    on = build(root, builder, speedups=True)
    forked_on = len(forks)
    off = build(root, builder, speedups=False)
    assert forks[forked_on:] == []
    assert on.keys() == off.keys()
    assert [name for name in on if on[name] != off[name]] == []


def test_the_layer_on_does_fork(build, forks, monkeypatch):
    """The recording sees the children the layer starts, so the test above can fail."""
    # Threads other tests of this process leave (the browser's) rule children out too.
    monkeypatch.setattr(background.threading, "active_count", lambda: 1)
    build("parallel", "html", speedups=True)
    assert forks


@pytest.mark.parametrize("trick", switch.TRICKS)
def test_each_trick_off_alone_gives_the_same_bytes(build, monkeypatch, trick):
    """The benchmarks turn tricks off one at a time (``HIGHLIGHT_SPEEDUPS_OFF``) to
    measure each; a build without any one of them writes the same output."""
    on = build("parallel", "html", speedups=True)
    monkeypatch.setattr(switch, "_off", frozenset({trick}))
    without = build("parallel", "html", speedups=True, label=f"-no-{trick}")
    assert on.keys() == without.keys()
    assert [name for name in on if on[name] != without[name]] == []


def test_the_children_tricks_off_fork_nothing(build, forks, monkeypatch):
    monkeypatch.setattr(background.threading, "active_count", lambda: 1)
    monkeypatch.setattr(switch, "_off", frozenset({"parse_child", "download_child", "prerender"}))
    build("parallel", "html", speedups=True)
    assert forks == []


def test_a_trick_off_is_read_from_the_environment(monkeypatch):
    import importlib

    monkeypatch.setenv("HIGHLIGHT_SPEEDUPS_OFF", "memo, packing")
    try:
        fresh = importlib.reload(switch)
        assert fresh.enabled() and fresh.enabled("prerender")
        assert not fresh.enabled("memo") and not fresh.enabled("packing")
    finally:
        monkeypatch.delenv("HIGHLIGHT_SPEEDUPS_OFF")
        importlib.reload(switch)


def test_download_texts_found_by_content_give_the_same_bytes(build, monkeypatch):
    """An entry listed on several pages is made anew for each once its file's cache has
    let it go; its download texts are then found by its content (``per_content``). With
    caches that keep one entry, every list's entries are new objects: the texts found by
    content are the texts made afresh, and fewer are made."""
    from sphinxcontrib_highlight.export import formats
    from sphinxcontrib_highlight.speed.memo import ByContent, Recent

    class Forgetful(Recent):  # type: ignore[type-arg]
        def __init__(self, limit: int | None = None) -> None:
            super().__init__(1)

    monkeypatch.setattr(bibdata, "Recent", Forgetful)
    # Everything in this process, where the texts made can be counted.
    monkeypatch.setattr(switch, "_off", frozenset({"parse_child", "download_child", "prerender"}))
    made: list[str] = []
    for name in ("_entry_bibtex", "_ris_text", "_csl_json_text"):
        memoized = getattr(formats, name)
        monkeypatch.setattr(memoized, "_results", ByContent(packed=False))  # none from other tests
        make = memoized._function
        monkeypatch.setattr(memoized, "_function", lambda entry, make=make, name=name: (
            made.append(name) or make(entry)))
    on = build("parallel", "html", speedups=True)
    made_on = len(made)
    off = build("parallel", "html", speedups=False)
    assert on.keys() == off.keys()
    assert [name for name in on if on[name] != off[name]] == []
    assert 0 < made_on < len(made) - made_on, (made_on, len(made))
