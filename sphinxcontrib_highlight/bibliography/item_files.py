"""Files of CSL items (CSL-JSON, CSL-YAML, ``CITATION.cff``, RIS) as bibliography files.

Every source of CSL items becomes an :class:`ItemFile`: a :class:`~.database.BibFile`
whose entries are made from the items (:mod:`.from_csl`) when first asked for, with
the line of each item, a digest of each (so an incremental build rewrites only the pages
whose items changed) and the problems met reading them. Numbering, styles, downloads
and page metadata then treat them as they treat BibTeX entries. Another source of items
(metadata fetched for a DOI, say) becomes a bibliography file the same way, through
:func:`item_file`.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from sphinxcontrib_highlight.bibliography import cff, csl_files, ris
from sphinxcontrib_highlight.bibliography.database import BibFile, BibProblem, LazyEntries
from sphinxcontrib_highlight.bibliography.from_csl import entry_of
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path

    from pybtex.database import Entry

    from sphinxcontrib_highlight.bibliography.csl_files import LocatedItem

#: Bumped when what an item file holds, for the same bytes, changes.
ITEM_FORMAT = 1

#: The readers of item files, by suffix: each turns text into located items and problems.
READERS: dict[str, Callable[[str, str], tuple[list[LocatedItem], list[BibProblem]]]] = {
    **dict.fromkeys(csl_files.JSON_SUFFIXES, csl_files.read_csl_json),
    **dict.fromkeys(csl_files.YAML_SUFFIXES, csl_files.read_csl_yaml),
    cff.SUFFIX: cff.read_cff,
    ris.SUFFIX: ris.read_ris,
}


class ItemFile(BibFile):
    """A bibliography file made of CSL items."""

    def __init__(
        self, path: str, items: Mapping[str, dict[str, Any]], lines: Mapping[str, int],
        problems: tuple[BibProblem, ...], content: str,
    ) -> None:
        written = {lowered: str(item["id"]) for lowered, item in items.items()}
        keys = hashlib.sha1(usedforsecurity=False)
        for key in written.values():
            keys.update(f"{key}\n".encode("utf-8", "surrogatepass"))
        super().__init__(
            path, {}, lines, problems, content=content,
            first=next(iter(written.values()), None), written_keys=written,
            digests={lowered: _digest(item) for lowered, item in items.items()},
            key_digest=keys.hexdigest(),
        )
        self.items = items
        """The items by lower-cased id, in file order."""
        self._made: dict[str, Entry] = {}

    @property
    def entries(self) -> Mapping[str, Entry]:
        return LazyEntries(self.entry, lambda: self.items)

    def entry(self, lowered_key: str) -> Entry | None:
        """The entry made from the item with this lower-cased id, made once."""
        made = self._made.get(lowered_key)
        if made is None:
            item = self.items.get(lowered_key)
            if item is None:
                return None
            made = self._made[lowered_key] = entry_of(item)
        return made


def _digest(item: dict[str, Any]) -> str:
    """What an item holds, as a digest: equal digests render alike."""
    text = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


def item_file(
    path: str, located: Iterable[LocatedItem], problems: Iterable[BibProblem], content: str
) -> ItemFile:
    """A bibliography file of these items (each with its line) and problems; ``content``
    is a digest of what they were read from (equal digests, equal files)."""
    items: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    for item, line in located:
        lowered = str(item["id"]).lower()
        if lowered not in items:
            items[lowered] = item
            lines[lowered] = line
    found = tuple(problems)
    if not items and not found:
        found = (BibProblem(Warn.BIBFILE, "no items in this file", path, 1),)
    return ItemFile(path, items, lines, found, content)


def read_item_file(raw: bytes, path: Path, name: str) -> ItemFile:
    """The items of a file's bytes (UTF-8, as JSON, YAML and CFF files are, and as the RIS
    of current tools is), read by the reader its suffix names."""
    content = hashlib.sha256(f"items/{ITEM_FORMAT}\0".encode() + raw).hexdigest()[:32]
    problems: list[BibProblem] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8-sig", errors="replace")
        problems.append(BibProblem(
            Warn.BIBFILE, f"bytes that are not UTF-8 (such as {raw[error.start:error.start + 1]!r});"
            " the file is read with them replaced", name, raw.count(b"\n", 0, error.start) + 1,
        ))
    located, found = READERS[path.suffix.lower()](text, name)
    made = item_file(name, located, [*problems, *found], content)
    if path.suffix.lower() == cff.SUFFIX and made.first:
        # A citation block from a CITATION.cff offers the file itself for download, so
        # its first item's page changes with any part of the file.
        first = made.first.lower()
        made.digests = {**made.digests, first: f"{made.digests[first]}+{content}"}
    return made
