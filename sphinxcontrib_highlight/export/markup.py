"""Formatted entries as plain text, HTML, reStructuredText or Markdown source.

The command line prints reference lists for pasting into other documents, so each format
must escape whatever its markup would otherwise read: a title with ``*`` or ``_`` must not
turn into emphasis, an ``&`` or ``<`` must not break HTML, and an item must not start with
something its list would take for a nested list or a heading. pybtex's own HTML and
Markdown backends leave link targets unescaped and escape more than Markdown needs, so the
backends here are small subclasses that fix just that.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import quote

from pybtex.backends import BaseBackend
from pybtex.backends import html as pybtex_html
from pybtex.backends import markdown as pybtex_markdown

from sphinxcontrib_highlight.bibliography.latex import plain_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pybtex.richtext import Text

FORMATS = ("text", "html", "rst", "markdown")


class _Html(pybtex_html.Backend):  # type: ignore[misc]
    """pybtex's HTML, with the link target escaped too and no markup for braces."""

    def format_protected(self, text: str) -> str:
        return text

    @staticmethod
    def format_href(url: str, text: str, external: bool = False) -> str:
        return f'<a href="{escape(url, quote=True)}">{text}</a>' if text else ""


#: ASCII punctuation that Markdown (CommonMark, GFM, MyST) reads as markup inside a line.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&|~$])")


class _Markdown(pybtex_markdown.Backend):  # type: ignore[misc]
    """Markdown that escapes only what is markup, and links that survive any URL."""

    symbols: ClassVar[dict[str, str]] = {"ndash": "–", "newblock": " ", "nbsp": "\u00a0"}

    def format_str(self, text: str) -> str:
        return _MARKDOWN_INLINE.sub(r"\\\1", text)

    def format_protected(self, text: str) -> str:
        return text

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        if not text:
            return ""
        target = quote(url, safe="/:;?#@!$&'*+,=%~._-")
        return f"[{text}](<{target}>)"


#: Characters reStructuredText reads as inline markup.
_RST_INLINE = re.compile(r"([\\`*_|])")


class _Rst(BaseBackend):  # type: ignore[misc]
    """reStructuredText inline markup for pybtex's rich text."""

    default_suffix = ".rst"
    symbols: ClassVar[dict[str, str]] = {"ndash": "–", "newblock": " ", "nbsp": "\u00a0"}
    _tags: ClassVar[dict[str, str]] = {"em": "*", "i": "*", "strong": "**", "b": "**"}

    def format_str(self, text: str) -> str:
        return _RST_INLINE.sub(r"\\\1", text)

    def format_protected(self, text: str) -> str:
        return text

    def format_tag(self, tag_name: str, text: str) -> str:
        mark = self._tags.get(tag_name, "")
        return f"{mark}{text}{mark}" if text else ""

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        if not text:
            return ""
        # An anonymous link, so two items may link the same text to different URLs.
        return f"`{text} <{quote(url, safe='/:;?#@!$&*+,=%~._-')}>`__"


# A line that starts like one of these is read as a block, not as text: a bullet, a
# heading, a quote, a directive, or an enumerator (``2021.``, ``A.``, ``(iv)``).
_BLOCK_START = re.compile(r"^(?:[-+*#>=:|.!`~<]|\(?(?:\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)[.)]\s)")


def _guard_start(text: str, fmt: str) -> str:
    """Escape the one character that would make ``text`` start a block in ``fmt``."""
    match = _BLOCK_START.match(text)
    if not match:
        return text
    if text[0].isalnum() and fmt == "markdown":
        # Markdown cannot escape a letter or digit, only the enumerator's delimiter.
        at = match.end() - 2
        return f"{text[:at]}\\{text[at:]}"
    return f"\\{text}"


_BACKENDS = {"html": _Html(), "markdown": _Markdown(), "rst": _Rst()}


def inline(text: Text, fmt: str) -> str:
    """``text`` as inline markup of ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "text":
        return plain_text(text)
    return str(text.render(_BACKENDS[fmt]))


def numbered_list(items: Sequence[tuple[str, Text]], fmt: str, start: int = 1) -> str:
    """A numbered list of ``(key, text)`` in ``fmt``; HTML items get ``id="ref-<key>"``."""
    if fmt == "html":
        start_attr = f' start="{start}"' if start != 1 else ""
        lines = [f'<ol class="highlight-reference-list"{start_attr}>']
        lines += [
            f'  <li id="ref-{escape(key, quote=True)}">{inline(text, fmt)}</li>'
            for key, text in items
        ]
        lines.append("</ol>")
        return "\n".join(lines) + "\n"
    separator = "\n" if fmt in ("rst", "markdown") else ""
    rendered = []
    for number, (_, text) in enumerate(items, start=start):
        body = inline(text, fmt)
        if fmt != "text":
            body = _guard_start(body, fmt)
        rendered.append(f"{number}. {body}\n")
    return separator.join(rendered)
