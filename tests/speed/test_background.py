"""Work done in a child process (parsing a changed .bib, writing downloads) changes
nothing but where it runs: the same pages, the same files, the same warnings, and the
build still completes when the child fails."""

from __future__ import annotations

import multiprocessing
import os
from functools import partial
from pathlib import Path

import pytest
from conftest import output_files, own_warnings, soup
from sphinx.builders.html import StandaloneHTMLBuilder

from sphinxcontrib_highlight.bibliography import database as bibdata
from sphinxcontrib_highlight.bibliography import parse as bibparse
from sphinxcontrib_highlight.speed import background, prerender, switch
from sphinxcontrib_highlight.speed import cpus as speed_cpus
from sphinxcontrib_highlight.sphinxext import transforms
from sphinxcontrib_highlight.web import downloads


def record_pids(monkeypatch: pytest.MonkeyPatch, module: object, name: str, log: Path) -> None:
    """Append the process id to ``log`` each time ``module.name`` runs, in any process."""
    real = getattr(module, name)

    def recording(*args: object, **kwargs: object) -> object:
        with log.open("a", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)


def pids(log: Path) -> set[int]:
    return {int(line) for line in log.read_text(encoding="utf-8").split()} if log.exists() else set()


@pytest.fixture(params=["parallel", "bad-bib", "bad-input", "reader"])
def root(request) -> str:
    """A root with many pages, one whose .bib has a problem of every kind, one whose
    second page warns, and one with citation blocks, meta tags and downloads."""
    return request.param


def result(app) -> tuple[dict[str, bytes], list[str]]:
    """What a build made: its output files and its own warnings."""
    return output_files(Path(app.outdir)), own_warnings(app)


@pytest.fixture
def build_root(make_app, root_copy, root):
    """Build the test root afresh (HTML) with the extension as the test patched it."""

    def build(**kwargs: object):
        app = make_app("html", srcdir=root_copy(root), freshenv=True, **kwargs)
        app.build()
        return app

    return build


@pytest.fixture
def in_process_build(make_app, root_copy, root, monkeypatch):
    """The test root built with every job done in the build's own process."""
    with monkeypatch.context() as patch:
        patch.setattr(background, "available", lambda: False)
        app = make_app("html", srcdir=root_copy(root, "in-process"), freshenv=True)
        app.build()
    return result(app)


@pytest.fixture
def fresh_parse(monkeypatch):
    """Start each build with empty in-process caches, as a new sphinx-build process does."""
    monkeypatch.setattr(bibdata, "_cache", {})
    monkeypatch.setattr(bibdata, "_bibliographies", {})


needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="os.fork is POSIX-only"
)


@pytest.fixture(autouse=True)
def two_cpus(monkeypatch):
    """Children run only beside a second CPU: say there is one, so that a one-CPU machine
    tests them too."""
    monkeypatch.setattr(speed_cpus, "usable_cpus", lambda: 2)


@needs_fork
def test_bib_is_parsed_in_a_child_with_the_same_result(
    build_root, in_process_build, fresh_parse, monkeypatch, tmp_path
):
    log = tmp_path / "parses.log"
    record_pids(monkeypatch, bibparse, "parse_chunk", log)
    app = build_root()
    assert pids(log) and os.getpid() not in pids(log)
    assert result(app) == in_process_build


@needs_fork
def test_a_child_that_dies_while_parsing_changes_nothing(
    build_root, in_process_build, fresh_parse, monkeypatch, tmp_path
):
    monkeypatch.setattr(bibdata, "_load_files", lambda *args: os._exit(3))
    log = tmp_path / "parses.log"
    record_pids(monkeypatch, bibparse, "parse_chunk", log)
    app = build_root()
    assert pids(log) == {os.getpid()}  # the build parsed the file itself
    assert result(app) == in_process_build


@needs_fork
def test_downloads_are_written_by_a_child_with_the_same_content(
    build_root, in_process_build, monkeypatch, tmp_path
):
    monkeypatch.setattr(downloads, "Worker", partial(background.Worker, inline=0))
    log = tmp_path / "writes.log"
    record_pids(monkeypatch, downloads, "write_files", log)
    app = build_root()
    assert pids(log) and os.getpid() not in pids(log)
    assert result(app) == in_process_build


