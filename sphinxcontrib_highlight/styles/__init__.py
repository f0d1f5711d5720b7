"""Styles, found by name: the package's own, pybtex's registry, then every CSL style.

Every style is a pybtex formatting style (entry-point group ``pybtex.style.formatting``),
so one interface serves the extension, pybtex and sphinxcontrib-bibtex. A name is looked
up in this order:

1. the styles this package declares (``neurosci-bull``, ``springer-nature``, ``apa``,
   ``vancouver``), CSL styles run by the package's CSL engine;
2. pybtex's registry: pybtex's own styles (``unsrt``, ``plain``, ``alpha``) and any a
   third-party package declares in that group;
3. the CSL styles: an id of the CSL styles repository (``nature``, ``ieee``; a dependent
   style runs its parent), or a path to a ``.csl`` file.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

import pybtex.plugin
from pybtex.plugin import PluginNotFound

from sphinxcontrib_highlight.styles.base import Rendered
from sphinxcontrib_highlight.styles.csl.catalog import InvalidStyleError
from sphinxcontrib_highlight.styles.csl_style import CslStyle
from sphinxcontrib_highlight.styles.list_form import NUMBERED, ListForm

if TYPE_CHECKING:
    from pybtex.style.formatting import BaseStyle

GROUP = "pybtex.style.formatting"

#: The styles this package declares in that group (``pyproject.toml``; a test keeps the
#: two equal), imported directly: reading every installed package's entry points took a
#: tenth of a build that rewrote one page.
BUILT_IN = {
    "neurosci-bull": "sphinxcontrib_highlight.styles.house:NeurosciBullStyle",
    "springer-nature": "sphinxcontrib_highlight.styles.house:SpringerNatureStyle",
    "vancouver": "sphinxcontrib_highlight.styles.house:VancouverStyle",
    "apa": "sphinxcontrib_highlight.styles.house:APAStyle",
}


def find_style(name: str) -> BaseStyle:
    """The style called ``name`` (a path to a .csl file must be absolute or relative to
    the working directory); ``LookupError`` saying why if there is none: for an unknown
    CSL id its message names the closest ids.

    Styles hold no state between entries, so one instance per name serves a whole
    build: pybtex's lookup reads every installed package's entry points on each call. A
    .csl file is read again when it changes (sphinx-autobuild rebuilds in one process).
    """
    return _style(*style_version(name))


def style_version(name: str) -> tuple[str, int]:
    """What tells the style called ``name`` apart from the same name's earlier ones: the
    name, and for a .csl file its modification time (0 for any other)."""
    if not name.endswith(".csl"):  # asked for every entry a page shows: no path made
        return name, 0
    path = Path(name)
    return name, path.stat().st_mtime_ns if path.is_file() else 0


@lru_cache(maxsize=64)
def _style(name: str, changed: int) -> BaseStyle:
    if name in BUILT_IN:
        module, _, class_name = BUILT_IN[name].partition(":")
        built_in: type[BaseStyle] = getattr(import_module(module), class_name)
        return built_in()
    if not name.endswith(".csl"):
        try:
            return pybtex.plugin.find_plugin(GROUP, name)()
        except PluginNotFound:
            pass
    try:
        return CslStyle(name)
    except InvalidStyleError as error:
        raise LookupError(str(error)) from error


def list_form_of(style: BaseStyle) -> ListForm:
    """How a list in ``style`` looks: a CSL style's labels and indent; "1." for
    pybtex's styles, which have no say in it."""
    return style.list_form if isinstance(style, CslStyle) else NUMBERED


def style_error(name: str) -> str | None:
    """Why no style answers to ``name``, as a build and the command line both say it (for
    an unknown CSL id, naming the closest ids); None when a style does."""
    try:
        find_style(name)
    except LookupError as error:
        return str(error.args[0]) if error.args else f"no style named {name!r}"
    return None


def style_names() -> list[str]:
    """The styles known by a short name (this package's and pybtex's registry), sorted;
    every CSL style id works beside them."""
    return sorted(set(pybtex.plugin.enumerate_plugin_names(GROUP)))


def pybtex_style_names() -> list[str]:
    """The styles pybtex itself ships (``unsrt``, ``plain``...), sorted: the docs name
    them apart from ours and from those other packages add."""
    return sorted(
        point.name for point in entry_points(group=GROUP) if point.value.startswith("pybtex.")
    )


__all__ = [
    "BUILT_IN",
    "GROUP",
    "Rendered",
    "find_style",
    "list_form_of",
    "pybtex_style_names",
    "style_error",
    "style_names",
]
