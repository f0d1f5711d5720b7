"""The speed layer's switch: ``highlight_speedups`` in ``conf.py``.

Off, no child is forked, no form of an entry is memoized and the collector is never
paused nor any object frozen, so a build runs the plain path it would run without this
layer; the output is byte-identical either way. One value per process, as Sphinx runs
one build at a time.

Each trick can also be turned off on its own, to measure what it earns
(``benchmarks/run.py --without``): the environment variable ``HIGHLIGHT_SPEEDUPS_OFF``
names them, comma-separated, from :data:`TRICKS`. It is read once, when the package is
imported; a build's process reads it afresh.
"""

from __future__ import annotations

import os

#: The tricks that can be turned off one by one: the child that parses a changed .bib
#: file (``background.start``), the one that writes download files (``background.Worker``),
#: the children that resolve pages ahead (``prerender``), and ``memo``, ``gc_pause``,
#: ``gc_freeze`` and ``packing``, each in its module, ``writer_freeze``, Sphinx's ``-j``
#: writers freezing what they inherit, ``exit_freeze``, a process that built freezing its
#: objects as it exits (both ``gc_freeze``), and ``format_ahead``, the child that formats
#: entries ahead of a ``-j`` build's own process.
TRICKS = (
    "parse_child", "download_child", "prerender", "memo", "gc_pause", "gc_freeze", "packing",
    "writer_freeze", "format_ahead", "exit_freeze",
)

_enabled = True
_off = frozenset(
    name.strip() for name in os.environ.get("HIGHLIGHT_SPEEDUPS_OFF", "").split(",") if name.strip()
)


def set_enabled(enabled: bool) -> None:
    """Turn the speed layer on or off for the builds this process runs from now on."""
    global _enabled  # one switch per process; a forked child inherits it
    _enabled = enabled


def enabled(trick: str | None = None) -> bool:
    """Whether the speed layer runs (given a trick of :data:`TRICKS`: and that trick)."""
    return _enabled and (trick is None or trick not in _off)
