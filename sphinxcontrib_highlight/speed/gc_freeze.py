"""What lives for the whole build kept out of the garbage collector's full scans.

Every so often Python's cyclic collector scans every object the process holds. When the
builder starts, the process holds what lives until the build ends: the modules of Sphinx,
docutils and the extensions, the configuration, the environment loaded from the last
build. None of it can become garbage during the build, yet each full collection scanned
it again: ten full collections in a full build of the 2,000-entry benchmark corpus cost
0.9 s, 0.4 s more than plain Sphinx's eight (benchmarks/README.md). ``gc.freeze`` moves
those objects into the collector's permanent generation, which it never scans; the
build's own objects (doctrees, pages, the extension's entries) are collected as before.

At the build's end they are thawed (``gc.unfreeze``), so a process that runs many builds
(a test suite, sphinx-autobuild) frees what one build left, as it would without this:
nothing outlives its build because of the freeze. Forked children (Sphinx's ``-j``
workers and this layer's) inherit the frozen objects, which also spares the copy-on-write
memory a scan would touch.

Sphinx's ``-j`` writers are forked while the build writes, and by then the process holds
far more than it froze at the start: the environment read in this build, the search
index's words, the entries and forms the extension made, the doctrees still to be
written. A writer child lives for one chunk of pages and lets none of that die, yet each
of its full collections scanned all of it, and wrote into every object's header as it
went, copying the parent's memory page by page: at 2,000 entries with ``-j 2`` on two
CPUs, 7-8 ms of the writer's 17-20 ms a page (plain Sphinx's writer: 4.5-6 ms of 13-15).
So while a parallel build writes, each process forked freezes what it inherits as its
first step (``writer_freeze``); what it makes itself is collected as before, and what it
inherits it frees by exiting.

When the interpreter exits, it runs one last full collection over everything still
held, only for the operating system to take the memory back a moment later. After a
build, that collection cost ``sphinx-build`` a tenth of a second at 2,000 entries (the
extension's objects and Sphinx's own: plain Sphinx spends about 0.1 s there too, the
whole of its exit), a fifth of a rebuild after touching a page. So a process that has
built freezes its objects as it exits (``exit_freeze``: an ``atexit`` hook, registered
once, run before the hooks registered earlier, such as ``logging``'s flush and
``multiprocessing``'s, which still run). A process that lives on (a test suite,
sphinx-autobuild) is not affected until it exits; at exit, nothing is lost but the
scan: objects still referenced are freed by reference counting as the modules are
cleared, and the operating system reclaims the rest.
"""

from __future__ import annotations

import atexit
import gc
import os
from typing import TYPE_CHECKING

from sphinxcontrib_highlight.speed import switch

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

_frozen_by_us = False


def freeze_long_lived(app: Sphinx) -> None:
    """Sphinx event ``builder-inited`` (connected late): freeze what the process holds."""
    global _frozen_by_us  # one build at a time per process
    # A process that froze objects of its own (a server forking workers) keeps them so:
    # thawing at the end would undo its freeze, so this build freezes nothing.
    if switch.enabled("gc_freeze") and not _frozen_by_us and gc.get_freeze_count() == 0:
        gc.freeze()
        _frozen_by_us = True


def thaw(app: Sphinx, exception: BaseException | None) -> None:
    """Sphinx event ``build-finished``: give the collector back what the build froze."""
    global _frozen_by_us  # one build at a time per process
    if _frozen_by_us:
        gc.unfreeze()
        _frozen_by_us = False


#: Whether a process forked now freezes what it inherits (set while a parallel build
#: writes; a child keeps the value it was forked with).
_freeze_in_children = False
_at_fork_registered = False


def freeze_in_writers(app: Sphinx, builder: Builder) -> None:
    """Sphinx event ``write-started``: have the writers Sphinx forks for ``-j`` freeze
    what they inherit (only a parallel build forks them)."""
    global _freeze_in_children, _at_fork_registered  # one build at a time per process
    if not (switch.enabled("writer_freeze") and builder.parallel_ok):
        return
    if not _at_fork_registered:  # a hook cannot be removed: one for the process's life
        os.register_at_fork(after_in_child=_freeze_inherited)
        _at_fork_registered = True
    _freeze_in_children = True


def _freeze_inherited() -> None:
    if _freeze_in_children:
        gc.freeze()


def stop_freezing_in_writers(app: Sphinx, exception: BaseException | None) -> None:
    """Sphinx event ``build-finished``: processes forked after the build freeze nothing."""
    global _freeze_in_children  # one build at a time per process
    _freeze_in_children = False


_exit_hook_registered = False


def freeze_at_exit(app: Sphinx, exception: BaseException | None) -> None:
    """Sphinx event ``build-finished``: have this process freeze its objects as it exits
    (registered once per process; checked again at exit, for the last build's switch)."""
    global _exit_hook_registered  # one hook for the process's life
    if switch.enabled("exit_freeze") and not _exit_hook_registered:
        atexit.register(_freeze_for_exit)
        _exit_hook_registered = True


def _freeze_for_exit() -> None:
    if switch.enabled("exit_freeze"):
        gc.freeze()
