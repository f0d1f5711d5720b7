"""Hostile BibTeX: nothing in a field runs in a reader's browser or in LaTeX."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import output, soup, straight_quotes, warnings

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href")


@pytest.mark.sphinx("html", testroot="hostile", freshenv=True)
def test_no_field_becomes_markup_a_handler_or_a_script_link(app):
    app.build()
    assert "Traceback" not in warnings(app)
    page = soup(app)
    # Nothing from the fields became an element: only Sphinx's own inline script remains.
    for script in page.find_all("script"):
        assert "alert" not in script.get_text()
    assert not page.find_all(["iframe", "svg", "img", "b"])
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), (element.name, name)
            if name in URL_ATTRIBUTES:
                scheme = str(value).strip().lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), value
    # The text is all there, as text.
    citation = straight_quotes(page.select_one(".highlight-citation-text").get_text())
    assert straight_quotes('<img src=x onerror=alert(3)> "quoted\' & <b onclick=\'alert(4)\'>bold</b>') in citation
    assert "/etc/passwd" in citation  # \input, a command, is left out
    assert "100% #1 & a_b ^c" in citation


@pytest.mark.sphinx("html", testroot="hostile", freshenv=True)
def test_tooltips_and_metadata_hold_fields_as_text(app):
    app.build()
    page = soup(app)
    # The list is APA's, so the citation is too, its cites in APA's order: Brace, Link.
    titles = sorted(a["title"] for a in page.select(".highlight-cite a"))
    assert titles[1].startswith("Link, L. (2023). A misc entry with a data URL here.")
    assert "Unbalanced { brace and } and y" in titles[0]  # \def and \x are left out
    # Meta tags carry the field's text exactly, so the attribute never broke open.
    meta = {tag["name"]: tag["content"] for tag in page.find_all("meta") if tag.get("name")}
    assert meta["citation_volume"] == '1" onload="alert(7)'
    assert meta["citation_journal_abbrev"] == '"><script>alert(6)</script>'
    # A DOI is percent-encoded into its link.
    doi_links = [a["href"] for a in page.select("a") if "doi.org" in a.get("href", "")]
    assert doi_links
    assert [href for href in doi_links
            if not re.fullmatch(r"https://doi\.org/[A-Za-z0-9%/:;()._\-]+", href)] == []


def _entry_lines(tex: str) -> list[str]:
    """The lines of the .tex that hold rendered entries (not Sphinx's own preamble)."""
    body = tex[tex.index(r"\begin{document}"):]
    return [line for line in body.splitlines() if "alert" in line or "Brace" in line]


@pytest.mark.sphinx("latex", testroot="hostile", freshenv=True,
                    confoverrides={"latex_engine": "xelatex"})
def test_latex_gets_no_command_from_a_field_and_compiles(app):
    app.build()
    tex = output(app, "hostile.tex")
    lines = _entry_lines(tex)
    assert len(lines) >= 4
    raw_command = re.compile(
        r"(?<!\\textbackslash\{\})\\(input|write|catcode|def|openout|immediate|href|url)\b"
    )
    for line in lines:
        assert not raw_command.search(line.replace(r"\sphinxurl{", "")), line
    joined = "\n".join(lines)
    for escaped in (r"100\%", r"\#1", r"\&", r"a\_b", r"\textasciicircum{}c", "/etc/passwd"):
        assert escaped in joined
    latexmk = shutil.which("latexmk")
    if latexmk is None or shutil.which("xelatex") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must compile the LaTeX: scripts/dev installs latexmk and xelatex")
        pytest.skip("latexmk or xelatex is not installed")
    result = subprocess.run(
        [latexmk, "-pdfxe", "-interaction=nonstopmode", "-halt-on-error", "hostile.tex"],
        cwd=app.outdir, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert (Path(app.outdir) / "hostile.pdf").stat().st_size > 1000
