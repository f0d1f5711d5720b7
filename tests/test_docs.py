"""What the docs tell a new user agrees with the code: the values each setting takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sphinxcontrib_highlight.sphinxext import config

ROOT = Path(__file__).resolve().parent.parent

#: Every page a user reads: the README and the docs' sources.
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.rst")),
         *sorted((ROOT / "docs").rglob("*.md"))]

#: The settings whose values are a closed list, with that list.
CLOSED = {"cite_format": config.CITE_FORMATS, "reference_links": config.LINK_KINDS}

#: ``a``, ``b`` (note) or ``c``: a run of literals listed together.
LITERAL = r"``([a-z][a-z0-9_-]*)``(?:\s+\([^)]*\))?"
ENUMERATION = re.compile(rf"{LITERAL}(?:(?:,\s+|,?\s+(?:or|and)\s+){LITERAL})+")


def _option(name: str):
    (found,) = [option for option in config.config_fields() if option.name == name]
    return found


@pytest.mark.parametrize("option", config.config_fields(), ids=lambda option: option.name)
def test_every_setting_says_which_values_it_takes(option):
    """The configuration page lists them from here; a literal it names must be valid."""
    values = option.metadata["values"]()
    assert values.endswith(".")
    named = re.findall(r"``([^`]+)``", values)
    if option.name in CLOSED:
        assert named == list(CLOSED[option.name])
    if option.name.endswith("_style"):
        for name in named:
            assert option.metadata["validator"](name) == name


@pytest.mark.parametrize("name", sorted(CLOSED))
def test_closed_lists_accept_exactly_what_they_name(name):
    validate = _option(name).metadata["validator"]
    for value in CLOSED[name]:
        validate(value if name == "cite_format" else [value])
    with pytest.raises(ValueError, match=r"expected one of|allowed"):
        validate("numbered" if name == "cite_format" else ["wikipedia"])


def _chunks(text: str) -> list[str]:
    """Paragraphs, list items and table rows: where one setting's values are listed."""
    return re.split(r"\n\s*\n|\n\s*\* - ", text)


@pytest.mark.parametrize("name", sorted(CLOSED))
def test_no_page_lists_other_values_by_hand(name):
    """A list of values written next to a setting's name names all of them, and only
    them (the configuration page is generated, so it is left out)."""
    setting = config.PREFIX + name
    checked = 0
    for page in PAGES:
        if page.name == "configuration.rst":
            continue
        for chunk in _chunks(page.read_text(encoding="utf-8")):
            if setting not in chunk:
                continue
            for run in ENUMERATION.finditer(chunk):
                listed = re.findall(LITERAL, run.group(0))
                if not set(listed) & set(CLOSED[name]):
                    continue  # a list of something else
                where = f"{page.relative_to(ROOT)}: {run.group(0)!r}"
                assert sorted(listed) == sorted(CLOSED[name]), where
                checked += 1
    if name == "cite_format":
        assert checked >= 2  # the citations page and the migration how-to list them


def test_the_configuration_page_is_generated():
    """No hand-written ``confval`` to fall behind the code."""
    page = (ROOT / "docs" / "configuration.rst").read_text(encoding="utf-8")
    assert ".. highlight-config-values::" in page
    assert ".. confval::" not in page


def test_the_warnings_table_says_when_each_warning_comes(tmp_path):
    """The table read the docstrings of a module that no longer holds the subtypes, and
    printed an empty "When" for every one."""
    from bs4 import BeautifulSoup
    from sphinx.application import Sphinx

    from sphinxcontrib_highlight.warning_types import Warn

    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'docs')!r})\n"
        'extensions = ["_ext.reference_tables"]\n'
    )
    (srcdir / "index.rst").write_text("Warnings\n========\n\n.. highlight-warnings-table::\n")
    app = Sphinx(srcdir, srcdir, tmp_path / "out", tmp_path / "doctrees", "html",
                 status=None, warning=None, freshenv=True)
    app.build()
    page = BeautifulSoup((tmp_path / "out" / "index.html").read_text("utf-8"), "html.parser")
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")]
            for row in page.select("tbody tr")]
    assert [name for name, _ in rows] == [f"highlight.{member.value}" for member in Warn]
    assert all(len(when) > 20 for _, when in rows), rows