@needs_fork
def test_the_download_child_yields_the_cpu_to_the_build(
    build_root, in_process_build, monkeypatch, tmp_path
):
    """No one waits for the download files until the build ends: where the build's
    processes want every CPU (``-j 2`` on two CPUs), they go first. (Without the child
    that resolves pages ahead, which writes its pages' files itself, as with ``-j``.)"""
    monkeypatch.setattr(switch, "_off", frozenset({"prerender"}))
    monkeypatch.setattr(downloads, "Worker", partial(background.Worker, inline=0))
    log = tmp_path / "niceness.log"
    real = downloads.write_files

    def noting_niceness(*args: object) -> None:
        with log.open("a") as stream:
            stream.write(f"{os.getpid()} {os.nice(0)}\n")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(downloads, "write_files", noting_niceness)
    app = build_root()
    seen = {tuple(map(int, line.split())) for line in log.read_text().splitlines()}
    expected = min(os.nice(0) + background.WORKER_NICENESS, 19)
    assert seen and {niceness for _, niceness in seen} == {expected}
    assert os.getpid() not in {pid for pid, _ in seen}
    assert os.nice(0) < expected  # the build itself keeps its priority
    assert result(app) == in_process_build


@needs_fork
def test_downloads_are_written_when_the_child_fails(
    build_root, in_process_build, monkeypatch
):
    monkeypatch.setattr(downloads, "Worker", partial(background.Worker, inline=0))
    parent = os.getpid()
    real = downloads.write_files

    def fail_in_child(*args: object) -> None:
        if os.getpid() != parent:
            raise OSError("no space left on device")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(downloads, "write_files", fail_in_child)
    app = build_root()
    assert result(app) == in_process_build
    assert not list(Path(app.outdir).rglob(".tmp-*"))


def test_download_files_are_written_once_and_restored_when_deleted(make_app, root_copy):
    srcdir = root_copy("parallel")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    written = {
        path: path.stat().st_mtime_ns
        for path in Path(app.outdir, downloads.DOWNLOAD_DIR).rglob("*") if path.is_file()
    }
    assert written
    deleted = min(written)
    deleted.unlink()
    again = make_app("html", srcdir=srcdir, freshenv=True)  # every page written again
    again.build()
    assert deleted.is_file()
    assert {path: path.stat().st_mtime_ns for path in written if path != deleted} == {
        path: mtime for path, mtime in written.items() if path != deleted
    }
    for page in ("index", "page01", "bibliography"):
        for link in soup(again, page).select("a.highlight-download, a.highlight-copy"):
            assert Path(again.outdir, link["href"]).is_file(), link["href"]


def test_no_child_is_forked_from_a_process_running_threads(
    make_app, root_copy, fresh_parse, monkeypatch, tmp_path
):
    """A program that embeds Sphinx may hold locks in other threads: forking it is unsafe."""
    import threading

    log = tmp_path / "parses.log"
    record_pids(monkeypatch, bibparse, "parse_chunk", log)
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        app = make_app("html", srcdir=root_copy("parallel"), freshenv=True)
        app.build()
    finally:
        release.set()
        waiting.join()
    assert pids(log) == {os.getpid()}
    assert list(Path(app.outdir, downloads.DOWNLOAD_DIR).rglob("*.bib"))


