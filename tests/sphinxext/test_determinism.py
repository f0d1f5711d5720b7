"""Same sources, same bytes; and :bibfile: paths that leave the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import every_file, soup, warnings


def outputs(outdir: Path, suffixes: tuple[str, ...]) -> dict[str, bytes]:
    return {
        str(path.relative_to(outdir)): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        if path.is_file() and path.suffix in suffixes
    }


def test_two_builds_give_identical_bytes(make_app, root_copy):
    for builder, suffixes in (("html", (".html", ".bib", ".ris", ".json", ".txt")),
                              ("latex", (".tex",))):
        first = make_app(builder, srcdir=root_copy("multipage", f"{builder}-1"), freshenv=True)
        first.build()
        second = make_app(builder, srcdir=root_copy("multipage", f"{builder}-2"), freshenv=True)
        second.build()
        produced = outputs(Path(first.outdir), suffixes)
        assert produced, builder
        assert produced == outputs(Path(second.outdir), suffixes)


def build_in_a_process(srcdir: Path, builder: str, into: Path, hash_seed: str) -> dict[str, bytes]:
    """Build as sphinx-build does, in a process of its own with this hash seed (its
    environment and entry cache kept apart from the output, so that the output is all the
    build wrote), and return every file it wrote."""
    outdir, doctrees = into / builder, into / "doctrees"
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", builder, "-q", "-d", str(doctrees),
         str(srcdir), str(outdir)],
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert build.returncode == 0, build.stderr
    return every_file(outdir)


@pytest.mark.parametrize(
    ("root", "builder"),
    [("reader", "html"), ("multipage", "latex"), ("two-lists", "text")],
)
def test_separate_processes_with_other_hash_seeds_give_identical_files(
    root_copy, tmp_path, root, builder
):
    """Two sphinx-build processes with different string hashes (so any order taken from
    a set or from hashing differs between them) write the same files, byte for byte:
    every one, the search index, .buildinfo and the download files included."""
    srcdir = root_copy(root)
    first = build_in_a_process(srcdir, builder, tmp_path / "seed-1", "1")
    second = build_in_a_process(srcdir, builder, tmp_path / "seed-2", "2")
    assert len(first) >= 3  # text: three pages; html and latex: many more files
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_bibfile_outside_the_project(make_app, root_copy, tmp_path):
    srcdir = root_copy("outside")
    outside = tmp_path / "elsewhere" / "shared.bib"
    outside.parent.mkdir()
    entry = "@article{{{key}, author = {{Far, Fay}}, title = {{{title}}}, journal = {{J}}, year = {{2020}}}}\n"
    outside.write_text(entry.format(key="art", title="Article") +
                       entry.format(key="far2020", title="Read from outside"), encoding="utf-8")
    shutil.copy(outside, tmp_path / "escape.bib")  # what ../escape.bib would reach
    index = srcdir / "index.rst"
    index.write_text(index.read_text().replace("OUTSIDE_ABSOLUTE", str(outside)))
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    text = warnings(app)
    assert "index.rst:4: WARNING: :bibfile: '../escape.bib' points outside the project" in text
    assert f"index.rst:7: WARNING: reading '{outside}' from outside the project" in text
    lists = soup(app).select("ol.highlight-reference-list")
    # The relative escape is refused (no list at all); the absolute path is read.
    assert [len(found.select("li")) for found in lists] == [1]
    assert "Far F. Read from outside. J 2020." in soup(app).get_text()
    assert "[highlight.bibfile]" in text


def test_an_empty_list_leaves_no_empty_latex_list(make_app, root_copy):
    """A list with nothing to show is left out: LaTeX rejects an enumerate with no item."""
    app = make_app("latex", srcdir=root_copy("outside"), freshenv=True)
    app.build()
    tex = (Path(app.outdir) / "outside.tex").read_text(encoding="utf-8")
    assert r"\begin{enumerate}" not in tex  # both lists have nothing: one refused, one absent
