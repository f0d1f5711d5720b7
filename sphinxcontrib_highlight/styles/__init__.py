"""Styles, found by name in pybtex's registry of formatting styles.

Every style is a pybtex formatting style (entry-point group ``pybtex.style.formatting``),
so one registry serves the extension, pybtex and sphinxcontrib-bibtex, and a third-party
package adds a style by declaring an entry point in that group. pybtex's own styles
(``unsrt``, ``plain``, ``alpha``) work too, without the missing-field reports of ours.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import TYPE_CHECKING

import pybtex.plugin
from pybtex.plugin import PluginNotFound

from sphinxcontrib_highlight.styles.base import Rendered

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
    """The style called ``name``; ``LookupError`` if there is none.

    Styles hold no state between entries, so one instance per name serves a whole
    build: pybtex's lookup reads every installed package's entry points on each call.
    """
    return _style(name)


@lru_cache(maxsize=64)
def _style(name: str) -> BaseStyle:
    if name in BUILT_IN:
        module, _, class_name = BUILT_IN[name].partition(":")
        built_in: type[BaseStyle] = getattr(import_module(module), class_name)
        return built_in()
    try:
        style_class = pybtex.plugin.find_plugin(GROUP, name)
    except PluginNotFound as error:
        raise LookupError(f"no style named {name!r}") from error
    return style_class()


def style_names() -> list[str]:
    """Every style name installed, sorted."""
    return sorted(set(pybtex.plugin.enumerate_plugin_names(GROUP)))


__all__ = ["BUILT_IN", "GROUP", "Rendered", "find_style", "style_names"]
