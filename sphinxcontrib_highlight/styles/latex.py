"""Decoding BibTeX field values, which are LaTeX, into rich text."""

from __future__ import annotations

import re

from pybtex.richtext import Text

# In a BibTeX field "%" is a literal percent sign, not the start of a LaTeX comment that
# would silently drop the rest of the field.
_BARE_PERCENT = re.compile(r"(?<!\\)%")


def latex_text(value: str) -> Text:
    """Rich text of a BibTeX field: LaTeX decoded, braces dropped, never re-cased.

    A field that is not valid LaTeX (unbalanced braces, a stray backslash) must not stop
    the build: it falls back to its text with the braces removed. Unknown commands stay
    as literal text, which every writer escapes, so nothing reaches LaTeX or HTML raw.
    """
    try:
        return Text.from_latex(_BARE_PERCENT.sub(r"\\%", value))
    except Exception:  # noqa: BLE001 (pybtex and latexcodec raise several kinds)
        return Text(value.replace("{", "").replace("}", ""))
