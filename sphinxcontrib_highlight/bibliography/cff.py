"""``CITATION.cff`` as CSL items: how the software asks to be cited, then its references.

A software project keeps its citation in a ``CITATION.cff`` (the Citation File Format,
which GitHub shows as "Cite this repository"). The first item is what the file asks
readers to cite: its ``preferred-citation`` when it has one (often the paper about the
software), the software itself otherwise (CSL type ``software``: authors, persons and
entities alike, version, release date, DOI, URL or repository). The items after it are
the file's ``references``. A citation block shows the first item and a reference list
the rest, as with the first entry of a BibTeX file.

The file is validated against the CFF 1.2.0 JSON schema (shipped in ``cff_schema/``,
with its licence): each violation is a problem at the line of the value that breaks it,
and whatever can be read is still read, so a file with a typo still renders.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from sphinxcontrib_highlight.bibliography import yaml_text
from sphinxcontrib_highlight.bibliography.csl_files import (
    LocatedItem,
    author_year_id,
    slug,
    unused,
    yaml_document,
)
from sphinxcontrib_highlight.bibliography.database import BibProblem
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from jsonschema import ValidationError

SUFFIX = ".cff"

Item = dict[str, Any]

#: CSL types by CFF reference type (CFF 1.2.0's list); anything else is a document.
_TYPES = {
    "art": "graphic", "article": "article-journal", "audiovisual": "motion_picture",
    "bill": "bill", "blog": "post-weblog", "book": "book", "catalogue": "book",
    "conference-paper": "paper-conference", "conference": "event", "data": "dataset",
    "database": "dataset", "dictionary": "book", "edited-work": "book",
    "encyclopedia": "book", "film-broadcast": "broadcast", "generic": "document",
    "government-document": "report", "grant": "document", "hearing": "hearing",
    "historical-work": "manuscript", "legal-case": "legal_case", "legal-rule": "legislation",
    "magazine-article": "article-magazine", "manual": "book", "map": "map",
    "multimedia": "document", "music": "song", "newspaper-article": "article-newspaper",
    "pamphlet": "pamphlet", "patent": "patent", "personal-communication":
    "personal_communication", "proceedings": "book", "report": "report",
    "serial": "periodical", "slides": "speech", "software-code": "software",
    "software-container": "software", "software-executable": "software",
    "software-virtual-machine": "software", "software": "software",
    "sound-recording": "song", "standard": "standard", "statute": "legislation",
    "thesis": "thesis", "unpublished": "manuscript", "video": "motion_picture",
    "website": "webpage",
}
#: CFF keys whose text is a CSL variable of the same meaning.
_TEXT = {
    "title": "title", "abstract": "abstract", "version": "version", "edition": "edition",
    "volume": "volume", "issue": "issue", "number": "number", "isbn": "ISBN",
    "issn": "ISSN", "doi": "DOI", "pmcid": "PMCID", "notes": "note", "status": "status",
    "thesis-type": "genre", "medium": "medium", "section": "section",
    "volume-title": "volume-title", "number-volumes": "number-of-volumes",
    "pages": "number-of-pages", "abbreviation": "title-short",
}
#: Where a work is found, best first.
_URLS = ("url", "repository-code", "repository-artifact", "repository")
_NAME_LISTS = {
    "authors": "author", "editors": "editor", "editors-series": "collection-editor",
    "translators": "translator", "recipients": "recipient",
}


def read_cff(text: str, path: str) -> tuple[list[LocatedItem], list[BibProblem]]:
    """The file's items (the work to cite, then its references), and its problems."""
    document = yaml_document(text, path)
    if isinstance(document, BibProblem):
        return [], [document]
    root = document.root
    data = document.value(root) if root is not None else None
    if root is None or not isinstance(data, dict):
        return [], [BibProblem(
            Warn.CFF, "a CITATION.cff holds a mapping (cff-version, title, authors...)", path, 1)]
    problems = [
        BibProblem(Warn.CFF, message, path, yaml_text.line_of(yaml_text.node_at(root, where)))
        for where, message in schema_problems(data)
    ]
    cited_node = yaml_text.mapping_child(root, "preferred-citation")
    if isinstance(data.get("preferred-citation"), dict) and cited_node is not None:
        cited = reference_item(data["preferred-citation"])
        cited_line = yaml_text.line_of(cited_node)
    else:
        cited = software_item(data)
        cited_line = 1
    located = [LocatedItem(cited, cited_line)]
    references = data.get("references")
    nodes = yaml_text.sequence_items(yaml_text.mapping_child(root, "references"))
    if isinstance(references, list):
        for reference, node in zip(references, nodes, strict=False):
            if isinstance(reference, dict):
                located.append(LocatedItem(reference_item(reference), yaml_text.line_of(node)))
    return _with_ids(located), problems


