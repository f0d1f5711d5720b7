"""Which entries of a bibliography's files hold which DOI, so that citing a DOI finds
the entry an author already keeps.

An author who has ``@article{inoue2018, doi = {10.1038/nrn.2018.2}}`` (or a CSL-JSON item
with ``"DOI"``) and cites ``10.1038/nrn.2018.2`` means that entry: the same number, the
same list item, no fetch and no second entry made from the DOI cache. DOIs are compared
by :func:`.doi_key` (bare, lower-cased: the DOI system ignores ASCII case), after the
BibTeX field's braces and URL escapes (``\\_``, ``\\%``) are set aside, as
:mod:`.to_csl` reads it.

The index is made only when a DOI that is no key is looked up, so a project that cites
no DOI pays nothing; it reads each entry's ``doi`` field once per parse of the files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_highlight.bibliography.doi_fetch import doi_key
from sphinxcontrib_highlight.bibliography.urls import unescape as unescape_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sphinxcontrib_highlight.bibliography.database import BibFile


def field_doi_key(value: str) -> str | None:
    """The DOI key of a ``doi`` field's value as a file holds it; None if it is no DOI."""
    return doi_key(unescape_url(value.replace("{", "").replace("}", "")))


def doi_holders(bibfiles: Iterable[BibFile]) -> dict[str, tuple[tuple[BibFile, str], ...]]:
    """Per DOI key, the entries that hold it, as (file, lower-cased key), in file order."""
    holders: dict[str, list[tuple[BibFile, str]]] = {}
    for bibfile in bibfiles:
        for lowered, value in _doi_fields(bibfile):
            key = field_doi_key(value)
            if key is not None:
                holders.setdefault(key, []).append((bibfile, lowered))
    return {key: tuple(found) for key, found in holders.items()}


def _doi_fields(bibfile: BibFile) -> Iterator[tuple[str, str]]:
    """(lower-cased key, ``doi`` field) of each entry that has one, read from the parsed
    records where there are any (no entry is made), else from the made entries."""
    records = bibfile.records
    if records:
        for lowered in bibfile.written_keys:
            record = records.get(lowered)
            value = next((v for name, v in record.fields if name.lower() == "doi"), None) \
                if record is not None else None
            if value:
                yield lowered, value
        return
    for lowered, entry in bibfile.entries.items():
        value = next((v for name, v in entry.fields.items() if name.lower() == "doi"), None)
        if value:
            yield lowered, value
