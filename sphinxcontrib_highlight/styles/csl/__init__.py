"""A CSL 1.0.2 processor in pure Python: CSL-JSON items in, rich text out.

No Sphinx, docutils or pybtex here: ``Style.parse`` reads a style, ``Processor``
renders citations and bibliographies as ``formatted`` trees, and the serialisers in
``formatted`` write them as HTML or plain text.
"""

from __future__ import annotations

from .citations import Cluster
from .formatted import QuoteMarks, Span, Text, to_html, to_text
from .locale import Locale
from .processor import BibEntry, Processor
from .render import Cite
from .style import Style

__all__ = [
    "BibEntry",
    "Cite",
    "Cluster",
    "Locale",
    "Processor",
    "QuoteMarks",
    "Span",
    "Style",
    "Text",
    "to_html",
    "to_text",
]
