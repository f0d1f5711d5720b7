"""Resolve what every page shows, once every document has been read.

Given the records of all documents and their order in the toctree, this decides the
entries and numbers of each list, where each ``:hcite:`` key points, and which citations
each list item links back to. It is a pure function of its inputs, so serial, parallel
and incremental builds resolve alike. Each document also gets a fingerprint of everything
it shows, so a build rewrites exactly the documents whose output changed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from docutils.nodes import make_id

from sphinxcontrib_highlight.bibliography.doi_fetch import doi_key
from sphinxcontrib_highlight.sphinxext.csl_cites import csl_citations, uses_csl_citations
from sphinxcontrib_highlight.sphinxext.records import (
    BlockRecord,
    CiteRecord,
    ListMode,
    ListRecord,
    ResolvedList,
    Target,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from collections.abc import Set as AbstractSet

    from sphinxcontrib_highlight.bibliography.database import Bibliography
    from sphinxcontrib_highlight.styles.csl_citations import CitationText, Tokens

#: How the anchor of every list item starts: ``ref-<key>``.
ITEM_ID_PREFIX = "ref-"


@dataclass(frozen=True, slots=True)
class Resolution:
    """Everything the post-transform needs to render the placeholders."""

    lists: dict[str, ResolvedList]
    cites: dict[tuple[str, str], tuple[tuple[str, int] | None, ...]]
    """Per citation, by (docname, cite id), each key's list and place in it (None: in no
    list). Kept this small, not as :class:`Target` objects: the resolution is pickled
    with the environment, and every build loads it."""
    blocks: dict[tuple[str, str], str | None]
    """The key each citation block shows, by (docname, block id); None where in no file."""
    fingerprints: dict[str, str]
    """Per document, a digest of everything it shows from resolution and entries: a
    document whose fingerprint changed is written again."""
    list_records: dict[str, ListRecord]
    structures: dict[str, str]
    """Per document, the part of its fingerprint that does not come from entries' content,
    kept so that a build that changed only entries does not compute it again."""
    texts: dict[tuple[str, str], CitationText] = field(default_factory=dict)
    """Per citation of a non-numeric CSL style, by (docname, cite id), what it prints
    (see :mod:`.csl_cites`); a citation not here prints numbers."""
    authors: dict[tuple[str, str], tuple[Tokens, ...]] = field(default_factory=dict)
    """Per textual citation of a numeric style, the names of each key."""
    year_suffixes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Per list of a non-numeric CSL style, each item's year suffix (0: none)."""

    @property
    def entry_dependent(self) -> bool:
        """Whether citations print what entries hold (names, years): then a change of
        an entry's content means resolving again, not only new fingerprints."""
        return bool(self.texts or self.authors or self.year_suffixes)

    def targets(self, docname: str, cite_id: str) -> tuple[Target | None, ...]:
        """Where each key of a citation points."""
        return tuple(
            self.target(*place) if place else None
            for place in self.cites.get((docname, cite_id), ())
        )

    def shown_at(self, place: tuple[str, int]) -> tuple[tuple[str, ...], str]:
        """The files and key of the entry at a citation's place (list id, index)."""
        list_id, index = place
        return self.list_records[list_id].bibfiles, self.lists[list_id].keys[index]

    def target(self, list_id: str, index: int) -> Target:
        record = self.list_records[list_id]
        shown = self.lists[list_id]
        return Target(
            docname=record.docname,
            item_id=shown.item_ids[index],
            number=record.start + index,
            list_id=list_id,
            key=shown.keys[index],
            style=record.style,
            bibfiles=record.bibfiles,
        )


