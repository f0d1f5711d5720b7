"""How fast our CSL engine prints the 2,000-entry benchmark corpus, beside citeproc-js and citeproc-py.

    python benchmarks/csl_speed.py [--entries 2000] [--style apa] [--repeat 3] [--modes ...]

The corpus is ``generate.py``'s (the same seed, so the same entries as the build
benchmarks), read by the project's BibTeX loader and mapped to CSL-JSON as the
comparison does (``tests/citeproc_js.py``). Each processor prints the bibliography of all
the entries, and a citation of each entry alone (``--modes`` picks one), as plain text;
the best of ``--repeat`` runs counts. citeproc-js is timed inside node (building its engine included, which Zotero
also pays once per style) and from outside (node's start and the JSON both ways added).
citeproc-py is only measured where it is installed (``pip install citeproc-py``; it is no
dependency of the project) and is left out of the ratios when it fails on the style.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import citeproc_js  # from tests/, once its folder is on the path
from generate import make_entry

from sphinxcontrib_highlight.bibliography.database import parse_text
from sphinxcontrib_highlight.styles.csl.catalog import StyleSource, find_style

if TYPE_CHECKING:
    from collections.abc import Callable

SEED = 6  # generate.py's default, so that these are the build benchmarks' entries


def corpus(entries: int) -> tuple[dict[str, Any], ...]:
    rng = random.Random(SEED)
    bibtex = "".join(make_entry(rng, index).bibtex + "\n" for index in range(entries))
    return tuple(citeproc_js.csl_items(parse_text(bibtex, "benchmark.bib").entries.values()))


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def time_ours(jobs: list[citeproc_js.Job], repeat: int) -> float:
    engine = citeproc_js.our_engine()
    return best_of(repeat, lambda: engine(jobs))


def time_citeproc_js(jobs: list[citeproc_js.Job], repeat: int) -> tuple[float, float]:
    """Seconds inside node and seconds from outside, each the best of ``repeat``."""
    inside, outside = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        _, inside_ms = citeproc_js.run_citeproc_js(jobs)
        outside.append(time.perf_counter() - started)
        inside.append(inside_ms / 1000)
    return min(inside), min(outside)


def time_citeproc_py(
    style: StyleSource, items: tuple[dict[str, Any], ...], modes: list[str], repeat: int
) -> float:
    """citeproc-py printing the same bibliography and citations (ImportError: not installed)."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    def run() -> None:
        source = CiteProcJSON([dict(item) for item in items])
        parsed = CitationStylesStyle(str(style.origin), validate=False)
        bibliography = CitationStylesBibliography(parsed, source, formatter.plain)
        citations = [Citation([CitationItem(str(item["id"]))]) for item in items]
        for citation in citations:
            bibliography.register(citation)
        if "citation" in modes:
            for citation in citations:
                bibliography.cite(citation, lambda item: None)
        if "bibliography" in modes:
            bibliography.bibliography()

    return best_of(repeat, run)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--style", default="apa")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--modes", nargs="+", choices=citeproc_js.MODES,
                        default=list(citeproc_js.MODES))
    return parser.parse_args()


def main() -> int:
    arguments = _arguments()
    style = find_style(arguments.style)
    items = corpus(arguments.entries)
    jobs = [citeproc_js.Job(style, items, mode) for mode in arguments.modes]
    print(f"{len(items)} entries in {style.style_id}, {' and '.join(arguments.modes)}, "
          f"best of {arguments.repeat}")
    ours = time_ours(jobs, arguments.repeat)
    print(f"  ours (Python):                      {ours:7.2f} s")
    reason = citeproc_js.missing()
    if reason is None:
        inside, outside = time_citeproc_js(jobs, arguments.repeat)
        print(f"  citeproc-js, inside node:           {inside:7.2f} s   ours ×{ours / inside:.2f}")
        print(f"  citeproc-js, node start included:   {outside:7.2f} s   ours ×{ours / outside:.2f}")
    else:
        print(f"  citeproc-js: not run ({reason})")
    try:
        python = time_citeproc_py(style, items, arguments.modes, arguments.repeat)
    except ImportError:
        print('  citeproc-py: not installed (pip install -e ".[bench]")')
    except Exception as error:  # noqa: BLE001 - citeproc-py not printing a style is a result
        print(f"  citeproc-py: fails on {style.style_id}: {type(error).__name__}: {error}")
    else:
        print(f"  citeproc-py:                        {python:7.2f} s   ours ×{ours / python:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
