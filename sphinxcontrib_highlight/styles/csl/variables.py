"""CSL variable kinds and CSL-JSON item normalisation."""

from __future__ import annotations

import re
from typing import Any

NAME_VARIABLES = frozenset(
    [
        "author",
        "chair",
        "collection-editor",
        "compiler",
        "composer",
        "container-author",
        "contributor",
        "curator",
        "director",
        "editor",
        "editorial-director",
        "editor-translator",
        "executive-producer",
        "guest",
        "host",
        "illustrator",
        "interviewer",
        "narrator",
        "organizer",
        "original-author",
        "performer",
        "producer",
        "recipient",
        "reviewed-author",
        "script-writer",
        "series-creator",
        "translator",
    ]
)

DATE_VARIABLES = frozenset(
    [
        "accessed",
        "available-date",
        "event-date",
        "issued",
        "original-date",
        "submitted",
        "container",
    ]
)

NUMBER_VARIABLES = frozenset(
    [
        "chapter-number",
        "citation-number",
        "collection-number",
        "edition",
        "first-reference-note-number",
        "issue",
        "locator",
        "number",
        "number-of-pages",
        "number-of-volumes",
        "page",
        "page-first",
        "part-number",
        "printing-number",
        "section",
        "supplement-number",
        "version",
        "volume",
    ]
)

STANDARD_VARIABLES = frozenset(
    [
        "abstract",
        "annote",
        "archive",
        "archive_collection",
        "archive_location",
        "archive-place",
        "authority",
        "call-number",
        "citation-key",
        "citation-label",
        "collection-title",
        "container-title",
        "container-title-short",
        "dimensions",
        "division",
        "DOI",
        "event",
        "event-title",
        "event-place",
        "genre",
        "ISBN",
        "ISSN",
        "jurisdiction",
        "keyword",
        "language",
        "license",
        "medium",
        "note",
        "original-publisher",
        "original-publisher-place",
        "original-title",
        "part-title",
        "PMCID",
        "PMID",
        "publisher",
        "publisher-place",
        "references",
        "reviewed-genre",
        "reviewed-title",
        "scale",
        "section",
        "source",
        "status",
        "title",
        "title-short",
        "URL",
        "volume-title",
        "year-suffix",
    ]
)

#: Old CSL-JSON spellings some data still uses.
ALIASES = {
    "shortTitle": "title-short",
    "journalAbbreviation": "container-title-short",
}


def normalise_item(raw: dict[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item with canonical keys, ``id`` as a string and no empty values."""
    item: dict[str, Any] = {}
    for key, value in raw.items():
        key = ALIASES.get(key, key)
        if value in (None, "", []):
            continue
        if key in item and key in ALIASES.values():
            continue
        item[key] = value
    item["id"] = str(raw.get("id", ""))
    if isinstance(item.get("note"), str):
        _read_note_fields(item)
    if "page" in item and "page-first" not in item:
        first = str(item["page"]).replace("\u2013", "-").split("-")[0].split(",")[0].strip()
        if first:
            item["page-first"] = first
    return item


_NOTE_FIELD = re.compile(r"^\s*([A-Za-z][A-Za-z-]*)\s*:\s*(.+?)\s*$")


def _read_note_fields(item: dict[str, Any]) -> None:
    """Variables written as ``name: value`` lines in the note (Zotero's "Extra"),
    which citeproc-js reads when the item lacks them."""
    for line in item["note"].splitlines():
        match = _NOTE_FIELD.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2)
        if key in DATE_VARIABLES:
            item.setdefault(key, {"raw": value})
        elif key in NAME_VARIABLES:
            family, _, given = value.partition("||")
            name = (
                {"family": family.strip(), "given": given.strip()}
                if given
                else {"literal": family.strip()}
            )
            item.setdefault(key, []).append(name)
        elif key in NUMBER_VARIABLES or key in STANDARD_VARIABLES:
            item.setdefault(key, value)
        elif key == "type":
            item["type"] = value