def resolve(
    lists: Iterable[ListRecord],
    cites: Iterable[CiteRecord],
    blocks: Iterable[BlockRecord],
    order: list[str],
    bibliography_of: Callable[[tuple[str, ...]], Bibliography],
    article_of: Callable[[tuple[str, ...]], str | None],
    default: tuple[str, tuple[str, ...]] = ("neurosci-bull", ()),
    locale: str | None = None,
) -> Resolution:
    """Resolve the records of every document; ``order`` is the toctree order of documents.

    ``default`` is the style and files of a citation none of whose keys is listed (the
    configured ones), ``locale`` the CSL locale in-text citations of CSL styles use."""
    list_records, cite_records = _in_reading_order(lists, cites, order)

    cited_on_page: dict[str, list[str]] = defaultdict(list)
    for cite in cite_records:
        cited_on_page[cite.docname].extend(cite.keys)
    cited_in_project = [key for cite in cite_records for key in cite.keys]
    _prefetch(bibliography_of, [
        *((bibfiles, cited_in_project) for bibfiles in {r.bibfiles for r in list_records}),
        *((record.bibfiles, record.keys) for record in list_records),
    ])

    resolved_keys: dict[str, tuple[str, ...]] = {}
    for record in list_records:
        bibliography = bibliography_of(record.bibfiles)
        if record.mode is ListMode.ALL:
            excluded = (article_of(record.bibfiles) or "").lower()
            # Bibliography.keys() is the list of keys in file order, not a dict view.
            wanted = [key for key in bibliography.keys() if key.lower() != excluded]  # noqa: SIM118
        elif record.mode is ListMode.KEYS:
            wanted = list(record.keys)
        elif record.mode is ListMode.CITED:
            wanted = cited_on_page[record.docname]
        else:
            wanted = cited_in_project
        resolved_keys[record.list_id] = _canonical(wanted, bibliography)

    csl = None
    if uses_csl_citations(list_records, default[0]) or any(c.mode == "t" for c in cite_records):
        places, _ = _link_cites(list_records, cite_records, resolved_keys, bibliography_of)
        csl = csl_citations(list_records, cite_records, resolved_keys, places,
                            bibliography_of, default, locale)
        resolved_keys.update(csl.orders)

    item_ids = _item_ids(list_records, resolved_keys)
    places, backrefs = _link_cites(list_records, cite_records, resolved_keys, bibliography_of)

    resolved_lists = {
        record.list_id: ResolvedList(
            keys=resolved_keys[record.list_id],
            item_ids=item_ids[record.list_id],
            backrefs=tuple(
                tuple(backrefs.get((record.list_id, key.lower()), ()))
                for key in resolved_keys[record.list_id]
            ),
        )
        for record in list_records
    }

    block_records = list(blocks)
    resolved_blocks: dict[tuple[str, str], str | None] = {}
    for block in block_records:
        key = block.key if block.key is not None else article_of(block.bibfiles)
        written = bibliography_of(block.bibfiles).key_as_written(key) if key else None
        resolved_blocks[(block.docname, block.block_id)] = written

    resolution = Resolution(
        resolved_lists, places, resolved_blocks, {},
        {record.list_id: record for record in list_records}, {},
        *((csl.texts, csl.authors, csl.year_suffixes) if csl else ()),
    )
    resolution.structures.update(_structures(list_records, cite_records, block_records, resolution))
    resolution.fingerprints.update(_fingerprints(
        list_records, cite_records, block_records, resolution, bibliography_of,
    ))
    return resolution


def refingerprint(
    resolution: Resolution,
    lists: Iterable[ListRecord],
    cites: Iterable[CiteRecord],
    blocks: Iterable[BlockRecord],
    order: list[str],
    bibliography_of: Callable[[tuple[str, ...]], Bibliography],
    changed: Mapping[tuple[str, ...], AbstractSet[str]] | None = None,
) -> Resolution:
    """``resolution`` with fingerprints from the entries as they are now.

    For a build in which only the content of entries changed (every file holds the same
    keys in the same order, no document's records changed): numbers, anchors and links
    stay; which pages show a changed entry is found without resolving again. If the
    lower-cased keys that changed are known, per set of files (``changed``), only the
    documents that show one of them are fingerprinted again: at 20,000 entries that
    spares looking up the digest of every entry shown in the project.
    """
    list_records, cite_records = _in_reading_order(lists, cites, order)
    block_records = list(blocks)
    if changed is None:
        fingerprints = _fingerprints(
            list_records, cite_records, block_records, resolution, bibliography_of
        )
        return replace(resolution, fingerprints=fingerprints)
    showing = _documents_showing(changed, list_records, cite_records, block_records, resolution)
    fingerprints = dict(resolution.fingerprints)
    fingerprints.update(_fingerprints(
        [record for record in list_records if record.docname in showing],
        [record for record in cite_records if record.docname in showing],
        [record for record in block_records if record.docname in showing],
        resolution, bibliography_of, showing,
    ))
    return replace(resolution, fingerprints=fingerprints)


