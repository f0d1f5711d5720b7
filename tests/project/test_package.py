"""The package as PyPI would get it: built, checked, installed in a new environment, used.

Slow (a build and an install from the package index), so marked ``slow``; it runs in CI
with the rest. Nothing here uses the work tree's code: the new environment imports the
installed package, and the project is built from a directory of its own. The package is
installed with the commands the docs give (``test_docs.WORKING``), from the wheel and
from the clone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from seed import CITATION, REFERENCES
from test_docs import CLONE, WHEEL, WORKING

from sphinxcontrib_highlight.styles import BUILT_IN

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

OWN_BIB = r"""
@article{doe2020,
  author  = {Doe, Jane and M{\"u}ller, J{\"o}rg},
  title   = {An article of the user's own},
  journal = {Journal of Tests},
  shortjournal = {J Tests},
  year    = {2020},
  volume  = {7},
  pages   = {11--19},
}
"""

INDEX = """\
A project built with the installed wheel
========================================

.. highlight-citation::

As shown :hcite:`doe2020`.

.. highlight-references::
   :cited:

.. highlight-references::
   :bibfile: /bundled.bib
"""


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=900, check=False,
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    return out


def test_the_docs_name_the_wheel_built(dist):
    assert only(dist, "*.whl").name == Path(WHEEL).name


def documented(command: str, python: Path, **paths: Path) -> list[str | Path]:
    """A command of the docs as run here: their ``python`` is the new environment's, and
    their clone and wheel are this tree and the wheel built from it."""
    assert command in WORKING
    replace = {"python": python, CLONE: paths.get("clone", ROOT), WHEEL: paths.get("wheel")}
    return [replace.get(word) or word for word in command.split()]


def only(directory: Path, pattern: str) -> Path:
    (found,) = directory.glob(pattern)
    return found


def test_twine_check_passes(dist):
    result = run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))
    assert result.stdout.count("PASSED") == 2


def test_wheel_holds_data_styles_static_and_types(dist):
    with zipfile.ZipFile(only(dist, "*.whl")) as wheel:
        names = set(wheel.namelist())
        info = only_name(names, ".dist-info/METADATA")
        metadata = Parser().parsestr(wheel.read(info).decode("utf-8"))
        entry_points = wheel.read(only_name(names, ".dist-info/entry_points.txt")).decode()
    package = "sphinxcontrib_highlight/"
    for name in ("data/highlight.bib", "py.typed", "web/static/sphinxcontrib-highlight.css",
                 "styles/house.py", "styles/csl/ours/neurosci-bull.csl",
                 "styles/csl/ours/springer-nature.csl", "styles/csl/house/apa.csl",
                 "styles/csl/house/dependents.json", "styles/csl/locales/locales-en-US.xml",
                 "styles/csl/locales/README.md", "cli/main.py", "cli/project.py",
                 "__main__.py"):
        assert package + name in names
    assert not [name for name in names if "/tests/" in name or name.startswith("tests/")]
    assert "sphinx-highlight = sphinxcontrib_highlight.cli.main:main" in entry_points
    declared = _entry_point_group(entry_points, "pybtex.style.formatting")
    assert declared == BUILT_IN  # the styles found without reading entry points
    # The CSL styles and locales it ships are CC BY-SA 3.0, with their attribution.
    assert metadata["License-Expression"] == "BSD-2-Clause AND CC-BY-SA-3.0"
    assert package.rstrip("/") + "-0.1.0.dist-info/licenses/sphinxcontrib_highlight/styles/csl/locales/README.md" in names
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert "Framework :: Sphinx :: Extension" in metadata.get_all("Classifier")
    assert any(req.startswith("sphinx>=") for req in metadata.get_all("Requires-Dist"))
    assert "## Quick start" in metadata.get_payload()  # the README is the description


def only_name(names: set[str], suffix: str) -> str:
    (found,) = [name for name in names if name.endswith(suffix)]
    return found


def test_sdist_holds_tests_docs_and_project_files(dist):
    with tarfile.open(only(dist, "*.tar.gz")) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for name in ("pyproject.toml", "README.md", "CHANGELOG.md", "CONTRIBUTING.md", "LICENSE",
                 "tests/conftest.py", "docs/conf.py",
                 "sphinxcontrib_highlight/data/highlight.bib"):
        assert name in names
    assert not [name for name in names if name.startswith("docs/_build")]


@pytest.mark.parametrize("way", ["wheel", "clone"])
def test_installed_package_builds_a_project(dist, tmp_path, way):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    bindir = venv / "bin"
    source = WHEEL if way == "wheel" else CLONE
    run(*documented(f"python -m pip install {source}", bindir / "python",
                    wheel=only(dist, "*.whl")), cwd=tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    (project / "conf.py").write_text(
        'extensions = ["sphinxcontrib_highlight"]\nhighlight_bibfiles = ["refs.bib"]\n',
        encoding="utf-8",
    )
    (project / "refs.bib").write_text(OWN_BIB, encoding="utf-8")
    (project / "index.rst").write_text(INDEX, encoding="utf-8")
    where = run(bindir / "python", "-c",
                "import sphinxcontrib_highlight as m; print(m.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv)
    bundled = run(bindir / "python", "-c",
                  "from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE as b; print(b)",
                  cwd=tmp_path).stdout.strip()
    (project / "bundled.bib").write_bytes(Path(bundled).read_bytes())

    run(bindir / "sphinx-build", "-W", "-q", "-b", "html", project, project / "_build",
        cwd=tmp_path)
    page = BeautifulSoup((project / "_build" / "index.html").read_text("utf-8"), "html.parser")
    citation = page.select_one(".highlight-citation-text").get_text()
    # CSL prints the apostrophe typographically, as Zotero does.
    assert citation == "Doe, J. & Müller, J. An article of the user’s own. J Tests 7, 11–19 (2020)."
    lists = page.select("ol.highlight-reference-list")
    assert [li.get_text() for li in lists[1].select(".highlight-reference-text")] == REFERENCES
    assert (project / "_build" / "_static" / "sphinxcontrib-highlight.css").is_file()

    check = run(bindir / "sphinx-highlight", "check", project / "bundled.bib", cwd=tmp_path)
    assert check.stdout == ""
    rendered = run(bindir / "sphinx-highlight", "render", "--style", "springer-nature",
                   project / "bundled.bib", cwd=tmp_path)
    assert rendered.stdout.splitlines()[0] == f"1. {CITATION}"


def _entry_point_group(text: str, group: str) -> dict[str, str]:
    """``name = target`` lines of one ``[group]`` of an entry_points.txt."""
    section = text.split(f"[{group}]", 1)[1].split("\n[", 1)[0]
    return dict(
        (part.strip() for part in line.split("=", 1))  # type: ignore[misc]
        for line in section.splitlines()
        if "=" in line
    )
