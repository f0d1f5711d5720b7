"""Differential testing of our CSL engine against citeproc-js, Zotero's CSL processor.

citeproc-js runs in node (``scripts/citeproc-js/render.js``, installed by
``npm ci --prefix scripts/citeproc-js``). A *renderer* is any callable that turns a batch
of render jobs into one list of ``Rendered`` entries per job; citeproc-js is one, our engine
is another, and ``compare`` counts the entries on which two renderers agree to the
character. Only trailing whitespace is ignored (citeproc-js ends each entry with a line
break); everything a reader would see counts, the order of the bibliography included.

Used by ``tests/styles/test_citeproc_js.py`` and ``benchmarks/csl_vs_citeproc_js.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE, load_bibliography
from sphinxcontrib_highlight.styles.csl.catalog import StyleSource, find_style

ROOT = Path(__file__).resolve().parent.parent
CITEPROC_JS_DIR = ROOT / "scripts" / "citeproc-js"
RENDER_JS = CITEPROC_JS_DIR / "render.js"
# The engine's own copy of the CSL locales, once it ships them; until then the shared copy
# that sits beside the repository on the project's machines and in CI.
LOCALES_CANDIDATES = (
    ROOT / "sphinxcontrib_highlight" / "styles" / "csl" / "locales",
    ROOT.parent / "shared" / "csl-locales",
)

# The styles compared, and the real BibTeX files whose entries they print.
STYLES = (
    "apa",
    "chicago-author-date",
    "ieee",
    "nature",
    "cell",
    "harvard-cite-them-right",
    "modern-language-association",
    "american-medical-association",
    "american-chemical-society",
    "nlm-citation-sequence",
    "elsevier-vancouver",
    "springer-basic-author-date",
    "springer-basic-brackets",
    "springer-vancouver-brackets",
    "nature-publishing-group-vancouver",
)
BIB_FILES = (
    ROOT / "tests" / "data" / "varied.bib",
    ROOT / "tests" / "data" / "corpora" / "biblatex-examples.bib",
    ROOT / "tests" / "data" / "corpora" / "petsc.bib",
    BUNDLED_BIBFILE,
)

Mode = Literal["bibliography", "citation"]
MODES: tuple[Mode, ...] = ("bibliography", "citation")


@dataclass(frozen=True)
class Rendered:
    """One bibliography entry or one citation, as plain text (or HTML)."""

    id: str
    text: str


@dataclass(frozen=True)
class Job:
    """One style printing one bibliography's items, as a bibliography or as citations.

    The items' order is the order they were cited in: numeric styles number them so, and
    in ``citation`` mode each item is cited alone, in that order, after all are registered.
    """

    style: StyleSource
    items: tuple[dict[str, Any], ...]
    mode: Mode = "bibliography"
    output_format: Literal["text", "html"] = "text"
    label: str = ""  # where the items came from, for reports


Renderer = Callable[[Sequence[Job]], list[list[Rendered]]]


class CiteprocJsError(RuntimeError):
    """citeproc-js failed (node's message included)."""


# --- citeproc-js ------------------------------------------------------------------------


def locales_dir() -> Path | None:
    """The folder of CSL locale files citeproc-js reads, None when there is none."""
    for candidate in LOCALES_CANDIDATES:
        if (candidate / "locales-en-US.xml").is_file():
            return candidate
    return None


def missing() -> str | None:
    """Why citeproc-js cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (CITEPROC_JS_DIR / "node_modules" / "citeproc").is_dir():
        return "citeproc-js is not installed (npm ci --prefix scripts/citeproc-js)"
    if locales_dir() is None:
        return "no CSL locales found"
    return None


def _request(job: Job, locales: Path) -> dict[str, Any]:
    style = job.style
    # A dependent style's own locale wins over its parent's, which the XML holds.
    own_locale = style.dependent and style.default_locale is not None
    return {
        "style": style.xml,
        "locale": style.default_locale or "en-US",
        "force_locale": own_locale,
        "locales_dir": str(locales),
        "items": list(job.items),
        "mode": job.mode,
        "format": job.output_format,
    }


def run_citeproc_js(jobs: Sequence[Job]) -> tuple[list[list[Rendered]], float]:
    """Render the jobs in one node process; also the milliseconds node spent rendering."""
    locales = locales_dir()
    if locales is None:
        raise CiteprocJsError("no CSL locales found")
    payload = json.dumps([_request(job, locales) for job in jobs])
    completed = subprocess.run(
        ["node", str(RENDER_JS)],
        input=payload,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "CITEPROC_JS_TIMING": "1"},
        check=False,
    )
    if completed.returncode != 0:
        raise CiteprocJsError(completed.stderr.strip() or f"node exited {completed.returncode}")
    inside_ms = float(completed.stderr.rsplit("citeproc-js-ms:", 1)[1])
    results = [
        [Rendered(str(entry["id"]), entry["text"]) for entry in entries]
        for entries in json.loads(completed.stdout)
    ]
    return results, inside_ms


def citeproc_js(jobs: Sequence[Job]) -> list[list[Rendered]]:
    """citeproc-js as a renderer."""
    return run_citeproc_js(jobs)[0]


# --- our engine -------------------------------------------------------------------------


def our_engine() -> Renderer:
    """Our CSL engine as a renderer, made to see what citeproc-js sees in ``render.js``.

    Its items are registered in the job's order (numeric styles number them so); in
    ``citation`` mode each item is cited alone, in that order, every cite a first one.
    """
    from sphinxcontrib_highlight.styles.csl import (
        Cite,
        Cluster,
        Processor,
        Style,
        to_html,
        to_text,
    )

    def render(jobs: Sequence[Job]) -> list[list[Rendered]]:
        styles: dict[str, Style] = {}
        results = []
        for job in jobs:
            style = styles.get(job.style.xml)
            if style is None:
                style = styles[job.style.xml] = Style.parse(job.style.xml)
            processor = Processor(style, job.items, locale=job.style.default_locale)
            serialise = to_html if job.output_format == "html" else to_text
            marks = processor.quote_marks
            if job.mode == "bibliography":
                rendered = [
                    Rendered(entry.id, serialise(entry.content, marks))
                    for entry in processor.bibliography()
                ]
            else:
                ids = [str(item["id"]) for item in job.items]
                nodes = processor.process_citations([Cluster([Cite(item_id)]) for item_id in ids])
                rendered = [
                    Rendered(item_id, serialise(node, marks))
                    for item_id, node in zip(ids, nodes, strict=True)
                ]
            results.append(rendered)
        return results

    return render


# --- the items --------------------------------------------------------------------------


def csl_items(entries: Iterable[Any]) -> list[dict[str, Any]]:
    """BibTeX entries as CSL-JSON items, by the mapping the styles use."""
    from sphinxcontrib_highlight.bibliography.to_csl import csl_items

    items: list[dict[str, Any]] = csl_items(entries)
    return items


def bib_items(path: Path, limit: int | None = None) -> tuple[dict[str, Any], ...]:
    """The items of a BibTeX file in file order; ``limit`` keeps an even spread of them."""
    entries = list(load_bibliography([path], "utf-8").entries.values())
    if limit is not None and len(entries) > limit:
        step = len(entries) / limit
        entries = [entries[int(index * step)] for index in range(limit)]
    return tuple(csl_items(entries))


def jobs_for(
    styles: Iterable[str], bib_files: Iterable[Path], limit: int | None = None,
    modes: Iterable[Mode] = MODES, output_format: Literal["text", "html"] = "text",
) -> list[Job]:
    """Every style printing every file's items, in every mode."""
    corpora = [(path.name, bib_items(path, limit)) for path in bib_files]
    return [
        Job(find_style(style_id), items, mode, output_format, label=name)
        for style_id in styles
        for mode in modes
        for name, items in corpora
    ]


# --- the comparison ---------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One entry the two renderers print differently (None: one of them left it out)."""

    label: str
    id: str
    ours: str | None
    reference: str | None


@dataclass
class Tally:
    """How far two renderers agree, for one style and mode."""

    identical: int = 0
    total: int = 0
    jobs: int = 0
    # The jobs (their files) whose entries come in another order than citeproc-js's.
    orders_differing: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.identical / self.total if self.total else 100.0

    @property
    def order_identical(self) -> bool:
        return not self.orders_differing


def _shown(text: str) -> str:
    """What a reader sees: everything but trailing whitespace."""
    return text.rstrip()


def tally_job(tally: Tally, job: Job, ours: list[Rendered], reference: list[Rendered]) -> None:
    """Count one job's entries: an entry is identical when its text is, to the character."""
    # An entry that prints nothing is left out: citeproc-js lists none for it.
    our_text = {entry.id: _shown(entry.text) for entry in ours if _shown(entry.text)}
    reference_text = {entry.id: _shown(entry.text) for entry in reference if _shown(entry.text)}
    tally.jobs += 1
    if list(our_text) != list(reference_text):
        tally.orders_differing.append(job.label)
    for item_id in dict.fromkeys([*reference_text, *our_text]):
        tally.total += 1
        mine, theirs = our_text.get(item_id), reference_text.get(item_id)
        if mine == theirs:
            tally.identical += 1
        else:
            tally.differences.append(Difference(job.label, item_id, mine, theirs))


def compare(
    jobs: Sequence[Job], ours: Renderer, reference: Renderer = citeproc_js
) -> dict[tuple[str, Mode], Tally]:
    """Tallies by (style id, mode) of ``ours`` against ``reference`` on the same jobs.

    ``ours`` renders one job at a time, so that a job it cannot print counts as all its
    entries different (the error and where it was raised are kept) and the other jobs
    still count.
    """
    reference_results = reference(jobs)
    tallies: dict[tuple[str, Mode], Tally] = {}
    for job, reference_entries in zip(jobs, reference_results, strict=True):
        tally = tallies.setdefault((job.style.style_id, job.mode), Tally())
        try:
            (our_entries,) = ours([job])
        except Exception as error:  # noqa: BLE001 - an engine failure is a finding, not a stop
            tally.errors.append(f"{job.label}: {_described(error)}")
            our_entries = []
        tally_job(tally, job, our_entries, reference_entries)
    return tallies


def _described(error: Exception) -> str:
    """The error and the line of code that raised it."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def overall_percent(tallies: Iterable[Tally]) -> float:
    """The share of identical entries over all styles and modes."""
    counted = list(tallies)
    total = sum(tally.total for tally in counted)
    return 100.0 * sum(tally.identical for tally in counted) / total if total else 100.0


def hyphens_for_dashes(renderer: Renderer) -> Renderer:
    """``renderer`` altered as a reader would notice: en dashes printed as hyphens.

    The harness's own check: comparing citeproc-js with this must count exactly the
    entries that have an en dash as different.
    """

    def altered(jobs: Sequence[Job]) -> list[list[Rendered]]:
        return [
            [Rendered(entry.id, entry.text.replace("\N{EN DASH}", "-")) for entry in entries]
            for entries in renderer(jobs)
        ]

    return altered
