"""Hostile sizes and bytes in BibTeX: the reader's work and output stay bounded.

Complexity is checked by counting the Python events (calls and lines) a parse runs, not
by timing it: the count is the same on an idle machine and a loaded one.
"""

from __future__ import annotations

import sys

from sphinxcontrib_highlight.bibliography.database import parse_text


def macro_heavy(count: int) -> str:
    """``count`` ``@string`` macros, then ``count`` entries, each using one of them."""
    macros = "".join(f'@string{{jn{n} = "Journal number {n}"}}\n' for n in range(count))
    entries = "".join(
        f"@article{{key{n},\n  title = {{Title {n}}},\n  journal = jn{n},\n}}\n"
        for n in range(count)
    )
    return macros + entries


def parse_events(text: str) -> int:
    """How many Python calls and lines parsing ``text`` runs."""
    count = 0

    def tracer(frame: object, event: str, arg: object) -> object:
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        bibfile = parse_text(text, "macros.bib")
    finally:
        sys.settrace(None)
    assert not bibfile.problems
    return count


def test_a_file_of_many_macros_parses_in_time_linear_in_its_size():
    """Four times the macros and entries: about four times the work (a parse whose work
    grew with macros × entries did sixteen times, and ten times already at this size)."""
    small = parse_events(macro_heavy(100))
    large = parse_events(macro_heavy(400))
    assert large / small < 5, (small, large)


def test_entries_see_the_macros_defined_before_them():
    text = macro_heavy(3) + '@string{JN1 = "Redefined"}\n@misc{late, journal = jn1 # { x}}\n'
    entries = parse_text(text, "macros.bib").entries
    assert entries["key1"].fields["journal"] == "Journal number 1"
    assert entries["late"].fields["journal"] == "Redefined x"
