"""Formatted entries as plain text, HTML, reStructuredText or Markdown source.

The command line prints reference lists for pasting into other documents, so each format
must escape whatever its markup would otherwise read: a title with ``*`` or ``_`` must not
turn into emphasis, an ``&`` or ``<`` must not break HTML, and an item must not start with
something its list would take for a nested list or a heading. pybtex's own HTML and
Markdown backends leave link targets unescaped and escape more than Markdown needs, so the
backends here are small subclasses that fix just that.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import quote

from pybtex.backends import BaseBackend
from pybtex.backends import html as pybtex_html
from pybtex.backends import markdown as pybtex_markdown
from pybtex.richtext import Text

from sphinxcontrib_highlight.bibliography.latex import plain_text
from sphinxcontrib_highlight.styles.list_form import NUMBERED, ListForm

if TYPE_CHECKING:
    from collections.abc import Sequence

FORMATS = ("text", "html", "rst", "markdown", "json")


class _Html(pybtex_html.Backend):  # type: ignore[misc]
    """pybtex's HTML, with the link target escaped too and no markup for braces."""

    def format_protected(self, text: str) -> str:
        return text

    def format_tag(self, tag_name: str, text: str) -> str:
        if tag_name == "sc":  # small caps, from a CSL style
            return f'<span style="font-variant:small-caps">{text}</span>' if text else ""
        return str(super().format_tag(tag_name, text))

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

    def format_tag(self, tag_name: str, text: str) -> str:
        # Markdown has emphasis and strong emphasis; other formatting (small caps,
        # super- and subscripts) prints as its text rather than as raw HTML.
        return str(super().format_tag(tag_name, text)) if tag_name in self.tags else text

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


def reference_list(
    items: Sequence[tuple[str, Text]], fmt: str, start: int = 1, form: ListForm = NUMBERED
) -> str:
    """A reference list of ``(key, text)`` in ``fmt``, as the style's ``form`` lays it out:
    "1." numbers, the style's own labels ("[1]"), or none (an author-date style). HTML
    items get ``id="ref-<key>"``.

    ``json`` is for programs: an array, in the list's order, of objects with the entry's
    ``key``, its ``text`` as plain text, its ``html``, its ``number`` (its place in the
    list) and its ``label`` as the style prints it ("" if the style numbers nothing).
    """
    labels = [
        form.label.text(number) if form.label is not None else ""
        for number in range(start, start + len(items))
    ]
    if fmt == "json":
        records = [
            {"key": key, "number": number, "label": label, "text": inline(text, "text"),
             "html": inline(text, "html")}
            for number, label, (key, text) in zip(
                range(start, start + len(items)), labels, items, strict=True
            )
        ]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return _html_list(items, labels, start, form)
    if form.plain_numbers:
        separator = "\n" if fmt in ("rst", "markdown") else ""
        return separator.join(
            f"{label} {_guarded(inline(text, fmt), fmt)}\n"
            for label, (_, text) in zip(labels, items, strict=True)
        )
    # No list markup has a style's own labels: each entry is a line (text) or a
    # paragraph of its own, starting with its label, as a reference manager pastes it.
    separator = "\n" if fmt in ("rst", "markdown") else ""
    return separator.join(
        _guarded(f"{_label_markup(label, form, fmt)} {inline(text, fmt)}".lstrip(), fmt) + "\n"
        for label, (_, text) in zip(labels, items, strict=True)
    )


def _guarded(body: str, fmt: str) -> str:
    return body if fmt == "text" else _guard_start(body, fmt)


def _label_markup(label: str, form: ListForm, fmt: str) -> str:
    """The label in ``fmt``: escaped, and raised where the style sets it superscript."""
    if not label or fmt == "text":
        return label
    escaped = inline(Text(label), fmt)
    if form.label is not None and form.label.superscript:
        return f"<sup>{escaped}</sup>" if fmt in ("html", "markdown") else f":sup:`{label}`"
    return escaped


def _html_list(
    items: Sequence[tuple[str, Text]], labels: list[str], start: int, form: ListForm
) -> str:
    """An ``<ol>``: numbered by the browser ("1."), or with the style's labels written in
    each item, or without numbers (and with a hanging indent if the style has one).
    Inline styles make the list look so wherever it is pasted, without a style sheet."""
    start_attr = f' start="{start}"' if start != 1 else ""
    classes = "highlight-reference-list"
    style = ""
    if not form.plain_numbers:
        classes += " highlight-unnumbered" if form.label is None else " highlight-labelled"
        style = ' style="list-style-type: none; padding-left: 0"'
        if form.hanging_indent:
            classes += " highlight-hanging-indent"
            style = ' style="list-style-type: none; padding-left: 2em; text-indent: -2em"'
    lines = [f'<ol class="{classes}"{start_attr}{style}>']
    for label, (key, text) in zip(labels, items, strict=True):
        marker = (
            f'<span class="highlight-reference-label">{_label_markup(label, form, "html")}</span> '
            if label and not form.plain_numbers else ""
        )
        lines.append(f'  <li id="ref-{escape(key, quote=True)}">{marker}{inline(text, "html")}</li>')
    lines.append("</ol>")
    return "\n".join(lines) + "\n"