def software_item(data: dict[str, Any]) -> Item:
    """The software (or data set) the file describes, as a CSL item."""
    item: Item = {"type": "dataset" if data.get("type") == "dataset" else "software"}
    _add_common(item, data)
    released = _text(data.get("date-released"))
    if released:
        item["issued"] = released
    return item


def reference_item(reference: dict[str, Any]) -> Item:
    """A CFF reference (``preferred-citation`` or an entry of ``references``) as a CSL item."""
    kind = _text(reference.get("type"))
    csl_type = _TYPES.get(kind, "document")
    item: Item = {"type": csl_type}
    _add_common(item, reference)
    container = _text(reference.get("journal"))
    collection = _text(reference.get("collection-title"))
    if container:
        item["container-title"] = container
    elif collection and csl_type in ("paper-conference", "chapter"):
        item["container-title"] = collection
    elif collection:
        item["collection-title"] = collection
    start, end = _text(reference.get("start")), _text(reference.get("end"))
    if start:
        item["page"] = f"{start}-{end}" if end else start
    publisher = _entity_name(reference.get("publisher")) or (
        _entity_name(reference.get("institution")) if csl_type in ("thesis", "report") else ""
    )
    if publisher:
        item["publisher"] = publisher
    place = _entity_place(reference.get("publisher"))
    if place:
        item["publisher-place"] = place
    conference = reference.get("conference")
    if isinstance(conference, dict):
        if _text(conference.get("name")):
            item["event-title"] = _text(conference["name"])
        if _entity_place(conference):
            item["event-place"] = _entity_place(conference)
        if _text(conference.get("date-start")):
            item["event-date"] = _text(conference["date-start"])
    languages = reference.get("languages")
    if isinstance(languages, list) and languages and _text(languages[0]):
        item["language"] = _text(languages[0])
    issued = _text(reference.get("date-published")) or _text(reference.get("date-released"))
    if issued:
        item["issued"] = issued
    elif _text(reference.get("year")):
        parts = [_text(reference["year"])]
        month = _text(reference.get("month"))
        if month:
            parts.append(month)
        item["issued"] = {"date-parts": [parts]}
    accessed = _text(reference.get("date-accessed"))
    if accessed:
        item["accessed"] = accessed
    return item


def _add_common(item: Item, data: dict[str, Any]) -> None:
    """What the software and a reference share: names, text, identifiers, URL, keywords."""
    for key, variable in _NAME_LISTS.items():
        names = [name for name in map(csl_name, _list(data.get(key))) if name]
        if names:
            item[variable] = names
    for key, variable in _TEXT.items():
        value = _text(data.get(key))
        if value:
            item[variable] = value
    if "DOI" not in item:
        item.update(_identifier(data, "doi", "DOI"))
    url = next(filter(None, (_text(data.get(key)) for key in _URLS)), "")
    if url:
        item["URL"] = url
    elif identified := _identifier(data, "url", "URL"):
        item.update(identified)
    keywords = [_text(word) for word in _list(data.get("keywords")) if _text(word)]
    if keywords:
        item["keyword"] = ", ".join(keywords)


