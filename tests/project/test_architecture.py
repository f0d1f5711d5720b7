"""The layers of docs/architecture.rst are the package's layers, import for import.

The page lists each layer's folder and modules, bottom first. A module may import from
its own layer and the layers listed above it (below it in the stack), and everything may
import the vocabulary of warnings and the speed layer's package interface; the speed
layer and the vocabulary import nothing else of the package. The layers below the Sphinx
side import neither Sphinx nor docutils, so the command line and other tools can use
them without a Sphinx project.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "sphinxcontrib_highlight"
PAGE = ROOT / "docs" / "architecture.rst"
NAME = "sphinxcontrib_highlight"

#: The layers whose modules must run without Sphinx.
SPHINX_FREE = {"vocabulary", "bibliography", "styles", "export"}
#: The layers every other layer may use, and that use no other layer.
SIDE_LAYERS = {"vocabulary", "speed"}


def documented_layers() -> list[tuple[str, str, set[str]]]:
    """(layer, folder or module file, module names) for each row of the page's table."""
    text = PAGE.read_text(encoding="utf-8")
    table = text[text.index(".. list-table::"):]
    rows = re.split(r"\n   \* - ", table)[2:]  # after the directive and the header row
    layers = []
    for row in rows:
        cells = re.split(r"\n     - ", row)
        layer, folder, modules = (" ".join(cell.split()) for cell in cells[:3])
        names = set(re.findall(r"``([a-z_0-9]+)``(?=,| and|:)", modules))
        layers.append((layer, folder.strip("`"), names))
    return layers


LAYERS = documented_layers()
ORDER = [layer for layer, _, _ in LAYERS]


def modules_on_disk(folder: str) -> set[str]:
    if folder.endswith(".py"):
        return {folder.removesuffix(".py")}
    return {path.stem for path in (PACKAGE / folder).glob("*.py") if path.stem != "__init__"}


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name inside the package: the one whose folder holds
    it most closely (``styles.csl.render`` is in ``styles/csl/``, not ``styles/``)."""
    parts = module.split(".")
    best: tuple[int, str] | None = None
    for layer, folder, _ in LAYERS:
        if folder.endswith(".py"):
            if folder == f"{parts[0]}.py":
                return layer
            continue
        depth = folder.rstrip("/").count("/") + 1
        if parts[:depth] == folder.rstrip("/").split("/") and (best is None or depth > best[0]):
            best = (depth, layer)
    return best[1] if best else None


def package_modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py")
        if path.parent != PACKAGE or path.stem not in ("__init__", "__main__")
    )


def dotted(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(part for part in parts if part != "__init__")


def imports_of(path: Path, module_name: str) -> list[tuple[int, str]]:
    """Every module ``path`` imports, with its line; a relative import within its own
    folder made absolute, any other relative import as written."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            if node.level == 1:  # the module's own folder
                folder = module_name.split(".")[:-1]
                if path.name == "__init__.py":
                    folder = module_name.split(".")
                base = ".".join([NAME, *folder, *([node.module] if node.module else [])])
            found.append((node.lineno, base))
            if node.module == NAME:  # "from sphinxcontrib_highlight import layer_module"
                found.extend(
                    (node.lineno, f"{node.module}.{alias.name}")
                    for alias in node.names if alias.name != "__version__"
                )
    return found


def test_the_page_lists_every_layer_once():
    assert len(set(ORDER)) == len(ORDER) >= 7


@pytest.mark.parametrize(("layer", "folder", "listed"), LAYERS, ids=ORDER)
def test_the_page_lists_each_module_of_the_layer(layer, folder, listed):
    assert listed == modules_on_disk(folder), f"docs/architecture.rst, layer {layer!r}"


def violations(path: Path, module_name: str) -> list[str]:
    """What in the module at ``path`` (named ``module_name``) breaks the layers' rules."""
    own = layer_of(module_name)
    if own is None:
        return [f"{module_name} is in no layer of docs/architecture.rst"]
    allowed = set(ORDER[: ORDER.index(own) + 1]) | SIDE_LAYERS
    found = []
    for line, module in imports_of(path, module_name):
        where = f"{module_name}:{line} imports {module}"
        top = module.split(".")[0]
        if module.startswith("."):
            found.append(f"{where}: use absolute imports")
        elif own in SPHINX_FREE and top in ("sphinx", "docutils", "pybtex_docutils"):
            found.append(f"{where}: the {own} layer runs without Sphinx")
        if top != NAME or module in (NAME, f"{NAME}.speed"):
            continue  # outside the package, its version, or the speed layer's interface
        target = layer_of(module.removeprefix(f"{NAME}."))
        if own in SIDE_LAYERS and target not in (own, "vocabulary"):
            found.append(f"{where}: the {own} layer uses no other layer")
        elif own not in SIDE_LAYERS and target == "speed":
            found.append(f"{where}: use the names of sphinxcontrib_highlight.speed")
        elif target not in allowed:
            found.append(f"{where}: {target} is above {own}")
    return found


@pytest.mark.parametrize("path", package_modules(), ids=dotted)
def test_imports_go_down_the_layers_only(path):
    assert violations(path, dotted(path)) == []


@pytest.mark.parametrize(("module_name", "line", "complaint"), [
    ("bibliography.parse", "from sphinxcontrib_highlight.sphinxext import domain", "above"),
    ("bibliography.parse", "from sphinx.util import logging", "without Sphinx"),
    ("styles.base", "from sphinxcontrib_highlight.speed.memo import per_entry", "names of"),
    ("speed.memo", "from sphinxcontrib_highlight.styles import names", "no other layer"),
    ("web.downloads", "from ..sphinxext import nodes", "absolute"),
    ("styles.csl.render", "from ..base import Fields", "absolute"),
    ("styles.csl.render", "from sphinxcontrib_highlight.styles.base import Fields", "above"),
])
def test_each_rule_catches_its_breach(tmp_path, module_name, line, complaint):
    """The check itself: a module that breaks a rule is reported."""
    bad = tmp_path / "module.py"
    bad.write_text(f"{line}\n", encoding="utf-8")
    assert any(complaint in found for found in violations(bad, module_name))


#: Test folders that are not a layer: tests of the project as a whole (this file, the
#: docs, the package as PyPI gets it).
WHOLE_PROJECT_TESTS = "project"
TESTS = ROOT / "tests"


def test_the_tests_mirror_the_layers():
    """Each test module sits in the folder of the layer it tests, so the tests of a
    layer are found where its code is; the shared helpers stay at the top."""
    folders = {folder.rstrip("/") for _, folder, _ in LAYERS if not folder.endswith(".py")}
    allowed = {folder.split("/")[0] for folder in folders} | {WHOLE_PROJECT_TESTS}
    misplaced = sorted(
        str(path.relative_to(TESTS)) for path in TESTS.rglob("test_*.py")
        if "roots" not in path.relative_to(TESTS).parts
        and (path.parent == TESTS or path.relative_to(TESTS).parts[0] not in allowed)
    )
    assert not misplaced, f"test modules outside a layer's folder: {misplaced}"
    assert {path.name for path in TESTS.iterdir() if path.is_dir()} >= allowed - {"vocabulary"}

