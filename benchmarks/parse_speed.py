"""Time parsing BibTeX files: this package's reader against pybtex and bibtexparser 2.

Each parser reads the text into memory (no cache directory): this package's
``parse_text`` as a build without a cache runs it, the same with every chunk sent to
pybtex's scanner (no regex reader), pybtex's ``parse_string`` (lenient, as sphinxcontrib-
bibtex reads files), and bibtexparser 2's ``parse_string`` with its name-splitting
middlewares, when it is installed. Each time is the fastest of ``--repeat`` runs, in
one process, after one run that warms the caches of imports.

    python benchmarks/parse_speed.py FILE.bib ... [--strings 3000] [--repeat 3]

``--strings N`` adds a generated file of N ``@string`` macros and N entries using them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pybtex.errors
from pybtex.database import parse_string

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sphinxcontrib_highlight.bibliography import parse as bibparse
from sphinxcontrib_highlight.bibliography.database import parse_text

if TYPE_CHECKING:
    from collections.abc import Callable


def macro_heavy(count: int) -> str:
    """``count`` ``@string`` macros, then ``count`` entries each using one of them."""
    macros = "".join(f'@string{{jn{n} = "Journal of Things number {n}"}}\n' for n in range(count))
    entries = "".join(
        f"@article{{key{n},\n  author = {{Doe, Jane and Roe, Rick}},\n  title = {{Title {n}}},\n"
        f"  journal = jn{n},\n  year = 2020,\n}}\n"
        for n in range(count)
    )
    return macros + entries


def ours(text: str) -> None:
    parse_text(text, "timed.bib")


def scanner_only(text: str) -> None:
    regular = bibparse._regular_entry

    def irregular(*args: object) -> None:
        raise bibparse._Irregular

    bibparse._regular_entry = irregular
    try:
        parse_text(text, "timed.bib")
    finally:
        bibparse._regular_entry = regular


def pybtex_lenient(text: str) -> None:
    pybtex.errors.set_strict_mode(False)
    try:
        parse_string(text, "bibtex")
    finally:
        pybtex.errors.set_strict_mode(True)


def parsers() -> dict[str, Callable[[str], None]]:
    found: dict[str, Callable[[str], None]] = {
        "this package": ours, "scanner only": scanner_only, "pybtex": pybtex_lenient,
    }
    try:
        import bibtexparser
        from bibtexparser import middlewares
    except ImportError:
        return found

    def bibtexparser2(text: str) -> None:
        bibtexparser.parse_string(text, append_middleware=[
            middlewares.SeparateCoAuthors(), middlewares.SplitNameParts(),
        ])

    found[f"bibtexparser {bibtexparser.__version__}"] = bibtexparser2
    return found


def fastest(parse: Callable[[str], None], text: str, repeat: int) -> float:
    parse(text)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse(text)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("files", nargs="*", type=Path)
    options.add_argument("--strings", type=int, default=0)
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()
    files = list(args.files)
    if args.strings:
        generated = Path(tempfile.mkdtemp()) / f"strings-{args.strings}.bib"
        generated.write_text(macro_heavy(args.strings), encoding="utf-8")
        files.append(generated)
    chosen = parsers()
    print("| file | size | " + " | ".join(chosen) + " |")
    print("|---|---|" + "---|" * len(chosen))
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        cells = [f"{fastest(parse, text, args.repeat):.3f} s" for parse in chosen.values()]
        size = f"{len(text.encode()) / 1e6:.2f} MB"
        print(f"| {path.name} | {size} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