def _documents_showing(
    changed: Mapping[tuple[str, ...], AbstractSet[str]],
    lists: list[ListRecord],
    cites: list[CiteRecord],
    blocks: list[BlockRecord],
    resolution: Resolution,
) -> set[str]:
    """The documents that show an entry whose key is in ``changed`` (lower-cased, by set
    of files): in a list, in a citation's tooltip, in a citation block. A set of files
    ``changed`` does not name counts as changed throughout."""

    def shows(bibfiles: tuple[str, ...], keys: Iterable[str | None]) -> bool:
        wanted = changed.get(bibfiles)
        return wanted is None or any(key is not None and key.lower() in wanted for key in keys)

    showing: set[str] = set()
    for record in lists:
        if record.docname not in showing and shows(
            record.bibfiles, resolution.lists[record.list_id].keys
        ):
            showing.add(record.docname)
    for cite in cites:
        if cite.docname in showing:
            continue
        places = filter(None, resolution.cites.get((cite.docname, cite.cite_id), ()))
        if any(shows(bibfiles, (key,)) for bibfiles, key in map(resolution.shown_at, places)):
            showing.add(cite.docname)
    for block in blocks:
        if block.docname not in showing and shows(
            block.bibfiles, (resolution.blocks[(block.docname, block.block_id)],)
        ):
            showing.add(block.docname)
    return showing


def _in_reading_order(
    lists: Iterable[ListRecord], cites: Iterable[CiteRecord], order: list[str]
) -> tuple[list[ListRecord], list[CiteRecord]]:
    """Lists and citations sorted by document (in ``order``), then place in it."""
    rank = {docname: index for index, docname in enumerate(order)}

    def doc_rank(docname: str) -> tuple[int, str]:
        return (rank.get(docname, len(rank)), docname)

    return (
        sorted(lists, key=lambda r: (doc_rank(r.docname), r.lineno, r.list_id)),
        sorted(cites, key=lambda r: (doc_rank(r.docname), _serial(r.cite_id))),
    )


def _serial(cite_id: str) -> int:
    return int(cite_id.rsplit("-", 1)[-1])


def _canonical(keys: Iterable[str], bibliography: Bibliography) -> tuple[str, ...]:
    """The keys found in the bibliography, as written there, each once."""
    seen: dict[str, str] = {}
    for key in keys:
        written = bibliography.key_as_written(key)
        if written is not None and written.lower() not in seen:
            seen[written.lower()] = written
    return tuple(seen.values())


