"""The speed layer: every trick that makes a build faster, in one place.

Work done ahead in forked children (parsing a changed .bib file, writing download
files, resolving the pages Sphinx will write next, or with ``-j`` formatting their
entries), memoized forms of entries, pauses
of the garbage collector where a build makes many objects at once, what lives for the
whole build kept out of the collector's scans, and environment
data kept packed as bytes. Every trick is an optimisation only: with
``highlight_speedups = False`` none of them runs and a build writes byte-identical
output (the tests build each root both ways).

The rest of the package reaches this layer through the names below and nothing else;
the modules here import nothing from the other layers (a test holds both rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_highlight.speed import background, switch
from sphinxcontrib_highlight.speed.background import Worker, busy, working_ahead
from sphinxcontrib_highlight.speed.background import start as start_in_child
from sphinxcontrib_highlight.speed.background import started as started_in_child
from sphinxcontrib_highlight.speed.background import wait as wait_for_child
from sphinxcontrib_highlight.speed.gc_freeze import (
    freeze_at_exit,
    freeze_in_writers,
    freeze_long_lived,
    stop_freezing_in_writers,
    thaw,
)
from sphinxcontrib_highlight.speed.gc_pause import collector_paused
from sphinxcontrib_highlight.speed.memo import RECENT, ByContent, Recent, per_content, per_entry
from sphinxcontrib_highlight.speed.packing import Packed, unpacked
from sphinxcontrib_highlight.speed.prerender import (
    PageResolver,
    Resolved,
    Signature,
    finish_prerendering,
    prerenderer_for,
    signature,
)
from sphinxcontrib_highlight.speed.switch import set_enabled

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = [
    "RECENT",
    "ByContent",
    "Packed",
    "PageResolver",
    "Recent",
    "Resolved",
    "Signature",
    "Worker",
    "busy",
    "children_available",
    "collector_paused",
    "per_content",
    "per_entry",
    "prerenderer_for",
    "register",
    "set_enabled",
    "signature",
    "start_in_child",
    "started_in_child",
    "unpacked",
    "wait_for_child",
    "working_ahead",
]


def children_available() -> bool:
    """Whether a .bib file can be parsed in a child process now (see :mod:`.background`)."""
    return background.available() and switch.enabled("parse_child")


def register(app: Sphinx) -> None:
    """Connect the speed layer's own events: the resolving children's end, and the
    collector's freeze of what lives for the whole build (late, after the other
    handlers of ``builder-inited`` made what they keep; thawed after every other
    handler of ``build-finished``), in Sphinx's ``-j`` writers, of what they inherit,
    and of everything as a process that built exits."""
    app.connect("build-finished", finish_prerendering)
    app.connect("write-started", freeze_in_writers)
    app.connect("build-finished", stop_freezing_in_writers)
    app.connect("builder-inited", freeze_long_lived, priority=900)
    app.connect("build-finished", thaw, priority=900)
    app.connect("build-finished", freeze_at_exit)
