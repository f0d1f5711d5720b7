"""What the docs tell a new user agrees with the code: the values each setting takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sphinxcontrib_highlight import __version__
from sphinxcontrib_highlight.sphinxext import config

ROOT = Path(__file__).resolve().parents[2]

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


# --- installing ----------------------------------------------------------------------

#: A clone of the repository, as the docs name it.
CLONE = "./sphinxcontrib-highlight"
#: The wheel ``python -m build`` writes from the clone.
WHEEL = f"{CLONE}/dist/sphinxcontrib_highlight-{__version__}-py3-none-any.whl"
#: The commands that install the package today; tests/project/test_package.py runs each.
WORKING = {
    f"python -m pip install {CLONE}",
    "python -m pip install build",
    f"python -m build {CLONE}",
    f"python -m pip install {WHEEL}",
}
#: Where install commands are written for users and contributors.
INSTALL_PAGES = [*PAGES, ROOT / "CONTRIBUTING.md", ROOT / "benchmarks" / "README.md"]


def _declared_packages() -> set[str]:
    """Packages the project itself depends on (so they are on PyPI), and its extras."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return {re.split(r"[<>=!\[ ]", requirement, maxsplit=1)[0] for requirement in requirements}


def _is_working(command: str) -> bool:
    if command in WORKING:
        return True
    # The clone and, beside it, packages the project depends on (``myst-parser``).
    clone_and = re.fullmatch(rf"python -m pip install {re.escape(CLONE)}((?: [a-z0-9-]+)+)",
                             command)
    if clone_and:
        return set(clone_and[1].split()) <= _declared_packages()
    # The clone with some of the project's extras (``[styles]``: the CSL repository).
    with_extras = re.fullmatch(rf'python -m pip install "{re.escape(CLONE)}\[([a-z,]+)\]"', command)
    if with_extras:
        import tomllib

        extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        return set(with_extras[1].split(",")) <= extras["project"]["optional-dependencies"].keys()
    # A contributor's editable install from the clone's root, with the project's extras.
    editable = re.fullmatch(r'(?:\S*/)?(?:python3? -m )?pip install -e "\.\[([a-z,]+)\]"',
                            command)
    if editable:
        import tomllib

        extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        return set(editable[1].split(",")) <= extras["project"]["optional-dependencies"].keys()
    return False


def _install_commands() -> list[tuple[str, str, str]]:
    """Each install command of the pages: (page, command, the line it is on)."""
    found = []
    for page in INSTALL_PAGES:
        for line in page.read_text(encoding="utf-8").splitlines():
            if not re.search(r"pip install|python -m build", line):
                continue
            if re.search(r"``?[^`]*pip install[^`]*``?", line):  # named in a sentence
                found.append((page.name, "", line))
                continue
            command = line.split("#", 1)[0].strip().removeprefix("$ ")
            found += [
                (page.name, part.strip(), line) for part in command.split("&&")
                if re.search(r"pip install|python -m build", part)
            ]
    return found


def test_every_install_command_of_the_docs_works_today():
    """The tutorial, the usage page and the MyST tutorial said ``pip install
    sphinxcontrib-highlight``, which fails until the package is on PyPI."""
    commands = _install_commands()
    assert {page for page, _, _ in commands} >= {
        "README.md", "tutorial.rst", "tutorial-myst.md", "usage.rst",
    }
    for page, command, line in commands:
        if command:
            assert _is_working(command), f"{page}: {line}"
        else:  # the PyPI name, only as what will work once the package is published
            assert "not on PyPI yet" in line or "published" in line, f"{page}: {line}"


def test_the_readme_and_the_tutorial_give_both_ways():
    for page in ("README.md", "tutorial.rst"):
        commands = {command for name, command, _ in _install_commands() if name == page}
        assert commands >= WORKING, page


# --- the tutorial, followed as a new user follows it ---------------------------------


def _code_blocks(page: Path) -> list[tuple[str, str]]:
    """(language, text) of each ``code-block`` of a reStructuredText page, in order."""
    blocks = []
    lines = page.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        start = re.fullmatch(r"\.\. code-block:: (\w+)", line)
        if not start:
            continue
        body = []
        for following in lines[index + 1 :]:
            if following and not following.startswith("   "):
                break
            body.append(following[3:])
        blocks.append((start[1], "\n".join(body).strip("\n")))
    return blocks


def test_the_tutorial_works_as_written(tmp_path):
    """Each step of the tutorial, in its order: the commands with the output it shows,
    the configuration and the directives, then a build that must not warn."""
    import os
    import shutil
    import subprocess
    import sys

    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    page = ROOT / "docs" / "tutorial.rst"
    docs = tmp_path / "docs"
    ran_check = False
    for language, text in _code_blocks(page):
        if language == "console":
            command, *expected = text.splitlines()
            command = command.removeprefix("$ ")
            if "pip install" in command or command.startswith("python -m build"):
                continue  # test_package.py installs the way the docs say
            result = subprocess.run(command, shell=True, cwd=tmp_path, env=env,
                                    capture_output=True, text=True, timeout=300, check=False)
            assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
            for line in expected:
                assert line in (result.stdout + result.stderr).splitlines(), (command, line)
            ran_check |= command.startswith("sphinx-highlight check")
        elif language == "python":
            conf = docs / "conf.py"
            source = conf.read_text(encoding="utf-8")
            if text.startswith("extensions = "):
                source = re.sub(r"(?m)^extensions = \[\]$", text, source)
                assert text in source
            else:
                source += "\n" + text + "\n"
            conf.write_text(source, encoding="utf-8")
            if "highlight_bibfiles" in text:  # the file the tutorial offers for download
                shutil.copy(ROOT / "docs" / "tutorial" / "references.bib", docs)
        elif language == "rst":
            with (docs / "index.rst").open("a", encoding="utf-8") as index:
                index.write("\n" + text + "\n")
    assert ran_check
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(docs),
         str(docs / "_build" / "html")],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert build.returncode == 0, build.stderr
    html = (docs / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "Huang, Y." in html and "highlight-reference-list" in html


def test_the_myst_tutorial_works_as_written(tmp_path):
    """Its configuration and its examples (the fenced ``markdown`` blocks), as a project
    of their own: a build that must not warn."""
    import shutil
    import subprocess
    import sys

    text = (ROOT / "docs" / "tutorial-myst.md").read_text(encoding="utf-8")
    blocks = re.findall(r"(?ms)^(`{3,})(\w+)\n(.*?)\n\1$", text)
    (python,) = [body for _, language, body in blocks if language == "python"]
    (tmp_path / "conf.py").write_text(python + "\n", encoding="utf-8")
    shutil.copy(ROOT / "docs" / "tutorial" / "references.bib", tmp_path)
    examples = [body for _, language, body in blocks if language == "markdown"]
    assert len(examples) == 4
    (tmp_path / "index.md").write_text(
        "# A page as the MyST tutorial writes it\n\n" + "\n\n".join(examples) + "\n",
        encoding="utf-8",
    )
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(tmp_path),
         str(tmp_path / "_build")],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert build.returncode == 0, build.stderr
    html = (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="highlight-cite"') == 2
    assert html.count("highlight-reference-list") >= 2
