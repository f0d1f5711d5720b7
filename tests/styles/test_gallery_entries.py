"""The style gallery's entries (docs/gallery.bib) render cleanly in every built-in style."""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinxcontrib_highlight.bibliography.database import load_file
from sphinxcontrib_highlight.sphinxext.formatting import plain, render_entry

GALLERY = Path(__file__).resolve().parents[2] / "docs" / "gallery.bib"
STYLES = ["neurosci-bull", "springer-nature"]


@pytest.mark.parametrize("style", STYLES)
def test_every_type_renders_without_problems(style):
    bibfile = load_file(GALLERY, "utf-8")
    assert bibfile.problems == ()
    assert {entry.type for entry in bibfile.entries.values()} >= {
        "book", "incollection", "inproceedings", "phdthesis", "techreport", "misc",
        "online", "preprint",
    }
    for entry in bibfile.entries.values():
        rendered = render_entry(style, entry)
        assert rendered.missing_fields == () and rendered.unknown_type is None, entry.key
        text = plain(rendered.text)
        assert "  " not in text and "\\" not in text and "{" not in text, text


def test_chapter_without_editors():
    entry = load_file(GALLERY, "utf-8").entries["dijkstra1972notes"]
    assert plain(render_entry("neurosci-bull", entry).text) == (
        "Dijkstra EW. Notes on Structured Programming. In: Structured Programming. "
        "London: Academic Press, 1972."
    )
