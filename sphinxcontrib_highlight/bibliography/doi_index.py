"""Which entries of a bibliography's files hold which DOI, so that citing a DOI finds
the entry an author already keeps.

An author who has ``@article{inoue2018, doi = {10.1038/nrn.2018.2}}`` (or a CSL-JSON item
with ``"DOI"``) and cites ``10.1038/nrn.2018.2`` means that entry: the same number, the
same list item, no fetch and no second entry made from the DOI cache. DOIs are compared
by :func:`.doi_key` (bare, lower-cased: the DOI system ignores ASCII case), after the
BibTeX field's braces and URL escapes (``\\_``, ``\\%``) are set aside, as
:mod:`.to_csl` reads it.

The index is made only when a DOI that is no key is looked up, so a project that cites
no DOI pays nothing; it reads each entry's ``doi`` field once per parse of a file (kept
with the parse, :data:`_by_file`), about 0.5 s for a file of 20,000 entries read from
its database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sphinxcontrib_highlight.bibliography.doi_fetch import doi_key
from sphinxcontrib_highlight.bibliography.urls import unescape as unescape_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sphinxcontrib_highlight.bibliography.database import BibFile


def field_doi_key(value: str) -> str | None:
    """The DOI key of a ``doi`` field's value as a file holds it; None if it is no DOI."""
    return doi_key(unescape_url(value.replace("{", "").replace("}", "")))


#: Each parse's DOIs: the lower-cased keys of the entries holding each, in file order.
_by_file: WeakKeyDictionary[BibFile, dict[str, tuple[str, ...]]] = WeakKeyDictionary()


def holders_by_doi(bibfiles: Iterable[BibFile]) -> dict[str, tuple[tuple[BibFile, str], ...]]:
    """Per DOI key, the entries that hold it, as (file, lower-cased key), in file order."""
    holders: dict[str, list[tuple[BibFile, str]]] = {}
    for bibfile in bibfiles:
        for doi, keys in file_dois(bibfile).items():
            holders.setdefault(doi, []).extend((bibfile, lowered) for lowered in keys)
    return {doi: tuple(found) for doi, found in holders.items()}


def file_dois(bibfile: BibFile) -> dict[str, tuple[str, ...]]:
    """The DOI keys of one file's entries, each with the keys of the entries holding it."""
    found = _by_file.get(bibfile)
    if found is None:
        keys: dict[str, list[str]] = {}
        for lowered, value in _doi_fields(bibfile):
            doi = field_doi_key(value)
            if doi is not None:
                keys.setdefault(doi, []).append(lowered)
        found = _by_file[bibfile] = {doi: tuple(held) for doi, held in keys.items()}
    return found


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
