"""Shared fixtures: Sphinx's testing plugin with the test roots under ``tests/roots``."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sphinx.testing.util import SphinxTestApp

pytest_plugins = ("sphinx.testing.fixtures",)
collect_ignore = ["roots"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).parent.resolve() / "roots"


@pytest.fixture
def root_copy(rootdir: Path, tmp_path: Path) -> Callable[..., Path]:
    """Copy a test root to a private directory: for tests that edit sources or vary config."""

    def copy(name: str, copy_name: str | None = None) -> Path:
        destination = tmp_path / (copy_name or name)
        shutil.copytree(rootdir / f"test-{name}", destination)
        return destination

    return copy


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a source file and date it after anything a build recorded."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    future = time.time() + 5  # newer than anything the last build recorded
    os.utime(path, (future, future))


def soup(app: SphinxTestApp, page: str = "index") -> BeautifulSoup:
    """The built HTML page, parsed."""
    html = (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def output(app: SphinxTestApp, name: str) -> str:
    """A built output file as text."""
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


def warnings(app: SphinxTestApp) -> str:
    """Everything the build warned, ANSI colours removed."""
    from sphinx.util.console import strip_colors

    return strip_colors(app.warning.getvalue())


def count_chunk_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the text of every chunk the loader parses from now on (not reused)."""
    from sphinxcontrib_highlight.bibliography import parse as bibparse

    parsed: list[str] = []
    real = bibparse.parse_chunk

    def counting(text: str, *args: object) -> bibparse.ParsedChunk:
        parsed.append(text)
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bibparse, "parse_chunk", counting)
    return parsed


def output_files(outdir: Path) -> dict[str, bytes]:
    """Every page body and download file of a build, by path (download folders included)."""
    files = {}
    for path in sorted(Path(outdir).rglob("*")):
        relative = path.relative_to(outdir).as_posix()
        if path.is_file() and (path.suffix == ".html" or "_downloads/" in relative):
            files[relative] = path.read_bytes()
    return files


def every_file(outdir: Path) -> dict[str, bytes]:
    """Every file of a build's output directory, by path."""
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(Path(outdir).rglob("*")) if path.is_file()
    }


def own_warnings(app) -> list[str]:
    """The build's warnings, less those of registering Sphinx's nodes again in one process,
    with the source directory's path written ``<src>``."""
    text = warnings(app).replace(str(app.srcdir), "<src>")
    return [line for line in text.splitlines() if "already registered" not in line]


#: Every quotation mark and apostrophe, typographic or straight, as one straight mark.
_STRAIGHT = str.maketrans({"\u2018": '"', "\u2019": '"', "\u201c": '"', "\u201d": '"', "'": '"'})


def straight_quotes(text: str) -> str:
    """``text`` with every quote mark made one straight mark. CSL styles print a field's
    quotes and apostrophes typographically and choose single or double by nesting, as
    Zotero does ('title' at the outer level becomes “title”); a test that a field's text
    survives as text compares both sides this way."""
    return text.translate(_STRAIGHT)


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch):
    """A DOI resolver on 127.0.0.1 (:mod:`doi_server`), which this process's clients
    give up on after half a second unless told otherwise (a build is, by
    ``highlight_doi_timeout``), without pausing between attempts."""
    from doi_server import Resolver

    from sphinxcontrib_highlight.bibliography import doi_fetch

    monkeypatch.setattr(doi_fetch, "TIMEOUT", 0.5)
    monkeypatch.setattr(doi_fetch, "PAUSE", 0.0)
    server = Resolver()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def english_until_a_build_says_otherwise() -> None:
    """Styles print their words in the language the last build set (one per process, as
    Sphinx builds one project at a time); a test that formats without a build expects
    English whatever an earlier test built."""
    from sphinxcontrib_highlight.styles.terms import use_language

    use_language(None)


def field_values_of_test_data() -> Iterator[tuple[str, str, str]]:
    """Every field value of the project's .bib test files (``tests/data`` and its
    corpora), as (file name, key, value): real-world text for property tests."""
    from sphinxcontrib_highlight.bibliography.database import load_bibliography

    data = Path(__file__).resolve().parent / "data"
    for path in [*sorted(data.glob("*.bib")), *sorted((data / "corpora").glob("*.bib"))]:
        bibliography = load_bibliography([path], "utf-8")
        for key in bibliography.keys():  # noqa: SIM118 - a Bibliography, not a dict
            entry = bibliography.get(key)
            for value in entry.fields.values() if entry is not None else ():
                yield path.name, key, value

