"""CSL-JSON and CSL-YAML files as CSL items, each with the line it starts on.

Zotero (with Better BibTeX or without), pandoc, Quarto and mystmd keep references as
CSL-JSON or CSL-YAML: a list of items, or (pandoc's form) a mapping whose
``references`` is that list. The items are what the CSL engine reads, so they are kept
as written; only what would break a reader is reported and left out, at its line: an
item that is not an object or has no ``id`` (skipped), a name list that is not a list of
names, a date that is neither an object nor text (the variable is dropped).
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any, NamedTuple

from sphinxcontrib_highlight.bibliography.database import BibProblem
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from sphinxcontrib_highlight.bibliography import yaml_text

#: The file suffixes read as CSL-JSON and as CSL-YAML.
JSON_SUFFIXES = (".json",)
YAML_SUFFIXES = (".yaml", ".yml")

#: CSL 1.0.2's name variables (and the older names some data still uses).
NAME_VARIABLES = frozenset({
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director",
    "executive-producer", "guest", "host", "illustrator", "interviewer", "narrator",
    "organizer", "original-author", "performer", "producer", "recipient",
    "reviewed-author", "script-writer", "series-creator", "translator",
})
DATE_VARIABLES = frozenset({
    "accessed", "available-date", "event-date", "issued", "original-date", "submitted",
})


class LocatedItem(NamedTuple):
    """A CSL item and the line of its file it starts on."""

    item: dict[str, Any]
    line: int


def read_csl_json(text: str, path: str) -> tuple[list[LocatedItem], list[BibProblem]]:
    """The items of a CSL-JSON text, and its problems."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [BibProblem(Warn.CSL_SYNTAX, f"not valid JSON: {error.msg}", path, error.lineno)]
    starts = _json_item_lines(text) if isinstance(data, list) else []
    values = data if isinstance(data, list) else _listed(data)
    if values is None:
        return [], [_not_a_list(path)]
    lines = starts if len(starts) == len(values) else [1] * len(values)
    return checked_items(zip(values, lines, strict=True), path)


def yaml_document(text: str, path: str) -> yaml_text.Document | BibProblem:
    """A YAML text read with the line of every value, or the located problem that it
    is not YAML (CSL-YAML and CITATION.cff files alike)."""
    # PyYAML loads in 8 ms, which a build that reads no YAML file (every rebuild of a
    # project of .bib files: this module is imported for the DOI cache) need not pay.
    from sphinxcontrib_highlight.bibliography import yaml_text

    try:
        return yaml_text.Document(text)
    except yaml_text.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return BibProblem(
            Warn.CSL_SYNTAX, f"not valid YAML: {problem}", path, yaml_text.error_line(error)
        )


def read_csl_yaml(text: str, path: str) -> tuple[list[LocatedItem], list[BibProblem]]:
    """The items of a CSL-YAML text, and its problems."""
    from sphinxcontrib_highlight.bibliography import yaml_text  # see yaml_document

    document = yaml_document(text, path)
    if isinstance(document, BibProblem):
        return [], [document]
    root = document.root
    if root is None:
        return [], [_not_a_list(path)]
    listed = yaml_text.mapping_child(root, "references") or root
    nodes = yaml_text.sequence_items(listed)
    if not nodes and _listed(document.value(root)) is None:
        return [], [_not_a_list(path)]
    return checked_items(
        ((document.value(node), yaml_text.line_of(node)) for node in nodes), path
    )


