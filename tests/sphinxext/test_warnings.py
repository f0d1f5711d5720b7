"""Bad input: a located, typed, suppressible warning, and the rest of the build goes on."""

from __future__ import annotations

import re

import pytest
from conftest import soup, warnings


def lines(app) -> list[str]:
    return [line for line in warnings(app).splitlines() if "WARNING" in line]


def warning_for(app, needle: str) -> str:
    found = [line for line in lines(app) if needle in line]
    assert found, f"no warning mentions {needle!r}; got:\n" + "\n".join(lines(app))
    return found[0]


@pytest.mark.sphinx("html", testroot="bad-input", freshenv=True)
def test_each_problem_is_located_and_typed(app):
    app.build()
    expected = {
        "unknown option :colour:": ("index.rst", 8, "highlight.directive"),
        "'no-such-key' is not in": ("index.rst", 11, "highlight.unknown_key"),
        "expected one key": ("index.rst", 13, "highlight.unknown_key"),
        "takes no argument; 'an-argument' is ignored (to list entries, give their keys in "
        ":keys: or in the content)": ("index.rst", 15, "highlight.directive"),
        "invalid value 'zero' for option :start:": ("index.rst", 17, "highlight.directive"),
        "unknown CSL style 'no-such-style'": ("index.rst", 17, "highlight.style"),
        "'nobody1999' is not in the bibliography": ("keys.rst", 4, "highlight.unknown_key"),
        "'missing2000' is not in the bibliography": ("keys.rst", 6, "highlight.unknown_key"),
        "invalid value 'sometimes' for option :cited:": ("keys.rst", 9, "highlight.directive"),
    }
    for needle, (filename, lineno, kind) in expected.items():
        line = warning_for(app, needle)
        assert re.search(rf"{re.escape(filename)}:{lineno}: WARNING", line), line
        assert line.endswith(f"[{kind}]"), line
    assert "Traceback" not in warnings(app)


@pytest.mark.sphinx("html", testroot="bad-input", freshenv=True)
def test_build_goes_on_after_bad_input(app):
    app.build()
    page = soup(app)
    assert "Text after the bad directives still renders." in page.get_text()
    # The valid directives around the bad ones still render.
    assert page.select_one(".highlight-citation-text").get_text().startswith("Yang, J.")
    # :start: was invalid and is ignored; the style fell back to the default.
    first = page.select("ol.highlight-reference-list")[-1].select_one("li")
    assert first.get_text().startswith("Finnerup NB")
    keys_page = soup(app, "keys")
    assert keys_page.select_one("ol.highlight-reference-list li").get_text().startswith("Mogil JS")
    assert "[?]" in keys_page.get_text()


@pytest.mark.sphinx("html", testroot="bad-input")
@pytest.mark.parametrize(
    "subtype",
    ["directive", "unknown_key", "style"],
)
def test_each_subtype_can_be_suppressed(make_app, app_params, subtype):
    args, kwargs = app_params
    kwargs["confoverrides"] = {"suppress_warnings": [f"highlight.{subtype}"]}
    kwargs["freshenv"] = True
    app = make_app(*args, **kwargs)
    app.build()
    assert f"[highlight.{subtype}]" not in warnings(app)
    assert "[highlight." in warnings(app)  # the other kinds still warn


@pytest.mark.sphinx("html", testroot="bad-input", freshenv=True,
                    confoverrides={"suppress_warnings": ["highlight"]})
def test_whole_type_can_be_suppressed(app):
    app.build()
    assert "[highlight." not in warnings(app)


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True,
                    confoverrides={"highlight_cite_format": "footnote",
                                   "highlight_bibfiles": 42})
def test_bad_config_values_warn_and_fall_back(app):
    app.build()
    assert "invalid value 'footnote' for highlight_cite_format" in warnings(app)
    assert "invalid value 42 for highlight_bibfiles" in warnings(app)
    assert "[highlight.config]" in warnings(app)
    assert soup(app).select("ol.highlight-reference-list > li")


@pytest.mark.sphinx("html", testroot="bundled", freshenv=True,
                    confoverrides={"highlight_reference_style": "nature-of-things"})
def test_unknown_configured_style_names_the_closest_ones(app):
    app.build()
    line = next(line for line in warnings(app).splitlines() if "nature-of-things" in line)
    assert "invalid value 'nature-of-things' for highlight_reference_style" in line
    assert "unknown CSL style 'nature-of-things'; closest: " in line
    assert line.endswith("[highlight.config]")
    # The default style is used instead: the list is the published one.
    first = soup(app).select_one("ol.highlight-reference-list > li").get_text()
    assert first.startswith("Finnerup NB, Kuner R, Jensen TS.")


@pytest.mark.parametrize("builder", ["html", "epub"])
def test_summary_counts_the_warnings_printed(make_app, root_copy, builder):
    """Sphinx counts a ``once`` warning each time it is logged but prints it once: the
    summary said "21 warnings" for 12 printed when epub resolved a page three times, and
    an entry shown twice on a page was counted twice."""
    srcdir = root_copy("bad-bib")
    with (srcdir / "index.rst").open("a", encoding="utf-8") as index:
        index.write("\n.. highlight-citation:: noauthor2021\n")
    app = make_app(builder, srcdir=srcdir, freshenv=True,
                   confoverrides={"version": "1", "copyright": "2026"})
    app.build()
    printed = [line for line in lines(app) if "already registered" not in line]
    assert any("noauthor2021" in line for line in printed)
    registered = warnings(app).count("already registered")
    assert app._warncount - registered == len(printed), "\n".join(printed)


CITED_DEEP_IN_A_PARAGRAPH = """\
Title
=====

First line of a paragraph,
second line, :hcite:`nobody1999`
third line :hcite:`nobody1999` and :hcite:`nobody2000`.

- an item
  that cites :hcite:`nobody2001` on its second line

.. highlight-references::
   :cited:
"""


CITED_DEEP_IN_MYST = "# Title\n\nFirst line,\nsecond {hcite}`nobody1999`\nthird {hcite}`nobody2000`.\n"


@pytest.mark.parametrize(("page", "extensions", "text", "expected"), [
    ("index.rst", ["sphinxcontrib_highlight"], CITED_DEEP_IN_A_PARAGRAPH,
     [("5", "nobody1999"), ("6", "nobody1999"), ("6", "nobody2000"), ("9", "nobody2001")]),
    ("index.md", ["myst_parser", "sphinxcontrib_highlight"], CITED_DEEP_IN_MYST,
     [("4", "nobody1999"), ("5", "nobody2000")]),
])
def test_a_citation_warning_points_at_its_own_line(
    make_app, tmp_path, page, extensions, text, expected
):
    """docutils gives a role its paragraph's first line; the warning said line 4."""
    (tmp_path / "conf.py").write_text(f"extensions = {extensions!r}\n")
    (tmp_path / page).write_text(text)
    app = make_app("html", srcdir=tmp_path, freshenv=True)
    app.build()
    located = sorted(
        (re.search(rf"{re.escape(page)}:(\d+): WARNING: :hcite: key '(\w+)'", line).groups())
        for line in lines(app) if ":hcite: key" in line
    )
    assert located == expected
