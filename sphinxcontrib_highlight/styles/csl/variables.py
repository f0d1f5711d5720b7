"""CSL variable kinds and CSL-JSON item normalisation."""

from __future__ import annotations

from typing import Any

NAME_VARIABLES = frozenset(
    """author chair collection-editor compiler composer container-author contributor curator
    director editor editorial-director editor-translator executive-producer guest host
    illustrator interviewer narrator organizer original-author performer producer recipient
    reviewed-author script-writer series-creator translator""".split()
)

DATE_VARIABLES = frozenset(
    "accessed available-date event-date issued original-date submitted container".split()
)

NUMBER_VARIABLES = frozenset(
    """chapter-number citation-number collection-number edition first-reference-note-number
    issue locator number number-of-pages number-of-volumes page page-first part-number
    printing-number section supplement-number version volume""".split()
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
    if "page" in item and "page-first" not in item:
        first = str(item["page"]).replace("\u2013", "-").split("-")[0].split(",")[0].strip()
        if first:
            item["page-first"] = first
    return item
