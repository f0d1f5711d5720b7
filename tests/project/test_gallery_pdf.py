"""The style gallery's PDF side (docs/_ext/gallery_pdf.py): a real PDF and its page image."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[2] / "docs"
sys.path.insert(0, str(DOCS))

from _ext import gallery_pdf  # the docs' own extension, found on their path

pytestmark = pytest.mark.pdf

BODY = ".. highlight-citation::\n   :style: vancouver\n\n.. highlight-references::\n"


@pytest.fixture
def tools() -> None:
    missing = gallery_pdf.missing_tools()
    if missing:
        message = f"not installed: {', '.join(missing)} (bash scripts/dev test installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_preview_is_the_pdf_and_its_first_page(tools, tmp_path):
    pdf, png = gallery_pdf.preview(tmp_path, "vancouver", BODY, DOCS / "gallery.bib")
    pdf_file, png_file = tmp_path / pdf.lstrip("/"), tmp_path / png.lstrip("/")
    assert png_file.read_bytes().startswith(b"\x89PNG")
    text = " ".join(subprocess.run(["pdftotext", str(pdf_file), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Cite this article" in text
    assert "Yang J, Xie S, Zhu S, et al. Specialized Microglia" in text  # Vancouver's form


def test_preview_is_made_again_only_when_its_inputs_change(tools, tmp_path):
    first = gallery_pdf.preview(tmp_path, "vancouver", BODY, DOCS / "gallery.bib")
    made = (tmp_path / first[0].lstrip("/")).stat().st_mtime_ns
    assert gallery_pdf.preview(tmp_path, "vancouver", BODY, DOCS / "gallery.bib") == first
    assert (tmp_path / first[0].lstrip("/")).stat().st_mtime_ns == made
    other = gallery_pdf.preview(tmp_path, "vancouver", BODY + "   :start: 3\n",
                                DOCS / "gallery.bib")
    assert other != first
    assert not (tmp_path / first[0].lstrip("/")).exists()  # the stale one is removed
    shutil.rmtree(tmp_path / "_generated")
