"""What lives for the whole build is frozen out of the collector's scans while the build
runs, and given back when it ends: a process that runs many builds keeps nothing.

The bytes a build writes with the freeze off are compared in test_speedups_switch.py
(``gc_freeze`` is one of the tricks turned off one at a time there).
"""

from __future__ import annotations

import gc

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
