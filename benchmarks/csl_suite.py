"""Run the CSL processor test suite against the engine in ``styles/csl``.

Usage::

    python benchmarks/csl_suite.py                 # pass counts by group and overall
    python benchmarks/csl_suite.py --group name    # one group, failures listed
    python benchmarks/csl_suite.py --verbose name_WesternSimple   # expected vs actual
    python benchmarks/csl_suite.py --write-passing # regenerate tests/data/csl-test-suite/passing.txt

The fixtures are read as the suite's own ``processor.py`` reads them (sections between
``>>== NAME ==>>`` and ``<<== NAME ==<<``). Results compare after removing whitespace
around line breaks, which the suite's HTML layout does not fix. Citation fixtures with
``CITATIONS`` print one line per citation, ``>>[i]`` for those the last insertion
changed and ``..[i]`` for the others, as citeproc-js's test runner does.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sphinxcontrib_highlight.styles.csl import Cite, Cluster, Processor, Style, to_html

FIXTURES = ROOT / "tests" / "data" / "csl-test-suite" / "processor-tests" / "humans"
PASSING = ROOT / "tests" / "data" / "csl-test-suite" / "passing.txt"
_SECTION = re.compile(r">>=+\s*([A-Z-]+)\s*=+>>\n?(.*?)\n?<<=+\s*\1\s*=+<<", re.DOTALL)


def read_fixture(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    return {name: body.strip() for name, body in _SECTION.findall(text)}


def normalise(text: str) -> str:
    return re.sub(r"\s*\n\s*", "", text.strip())


def _cite(data: dict) -> Cite:
    return Cite.from_json(data)


def _render_clusters(processor: Processor, clusters: list[Cluster]) -> list[str]:
    marks = processor.quote_marks
    return [to_html(node, marks) for node in processor.process_citations(clusters)]


def _citations_mode(style_xml: str, items: list, calls: list, mode: str) -> str:
    known: dict[str, dict] = {}
    notes: dict[str, int] = {}
    previous: dict[str, str] = {}
    order: list[str] = []
    outputs: dict[str, str] = {}
    states: dict[str, object] = {}
    previous_states: dict[str, object] = {}
    previous_notes: dict[str, int] = {}
    for position, (citation, pre, post) in enumerate(calls):
        previous_notes = dict(notes)
        cid = citation.get("citationID") or f"CITATION-{position}"
        known[cid] = citation
        notes[cid] = int(citation.get("properties", {}).get("noteIndex", 0) or 0)
        for other, note in [*pre, *post]:
            notes[other] = int(note or 0)
        order = [c for c, _ in pre] + [cid] + [c for c, _ in post]
        processor = Processor(Style.parse(style_xml), items)
        clusters = [
            Cluster([_cite(i) for i in known[c].get("citationItems", [])], notes.get(c, 0), c)
            for c in order
        ]
        previous, previous_states = outputs, states
        outputs = dict(zip(order, _render_clusters(processor, clusters), strict=False))
        numbered = processor.renders_citation_number
        states = {
            i: (repr(d), processor.citation_numbers.get(i) if numbered else None)
            for i, d in processor.disambiguation.items()
        }
        last = cid
    if mode == "bibliography":
        return _bibliography(processor)
    # citeproc-js reports a citation as updated when its text changed, when it moved to
    # another note in a style that prints note numbers, or when what disambiguation or
    # numbering decided for one of its items changed.
    lines = []
    for index, cid in enumerate(order):
        ids = [str(i["id"]) for i in known[cid].get("citationItems", [])]
        touched = any(states.get(i) != previous_states.get(i) for i in ids)
        moved = previous_notes.get(cid) != notes.get(cid)
        touched = touched or (moved and "first-reference-note-number" in style_xml)
        marker = ">>" if cid == last or touched or previous.get(cid) != outputs[cid] else ".."
        lines.append(f"{marker}[{index}] {outputs[cid]}")
    return "\n".join(lines)


def render_fixture(sections: dict[str, str]) -> str:
    style_xml = sections["CSL"]
    items = json.loads(sections["INPUT"])
    mode = sections["MODE"].strip()
    if sections.get("CITATIONS"):
        return _citations_mode(style_xml, items, json.loads(sections["CITATIONS"]), mode)
    processor = Processor(Style.parse(style_xml), items)
    if sections.get("CITATION-ITEMS"):
        raw_clusters = json.loads(sections["CITATION-ITEMS"])
    else:
        # The suite's convention: one citation of every item, in bibliography order.
        processor.register(list(processor.items))
        raw_clusters = [[{"id": item_id} for item_id in processor.bibliography_order]]
    clusters = [
        Cluster([_cite(c) for c in cluster], index + 1)
        for index, cluster in enumerate(raw_clusters)
    ]
    if mode == "citation":
        return "\n".join(_render_clusters(processor, clusters))
    if sections.get("CITATION-ITEMS"):
        processor.process_citations(clusters)
    return _bibliography(processor)


def _bibliography(processor: Processor) -> str:
    marks = processor.quote_marks
    entries = processor.bibliography()
    body = "\n".join(f'  <div class="csl-entry">{to_html(e.content, marks)}</div>' for e in entries)
    return f'<div class="csl-bib-body">\n{body}\n</div>'


def run_fixture(path: Path) -> tuple[bool, str, str]:
    """Whether the engine passes one fixture, with expected and actual output."""
    sections = read_fixture(path)
    expected = sections.get("RESULT", "")
    try:
        actual = render_fixture(sections)
    except Exception:  # noqa: BLE001 - a crash is a failure to report, not to raise
        actual = "CRASH\n" + traceback.format_exc()
    return normalise(actual) == normalise(expected), expected, actual


def fixture_paths(group: str | None = None) -> list[Path]:
    paths = sorted(FIXTURES.glob("*.txt"))
    if group:
        paths = [p for p in paths if p.stem.split("_")[0] == group]
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--group", help="only fixtures whose name starts with GROUP_")
    parser.add_argument(
        "--verbose", metavar="FIXTURE", help="show expected and actual output of one fixture"
    )
    parser.add_argument("--failures", action="store_true", help="list failing fixtures")
    parser.add_argument(
        "--write-passing", action="store_true", help="rewrite the committed list of passes"
    )
    args = parser.parse_args(argv)
    if args.verbose:
        path = FIXTURES / (args.verbose.removesuffix(".txt") + ".txt")
        ok, expected, actual = run_fixture(path)
        print("PASS" if ok else "FAIL")
        print("--- expected\n" + expected + "\n--- actual\n" + actual)
        return 0 if ok else 1
    totals: Counter[str] = Counter()
    passes: Counter[str] = Counter()
    passing: list[str] = []
    for path in fixture_paths(args.group):
        group = path.stem.split("_")[0]
        ok, _, _ = run_fixture(path)
        totals[group] += 1
        if ok:
            passes[group] += 1
            passing.append(path.stem)
        elif args.failures or args.group:
            print("FAIL", path.stem)
    for group in sorted(totals, key=lambda g: -totals[g]):
        print(
            f"{group:14} {passes[group]:4d}/{totals[group]:<4d} {100 * passes[group] / totals[group]:5.1f} %"
        )
    total, passed = sum(totals.values()), sum(passes.values())
    print(f"{'overall':14} {passed:4d}/{total:<4d} {100 * passed / max(total, 1):5.1f} %")
    if args.write_passing:
        PASSING.write_text("\n".join(passing) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