def _item_ids(
    records: list[ListRecord], keys: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Stable anchors ``ref-<key>``, made unique within each document, against the ids
    the document gives other things too."""
    used: dict[str, set[str]] = defaultdict(set)
    result = {}
    for record in records:
        used[record.docname].update(record.reserved_ids)
        ids = []
        for number, key in enumerate(keys[record.list_id], start=record.start):
            base = make_id(f"{ITEM_ID_PREFIX}{key}") or f"{ITEM_ID_PREFIX}{number}"
            candidate, suffix = base, 2
            while candidate in used[record.docname]:
                candidate, suffix = f"{base}-{suffix}", suffix + 1
            used[record.docname].add(candidate)
            ids.append(candidate)
        result[record.list_id] = tuple(ids)
    return result


def _link_cites(
    lists: list[ListRecord],
    cites: list[CiteRecord],
    keys: dict[str, tuple[str, ...]],
    bibliography_of: Callable[[tuple[str, ...]], Bibliography],
) -> tuple[
    dict[tuple[str, str], tuple[tuple[str, int] | None, ...]],
    dict[tuple[str, str], list[tuple[str, str]]],
]:
    """Point each cited key at a list item: this page's lists first, then the project's.
    A DOI cited for an entry that holds it points at that entry's item."""
    position: dict[str, dict[str, int]] = {
        record.list_id: {key.lower(): index for index, key in enumerate(keys[record.list_id])}
        for record in lists
    }
    _add_held_dois(position, lists, cites, bibliography_of)
    same_page: dict[str, list[ListRecord]] = defaultdict(list)
    for record in lists:
        same_page[record.docname].append(record)
    project_lists = [record for record in lists if record.mode is ListMode.PROJECT]
    other_lists = [record for record in lists if record.mode is not ListMode.PROJECT]

    places: dict[tuple[str, str], tuple[tuple[str, int] | None, ...]] = {}
    backrefs: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for cite in cites:
        found: list[tuple[str, int] | None] = []
        candidates = [*same_page[cite.docname], *project_lists, *other_lists]
        for key in cite.keys:
            lowered = key.lower()
            listed = next((r for r in candidates if lowered in position[r.list_id]), None)
            if listed is None:
                found.append(None)
                continue
            index = position[listed.list_id][lowered]
            found.append((listed.list_id, index))
            backrefs[(listed.list_id, keys[listed.list_id][index].lower())].append(
                (cite.docname, cite.cite_id)
            )
        places[(cite.docname, cite.cite_id)] = tuple(found)
    return places, backrefs


def _add_held_dois(
    position: dict[str, dict[str, int]],
    lists: list[ListRecord],
    cites: list[CiteRecord],
    bibliography_of: Callable[[tuple[str, ...]], Bibliography],
) -> None:
    """Add to each list's positions the DOIs cited that name an entry it shows by its
    key (the entry's ``doi``, :meth:`.Bibliography.key_as_written`). Only keys that
    are DOIs are looked up, so a project that cites none pays nothing."""
    dois = {key.lower() for cite in cites for key in cite.keys if doi_key(key) is not None}
    for record in lists if dois else ():
        listed = position[record.list_id]
        bibliography = bibliography_of(record.bibfiles)
        for doi in dois - listed.keys():
            written = bibliography.key_as_written(doi)
            if written is not None and written.lower() in listed:
                listed[doi] = listed[written.lower()]


def _structures(
    lists: list[ListRecord],
    cites: list[CiteRecord],
    blocks: list[BlockRecord],
    resolution: Resolution,
) -> dict[str, str]:
    """Per document, a digest of what it shows from resolution but not from entries:
    its records, numbers, anchors, and where each citation points."""
    parts: dict[str, list[object]] = defaultdict(list)
    for record in lists:
        parts[record.docname].append((record, resolution.lists[record.list_id]))
    for cite in cites:
        parts[cite.docname].append((cite.cite_id, resolution.targets(cite.docname, cite.cite_id)))
        ident = (cite.docname, cite.cite_id)
        if ident in resolution.texts or ident in resolution.authors:
            parts[cite.docname].append(
                (resolution.texts.get(ident), resolution.authors.get(ident))
            )
    for record in lists:
        if record.list_id in resolution.year_suffixes:
            parts[record.docname].append(resolution.year_suffixes[record.list_id])
    for block in blocks:
        parts[block.docname].append((block, resolution.blocks[(block.docname, block.block_id)]))
    return {docname: _sha1(repr(items)) for docname, items in parts.items()}


def _fingerprints(
    lists: list[ListRecord],
    cites: list[CiteRecord],
    blocks: list[BlockRecord],
    resolution: Resolution,
    bibliography_of: Callable[[tuple[str, ...]], Bibliography],
    docnames: Iterable[str] | None = None,
) -> dict[str, str]:
    """Per document (of ``docnames``, whose records these are; every document by
    default), a digest of everything it shows that comes from resolution: its structure
    (:attr:`Resolution.structures`) and the digest of each entry it shows.

    Reads places and keys straight from the resolution: a build that changed one entry
    of a large project computes this for every document, and making a :class:`Target`
    per citation cost more than the rest together.
    """
    digests: dict[tuple[tuple[str, ...], str], str] = {}

    def digest(bibfiles: tuple[str, ...], key: str | None) -> str:
        if not key:
            return "-"
        # A key cited on a page is listed there too: look each one up once.
        found = digests.get((bibfiles, key))
        if found is None:
            found = digests[(bibfiles, key)] = bibliography_of(bibfiles).digest(key) or "-"
        return found

    _prefetch(bibliography_of, (
        (record.bibfiles, resolution.lists[record.list_id].keys) for record in lists
    ))

    shown: dict[str, list[str]] = defaultdict(list)
    for record in lists:
        shown[record.docname].extend(
            digest(record.bibfiles, key) for key in resolution.lists[record.list_id].keys
        )
    for cite in cites:
        shown[cite.docname].extend(
            digest(*resolution.shown_at(place)) if place else "-"
            for place in resolution.cites.get((cite.docname, cite.cite_id), ())
        )
    for block in blocks:
        shown[block.docname].append(
            digest(block.bibfiles, resolution.blocks[(block.docname, block.block_id)])
        )
    structures = resolution.structures
    return {
        docname: _sha1(" ".join((structures[docname], *shown[docname])))
        for docname in (structures if docnames is None else docnames)
    }


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _prefetch(
    bibliography_of: Callable[[tuple[str, ...]], Bibliography],
    wanted: Iterable[tuple[tuple[str, ...], Iterable[str]]],
) -> None:
    """Look up, per set of files, every key about to be asked about, in a few queries."""
    keys: dict[tuple[str, ...], dict[str, None]] = defaultdict(dict)
    for bibfiles, some in wanted:
        keys[bibfiles].update(dict.fromkeys(some))
    for bibfiles, of_files in keys.items():
        bibliography_of(bibfiles).prefetch(of_files)
