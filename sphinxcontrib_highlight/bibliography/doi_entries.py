"""The DOI cache as a file of entries, which every bibliography consults after its own.

A DOI cited with no entry in any file is found here, under its lower-cased DOI, as an
entry made from the cached CSL-JSON item (:mod:`.from_csl`), so numbering, the styles, the
downloads and the metadata reference managers read treat it like any other entry. The
file is read once while it does not change (modification time and size), and read
again once it is written (:func:`forget`).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from sphinxcontrib_highlight.bibliography.database import BibProblem, MadeFile
from sphinxcontrib_highlight.bibliography.doi_cache import CacheProblem, read_cache
from sphinxcontrib_highlight.bibliography.from_csl import csl_entry
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from pathlib import Path

    from pybtex.database import Entry

#: Where :func:`.doi_cache.cache_text` starts an item: four spaces, the key, ``: {``.
_ITEM_START = re.compile(r'^    "(?P<key>(?:[^"\\]|\\.)*)": \{', re.MULTILINE)

_loaded: dict[str, tuple[tuple[int, int] | None, MadeFile]] = {}


def doi_file(path: Path) -> MadeFile:
    """The cached DOIs of the file at ``path`` as entries (none if there is no file); a
    file that cannot be used gives no entries and a ``doi`` problem saying why."""
    name = str(path)
    try:
        stat = path.stat()
        signature: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        signature = None
    cached = _loaded.get(name)
    if cached is not None and cached[0] == signature:
        return cached[1]
    made = _made(path)
    _loaded[name] = (signature, made)
    return made


def forget(path: Path) -> None:
    """Read the file again when next asked for (it was just written)."""
    _loaded.pop(str(path), None)


def _made(path: Path) -> MadeFile:
    try:
        items = read_cache(path)
    except CacheProblem as problem:
        return MadeFile(str(path), {}, {}, {}, (BibProblem(Warn.DOI, str(problem), str(path)),),
                        listed=False)
    lines = _item_lines(path) if items else {}
    entries: dict[str, Entry] = {}
    digests: dict[str, str] = {}
    for key in sorted(items):
        entries[key] = csl_entry(items[key], key)
        digests[key] = _digest(items[key])
    return MadeFile(str(path), entries, {key: lines.get(key, 1) for key in entries}, digests,
                    listed=False)


def _item_lines(path: Path) -> dict[str, int]:
    """The line each item starts on, by lower-cased key, in a file as this package
    writes it (an item it cannot place is said to start on line 1)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    lines = {}
    for found in _ITEM_START.finditer(text):
        try:
            key = json.loads(f'"{found.group("key")}"')
        except ValueError:
            continue
        lines[key.lower()] = text.count("\n", 0, found.start()) + 1
    return lines


def _digest(item: dict[str, Any]) -> str:
    """What a page showing the entry depends on: the item, in a canonical form."""
    canonical = json.dumps(item, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(canonical.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
