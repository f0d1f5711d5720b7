"""How fast the CSL engine renders bibliographies, and proof that making it faster changed
nothing it prints.

    python benchmarks/generate.py --entries 2000 --pages 100 --cites 20 /tmp/b2k
    python benchmarks/csl_render_speed.py --bib /tmp/b2k/highlight/refs.bib --styles apa
    python benchmarks/csl_render_speed.py --corpus /tmp/b2k --write /tmp/before.json
    python benchmarks/csl_render_speed.py --corpus /tmp/b2k --compare /tmp/before.json

Each style renders each .bib file twice, as the Sphinx side uses it: every entry on its
own (``CslStyle.render``, one engine per entry) and the whole file as one list
(``CslStyle.bibliography``). The times printed are per entry. ``--write`` keeps every
rendering (rich text as HTML, with what the style found missing); ``--compare`` checks a
new run against such a file byte for byte and exits 1 on any difference.

Without ``--styles``, the styles are the house styles (``styles/csl/house/*.csl``) and the
package's own ``neurosci-bull`` and ``springer-nature``; without ``--bib``, the files are
the test data (``tests/data/*.bib``, ``tests/data/corpora/*.bib``) and the 2,000-entry
generated corpus given with ``--corpus``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sphinxcontrib_highlight.bibliography.database import load_bibliography
from sphinxcontrib_highlight.styles.csl_style import CslStyle

if TYPE_CHECKING:
    from collections.abc import Callable

    from pybtex.database import Entry

    from sphinxcontrib_highlight.styles.base import Rendered
    from sphinxcontrib_highlight.styles.csl_style import Lookup

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
HOUSE = ROOT / "sphinxcontrib_highlight" / "styles" / "csl" / "house"
OWN_STYLES = ("neurosci-bull", "springer-nature")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--styles", nargs="+", help="CSL ids (default: house and own styles)")
    parser.add_argument("--bib", nargs="+", type=Path, help=".bib files (default: test data)")
    parser.add_argument("--corpus", type=Path, help="a benchmarks/generate.py folder")
    parser.add_argument("--modes", nargs="+", choices=("one", "list"), default=["one", "list"])
    parser.add_argument("--repeat", type=int, default=1, help="time the best of N runs")
    parser.add_argument("--write", type=Path, help="keep every rendering in this JSON file")
    parser.add_argument("--compare", type=Path, help="compare with a --write file")
    return parser.parse_args()


def _styles(chosen: list[str] | None) -> list[str]:
    if chosen:
        return chosen
    return [*sorted(path.stem for path in HOUSE.glob("*.csl")), *OWN_STYLES]


def _bib_files(chosen: list[Path] | None, corpus: Path | None) -> list[Path]:
    if chosen:
        return chosen
    data = ROOT / "tests" / "data"
    files = [*sorted(data.glob("*.bib")), *sorted((data / "corpora").glob("*.bib"))]
    if corpus is not None:
        files.append(corpus / "highlight" / "refs.bib")
    return files


def _shown(rendered: object) -> str:
    """A rendering as text that differs whenever anything the Sphinx side uses does."""
    return json.dumps([
        rendered.text.render_as("html"),  # type: ignore[attr-defined]
        rendered.missing_fields,  # type: ignore[attr-defined]
        rendered.unknown_type,  # type: ignore[attr-defined]
        rendered.invalid_latex,  # type: ignore[attr-defined]
    ], ensure_ascii=False)


def _best(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """The shortest processor time of ``repeat`` runs, and what one gave: the machine
    is shared, and processor time is what other work disturbs least."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        result = run()
        times.append(time.process_time() - start)
    return min(times), result


def _one_by_one(style: CslStyle, entries: list[Entry], lookup: Lookup) -> list[Rendered]:
    """Each entry rendered on its own, as the Sphinx side renders a list's entries."""
    return [style.render(entry, lookup) for entry in entries]


def main() -> int:
    arguments = _arguments()
    outputs: dict[str, list[str]] = {}
    for bib_path in _bib_files(arguments.bib, arguments.corpus):
        bibliography = load_bibliography([bib_path], "utf-8")
        entries = [bibliography.get(key) for key in bibliography.keys()]  # noqa: SIM118 - no dict
        entries = [entry for entry in entries if entry is not None]
        print(f"{bib_path} ({len(entries)} entries), ms per entry:")
        for style_id in _styles(arguments.styles):
            style = CslStyle(style_id)
            timings = []
            if "one" in arguments.modes:
                elapsed, rendered = _best(arguments.repeat, partial(
                    _one_by_one, style, entries, bibliography.get
                ))
                timings.append(f"one by one {1000 * elapsed / len(entries):6.2f}")
                outputs[f"{bib_path.name} {style_id} one"] = [_shown(one) for one in rendered]
            if "list" in arguments.modes:
                elapsed, listed = _best(
                    arguments.repeat, partial(style.bibliography, entries, bibliography.get)
                )
                timings.append(f"as a list {1000 * elapsed / len(entries):6.2f} ({elapsed:.2f} s)")
                outputs[f"{bib_path.name} {style_id} list"] = [
                    f"{entry.key} {_shown(rendered)}" for entry, rendered in listed
                ]
            print(f"  {style_id:40} {'   '.join(timings)}", flush=True)
    if arguments.write:
        arguments.write.write_text(json.dumps(outputs, ensure_ascii=False, indent=0))
    if arguments.compare:
        return _compare(json.loads(arguments.compare.read_text()), outputs)
    return 0


def _compare(before: dict[str, list[str]], now: dict[str, list[str]]) -> int:
    differences = 0
    for name, renderings in now.items():
        earlier = before.get(name)
        if earlier is None:
            print(f"not in the earlier run: {name}")
            differences += 1
            continue
        for old, new in zip(earlier, renderings, strict=False):
            if old != new:
                differences += 1
                if differences <= 10:
                    print(f"{name}:\n  before: {old}\n  now:    {new}")
        if len(earlier) != len(renderings):
            differences += 1
            print(f"{name}: {len(earlier)} renderings before, {len(renderings)} now")
    compared = sum(len(renderings) for renderings in now.values())
    print(f"{compared} renderings compared, {differences} differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
