"""What lives for the whole build is frozen out of the collector's scans while the build
runs, and given back when it ends: a process that runs many builds keeps nothing.

The bytes a build writes with the freeze off are compared in test_speedups_switch.py
(``gc_freeze`` is one of the tricks turned off one at a time there); Sphinx's ``-j``
writers, which freeze what they inherit (``writer_freeze``), below, with ``-j 2``.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from sphinxcontrib_highlight.speed import switch


@pytest.fixture
def freeze_counts(make_app, root_copy, monkeypatch):
    """Build the ``parallel`` root; the collector's frozen count as the pages are
    written and after the build, and the count before it."""

    def build(speedups: bool, off: frozenset[str] = frozenset()) -> tuple[int, list[int], int]:
        monkeypatch.setattr(switch, "_enabled", True)
        monkeypatch.setattr(switch, "_off", off)
        gc.unfreeze()  # whatever an earlier test left
        before = gc.get_freeze_count()
        app = make_app(
            "html", srcdir=root_copy("parallel", f"freeze-{speedups}-{sorted(off)}"),
            freshenv=True, confoverrides={"highlight_speedups": speedups},
        )
        during: list[int] = []
        app.connect("doctree-resolved", lambda app, doctree, docname: during.append(
            gc.get_freeze_count()))
        app.build()
        return before, during, gc.get_freeze_count()

    return build


def test_the_build_freezes_what_it_holds_and_thaws_it_at_the_end(freeze_counts):
    before, during, after = freeze_counts(speedups=True)
    assert before == 0
    assert during and min(during) > 1000  # the modules, config and environment at least
    assert after == 0


@pytest.mark.parametrize("off", [frozenset({"gc_freeze"}), None])
def test_nothing_is_frozen_with_the_trick_or_the_layer_off(freeze_counts, off):
    if off is None:
        before, during, after = freeze_counts(speedups=False)
    else:
        before, during, after = freeze_counts(speedups=True, off=off)
    assert during and set(during) == {0}
    assert before == after == 0


def test_a_failed_build_thaws_too(make_app, root_copy, monkeypatch):
    """Sphinx emits ``build-finished`` with the exception: the freeze ends there too."""
    monkeypatch.setattr(switch, "_enabled", True)
    gc.unfreeze()
    app = make_app("html", srcdir=root_copy("parallel", "freeze-failed"), freshenv=True)

    def fail(app, doctree, docname):
        raise RuntimeError("a failing handler")

    app.connect("doctree-resolved", fail)
    with pytest.raises(Exception, match="a failing handler"):
        app.build()
    assert gc.get_freeze_count() == 0



def test_a_process_that_froze_objects_itself_keeps_them_frozen(make_app, root_copy, monkeypatch):
    """A server that froze its objects before forking workers keeps its freeze: the build
    neither freezes more nor thaws the process's own at its end."""
    monkeypatch.setattr(switch, "_enabled", True)
    gc.unfreeze()
    gc.freeze()
    try:
        own = gc.get_freeze_count()
        app = make_app("html", srcdir=root_copy("parallel", "freeze-own"), freshenv=True)
        during: list[int] = []
        app.connect("doctree-resolved", lambda app, doctree, docname: during.append(
            gc.get_freeze_count()))
        app.build()
        after = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert during and max(during) <= own  # nothing more frozen (a frozen object may die)
    assert after > own // 2  # and the process's own not thawed


@pytest.fixture
def parallel_build(make_app, root_copy, tmp_path, monkeypatch):
    """Build the ``parallel`` root with ``-j 2``, the main process freezing nothing
    (``gc_freeze`` off); the collector's frozen count in each process that wrote a page,
    and every file written."""

    def build(writer_freeze: bool) -> tuple[dict[int, set[int]], dict[str, bytes]]:
        monkeypatch.setattr(switch, "_enabled", True)
        monkeypatch.setattr(
            switch, "_off", frozenset({"gc_freeze"} if writer_freeze else {"gc_freeze", "writer_freeze"})
        )
        gc.unfreeze()
        name = f"writers-{writer_freeze}"
        app = make_app("html", srcdir=root_copy("parallel", name), freshenv=True, parallel=2)
        counts = tmp_path / f"{name}.counts"

        def record(app, pagename, templatename, context, doctree):
            with counts.open("a", encoding="utf-8") as lines:  # a writer child's too
                lines.write(f"{os.getpid()} {gc.get_freeze_count()}\n")

        app.connect("html-page-context", record)
        app.build()
        by_process: dict[int, set[int]] = {}
        for line in counts.read_text(encoding="utf-8").splitlines():
            pid, count = map(int, line.split())
            by_process.setdefault(pid, set()).add(count)
        outdir = Path(app.outdir)
        files = {
            path.relative_to(outdir).as_posix(): path.read_bytes()
            for path in sorted(outdir.rglob("*")) if path.is_file()
        }
        return by_process, files

    return build


def test_the_writers_of_a_parallel_build_freeze_what_they_inherit(parallel_build):
    by_process, frozen_files = parallel_build(writer_freeze=True)
    writers = {pid: counts for pid, counts in by_process.items() if pid != os.getpid()}
    assert writers  # Sphinx wrote pages in forked writers
    assert all(min(counts) > 1000 for counts in writers.values())
    assert by_process.get(os.getpid(), {0}) == {0}  # the build's own process froze nothing
    assert gc.get_freeze_count() == 0
    by_process, files = parallel_build(writer_freeze=False)
    assert {count for counts in by_process.values() for count in counts} == {0}
    assert frozen_files.keys() == files.keys()
    assert [name for name in files if files[name] != frozen_files[name]] == []


#: A process that builds the ``parallel`` root with ``sphinx-build``'s own entry point,
#: then, last of its exit hooks (registered first), prints what the collector had frozen.
BUILD_AND_EXIT = """
import atexit, gc, sys
atexit.register(lambda: print("frozen at exit", gc.get_freeze_count(), flush=True))
from sphinx.cmd.build import main
if sys.argv[1] == "build":
    main(["-q", "-b", "html", *sys.argv[2:]])
else:
    import sphinxcontrib_highlight
"""


def frozen_at_exit(tmp_path: Path, how: str, *options: str, off: str = "") -> int:
    import shutil
    import subprocess
    import sys

    project = tmp_path / f"exit-{how}-{off}-{len(options)}"
    shutil.copytree(Path(__file__).parents[1] / "roots" / "test-parallel", project)
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2]),
                   "HIGHLIGHT_SPEEDUPS_OFF": off}
    done = subprocess.run(
        [sys.executable, "-c", BUILD_AND_EXIT, how, *options, str(project),
         str(project / "_build")],
        capture_output=True, text=True, env=environment, check=True, timeout=600,
    )
    (count,) = [int(line.split()[-1]) for line in done.stdout.splitlines()
                if line.startswith("frozen at exit")]
    return count


def test_a_process_that_built_freezes_its_objects_as_it_exits(tmp_path):
    """The interpreter's last collection at exit skips what the process holds."""
    assert frozen_at_exit(tmp_path, "build") > 10_000


@pytest.mark.parametrize(
    ("how", "options", "off"),
    [
        pytest.param("build", (), "exit_freeze", id="trick-off"),
        pytest.param("build", ("-D", "highlight_speedups=0"), "", id="layer-off"),
        pytest.param("import", (), "", id="no-build"),
    ],
)
def test_nothing_is_frozen_at_exit_otherwise(tmp_path, how, options, off):
    assert frozen_at_exit(tmp_path, how, *options, off=off) == 0
