"""How often our CSL engine prints an entry exactly as citeproc-js (Zotero) does, per style.

    python benchmarks/csl_vs_citeproc_js.py                # every style, every entry
    python benchmarks/csl_vs_citeproc_js.py --limit 200 --styles apa nature --diffs 5
    python benchmarks/csl_vs_citeproc_js.py --ours altered # check the harness itself

Needs node and ``npm ci --prefix scripts/citeproc-js``. The items are the entries of the
project's real BibTeX files; the comparison is in ``tests/citeproc_js.py``. All of it,
petsc.bib's 3,994 entries included, takes citeproc-js about two minutes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import citeproc_js  # from tests/, once its folder is on the path

# The renderers that can stand as "ours": the engine, or citeproc-js itself unchanged or
# altered, to see that the harness finds no difference, or every one, where it should.
OURS = {
    "engine": citeproc_js.our_engine,
    "citeproc-js": lambda: citeproc_js.citeproc_js,
    "altered": lambda: citeproc_js.hyphens_for_dashes(citeproc_js.citeproc_js),
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--styles", nargs="+", default=list(citeproc_js.STYLES))
    parser.add_argument("--bib", nargs="+", type=Path, default=list(citeproc_js.BIB_FILES))
    parser.add_argument("--limit", type=int, help="at most this many entries of each file")
    parser.add_argument("--modes", nargs="+", choices=citeproc_js.MODES,
                        default=list(citeproc_js.MODES))
    parser.add_argument("--diffs", type=int, default=3, help="differences shown per style")
    parser.add_argument("--format", choices=("text", "html"), default="text",
                        help="citeproc-js's output format compared (and the engine's)")
    parser.add_argument("--ours", choices=OURS, default="engine")
    return parser.parse_args()


def _first_difference(ours: str, reference: str) -> int:
    for index, (mine, theirs) in enumerate(zip(ours, reference, strict=False)):
        if mine != theirs:
            return index
    return min(len(ours), len(reference))


def _show(difference: citeproc_js.Difference) -> str:
    ours = "(not printed)" if difference.ours is None else difference.ours
    reference = "(not printed)" if difference.reference is None else difference.reference
    at = _first_difference(ours, reference)
    return (
        f"    {difference.label} {difference.id}:\n"
        f"      ours:        {ours}\n"
        f"      citeproc-js: {reference}\n"
        f"                   {' ' * at}^"
    )


def main() -> int:
    arguments = _arguments()
    reason = citeproc_js.missing()
    if reason is not None:
        print(f"cannot run citeproc-js: {reason}", file=sys.stderr)
        return 2
    ours = OURS[arguments.ours]()
    started = time.perf_counter()
    jobs = citeproc_js.jobs_for(
        arguments.styles, arguments.bib, arguments.limit, arguments.modes, arguments.format
    )
    tallies = citeproc_js.compare(jobs, ours)
    seconds = time.perf_counter() - started
    print(f"{arguments.ours} against citeproc-js ({arguments.format}), {len(jobs)} jobs, "
          f"{seconds:.0f} s")
    print(f"{'style':36} {'mode':12} {'identical':>15} {'%':>6}  order")
    for (style_id, mode), tally in tallies.items():
        order = "same" if tally.order_identical else (
            f"differs in {', '.join(tally.orders_differing)}")
        print(f"{style_id:36} {mode:12} {tally.identical:>7}/{tally.total:<7} "
              f"{tally.percent:6.1f}  {order}")
    print(f"overall: {citeproc_js.overall_percent(tallies.values()):.1f} %")
    for (style_id, mode), tally in tallies.items():
        if not (tally.differences or tally.errors):
            continue
        print(f"\n{style_id} ({mode}):")
        for error in tally.errors:
            print(f"    error: {error}")
        for difference in tally.differences[: arguments.diffs]:
            print(_show(difference))
    return 0


if __name__ == "__main__":
    sys.exit(main())
