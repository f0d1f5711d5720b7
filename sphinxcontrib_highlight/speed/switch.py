"""The speed layer's switch: ``highlight_speedups`` in ``conf.py``.

Off, no child is forked, no form of an entry is memoized and the collector is never
paused, so a build runs the plain path it would run without this layer; the output is
byte-identical either way. One value per process, as Sphinx runs one build at a time.
"""

from __future__ import annotations

_enabled = True


def set_enabled(enabled: bool) -> None:
    """Turn the speed layer on or off for the builds this process runs from now on."""
    global _enabled  # one switch per process; a forked child inherits it
    _enabled = enabled


def enabled() -> bool:
    """Whether the speed layer runs."""
    return _enabled