def count_taken(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Each page the build resolves, and whether it took the child's result."""
    taken: list[tuple[str, bool]] = []
    real = prerender.Prerenderer.take

    def counting(self, docname, placeholders):
        found = real(self, docname, placeholders)
        taken.append((docname, found is not None))
        return found

    monkeypatch.setattr(prerender.Prerenderer, "take", counting)
    return taken


@needs_fork
def test_pages_resolved_ahead_by_a_child_give_the_same_build(
    build_root, root, in_process_build, monkeypatch
):
    """Nodes, warnings (in order), download files and meta tags, as the build makes them."""
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    taken = count_taken(monkeypatch)
    app = build_root()
    assert result(app) == in_process_build
    if root != "bad-bib":  # several pages: the child is ahead for some
        assert any(was_taken for _, was_taken in taken)


@needs_fork
def test_a_parallel_build_waits_for_the_child_and_gives_the_same_build(
    build_root, root, in_process_build, monkeypatch
):
    """With -j, the build prepares pages faster than the child resolves them: it waits
    for the child's result rather than resolving the page twice. (Four CPUs: Sphinx's two
    writers and its own process leave one for a child.)"""
    monkeypatch.setattr(speed_cpus, "usable_cpus", lambda: 4)
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    taken = count_taken(monkeypatch)
    app = build_root(parallel=2)
    files, warnings = in_process_build
    assert output_files(Path(app.outdir)) == files
    assert sorted(own_warnings(app)) == sorted(warnings)  # -j reads in another order
    if root == "parallel":  # every page comes from the child, the first included
        assert taken and all(was_taken for _, was_taken in taken)


def build_on_cpus(build_root, monkeypatch, tmp_path, cpus: int, jobs: int):
    """Build the root with ``-j jobs`` as if the machine had ``cpus`` CPUs, the children
    starting at the first page; the app and the ids of the processes that resolved pages."""
    monkeypatch.setattr(speed_cpus, "usable_cpus", lambda: cpus)
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    log = tmp_path / "resolved.log"
    record_pids(monkeypatch, transforms, "resolve_page", log)
    app = build_root(parallel=jobs)
    return app, pids(log)


@needs_fork
@pytest.mark.parametrize("root", ["parallel"])  # many pages
def test_with_j_2_two_children_share_the_pages(
    build_root, in_process_build, monkeypatch, tmp_path
):
    """With -j N the build only prepares pages and waits for them: N children (at most
    one per CPU that Sphinx's writers and its own process leave free) resolve alternate
    pages, and the build is the same."""
    taken = count_taken(monkeypatch)
    app, resolvers = build_on_cpus(build_root, monkeypatch, tmp_path, cpus=5, jobs=2)
    assert result(app)[0] == in_process_build[0]
    assert len(resolvers) == 2 and os.getpid() not in resolvers
    assert taken and all(was_taken for _, was_taken in taken)


@needs_fork
@pytest.mark.parametrize("root", ["parallel"])  # many pages
def test_with_j_2_on_two_cpus_sphinx_writes_in_parallel_and_no_child_resolves(
    build_root, in_process_build, monkeypatch, tmp_path
):
    """The user's -j stands: on two CPUs Sphinx's two writers and its own process take
    every CPU, so no child resolves pages, and the pages are written by several
    processes (the build writes the first itself, its workers the rest)."""
    writers = tmp_path / "writers.log"
    record_pids(monkeypatch, StandaloneHTMLBuilder, "write_doc", writers)
    app, resolvers = build_on_cpus(build_root, monkeypatch, tmp_path, cpus=2, jobs=2)
    assert app.builder.allow_parallel is True
    assert app.builder.parallel_ok is True
    assert resolvers == set()  # no child resolved a page: the build resolved them all
    assert len(pids(writers) - {os.getpid()}) >= 1
    assert result(app)[0] == in_process_build[0]


@needs_fork
@pytest.mark.parametrize("root", ["parallel"])  # many pages
def test_with_j_3_on_five_cpus_one_child_resolves(build_root, monkeypatch, tmp_path):
    """Children take only the CPUs Sphinx leaves free: with five CPUs and -j 3, its three
    writers and its own process take four, and one child resolves pages."""
    app, resolvers = build_on_cpus(build_root, monkeypatch, tmp_path, cpus=5, jobs=3)
    assert app.builder.parallel_ok is True
    assert len(resolvers) == 1 and os.getpid() not in resolvers


@needs_fork
@pytest.mark.parametrize("root", ["parallel"])  # many pages
def test_with_j_2_a_child_that_cannot_start_leaves_its_pages_to_the_build(
    build_root, in_process_build, monkeypatch
):
    """If the second child cannot be forked, the build resolves that child's share of the
    pages itself (it does not wait for them from the other child) and is the same."""
    monkeypatch.setattr(speed_cpus, "usable_cpus", lambda: 5)
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    real_fork = background.fork
    forks = []

    def second_fails(target, *args):
        if getattr(target, "__name__", "") == "_resolve_pages":
            forks.append(target)
            if len(forks) == 2:
                raise OSError("cannot fork")
        return real_fork(target, *args)

    monkeypatch.setattr(background, "fork", second_fails)
    taken = count_taken(monkeypatch)
    app = build_root(parallel=2)
    assert result(app)[0] == in_process_build[0]
    pages = [was_taken for _, was_taken in taken]
    assert pages[0::2] == [True] * len(pages[0::2])  # the first child's share
    assert pages[1::2] == [False] * len(pages[1::2])  # the share of the one that failed


@needs_fork
def test_the_child_starts_with_a_full_build_and_not_for_one_page(
    make_app, root_copy, monkeypatch
):
    """A build that reads every page starts the child as it starts writing, before its
    first page with citations; a build that rewrites one page starts none (forking would
    cost more than it saves)."""
    started = []
    real_fork = background.fork

    def recording_fork(target, *args):
        # With the number of pages resolved so far: the child starts before the first.
        started.append((getattr(target, "__name__", ""), len(taken)))
        return real_fork(target, *args)

    monkeypatch.setattr(background, "fork", recording_fork)
    taken = count_taken(monkeypatch)
    srcdir = root_copy("parallel")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert ("_resolve_pages", 0) in started
    started.clear()
    taken.clear()
    (srcdir / "page05.rst").touch()
    again = make_app("html", srcdir=srcdir)
    again.build()
    assert [docname for docname, _ in taken] == ["page05"]
    assert not any(name == "_resolve_pages" for name, _ in started)


@needs_fork
@pytest.mark.parametrize("builder", ["latex", "singlehtml"])
def test_no_child_for_builders_that_assemble_documents(make_app, root_copy, monkeypatch, builder):
    """LaTeX and single-page HTML resolve assembled documents: a child resolving each
    page would do work that nothing takes."""
    started = []
    real_fork = background.fork
    monkeypatch.setattr(background, "fork", lambda target, *args: started.append(
        getattr(target, "__name__", "")) or real_fork(target, *args))
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    app = make_app(builder, srcdir=root_copy("parallel"), freshenv=True)
    app.build()
    assert "_resolve_pages" not in started
    assert prerender.writes_page_by_page(app.builder) is False


@needs_fork
def test_a_resolving_child_that_dies_changes_nothing(
    build_root, in_process_build, monkeypatch
):
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    monkeypatch.setattr(prerender, "_resolve_pages", lambda *args: os._exit(3))
    app = build_root()
    assert result(app) == in_process_build


@needs_fork
def test_a_page_whose_placeholders_differ_is_resolved_by_the_build(
    build_root, in_process_build, monkeypatch
):
    """Another extension's post-transform may change a page before this one runs: the
    child's result is then not the page's, and the build resolves the page itself."""
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    real = transforms.resolve_page

    def other_placeholders(env, docname):
        signature, replacements, attributes = real(env, docname)
        return [*signature, ("changed", {})], replacements, attributes

    monkeypatch.setattr(transforms, "resolve_page", other_placeholders)
    taken = count_taken(monkeypatch)
    app = build_root()
    assert taken and not any(was_taken for _, was_taken in taken)
    assert result(app) == in_process_build


@needs_fork
def test_pages_showing_too_many_entries_are_resolved_by_the_build(
    build_root, in_process_build, monkeypatch
):
    """A page listing a whole large file would make one message as large as the file."""
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    monkeypatch.setattr(prerender, "MOST_ENTRIES_A_PAGE", 0)
    taken = count_taken(monkeypatch)
    app = build_root()
    domain = app.env.domains["highlight"]
    assert any(domain.entries_shown(docname) for docname, _ in taken)
    assert not any(was_taken and domain.entries_shown(docname) for docname, was_taken in taken)
    assert result(app) == in_process_build


def child_always_ahead(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Children start at the first page and the build waits for each page's result (as
    it does with -j), so that a page comes from a child unless the child left it to the
    build; each page the build resolves, and whether it took the child's result."""
    monkeypatch.setattr(prerender, "PAGES_BEFORE_CHILD", 0)
    monkeypatch.setattr(prerender, "LONGEST_WAIT", 60.0)  # a busy machine is no reason to differ
    real_start = prerender.Prerenderer._start

    def waiting(self, *args):
        real_start(self, *args)
        self._waits = bool(self._order)

    monkeypatch.setattr(prerender.Prerenderer, "_start", waiting)
    return count_taken(monkeypatch)


@needs_fork
@pytest.mark.parametrize("root", ["sphinx-warns"])
def test_pages_on_which_sphinx_warns_come_from_the_child_unchanged(
    build_root, in_process_build, monkeypatch
):
    """Sphinx warns on these pages (a missing image as it reads them, undefined labels
    and documents as it resolves them after the extension) beside the extension's own
    warnings: a child resolving them gives the same files and the same warnings, in the
    same order."""
    taken = child_always_ahead(monkeypatch)
    app = build_root()
    files, warned = in_process_build
    assert [line.split(": WARNING: ")[1] for line in warned] == [
        "image file not readable: missing.png [image.not_readable]",
        ":hcite: key 'nobody1999' is not in the bibliography [highlight.unknown_key]",
        "undefined label: 'no-such-label' [ref.ref]",
        ":hcite: key 'nobody1999' is not in the bibliography [highlight.unknown_key]",
        "undefined label: 'another-missing-label' [ref.ref]",
        "unknown document: 'no-such-page' [ref.doc]",
    ]
    assert result(app) == (files, warned)
    assert taken == [(page, True) for page in ("first", "fourth", "index", "second", "third")]


@needs_fork
def test_a_page_on_which_sphinx_warns_in_the_child_is_left_to_the_build(
    make_app, root_copy, monkeypatch
):
    """Sphinx's own code may log while the extension resolves a page (here: its logger,
    called from the post-transform on one page). A child keeps only the extension's
    warnings, so it sends no result for that page: the build resolves the page itself
    and logs everything in order, and the child goes on with the next pages."""
    from sphinx.util import logging as sphinx_logging

    real_replace = transforms.ResolveHighlight.replace

    def sphinx_warns_on_second(self, placeholders):
        docname = placeholders[0]["docname"]
        if docname == "second":
            sphinx_logging.getLogger("sphinx.transforms.post_transforms").warning(
                "a warning of Sphinx's own, logged while the page resolves", location=docname,
            )
        return real_replace(self, placeholders)

    monkeypatch.setattr(transforms.ResolveHighlight, "replace", sphinx_warns_on_second)
    with monkeypatch.context() as patch:
        patch.setattr(background, "available", lambda: False)
        alone = make_app("html", srcdir=root_copy("sphinx-warns", "in-process"), freshenv=True)
        alone.build()
    expected = result(alone)
    assert sum("a warning of Sphinx's own" in line for line in expected[1]) == 1
    taken = child_always_ahead(monkeypatch)
    app = make_app("html", srcdir=root_copy("sphinx-warns"), freshenv=True)
    app.build()
    assert result(app) == expected
    assert taken == [("first", True), ("fourth", True), ("index", True), ("second", False),
                     ("third", True)]


def pages_resolved_in_a_child(resolve) -> list[dict]:
    """Three pages resolved by ``resolve`` in a forked resolving child, which must end
    well: the attributes each page's result carries, in order."""
    import pickle

    resolver = prerender.PageResolver(
        docnames=list, written=list, entries_shown=lambda docname: 1, resolve=resolve,
        keep_side_effects=lambda: ([], []), format_entries=lambda docname: None,
    )
    receiver, sender = background.pipe()
    pages = [(0, "a"), (1, "b"), (2, "c")]
    child = background.fork(
        prerender._resolve_pages, None, resolver, pages, background.shared_counter(-1), sender
    )
    sender.close()
    attributes = []
    for _ in pages:
        _docname, blob = pickle.loads(receiver.recv_bytes())
        attributes.append(pickle.loads(blob).attributes)
    child.join()
    receiver.close()
    assert child.exitcode == 0
    return attributes


def test_a_resolving_child_freezes_what_survives_each_page():
    """The child collects each page's garbage after sending it; what outlives a page (the
    style, caches) is frozen then, so the next page's collection does not scan it again
    (a full scan per page was a sixth of the child's time at 2,000 entries)."""
    import gc

    survivors: list[list[list[int]]] = []

    def resolve(docname: str):
        survivors.append([[] for _ in range(100)])  # made on this page, kept for good
        return [], [], {"frozen": gc.get_freeze_count()}

    frozen = [attributes["frozen"] for attributes in pages_resolved_in_a_child(resolve)]
    # Each page finds the previous pages' survivors (101 objects each) frozen.
    assert frozen[1] - frozen[0] >= 101
    assert frozen[2] - frozen[1] >= 101


def test_a_page_resolved_in_the_child_leaves_nothing_frozen_behind():
    """A page's nodes (cycles: each points to its parent) die before the child collects
    and freezes what survives the page; frozen, they would never be collected, and the
    child grew by the size of every page it resolved."""
    import weakref

    from docutils import nodes

    made: list[weakref.ref[nodes.Node]] = []

    def resolve(docname: str):
        alive = [ref() is not None for ref in made]
        paragraph = nodes.paragraph("", "", nodes.Text(f"the page {docname}"))
        made.append(weakref.ref(paragraph))
        return [("placeholder", {})], [[paragraph]], {"alive": alive}

    alive = [attributes["alive"] for attributes in pages_resolved_in_a_child(resolve)]
    assert alive == [[], [False], [False, False]]
