"""Our CSL engine against citeproc-js (Zotero), entry by entry, on real BibTeX files.

Skips without node or ``npm ci --prefix scripts/citeproc-js``. The first tests check the
harness itself (it must find citeproc-js identical to itself, and find every alteration);
the others hold our engine to the shares of identical entries in ``MINIMUM_PERCENT``,
which only go up. ``benchmarks/csl_vs_citeproc_js.py`` prints the same comparison, with
the differences, on every entry of the files.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import citeproc_js
import pytest
from citeproc_js import Job, Rendered, Tally

if TYPE_CHECKING:
    from collections.abc import Sequence

pytestmark = [
    pytest.mark.citeproc_js,
    pytest.mark.skipif(citeproc_js.missing() is not None, reason=str(citeproc_js.missing())),
]

# Entries of each BibTeX file (an even spread of petsc.bib's 3,994): some seconds of node.
ENTRIES_PER_FILE = 60
# The goal: 95 % of all entries identical, every style at 90 % at least (both modes);
# the styles still short of it, to be struck off as they reach it.
GOAL_OVERALL = 95.0
GOAL_PER_STYLE = 90.0
SHORT_OF_THE_GOAL = {"apa", "chicago-author-date"}
# Per style, the least share (%) of identical entries (bibliography, citations) our engine
# must keep on this sample, and whether its bibliography order must be citeproc-js's.
# Raise a figure when the engine gets better; never lower one to let a change pass.
# Figures of main after CSL items kept a bare & as Zotero's do (97.1 % overall).
MINIMUM_PERCENT: dict[str, tuple[float, float, bool]] = {
    "apa": (89.5, 99.3, True),
    "chicago-author-date": (88.8, 97.2, True),
    "ieee": (95.8, 100.0, True),
    "nature": (95.8, 100.0, True),
    "cell": (95.8, 100.0, True),
    "harvard-cite-them-right": (93.0, 98.6, False),
    "modern-language-association": (95.8, 99.3, True),
    "american-medical-association": (94.4, 100.0, True),
    "american-chemical-society": (90.2, 100.0, True),
    "nlm-citation-sequence": (96.5, 100.0, True),
    "elsevier-vancouver": (97.9, 100.0, True),
    "springer-basic-author-date": (96.5, 97.9, True),
    "springer-basic-brackets": (97.9, 100.0, True),
    "springer-vancouver-brackets": (97.2, 100.0, True),
    "nature-publishing-group-vancouver": (96.5, 100.0, True),
}
MINIMUM_OVERALL = 97.1


@pytest.fixture(scope="module")
def jobs() -> list[Job]:
    return citeproc_js.jobs_for(citeproc_js.STYLES, citeproc_js.BIB_FILES, ENTRIES_PER_FILE)


@pytest.fixture(scope="module")
def reference(jobs: list[Job]) -> list[list[Rendered]]:
    """citeproc-js's entries for every job, rendered once for the whole module."""
    return citeproc_js.citeproc_js(jobs)


def _replay(jobs: list[Job], results: list[list[Rendered]]) -> citeproc_js.Renderer:
    """A renderer that answers any subset of ``jobs`` with the results already made."""
    by_job = {id(job): entries for job, entries in zip(jobs, results, strict=True)}

    def replay(asked: Sequence[Job]) -> list[list[Rendered]]:
        return [by_job[id(job)] for job in asked]

    return replay


def test_the_table_names_every_style_compared() -> None:
    assert set(MINIMUM_PERCENT) == set(citeproc_js.STYLES)


def test_citeproc_js_prints_every_style(jobs: list[Job], reference: list[list[Rendered]]) -> None:
    for job, entries in zip(jobs, reference, strict=True):
        assert entries, (job.style.style_id, job.mode, job.label)
        assert all(entry.text.strip() for entry in entries)
    assert len(reference) == len(citeproc_js.STYLES) * len(citeproc_js.MODES) * len(
        citeproc_js.BIB_FILES
    )


def test_citeproc_js_is_identical_to_itself(
    jobs: list[Job], reference: list[list[Rendered]]
) -> None:
    replay = _replay(jobs, reference)
    tallies = citeproc_js.compare(jobs, replay, replay)
    assert all(tally.percent == 100.0 and tally.order_identical for tally in tallies.values())
    assert sum(tally.total for tally in tallies.values()) == sum(map(len, reference))


