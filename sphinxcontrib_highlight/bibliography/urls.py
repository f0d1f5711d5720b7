"""URLs taken from BibTeX fields: un-escaped from LaTeX, and accepted only if http(s).

A ``url`` field is written for LaTeX, so old files escape its characters
(``http://host/\\~{}user``, ``a\\_b``). They are un-escaped before the URL is checked,
and only an absolute http(s) URL with a host survives: ``javascript:``, ``data:`` and
``file:`` never become links.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

DOI_RESOLVER = "https://doi.org/"

# \~{}, \~{ }, {\~}, \~ (a tilde), and \_ \% \# \& \$ (the character itself).
_LATEX_ESCAPES = re.compile(r"\{\\~\}|\\~\{\s*\}|\\~|\\([_%#&$])")


#: The characters :func:`urllib.parse.quote` never encodes.
_ALWAYS_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


@functools.cache
def _quoting_table(safe: str, plus: bool) -> list[str]:
    """What each byte becomes: itself if safe, else ``%XX`` (a space ``+`` if ``plus``)."""
    table = [
        chr(byte) if chr(byte) in _ALWAYS_SAFE or chr(byte) in safe else f"%{byte:02X}"
        for byte in range(256)
    ]
    if plus:
        table[ord(" ")] = "+"
    return table


def percent_encoded(text: str, safe: str = "/", *, plus: bool = False) -> str:
    """``urllib.parse.quote(text, safe)`` (``quote_plus`` with ``plus``), for an ASCII
    ``safe``, in one pass of C code: urllib calls a Python function for every byte, and
    a page's COinS spans and links encode some 700 values (a test compares the two)."""
    return text.encode("utf-8").decode("latin-1").translate(_quoting_table(safe, plus))


def unescape(raw: str) -> str:
    """The URL a LaTeX-escaped ``url`` field stands for."""
    return _LATEX_ESCAPES.sub(lambda m: m.group(1) or "~", raw.strip())


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host and no whitespace."""
    if any(char.isspace() or ord(char) < 32 for char in url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def web_url(raw: str) -> str | None:
    """The http(s) URL of a field, or None if it is not one."""
    url = unescape(raw)
    return url if is_web_url(url) else None


def rejected(key: str, raw: str) -> str:
    """The one wording for a URL that was left out, wherever it was found."""
    return f"entry {key!r}: URL {raw.strip()!r} is not http(s) and is left out"


def doi_url(doi: str) -> str | None:
    """``https://doi.org/<doi>`` for a plausible DOI (``10.<registrant>/...``), the DOI
    percent-encoded so no character of it can end the URL or the attribute it sits in."""
    doi = doi.strip()
    if not doi.startswith("10.") or "/" not in doi:
        return None
    return DOI_RESOLVER + percent_encoded(doi, safe="/:;()._-")
