"""``python -m sphinxcontrib_highlight``: the ``sphinx-highlight`` command line."""

from __future__ import annotations

from sphinxcontrib_highlight.cli.main import main

raise SystemExit(main(prog="python -m sphinxcontrib_highlight"))