def test_every_altered_entry_is_counted(jobs: list[Job], reference: list[list[Rendered]]) -> None:
    replay = _replay(jobs, reference)
    tallies = citeproc_js.compare(jobs, citeproc_js.hyphens_for_dashes(replay), replay)
    with_dash = sum("\N{EN DASH}" in entry.text for entries in reference for entry in entries)
    assert with_dash > 100  # page ranges: the alteration is one a reader sees often
    different = sum(tally.total - tally.identical for tally in tallies.values())
    assert different == with_dash
    shown = next(
        difference for tally in tallies.values() for difference in tally.differences
    )
    assert shown.ours is not None
    assert shown.reference is not None
    assert shown.ours == shown.reference.replace("\N{EN DASH}", "-")


def test_a_missing_entry_and_a_changed_order_are_counted() -> None:
    job = Job(
        citeproc_js.find_style("nature"), ({"id": "a"}, {"id": "b"}, {"id": "c"}), label="x.bib"
    )
    reference = [Rendered("a", "1. A\n"), Rendered("b", "2. B\n"), Rendered("c", "3. C\n")]
    tally = Tally()
    citeproc_js.tally_job(tally, job, [Rendered("b", "2. B"), Rendered("a", "1. A ")], reference)
    assert (tally.identical, tally.total) == (2, 3)  # trailing whitespace alone is ignored
    assert tally.orders_differing == ["x.bib"]
    assert tally.differences == [citeproc_js.Difference("x.bib", "c", None, "3. C")]


def test_an_engine_failure_counts_its_style_as_different(
    jobs: list[Job], reference: list[list[Rendered]]
) -> None:
    def failing(asked: Sequence[Job]) -> list[list[Rendered]]:
        raise ValueError("no such element")

    apa = [job for job in jobs if job.style.style_id == "apa"]
    tallies = citeproc_js.compare(apa, failing, _replay(jobs, reference))
    assert all(tally.identical == 0 and tally.total > 0 for tally in tallies.values())
    errors = tallies["apa", "bibliography"].errors
    assert len(errors) == len(citeproc_js.BIB_FILES)
    assert errors[0].startswith("varied.bib: ValueError: no such element (test_citeproc_js.py:")


def test_a_reused_engine_prints_as_a_fresh_one(
    jobs: list[Job], reference: list[list[Rendered]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """render.js shares one citeproc-js engine per style; that must change no entry."""
    monkeypatch.setitem(os.environ, "CITEPROC_JS_FRESH", "1")
    sample = [job for job in jobs if job.style.style_id in ("apa", "ieee")]
    fresh = citeproc_js.citeproc_js(sample)
    assert fresh == _replay(jobs, reference)(sample)


@pytest.fixture(scope="module")
def engine_tallies(
    jobs: list[Job], reference: list[list[Rendered]]
) -> dict[tuple[str, citeproc_js.Mode], Tally]:
    return citeproc_js.compare(jobs, citeproc_js.our_engine(), _replay(jobs, reference))


@pytest.mark.parametrize("style_id", citeproc_js.STYLES)
def test_our_engine_keeps_its_share_of_identical_entries(
    engine_tallies: dict[tuple[str, citeproc_js.Mode], Tally], style_id: str
) -> None:
    bibliography, citations, order = MINIMUM_PERCENT[style_id]
    printed = engine_tallies[style_id, "bibliography"]
    cited = engine_tallies[style_id, "citation"]
    assert printed.percent >= bibliography, printed.differences[:3] or printed.errors
    assert cited.percent >= citations, cited.differences[:3] or cited.errors
    if order:
        assert printed.order_identical


def test_our_engine_keeps_its_overall_share(
    engine_tallies: dict[tuple[str, citeproc_js.Mode], Tally],
) -> None:
    assert citeproc_js.overall_percent(engine_tallies.values()) >= MINIMUM_OVERALL


def test_our_engine_reaches_the_goal_but_for_the_styles_short_of_it(
    engine_tallies: dict[tuple[str, citeproc_js.Mode], Tally],
) -> None:
    assert citeproc_js.overall_percent(engine_tallies.values()) >= GOAL_OVERALL
    short = {style for (style, _), tally in engine_tallies.items() if tally.percent < GOAL_PER_STYLE}
    assert short == SHORT_OF_THE_GOAL  # a style that reaches the goal leaves the set
