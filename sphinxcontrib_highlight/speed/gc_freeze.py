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
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from sphinxcontrib_highlight.speed import switch

if TYPE_CHECKING:
    from sphinx.application import Sphinx

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