def _listed(data: object) -> list[Any] | None:
    """The items of a file's data: the list, or a mapping's ``references``."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("references"), list):
        return list(data["references"])
    return None


def _not_a_list(path: str) -> BibProblem:
    return BibProblem(
        Warn.CSL_SYNTAX,
        "a CSL file holds a list of items (or a mapping whose \"references\" is one)",
        path, 1,
    )


def _json_item_lines(text: str) -> list[int]:
    """The line each element of a JSON array (already known valid) starts on."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    position = text.index("[") + 1
    length = len(text)
    line, counted = 1, 0  # lines are counted on from the last item, not from the start
    while True:
        while position < length and text[position] in " \t\r\n,":
            position += 1
        if position >= length or text[position] == "]":
            return lines
        line += text.count("\n", counted, position)
        counted = position
        lines.append(line)
        _value, position = decoder.raw_decode(text, position)


def checked_items(
    values: Any, path: str
) -> tuple[list[LocatedItem], list[BibProblem]]:
    """The items among ``(value, line)`` pairs that a CSL processor can read, each with
    its bad variables left out, and a problem for everything left out.

    The first item with an ``id`` wins; a later one with the same ``id`` is a
    ``duplicate_key`` problem, as a key defined twice in a BibTeX file is.
    """
    items: list[LocatedItem] = []
    problems: list[BibProblem] = []
    first: dict[str, int] = {}
    for number, (value, line) in enumerate(values, 1):
        if not isinstance(value, dict):
            problems.append(BibProblem(
                Warn.CSL_ITEM, f"item {number} is not an object; it is skipped", path, line))
            continue
        raw_id = value.get("id")
        if raw_id is None or isinstance(raw_id, bool | dict | list) or not str(raw_id).strip():
            problems.append(BibProblem(
                Warn.CSL_ITEM, f"item {number} has no \"id\"; it is skipped (give it one to"
                " cite it)", path, line))
            continue
        item_id = str(raw_id).strip()
        if item_id.lower() in first:
            problems.append(BibProblem(
                Warn.DUPLICATE_KEY,
                f"duplicate id {item_id!r}: the item at line {first[item_id.lower()]} is used,"
                " this one is ignored", path, line))
            continue
        first[item_id.lower()] = line
        item, dropped = _usable(value, item_id)
        problems.extend(
            BibProblem(Warn.CSL_ITEM, f"item {item_id!r}: {why}", path, line)
            for why in dropped
        )
        items.append(LocatedItem(item, line))
    return items, problems


def _usable(value: dict[str, Any], item_id: str) -> tuple[dict[str, Any], list[str]]:
    """The item with ``id`` as text and without the variables no processor can read,
    and what was changed, as messages."""
    item: dict[str, Any] = {}
    dropped: list[str] = []
    for name, content in value.items():
        name = str(name)
        if name in NAME_VARIABLES and not _names(content):
            dropped.append(f"{name!r} is not a list of names; it is left out")
        elif name in DATE_VARIABLES and _date_parts(content) is not None:
            item[name] = _date_parts(content)
        elif name in DATE_VARIABLES and not isinstance(content, dict | str | int):
            dropped.append(f"{name!r} is not a date; it is left out")
        elif name not in NAME_VARIABLES | DATE_VARIABLES and _strings(content):
            # Crossref's JSON gives some text variables as lists ("container-title":
            # ["Nature"]); CSL-JSON has one string, and citation.js takes the first.
            item[name] = content[0]
        else:
            item[name] = content
    item["id"] = item_id
    if not isinstance(item.get("type"), str) or not item["type"].strip():
        dropped.append("\"type\" is missing; the item is read as a document")
        item["type"] = "document"
    return item, dropped


def usable_item(value: dict[str, Any], item_id: str) -> dict[str, Any]:
    """An item from elsewhere than a file (a DOI's metadata) as :func:`checked_items`
    makes a file's: ``id`` as text, variables no processor reads left out."""
    return _usable(value, item_id)[0]


def _strings(content: object) -> bool:
    return isinstance(content, list) and bool(content) and all(isinstance(v, str) for v in content)


def _date_parts(content: object) -> dict[str, Any] | None:
    """A date in the form pandoc-citeproc and Better BibTeX's CSL-YAML write (a list of
    ``{year, month, day}``, two for a range, or one such mapping) as CSL-JSON's
    ``date-parts``; None for any other form."""
    listed = content if isinstance(content, list) else [content]
    dates = [date for date in listed if isinstance(date, dict) and "year" in date]
    if not dates or len(dates) != len(listed):
        return None
    parts = [
        [date[key] for key in ("year", "month", "day") if date.get(key) not in (None, "")]
        for date in dates[:2]
    ]
    return {"date-parts": parts}


#: The parts of a CSL name that hold text; the engine joins and compares them as text.
_NAME_PARTS = ("family", "given", "literal", "dropping-particle", "non-dropping-particle",
              "suffix")


def _names(content: object) -> bool:
    """Whether a name variable's value is a list of CSL names: objects whose parts are
    text (a ``family: 2001`` in hand-written YAML is a number, which no style can print)."""
    return isinstance(content, list) and all(
        isinstance(name, dict)
        and all(isinstance(name.get(part), str | None) for part in _NAME_PARTS)
        for name in content
    )


# --- ids for items that come without one (CITATION.cff, RIS) ---------------------------


def author_year_id(item: dict[str, Any]) -> str:
    """``druskat2021``: the first author's (or editor's) family name and the year, as
    reference managers make citation keys; '' without a name."""
    names = item.get("author") or item.get("editor") or []
    first = names[0] if names and isinstance(names[0], dict) else {}
    family = slug(str(first.get("family") or first.get("literal") or "")).replace("-", "")
    issued = item.get("issued")
    year = ""
    if isinstance(issued, str):
        year = issued[:4]
    elif isinstance(issued, dict) and issued.get("date-parts"):
        year = str(issued["date-parts"][0][0])
    return f"{family}{year}" if family else ""


def slug(text: str) -> str:
    """Text as lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def unused(base: str, taken: set[str]) -> str:
    """``base``, or ``base`` with ``a``, ``b``... after it if that is taken; noted taken."""
    key, suffix = base, 0
    while key in taken:
        key = base + chr(ord("a") + suffix % 26) + ("" if suffix < 26 else str(suffix // 26))
        suffix += 1
    taken.add(key)
    return key