def _identifier(data: dict[str, Any], kind: str, variable: str) -> Item:
    """The first of ``identifiers`` of this type (``doi``, ``url``), as a CSL variable."""
    for identifier in _list(data.get("identifiers")):
        if isinstance(identifier, dict) and identifier.get("type") == kind:
            value = _text(identifier.get("value"))
            if value:
                return {variable: value}
    return {}


def csl_name(person: object) -> dict[str, str] | None:
    """A CFF person or entity as a CSL name: an entity's ``name`` is a literal name."""
    if not isinstance(person, dict):
        return None
    name = {
        "family": _text(person.get("family-names")),
        "given": _text(person.get("given-names")),
        "non-dropping-particle": _text(person.get("name-particle")),
        "suffix": _text(person.get("name-suffix")),
    }
    parts = {key: value for key, value in name.items() if value}
    if "family" in parts:
        return parts
    literal = _text(person.get("name")) or parts.get("given") or _text(person.get("alias"))
    return {"literal": literal} if literal else None


def _entity_name(value: object) -> str:
    return _text(value.get("name")) if isinstance(value, dict) else ""


def _entity_place(value: object) -> str:
    if not isinstance(value, dict):
        return ""
    return ", ".join(filter(None, (_text(value.get(key)) for key in ("city", "country"))))


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


# --- ids -------------------------------------------------------------------------------


def _with_ids(located: list[LocatedItem]) -> list[LocatedItem]:
    """Each item with an id to cite it by: the software by its name (``my-tool``), a
    work by its first author's family name and year (``druskat2021``), with ``a``,
    ``b``... after an id already taken."""
    taken: set[str] = set()
    identified = []
    for index, (item, line) in enumerate(located):
        software = index == 0 and item["type"] in ("software", "dataset")
        # A software title's part before a colon is its name: "PyMUSAS: Python ...".
        base = slug(item.get("title", "").split(":")[0]) if software else author_year_id(item)
        key = unused(base or slug(item.get("title", "")) or f"reference-{index}", taken)
        identified.append(LocatedItem({"id": key, **item}, line))
    return identified


# --- validation ------------------------------------------------------------------------


@functools.cache
def _validator() -> Any:
    """The CFF 1.2.0 schema's validator, made once (jsonschema is imported only then)."""
    from jsonschema import Draft7Validator

    schema_file = files("sphinxcontrib_highlight.bibliography") / "cff_schema" / "schema-1.2.0.json"
    return Draft7Validator(json.loads(schema_file.read_text(encoding="utf-8")))


#: At most this many violations are reported for one file, the first by position.
_REPORTED = 20


def schema_problems(data: dict[str, Any]) -> list[tuple[list[str | int], str]]:
    """Where the data breaks the CFF 1.2.0 schema (a path of keys and indexes), and how."""
    errors = sorted(
        (_specific(error) for error in _validator().iter_errors(data)),
        key=lambda error: list(map(str, error.absolute_path)),
    )
    return [(_where(error), _message(error, _where(error))) for error in errors[:_REPORTED]]


def _specific(error: ValidationError) -> ValidationError:
    """For a value that matches none of a choice's schemas (an author that is neither a
    person nor an entity), the first reason of the schema it came closest to: the one
    it breaks in the fewest ways."""
    if not error.context:
        return error
    branches: dict[object, list[ValidationError]] = {}
    for reason in error.context:
        branches.setdefault(reason.relative_schema_path[0], []).append(reason)
    closest = min(branches.values(), key=len)
    return _specific(closest[0])


def _where(error: ValidationError) -> list[str | int]:
    """The path of the value that breaks the schema: for a key the schema does not
    allow, that key's own (the error names the mapping that holds it)."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        unexpected = [key for key in error.instance if key not in allowed]
        if unexpected:
            path.append(str(unexpected[0]))
    return path


def _message(error: ValidationError, path: list[str | int]) -> str:
    """The violation in a line, after the path of the value."""
    where = "/".join(str(step) for step in path) or "the top level"
    text = error.message
    if len(text) > 160:
        text = text[:157] + "..."
    return f"CITATION.cff does not follow the CFF 1.2.0 schema at {where}: {text}"
