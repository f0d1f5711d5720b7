"""With ``-j`` and no CPU left for the resolving children, a child formats the entries of
the pages Sphinx's process resolves next (``format_ahead``): the build takes its results
from the memos, and writes the same bytes as without it.

The child runs beside the build and the build never waits for it, so what it has done
by a given page depends on the machine; the tests that count what it did make the build
take everything the child sends at its first page (the child formats every page then),
so that they hold on any machine.
"""

from __future__ import annotations

import gc
import os
import pickle
from pathlib import Path

import pytest

from sphinxcontrib_highlight.bibliography import database as bibdata
from sphinxcontrib_highlight.speed import background, cpus, format_ahead, memo, prerender, switch
from sphinxcontrib_highlight.sphinxext import formatting

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture
def parallel_build(make_app, root_copy, monkeypatch):
    """Build a root with ``-j 2`` on what looks like two CPUs (no resolving child, see
    :func:`.prerender.children_for`), ``format_ahead`` on or off; every file written,
    the formatting children started, the memo results the build took from them, and
    how many entries the build's own process formatted."""
    monkeypatch.setattr(switch, "_enabled", True)
    monkeypatch.setattr(cpus, "usable_cpus", lambda: 2)
    # Threads other tests of this process leave (the browser's) rule children out too.
    monkeypatch.setattr(background.threading, "active_count", lambda: 1)
    started: list[format_ahead.FormatAhead] = []
    real_start = format_ahead.start

    def recording_start(*args):
        formatter = real_start(*args)
        if formatter is not None:
            started.append(formatter)
        return formatter

    monkeypatch.setattr(format_ahead, "start", recording_start)
    real_page_started = format_ahead.FormatAhead.page_started

    def everything_first(self, docname):
        """Take all the child sends, to its end, before the first page."""
        while self._receiver is not None:
            try:
                memo.fill(pickle.loads(self._receiver.recv_bytes()))
            except EOFError:
                self._close()
        real_page_started(self, docname)

    taken: list[memo.Record] = []
    real_fill = memo.fill

    def recording_fill(records):
        taken.extend(records)
        real_fill(records)

    monkeypatch.setattr(memo, "fill", recording_fill)
    formatted_here: list[str] = []
    real_render = formatting._render

    def counting_render(style_name, entry, lookup):
        if os.getpid() == build_process:  # not the child's, nor a writer's
            formatted_here.append(entry.key)
        return real_render(style_name, entry, lookup)

    monkeypatch.setattr(formatting, "_render", counting_render)
    build_process = os.getpid()

    def build(root: str, on: bool, take_all_first: bool = True):
        monkeypatch.setattr(switch, "_off", frozenset() if on else {"format_ahead"})
        monkeypatch.setattr(
            format_ahead.FormatAhead, "page_started",
            everything_first if take_all_first else real_page_started,
        )
        # A new sphinx-build process: nothing parsed, cached or memoized.
        monkeypatch.setattr(bibdata, "_cache", {})
        monkeypatch.setattr(bibdata, "_bibliographies", {})
        for store in list(memo._stores.values()):
            store._results.clear()
        started.clear()
        taken.clear()
        formatted_here.clear()
        gc.unfreeze()
        app = make_app("html", srcdir=root_copy(root, f"ahead-{root}-{on}-{take_all_first}"),
                       freshenv=True, parallel=2)
        app.build()
        outdir = Path(app.outdir)
        files = {
            path.relative_to(outdir).as_posix(): path.read_bytes()
            for path in sorted(outdir.rglob("*")) if path.is_file()
        }
        return files, list(started), list(taken), list(formatted_here)

    return build


@needs_fork
@pytest.mark.parametrize("root", ["parallel", "multipage"])
def test_the_build_takes_the_childs_entries_and_writes_the_same_bytes(parallel_build, root):
    ahead, started, taken, formatted_here = parallel_build(root, on=True)
    assert len(started) == 1
    assert taken  # the build took the child's formatted entries ...
    assert formatted_here == []  # ... and formatted none itself
    without, none_started, nothing_taken, formatted_alone = parallel_build(root, on=False)
    assert none_started == [] and nothing_taken == []
    assert formatted_alone  # as it does without the child
    assert ahead.keys() == without.keys()
    assert [name for name in ahead if ahead[name] != without[name]] == []


@needs_fork
def test_lists_rendered_whole_are_left_to_the_build(parallel_build):
    """An author-date list is rendered in one pass, with the project's year suffixes,
    not entry by entry: the child leaves it, and the build's output is the same."""
    ahead, started, _, formatted_here = parallel_build("author-date", on=True)
    without, _, _, formatted_alone = parallel_build("author-date", on=False)
    assert len(started) == 1
    assert len(formatted_here) <= len(formatted_alone)
    assert ahead.keys() == without.keys()
    assert [name for name in ahead if ahead[name] != without[name]] == []


@needs_fork
def test_a_build_that_does_not_wait_writes_the_same_bytes(parallel_build):
    """As it runs outside tests: the build takes what has arrived at each page."""
    ahead, started, _, _ = parallel_build("parallel", on=True, take_all_first=False)
    without, _, _, _ = parallel_build("parallel", on=False)
    assert len(started) == 1
    assert [name for name in ahead if ahead[name] != without.get(name)] == []


@needs_fork
def test_the_child_is_gone_when_the_build_ends(parallel_build):
    _, started, _, _ = parallel_build("parallel", on=True)
    (formatter,) = started
    assert formatter._child.exitcode is not None  # ended, and joined
    assert formatter._receiver is None


@needs_fork
def test_no_formatting_child_beside_resolving_children_or_without_j(
    parallel_build, make_app, root_copy, monkeypatch
):
    """With a CPU free for them, children resolve whole pages instead (``prerender``);
    with ``-j 1`` too: the formatting child is for ``-j`` builds with no CPU to spare."""
    monkeypatch.setattr(prerender, "children_for", lambda builder: 1)
    _, started, taken, _ = parallel_build("parallel", on=True)
    assert started == [] and taken == []
    monkeypatch.undo()
    monkeypatch.setattr(cpus, "usable_cpus", lambda: 2)
    monkeypatch.setattr(background.threading, "active_count", lambda: 1)
    forked: list[format_ahead.FormatAhead | None] = []
    real_start = format_ahead.start
    monkeypatch.setattr(format_ahead, "start", lambda *args: forked.append(real_start(*args)))
    app = make_app("html", srcdir=root_copy("parallel", "ahead-j1"), freshenv=True)
    app.build()
    assert forked == []
