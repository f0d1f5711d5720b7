"""Format entries with a named style, once per build, and turn the result into nodes.

The extension's own styles report missing fields and unknown entry types; any other
pybtex style is called through pybtex's interface, and if it fails on an entry (pybtex
raises on a missing field or an unknown type) the entry falls back to a generic form,
so one bad entry never stops a build.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pybtex_docutils
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text

from .styles import find_style, names
from .styles.base import HighlightStyle, Rendered
from .styles.neurosci_bull import NeurosciBullStyle

if TYPE_CHECKING:
    from docutils import nodes
    from pybtex.database import Entry

_BACKEND = pybtex_docutils.Backend()
_rendered: dict[tuple[str, int], tuple[Entry, Rendered]] = {}
_digests: dict[int, tuple[Entry, str]] = {}


def render_entry(style_name: str, entry: Entry) -> Rendered:
    """The entry formatted in the named style (cached for the entry's lifetime)."""
    cache_key = (style_name, id(entry))
    cached = _rendered.get(cache_key)
    if cached is not None and cached[0] is entry:
        return cached[1]
    rendered = _render(style_name, entry)
    _rendered[cache_key] = (entry, rendered)
    return rendered


def _render(style_name: str, entry: Entry) -> Rendered:
    style = find_style(style_name)
    if isinstance(style, HighlightStyle):
        return style.render(entry)
    try:
        return Rendered(style.format_entry("", entry).text)
    except (PybtexError, KeyError, AttributeError, TypeError, ValueError) as error:
        fallback = NeurosciBullStyle().render(entry)
        reason = str(error) or type(error).__name__
        return Rendered(fallback.text, (reason,), fallback.unknown_type)


def to_nodes(text: Text) -> list[nodes.Node]:
    """docutils nodes for rich text: every builder can render them."""
    return list(text.render(_BACKEND))


def plain(text: Text) -> str:
    """Plain text of rich text, for tooltips and copy buttons."""
    return names.plain_text(text)


def entry_digest(entry: Entry) -> str:
    """A digest of everything in an entry, to tell when its output may have changed."""
    cached = _digests.get(id(entry))
    if cached is not None and cached[0] is entry:
        return cached[1]
    content = repr(
        (
            entry.type,
            sorted(entry.fields.items()),
            sorted((role, [str(p) for p in people]) for role, people in entry.persons.items()),
        )
    )
    digest = hashlib.sha1(content.encode("utf-8"), usedforsecurity=False).hexdigest()
    _digests[id(entry)] = (entry, digest)
    return digest
