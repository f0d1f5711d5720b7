"""The ``sphinx-highlight`` command line."""

from __future__ import annotations

from sphinxcontrib_highlight.cli.main import main

__all__ = ["main"]
