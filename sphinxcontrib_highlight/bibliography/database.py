"""Load BibTeX files as bibliographies, recovering from every error a real file can hold.

:mod:`.bibparse` turns text into compact records and located problems; this module
turns files into :class:`BibFile` objects, several files into one :class:`Bibliography`
(the first definition of a key wins; a key defined twice is a problem), and makes a
pybtex entry only for an entry a build asks for. Nothing here logs: callers decide
where and when a problem becomes a warning.

Parsed files are cached in two places. In the process, by path, modification time, size
and encoding, so a build parses each file once however many directives use it. On disk,
when a cache directory is set (:func:`set_cache_dir`; the extension uses Sphinx's doctree
directory), as one SQLite database per file content (:mod:`.store`): the file is
parsed into it chunk by chunk, a later build opens it and reads only the entries it
shows, and a changed file reuses the chunks that did not change. The disk cache is only
an accelerator: a missing, stale or damaged database means the file is parsed again,
never a failed build. Damage found when a database is opened, or later when an entry is
first read from it, discards the database (reported through the function given to
:func:`set_cache_dir`, as a ``cache`` problem of the file), and the file, parsed into
memory, answers instead; the next build indexes it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from importlib.resources import files
from itertools import islice
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import pybtex
from pybtex.database import Entry, Person

from sphinxcontrib_highlight import speed
from sphinxcontrib_highlight.bibliography import parse as bibparse
from sphinxcontrib_highlight.bibliography.doi_fetch import doi_key
from sphinxcontrib_highlight.bibliography.doi_index import holders_by_doi
from sphinxcontrib_highlight.bibliography.parse import (
    GROUP,
    MONTH_MACROS,
    NEXT_CHUNK,
    ChunkProblem,
    ChunkSource,
    ChunkSummary,
    EntryRecord,
    EntryRef,
    NameCache,
    ParsedChunk,
    chunk_key,
    chunk_starts,
    crossref_of,
    group_digests,
    iter_chunks,
    materialize,
    summarize,
)
from sphinxcontrib_highlight.speed import RECENT, Recent, collector_paused
from sphinxcontrib_highlight.warning_types import Warn

try:
    from sphinxcontrib_highlight.bibliography import store
except ImportError:  # a Python built without SQLite: every build parses, in memory
    store = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

T = TypeVar("T")
R = TypeVar("R")

#: The research highlight and its 14 references, shipped as package data.
BUNDLED_BIBFILE = Path(str(files("sphinxcontrib_highlight") / "data" / "highlight.bib"))


@dataclass(frozen=True)
class BibProblem:
    """Something wrong in a BibTeX file, located to its line."""

    subtype: Warn
    message: str
    path: str
    lineno: int | None = None

    @property
    def location(self) -> str | None:
        """``path:line`` as Sphinx prints locations; None for a file that cannot be read
        (its message names it)."""
        return f"{self.path}:{self.lineno}" if self.lineno else None


class BibFile:
    """The entries of one file in file order, each with the line it starts on.

    Entries are kept as compact records and made into pybtex entries when first asked
    for (:attr:`entries`), so a build pays for the entries it shows, not for the file.
    """

    def __init__(
        self,
        path: str,
        records: Mapping[str, EntryRecord],
        lines: Mapping[str, int],
        problems: tuple[BibProblem, ...] = (),
        preamble: str = "",
        crossrefs: tuple[str, ...] = (),
        content: str = "",
        first: str | None = None,
        written_keys: Mapping[str, str] | None = None,
        digests: Mapping[str, str] | None = None,
        key_digest: str = "",
        patched: tuple[str, frozenset[str]] | None = None,
        database: store.StoreReader | None = None,
    ) -> None:
        self.path = path
        self.records = records
        """Records by lower-cased key (BibTeX keys are case-insensitive), in file order:
        a dict, or the file's database (:mod:`.store`) read as asked for."""
        self.lines = lines
        """The line each entry starts on, by lower-cased key."""
        self.problems = problems
        self.preamble = preamble
        self.crossrefs = crossrefs
        """The lower-cased keys of the entries that name a ``crossref``, in file order."""
        self.with_crossref = frozenset(crossrefs)
        self.content = content
        """A digest of the bytes parsed (see :func:`_content_digest`); empty for a file
        that could not be read, whose problems say why."""
        self.first = first
        """The key of the file's first entry, as written (None if it has none)."""
        self.written_keys = (
            written_keys if written_keys is not None
            else {key: record.key for key, record in records.items()}
        )
        """Each entry's key as written, by lower-cased key: answers "is it here?" and
        "how is it written?" without reading the entry."""
        self.digests = (
            digests if digests is not None
            else {key: record.digest for key, record in records.items()}
        )
        """Each entry's digest (:attr:`.EntryRecord.digest`), by lower-cased key."""
        self.key_digest = key_digest
        """A digest of the keys, as written, in file order: what numbering depends on."""
        self.patched = patched
        """If this parse is an earlier one patched in a few entries: that parse's content
        digest and the lower-cased keys of the entries that changed."""
        self._entries: Recent[str, Entry] = Recent()
        self._people: Recent[str, Person] = Recent(4 * RECENT)
        self._database = database
        self.listed = True
        """Whether lists of every entry show this file's (see :class:`MadeFile`)."""

    def close(self) -> None:
        """Let go of the database this parse reads, if any: a newer parse of the file
        replaced it (a read after this opens it again)."""
        if self._database is not None:
            self._database.close()

    @property
    def entries(self) -> Mapping[str, Entry]:
        """Entries by lower-cased key, in file order, each made when first read."""
        return LazyEntries(self.entry, lambda: self.records)

    def prefetch(self, lowered_keys: list[str]) -> None:
        """Look these keys up in the file's index at once, if it is a database (a file
        parsed into memory answers each at once anyway)."""
        prefetch = getattr(self.written_keys, "prefetch", None)
        if prefetch is not None:
            prefetch(lowered_keys)

    def read_ahead(self, lowered_keys: list[str]) -> None:
        """Read these entries' records at once, if the file is a database (see
        :meth:`.StoreReader.read_entries`); a file parsed into memory has them."""
        read = getattr(self.records, "prefetch", None)
        if read is not None:
            read(lowered_keys)

    def entry(self, lowered_key: str) -> Entry | None:
        """The entry for a lower-cased key, made once."""
        entry = self._entries.get(lowered_key)
        if entry is None:
            record = self.records.get(lowered_key)
            if record is None:
                return None
            entry = self._entries[lowered_key] = materialize(record, self._people)
        return entry


class MadeFile(BibFile):
    """A file whose entries are made already, not parsed from BibTeX: CSL-JSON items
    turned into entries (:mod:`.from_csl`).

    ``listed`` False makes it a supplement: a bibliography looks keys up in it after its
    own files, but lists that show every entry, the article's default and the check for
    keys defined twice leave it out (the DOI cache holds what was cited, not a file the
    author keeps).
    """

    def __init__(
        self,
        path: str,
        entries: Mapping[str, Entry],
        lines: Mapping[str, int],
        digests: Mapping[str, str],
        problems: tuple[BibProblem, ...] = (),
        *,
        listed: bool = True,
    ) -> None:
        keys = hashlib.sha1(usedforsecurity=False)
        for entry in entries.values():
            keys.update(f"{entry.key}\n".encode("utf-8", "surrogatepass"))
        content = hashlib.sha1(usedforsecurity=False)
        for key, digest in digests.items():
            content.update(f"{key}\0{digest}\n".encode("utf-8", "surrogatepass"))
        super().__init__(
            path, {}, lines, problems,
            content=content.hexdigest() if entries else "",
            first=next((entry.key for entry in entries.values()), None) if listed else None,
            written_keys={key: entry.key for key, entry in entries.items()},
            digests=digests,
            key_digest=keys.hexdigest(),
        )
        self.listed = listed
        self._made = entries

    @property
    def entries(self) -> Mapping[str, Entry]:
        return self._made

    def entry(self, lowered_key: str) -> Entry | None:
        return self._made.get(lowered_key)


class LazyEntries(Mapping[str, Entry]):
    """A read-only mapping of entries by lower-cased key that makes each entry when read."""

    def __init__(
        self, get: Callable[[str], Entry | None], keys: Callable[[], Iterable[str]]
    ) -> None:
        self._get = get
        self._keys = keys

    def __getitem__(self, lowered_key: str) -> Entry:
        entry = self._get(lowered_key)
        if entry is None:
            raise KeyError(lowered_key)
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return sum(1 for _ in self._keys())


class Bibliography:
    """Several files seen as one: the first definition of a key wins.

    Nothing here walks every entry of a file: a build that shows twenty entries of a
    200,000-entry file materializes twenty. Keys defined in more than one file are found
    by comparing key sets, and only when there are several files.
    """

    def __init__(self, files: tuple[BibFile, ...]) -> None:
        self.files = files
        problems: list[BibProblem] = []
        for index, bibfile in enumerate(files):
            problems.extend(bibfile.problems)
            if not bibfile.listed:  # a supplement: the files' own definitions win
                continue
            for earlier in files[:index]:
                for key in bibfile.written_keys.keys() & earlier.written_keys.keys():
                    if self._home(key) is not earlier:
                        continue
                    problems.append(_duplicate(
                        bibfile.written_keys[key], earlier.written_keys[key],
                        f"{earlier.path}:{earlier.lines[key]}", bibfile.path,
                        bibfile.lines[key],
                    ))
        problems.extend(self._crossref_problems())
        self.problems = tuple(problems)
        self._inherited: Recent[str, Entry] = Recent()
        self._found: Recent[str, Entry] = Recent()
        self._doi_holders: dict[str, tuple[tuple[BibFile, str], ...]] | None = None

    @property
    def key_state(self) -> tuple[tuple[str, str], ...]:
        """Each file's path and key digest: equal key states number lists alike."""
        return tuple((bibfile.path, bibfile.key_digest) for bibfile in self.files)

    @property
    def state(self) -> tuple[tuple[str, str], ...]:
        """Each file's path and content digest: equal states hold equal entries."""
        return tuple((bibfile.path, bibfile.content) for bibfile in self.files)

    def changed_keys(self, earlier: Mapping[str, str]) -> frozenset[str] | None:
        """The lower-cased keys whose entries may differ from the files' content
        ``earlier`` (a content digest by path), if the files say so; None if they cannot.

        They can when each file changed since is a patch of that content (see
        :attr:`BibFile.patched`) and no entry names a crossref (a parent's change would
        change its children too).
        """
        changed: set[str] = set()
        for bibfile in self.files:
            if bibfile.crossrefs:
                return None
            if bibfile.content == earlier.get(bibfile.path):
                continue
            if bibfile.patched is None or bibfile.patched[0] != earlier.get(bibfile.path):
                return None
            changed.update(bibfile.patched[1])
        return frozenset(changed)

    def _home(self, lowered_key: str) -> BibFile | None:
        """The file whose definition of the key is used."""
        return next((bibfile for bibfile in self.files if lowered_key in bibfile.written_keys), None)

    def _own(self, lowered_key: str) -> str:
        """The lower-cased key the entry for ``lowered_key`` is kept under: a DOI that no
        listed file has as a key, but that an entry of one holds in its ``doi``, is that
        entry's key (the first such entry's); any other key is itself."""
        if "10." not in lowered_key or any(
            lowered_key in bibfile.written_keys for bibfile in self.files if bibfile.listed
        ):
            return lowered_key
        holders = self.doi_holders(lowered_key)
        return holders[0][2].lower() if holders else lowered_key

    def doi_holders(self, doi: str) -> tuple[tuple[str, int | None, str], ...]:
        """The entries of the listed files whose ``doi`` is ``doi`` (in any form
        :func:`.doi_key` reads), as (file, line, key as written), in file order; empty if
        ``doi`` is no DOI. The first is the one a citation of the DOI shows. An entry
        whose key an earlier file defines too is not used, so holds nothing."""
        key = doi_key(doi)
        if key is None:
            return ()
        if self._doi_holders is None:
            self._doi_holders = holders_by_doi(
                bibfile for bibfile in self.files if bibfile.listed
            )
        return tuple(
            (bibfile.path, bibfile.lines.get(lowered), bibfile.written_keys[lowered])
            for bibfile, lowered in self._doi_holders.get(key, ())
            if self._home(lowered) is bibfile
        )

    def _crossref_problems(self) -> Iterator[BibProblem]:
        for bibfile in self.files:
            for key, parent_key in _crossrefs(bibfile):
                if self._home(key) is bibfile and self._home(parent_key.lower()) is None:
                    yield BibProblem(
                        Warn.UNKNOWN_KEY,
                        f"entry {bibfile.written_keys[key]!r}: crossref {parent_key!r}"
                        " is not in the bibliography",
                        bibfile.path, bibfile.lines[key],
                    )

    @property
    def entries(self) -> Mapping[str, Entry]:
        """Entries by lower-cased key in file order, each made when first read."""
        return LazyEntries(self.get, self.keys_in_order)

    def get(self, key: str) -> Entry | None:
        """The entry for ``key``, matched without regard to case.

        An entry with ``crossref`` gets the fields it lacks from the entry it names, as
        BibTeX and biblatex do: the parent's ``title`` becomes the child's ``booktitle``,
        every other field and name list is inherited only where the child has none.
        A DOI that is no key finds the entry that holds it (:meth:`doi_holders`).

        An entry found is kept by the key asked for (the files never change under a
        bibliography): a page asks for each of its entries three times or more (its
        list, its citations' tooltips, its COinS), and the way through the files cost
        more than the answer.
        """
        found = self._found.get(key)
        if found is not None:
            return found
        entry = self._entry(key)
        if entry is not None:
            self._found[key] = entry
        return entry

    def _entry(self, key: str) -> Entry | None:
        lowered = self._own(key.lower())
        home = self._home(lowered)
        if home is None:
            return None
        child = home.entry(lowered)
        parent_key = child.fields.get("crossref", "").strip() if child is not None else ""
        if child is None or not parent_key:
            return child
        inherited = self._inherited.get(lowered)
        if inherited is None:
            parent_home = self._home(parent_key.lower())
            parent = parent_home.entry(parent_key.lower()) if parent_home else None
            inherited = self._inherited[lowered] = _inherit(child, parent) if parent else child
        return inherited

    def __contains__(self, key: str) -> bool:
        return self._home(self._own(key.lower())) is not None

    def prefetch(self, keys: Iterable[str]) -> None:
        """Ready the answers about many keys (is it here, how written, its digest) at once."""
        lowered = [key.lower() for key in keys]
        for bibfile in self.files:
            bibfile.prefetch(lowered)

    def read_ahead(self, keys: Iterable[str]) -> None:
        """Read the entries of these keys from their files at once, for :meth:`get` to
        find them read: no more than the files keep (:data:`.RECENT`) at a time."""
        wanted = [self._own(key.lower()) for key in keys if key not in self._found]
        for bibfile in self.files:
            mine = wanted if len(self.files) == 1 else [
                lowered for lowered in wanted if self._home(lowered) is bibfile
            ]
            if mine:
                bibfile.read_ahead(mine)

    def key_as_written(self, key: str) -> str | None:
        """The key as its entry writes it (keys match without regard to case; a DOI
        held by an entry gives that entry's key)."""
        lowered = self._own(key.lower())
        home = self._home(lowered)
        return home.written_keys[lowered] if home else None

    def keys(self) -> list[str]:
        """Every key as written in its file, in file order."""
        return [
            self.key_as_written(key) or key for key in self.keys_in_order()
        ]  # from the index: no entry is read

    def first_key(self) -> str | None:
        """The key of the first entry of the first file that has one."""
        return next((bibfile.first for bibfile in self.files if bibfile.first), None)

    def keys_in_order(self) -> Iterator[str]:
        """The lower-cased keys of the listed files (not of a supplement), in file order."""
        listed = [bibfile for bibfile in self.files if bibfile.listed]
        if len(listed) == 1:
            yield from listed[0].written_keys
            return
        yield from dict.fromkeys(key for bibfile in listed for key in bibfile.written_keys)

    def source(self, key: str) -> tuple[str, int] | None:
        """The file and line where the entry for ``key`` starts."""
        lowered = self._own(key.lower())
        home = self._home(lowered)
        return (home.path, home.lines[lowered]) if home else None

    def digest(self, key: str) -> str | None:
        """A digest of what the entry for ``key`` holds, its crossref parent's included,
        read from the index: only an entry with a crossref is read."""
        lowered = self._own(key.lower())
        home = self._home(lowered)
        if home is None:
            return None
        digest = home.digests[lowered]
        if lowered not in home.with_crossref:
            return digest
        parent_key = crossref_of(home.records[lowered]).lower()
        parent_home = self._home(parent_key) if parent_key else None
        if parent_home is None:
            return digest
        return f"{digest}+{parent_home.digests[parent_key]}"


def _crossrefs(bibfile: BibFile) -> Iterator[tuple[str, str]]:
    """(lower-cased key, parent key) of each entry of the file that names a crossref."""
    for key in bibfile.crossrefs:
        yield key, crossref_of(bibfile.records[key])


def _inherit(child: Entry, parent: Entry) -> Entry:
    """A copy of ``child`` with the fields and names it lacks taken from ``parent``."""
    fields = dict(child.fields)
    for name, value in parent.fields.items():
        target = "booktitle" if name.lower() == "title" else name
        if target.lower() not in {existing.lower() for existing in fields}:
            fields[target] = value
    persons = {role: list(people) for role, people in child.persons.items()}
    for role, people in parent.persons.items():
        persons.setdefault(role, list(people))
    inherited = Entry(child.type, fields=fields, persons=persons)
    inherited.key = child.key
    return inherited


class _Assembler:
    """Turns a file's parsed chunks, in file order, into its entries and problems: the
    first entry with a key wins, a later one is a problem."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[BibProblem] = []
        self.preamble: list[str] = []
        self.crossrefs: list[str] = []
        self.first_key: str | None = None
        self._first: dict[str, tuple[str, int]] = {}
        self._keys = hashlib.sha1(usedforsecurity=False)

    def add(
        self, first_line: int, chunk: ChunkSummary
    ) -> Iterator[tuple[str, EntryRef, int, int]]:
        """The chunk's entries that are kept: lower-cased key, entry, line, position."""
        offset = first_line - 1
        self.preamble.extend(chunk.preamble)
        for position, event in enumerate(chunk.events):
            if isinstance(event, ChunkProblem):
                line = event.line + offset if event.line is not None else None
                self.problems.append(BibProblem(event.subtype, event.message, self.path, line))
                continue
            record = event
            lineno = event.line + offset
            lowered = record.key.lower()
            if lowered in self._first:
                first_key, first_line_of_key = self._first[lowered]
                self.problems.append(_duplicate(
                    record.key, first_key, f"line {first_line_of_key}", self.path, lineno
                ))
                continue
            self._first[lowered] = (record.key, lineno)
            self.first_key = self.first_key or record.key
            self._keys.update(f"{record.key}\n".encode("utf-8", "surrogatepass"))
            if record.crossref:
                self.crossrefs.append(lowered)
            yield lowered, record, lineno, position

    @property
    def key_digest(self) -> str:
        return self._keys.hexdigest()

    def finish(self) -> tuple[tuple[BibProblem, ...], str, tuple[str, ...]]:
        """Problems, preamble and crossref keys, once every chunk is added."""
        if not self._first and not self.problems:
            self.problems.append(
                BibProblem(Warn.BIBFILE, "no BibTeX entries in this file", self.path, 1)
            )
        return tuple(self.problems), " ".join(self.preamble), tuple(self.crossrefs)


def parse_text(
    text: str, path: str, reusable: ChunkSource | None = None
) -> BibFile:
    """Parse BibTeX ``text`` into memory; ``path`` only names the file in problems.

    ``reusable`` holds chunks of an earlier parse by key: only the others are parsed.
    """
    assembler = _Assembler(path)
    records: dict[str, EntryRecord] = {}
    lines: dict[str, int] = {}
    for first_line, _key, chunk in iter_chunks(text, reusable or {}):
        if not isinstance(chunk, ParsedChunk):
            raise TypeError("parse_text reuses whole chunks, not summaries")
        for lowered, _entry, lineno, position in assembler.add(first_line, summarize(chunk)):
            event = chunk.events[position]
            if not isinstance(event, ChunkProblem):  # always: the position of an entry
                records[lowered] = event[0]
            lines[lowered] = lineno
    problems, preamble, crossrefs = assembler.finish()
    return BibFile(path, records, lines, problems, preamble, crossrefs,
                   first=assembler.first_key, key_digest=assembler.key_digest)


def _duplicate(key: str, first: str, first_at: str, path: str, lineno: int) -> BibProblem:
    """A second entry for a key: the first one (at ``first_at``) wins."""
    if key == first:
        message = f"duplicate key {key!r}: the entry at {first_at} is used, this one is ignored"
    else:
        message = (
            f"key {key!r} differs only in case from {first!r} at {first_at}"
            " (BibTeX keys ignore case): that entry is used, this one is ignored"
        )
    return BibProblem(Warn.DUPLICATE_KEY, message, path, lineno)


# --- files and the cache ---------------------------------------------------------------

_cache: dict[tuple[str, str], tuple[tuple[int, int], BibFile]] = {}

#: Bumped whenever the database layout or what parsing produces changes: it is part of
#: every database's name (through :func:`_content_digest`), so an old one is never read.
CACHE_FORMAT = 9

_cache_dir: Path | None = None


def _log_problem(problem: BibProblem) -> None:
    logging.getLogger(__name__).warning("%s: %s", problem.location or problem.path, problem.message)


#: Told of each damaged database discarded (see :func:`set_cache_dir`).
_report: Callable[[BibProblem], None] = _log_problem

#: Set in the child that parses files ahead: it leaves damage for the build to find.
_in_parsing_child = False


class _LeftToTheBuild(Exception):  # noqa: N818 -- a signal, not an error
    """A child that works ahead of the build (parsing a file, resolving pages, writing
    download files) found a damaged database: the build, which can warn, finds it
    again, discards it and parses the file itself. The child that parses goes on with
    its next file; the others end, and the build does their work."""


def _parser_version() -> str:
    return f"{CACHE_FORMAT}/{pybtex.__version__}"


def set_cache_dir(
    path: Path | None, report: Callable[[BibProblem], None] | None = None
) -> None:
    """Keep parsed files in ``path`` across builds (None: parse each file in each process).

    Sphinx's doctree directory is the natural place: it is per output, deleted by a clean
    build, and a fresh environment (``-E``) keeps it, which is harmless since the cache is
    keyed by content. ``report`` is told of each damaged database discarded (a problem
    of subtype ``cache`` located at the BibTeX file); by default it is logged. The
    temporary files a killed build left in ``path`` are removed.
    """
    global _cache_dir, _report  # one setting per process, like the in-process cache above
    _cache_dir = path
    _report = report or _log_problem
    if path is not None and store is not None:
        store.sweep_temporaries(path)


def parse_ahead(paths: Iterable[Path], encoding: str) -> None:
    """Start parsing, in a child process, each file whose database is not ready.

    Called as the build starts: the child parses while Sphinx loads its environment and
    reads the documents, and :func:`load_file` then opens the databases it wrote. Only
    with a cache directory (the child hands its work over through the databases).
    """
    if _cache_dir is None or store is None or not speed.children_available():
        return
    stale = [
        path for path in paths
        if not speed.started_in_child((str(path), encoding)) and _needs_parsing(path, encoding)
    ]
    if stale:
        speed.start_in_child([(str(path), encoding) for path in stale], _load_files, stale, encoding)


def _load_files(paths: list[Path], encoding: str) -> None:
    """The parsing child's work: load each file, leaving a damaged cache to the build."""
    global _in_parsing_child  # set while a child (a forked process) parses ahead
    _in_parsing_child = True
    try:
        for path in paths:
            with suppress(_LeftToTheBuild):
                load_file(path, encoding)
    finally:
        _in_parsing_child = False


def _needs_parsing(path: Path, encoding: str) -> bool:
    """Whether loading the file could parse it: no database is recorded for its
    modification time and size.

    The file is not read here: a file only touched (or changed back) is hashed by the
    child, which finds its database and records it for the new modification time. Reading
    and hashing a 7 MB file here took 12 ms of the build's own time; the child takes them
    beside it.
    """
    name = str(path)
    if _is_item_file(path):
        return False  # read in the build: there is no database to make ahead
    try:
        stat = path.stat()
    except OSError:
        return False  # load_file reports it
    signature = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get((name, encoding))
    if cached and cached[0] == signature:
        return False
    where = _where(name, encoding)
    return where is not None and _recorded_database(where, signature) is None


def load_file(path: Path, encoding: str) -> BibFile:
    """The parse of the file at ``path``, from the caches while the file is unchanged."""
    name = str(path)
    speed.wait_for_child((name, encoding))  # a child parsing it writes the database we open
    try:
        stat = path.stat()
    except OSError as error:
        return _unreadable(name, error.strerror or str(error))
    if not path.is_file():
        return _unreadable(name, "it is not a file")
    signature = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get((name, encoding))
    if cached and cached[0] == signature:
        return cached[1]
    bibfile = _load(path, name, encoding, signature)
    _cache[(name, encoding)] = (signature, bibfile)
    if cached and cached[1] is not bibfile:
        cached[1].close()  # a process that builds again and again keeps no handle per edit
    return bibfile


def _load(path: Path, name: str, encoding: str, signature: tuple[int, int]) -> BibFile:
    """Open the file's database, or parse the file (into a database, if there is a cache
    directory).

    A file whose modification time and size are those recorded when its database was
    made is not even read: the database answers. Otherwise its content is hashed, and a
    database for that content (the file was touched, or changed back) is used.
    """
    if _is_item_file(path):
        # CSL-JSON, CSL-YAML, CFF and RIS: read whole each time they change (a JSON or YAML
        # parser reads them faster than the store could be opened), always as UTF-8.
        from sphinxcontrib_highlight.bibliography import item_files  # builds on BibFile

        try:
            raw = path.read_bytes()
        except OSError as error:
            return _unreadable(name, error.strerror or str(error))
        return item_files.read_item_file(raw, path, name)
    where = _where(name, encoding)
    if where is not None:
        stored = _open_recorded(where, name, encoding, signature)
        if stored is not None:
            return stored
    try:
        raw = path.read_bytes()
    except OSError as error:
        return _unreadable(name, error.strerror or str(error))
    if _binary(raw, encoding):
        return BibFile(name, {}, {}, (BibProblem(
            Warn.BIBFILE, "this is not a BibTeX file (it holds binary data)", name, 1),))
    content = _content_digest(raw, encoding)
    if where is None:
        return _parse_bytes(raw, encoding, name, content)
    database = where.with_name(f"{where.name}-{content}.sqlite")
    stored = _open_store(database, name, encoding)
    if stored is None:
        stored = _parse_into_store(raw, encoding, name, content, database, where)
    if stored is None:  # the directory cannot be written: parse for this build only
        return _parse_bytes(raw, encoding, name, content)
    _record_signature(where, signature, content)
    return stored


#: The suffixes of files of CSL items (see :mod:`.item_files`); every other file is BibTeX.
ITEM_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".cff", ".ris"})


def _is_item_file(path: Path) -> bool:
    return path.suffix.lower() in ITEM_SUFFIXES


def _where(name: str, encoding: str) -> Path | None:
    """The stem of this file's cache files: a digest of its path and encoding."""
    if _cache_dir is None or store is None:
        return None
    key = f"{name}\0{encoding}".encode("utf-8", "surrogateescape")
    return _cache_dir / hashlib.sha256(key).hexdigest()[:16]


def _open_recorded(
    where: Path, name: str, encoding: str, signature: tuple[int, int]
) -> BibFile | None:
    """The database recorded for this modification time and size, if there is one."""
    database = _recorded_database(where, signature)
    return _open_store(database, name, encoding) if database is not None else None


def _recorded_database(where: Path, signature: tuple[int, int]) -> Path | None:
    """The path of the database recorded for this modification time and size, if it exists."""
    try:
        recorded = json.loads(where.with_suffix(".json").read_text(encoding="utf-8"))
        if [recorded["mtime_ns"], recorded["size"]] != list(signature):
            return None
        database = where.with_name(f"{where.name}-{recorded['content']}.sqlite")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return database if database.is_file() else None


def _record_signature(where: Path, signature: tuple[int, int], content: str) -> None:
    """Remember which content the file had at this modification time and size."""
    record = {"mtime_ns": signature[0], "size": signature[1], "content": content}
    with suppress(OSError):
        store.write_replacing(where.with_suffix(".json"), json.dumps(record))


def _open_reader(database: Path, name: str) -> store.StoreReader | None:
    """A reader of ``database``; None if it is gone or damaged (then it is discarded)."""
    try:
        return store.StoreReader(database)
    except OSError:
        return None
    except store.Damaged as damage:
        _discard(damage, name)
        return None


def _discard(damage: store.Damaged, name: str) -> None:
    """Remove a damaged database and report it as a problem of the file ``name``.

    In a child working ahead, leave it: the build finds it again and warns. A child
    that removed it would leave the build, reading on from the file it had opened,
    finding damage in a database already gone, which reads as no damage at all: the
    warning was lost whenever a child read the damaged part first. A database already
    gone (superseded by a newer parse, or discarded by another build) is no damage to
    report.
    """
    if not damage.path.exists():
        return
    if _in_parsing_child or speed.working_ahead():
        raise _LeftToTheBuild(str(damage))
    for path in (damage.path, store.check_path(damage.path)):
        with suppress(OSError):
            path.unlink(missing_ok=True)
    _report(BibProblem(
        Warn.CACHE,
        f"the cached parse of this file was damaged ({damage}); it was discarded and the"
        " file parsed again",
        name,
        1,
    ))


def _open_store(database: Path, name: str, encoding: str) -> BibFile | None:
    """The parse kept in ``database``, or None if it is missing, of another version or
    damaged. Its mappings fall back on parsing the file if a later read fails."""
    reader = _open_reader(database, name)
    if reader is None:
        return None
    meta = reader.meta
    if meta.get("parser") != _parser_version():  # recorded by another version
        reader.close()
        return None
    fallback = _Fallback(reader, name, encoding)
    try:
        return BibFile(
            name,
            _Answered(store.StoredEntries(reader, itemgetter(0)), fallback, "records"),
            _Answered(store.StoredEntries(reader, itemgetter(1)), fallback, "lines"),
            tuple(meta["problems"]), str(meta["preamble"]), tuple(meta["crossrefs"]),
            str(meta["content"]), meta["first"],
            _Answered(store.StoredColumn(reader, "written"), fallback, "written_keys"),
            _Answered(store.StoredColumn(reader, "digest"), fallback, "digests"),
            str(meta["keys"]), _patched_meta(meta.get("patched")), reader,
        )
    except (KeyError, TypeError, ValueError) as error:
        reader.close()
        _discard(store.Damaged(database, f"its record of the file is incomplete ({error!r})"), name)
        return None


class _Fallback:
    """What answers for a stored parse whose database failed after it was opened: the
    file parsed into memory, once, with the database discarded and reported."""

    def __init__(self, reader: store.StoreReader, name: str, encoding: str) -> None:
        self._reader = reader
        self._name = name
        self._encoding = encoding
        self.parsed: BibFile | None = None

    def take_over(self, damage: store.Damaged) -> BibFile:
        if self.parsed is None:
            self._reader.close()
            _discard(damage, self._name)
            try:
                raw = Path(self._name).read_bytes()
            except OSError as error:
                self.parsed = _unreadable(self._name, error.strerror or str(error))
            else:
                content = _content_digest(raw, self._encoding)
                self.parsed = _parse_bytes(raw, self._encoding, self._name, content)
        return self.parsed


class _Answered(Mapping[str, T]):
    """One mapping of a stored parse (``attribute`` names it on :class:`BibFile`), read
    from the database until a read fails, then from the file parsed into memory."""

    def __init__(self, stored: Mapping[str, T], fallback: _Fallback, attribute: str) -> None:
        self._stored = stored
        self._fallback = fallback
        self._pick = attrgetter(attribute)

    def _ask(self, question: Callable[[Mapping[str, T]], R]) -> R:
        if self._fallback.parsed is None:
            try:
                return question(self._stored)
            except store.Damaged as damage:
                self._fallback.take_over(damage)
        return question(self._pick(self._fallback.parsed))

    def __getitem__(self, lowered: str) -> T:
        return self._ask(lambda mapping: mapping[lowered])

    def __contains__(self, lowered: object) -> bool:
        return self._ask(lambda mapping: lowered in mapping)

    def __len__(self) -> int:
        return self._ask(len)

    def __iter__(self) -> Iterator[str]:
        """Keys in file order; a failure halfway goes on from the same place in the parse."""
        given = 0
        if self._fallback.parsed is None:
            try:
                for lowered in self._stored:
                    yield lowered
                    given += 1
                return
            except store.Damaged as damage:
                self._fallback.take_over(damage)
        yield from islice(self._pick(self._fallback.parsed), given, None)

    def prefetch(self, lowered_keys: Iterable[str]) -> None:
        """Read these keys' index rows at once, while the database answers."""
        prefetch: Any = getattr(self._stored, "prefetch", None)
        if prefetch is not None and self._fallback.parsed is None:
            try:
                prefetch(lowered_keys)
            except store.Damaged as damage:
                self._fallback.take_over(damage)


def _patched_meta(value: object) -> tuple[str, frozenset[str]] | None:
    """A database's record of the patch that made it, as :attr:`BibFile.patched`."""
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    return str(value[0]), frozenset(value[1])


def _parse_into_store(
    raw: bytes, encoding: str, name: str, content: str, database: Path, where: Path,
    reuse: bool = True,
) -> BibFile | None:
    """Parse the file into a new database, chunk by chunk, reusing the chunks of the
    file's previous database; remove the older databases. None if it cannot be written.

    Only one chunk is in memory at a time, so a 100 MB file is parsed in the memory its
    text takes, and later builds of this content open the database instead.
    """
    text, decode_problems = _decode(raw, encoding, name)
    older = sorted(where.parent.glob(f"{where.name}-*.sqlite"))
    if not decode_problems and reuse:
        for earlier in older:
            patched = _patched_store(text, name, encoding, content, earlier, database)
            if patched is not None:
                _remove_older(older, database, where)
                return patched
    previous, summaries = next(
        (found for found in (_summaries_of(path, name) for path in older if reuse)
         if found is not None),
        (None, {}),
    )
    reusable = store.StoredSummaries(summaries)
    reused: list[str] = []
    assembler = _Assembler(name)
    try:
        writer = store.StoreWriter(database)
    except (OSError, store.DatabaseError):
        return None
    defines_macros = False
    try:
        with collector_paused():
            for first_line, key, chunk in iter_chunks(text, reusable):
                writer.add_place(key, first_line)
                defines_macros = defines_macros or bool(chunk.macros)
                if isinstance(chunk, ParsedChunk):
                    summary = summarize(chunk)
                    if chunk.events or chunk.preamble or chunk.macros:
                        writer.add_chunk(key, chunk, summary)
                else:  # stored in the earlier database: copied below, inside SQLite
                    summary = chunk
                    reused.append(key)
                for lowered, entry, lineno, position in assembler.add(first_line, summary):
                    writer.add_entry(lowered, entry, lineno, key, position)
            if previous is not None and reused:
                try:
                    writer.copy_chunks(previous.path, reused)
                except store.Damaged as damage:  # index again without it
                    writer.abandon()
                    previous.close()
                    _discard(damage, name)
                    return _parse_into_store(
                        raw, encoding, name, content, database, where, reuse=False
                    )
        problems, preamble, crossrefs = assembler.finish()
        problems = (*decode_problems, *problems)
        writer.commit({
            "problems": problems, "preamble": preamble, "crossrefs": crossrefs,
            "content": content, "first": assembler.first_key, "keys": assembler.key_digest,
            "parser": _parser_version(), "macros": defines_macros,
            "groups": group_digests(text, chunk_starts(text)), "patched": None,
        })
    except (OSError, store.DatabaseError):
        writer.abandon()
        return None
    except BaseException:  # Ctrl-C, or anything else: no temporary database is left
        writer.abandon()
        raise
    if previous is not None:
        previous.close()
    _remove_older(older, database, where)
    return _open_store(database, name, encoding)


def _remove_older(older: list[Path], database: Path, where: Path) -> None:
    for old in [*older, *where.parent.glob("*.pickle")]:  # .pickle: an earlier format
        if old != database:
            old.unlink(missing_ok=True)
            store.check_path(old).unlink(missing_ok=True)


#: At most this many changed chunks are patched into a copy of the earlier database;
#: more, and indexing the file again costs about the same.
_PATCH_LIMIT = 64


def _patched_store(
    text: str, name: str, encoding: str, content: str, earlier: Path, database: Path
) -> BibFile | None:
    """The earlier database patched to this text, if the edit allows it; else None.

    It allows it when the file is cut into as many chunks as before, fewer than
    :data:`_PATCH_LIMIT` of them changed, each still holds entries with the same keys
    (as written, in the same order, naming a crossref or not), and neither file has a
    problem, a macro or a preamble in what changed: then the numbering, the problems and
    everything else the database records for the file stay, and only the changed chunks,
    their entries' digests and lines, and the lines after them are rewritten. Anything
    else is indexed again whole by :func:`_parse_into_store`. The earlier database is
    read to decide, and copied only once the edit is known to be patchable.
    """
    reader = _open_reader(earlier, name)
    if reader is None:
        return None
    try:
        meta = reader.meta
        if meta.get("parser") != _parser_version() or meta.get("macros", True) or meta.get(
            "problems", True
        ):
            return None
        edits = _edits(reader, text)
    except store.Damaged as damage:
        _discard(damage, name)
        return None
    finally:
        reader.close()
    if edits is None:
        return None
    try:
        patcher = store.StorePatcher(database, earlier)
    except (OSError, store.DatabaseError):
        return None
    changed = sorted({
        event.key.lower()
        for edit in edits[0]
        for event in edit.summary.events
        if isinstance(event, EntryRef)
    })
    try:
        _apply(patcher, edits[0], name)
        patcher.commit({
            "content": content, "groups": edits[1],
            "patched": (str(meta["content"]), tuple(changed)),
        })
    except (OSError, store.DatabaseError):
        patcher.abandon()
        return None
    except BaseException:  # Ctrl-C, or anything else: no temporary database is left
        patcher.abandon()
        raise
    return _open_store(database, name, encoding)


class _Edit(NamedTuple):
    """One changed chunk: where it is, what it is now, and what it replaces."""

    place: int
    line: int
    key: str
    chunk: ParsedChunk
    summary: ChunkSummary
    old_key: str
    last_entry: int
    """The file-order number of the replaced chunk's last entry."""
    moved: int
    """How many lines the chunk gained (negative: lost), moving what follows it."""


def _edits(reader: store.StoreReader, text: str) -> tuple[list[_Edit], list[str]] | None:
    """The changed chunks of ``text`` against the earlier database, with the text's group
    digests (:func:`~.bibparse.group_digests`); None if the edit cannot be patched.

    Only the chunks of groups whose digest changed are cut out and hashed.
    """
    places = reader.places()
    starts = chunk_starts(text)
    earlier_groups = reader.meta.get("groups")
    if len(starts) != len(places) or not isinstance(earlier_groups, list):
        return None
    groups = group_digests(text, starts)
    bounds = [*starts, len(text)]
    changed = (
        place
        for group, (digest, earlier) in enumerate(zip(groups, earlier_groups, strict=True))
        if digest != earlier
        for place in range(group * GROUP, min((group + 1) * GROUP, len(starts)))
    )
    edits: list[_Edit] = []
    names: NameCache = {}
    for place in changed:
        piece = text[bounds[place] : bounds[place + 1]]
        following = place + 1 < len(places)
        chunk_text = piece + NEXT_CHUNK if following else piece
        key = chunk_key(chunk_text, "")
        old_key, old_line = places[place]
        if key == old_key:
            continue
        if len(edits) == _PATCH_LIMIT:
            return None
        chunk = bibparse.parse_chunk(chunk_text, len(piece), MONTH_MACROS, names, key)
        summary = summarize(chunk)
        old_summary = reader.summary(old_key)
        last_entry = reader.last_entry_of(old_key)
        if old_summary is None or last_entry is None or not _same_entries(summary, old_summary):
            return None
        line = text.count("\n", 0, bounds[place]) + 1
        moved = piece.count("\n") - (places[place + 1][1] - old_line) if following else 0
        edits.append(_Edit(place, line, key, chunk, summary, old_key, last_entry, moved))
    return edits, groups


def _apply(patcher: store.StorePatcher, edits: list[_Edit], name: str) -> None:
    """Write the edits into the copy: lines moved first, then each changed chunk and its
    entries at their new lines."""
    for edit in edits:
        if edit.moved:
            patcher.shift_lines(edit.place, edit.last_entry, edit.moved)
        patcher.replace_chunk(
            edit.place, edit.line, edit.old_key, edit.key, edit.chunk, edit.summary
        )
    for edit in edits:
        for lowered, ref, lineno, position in _Assembler(name).add(edit.line, edit.summary):
            patcher.update_entry(lowered, ref.digest, lineno, edit.key, position)


def _same_entries(new: ChunkSummary, old: ChunkSummary) -> bool:
    """Whether two summaries of a chunk hold entries of the same keys, each naming a
    crossref or not, and nothing else (no problem, no preamble, no macro)."""
    if new.preamble or old.preamble or new.macros or old.macros:
        return False
    if any(isinstance(event, ChunkProblem) for event in (*new.events, *old.events)):
        return False
    return bool(new.events) and [
        (event.key, event.crossref) for event in new.events if isinstance(event, EntryRef)
    ] == [(event.key, event.crossref) for event in old.events if isinstance(event, EntryRef)]


def _summaries_of(
    database: Path, name: str
) -> tuple[store.StoreReader, dict[str, bytes]] | None:
    """An earlier database of this file and its chunks' summaries, if it was written by
    this parser (one of another version, or damaged, is never reused)."""
    reader = _open_reader(database, name)
    if reader is None:
        return None
    if reader.meta.get("parser") != _parser_version():
        reader.close()
        return None
    try:
        return reader, reader.summaries()
    except store.Damaged as damage:
        reader.close()
        _discard(damage, name)
        return None


def _parse_bytes(raw: bytes, encoding: str, name: str, content: str) -> BibFile:
    """Parse into memory, for a build without a cache directory (or that cannot write it)."""
    text, decode_problems = _decode(raw, encoding, name)
    with collector_paused():
        bibfile = parse_text(text, name)
    bibfile.problems = (*decode_problems, *bibfile.problems)
    bibfile.content = content
    return bibfile


def _content_digest(raw: bytes, encoding: str) -> str:
    """What a parse depends on: the bytes, the encoding, pybtex's version and this format."""
    digest = hashlib.sha256(f"{_parser_version()}\0{encoding}\0".encode())
    digest.update(raw)
    return digest.hexdigest()[:32]


def _unreadable(path: str, reason: str) -> BibFile:
    kind = "bibliography" if _is_item_file(Path(path)) else "BibTeX"
    message = f"cannot read {kind} file {path!r}: {reason}"
    return BibFile(path, {}, {}, (BibProblem(Warn.BIBFILE, message, path),))


def _decode(raw: bytes, encoding: str, path: str) -> tuple[str, tuple[BibProblem, ...]]:
    """Decode ``raw`` into text the parser may read, and the problems met: undecodable
    bytes become U+FFFD and one located problem, control characters are removed, each
    line that held one a located problem (:func:`_without_controls`)."""
    text, problem = _decoded(raw, encoding, path)
    text, controls = _without_controls(text, path)
    return text, (problem, *controls) if problem else controls


def _decoded(raw: bytes, encoding: str, path: str) -> tuple[str, BibProblem | None]:
    try:
        return raw.decode(encoding), None
    except LookupError:
        text = raw.decode("utf-8-sig", errors="replace")
        return text, BibProblem(
            Warn.BIBFILE, f"unknown encoding {encoding!r}; read as UTF-8", path, 1
        )
    except UnicodeDecodeError as error:
        lineno = raw.count(b"\n", 0, error.start) + 1
        text = raw.decode(encoding, errors="replace")
        return text, BibProblem(
            Warn.BIBFILE,
            f"bytes that are not {encoding} (such as {raw[error.start:error.start + 1]!r});"
            " set highlight_bibfile_encoding to the file's encoding",
            path,
            lineno,
        )


#: The C0 control characters but tab, line feed and carriage return, and DEL: never
#: text in BibTeX, and nothing a page or a download may carry (a NUL ends a string in C
#: and is invalid in XML).
_CONTROL_CHARACTERS = "".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))
_CONTROL = re.compile(f"[{re.escape(_CONTROL_CHARACTERS)}]")
_CONTROL_BYTES = _CONTROL_CHARACTERS.encode("ascii")

#: A file whose bytes are this share or more control characters (and at least
#: :data:`_BINARY_LEAST` of them) is not text at all: one problem for the file, not
#: one for each of its lines.
_BINARY_SHARE = 0.01
_BINARY_LEAST = 8

#: The lines with control characters reported one by one; further lines are counted in
#: one more problem.
_CONTROL_LINES_REPORTED = 10


def _control_message(names: list[str]) -> str:
    if len(names) == 1:
        return (f"control character {names[0]} removed (BibTeX is text; no page or download"
                " may carry it)")
    return (f"control characters {', '.join(names)} removed (BibTeX is text; no page or"
            " download may carry them)")


def _binary(raw: bytes, encoding: str) -> bool:
    """Whether the file is binary data rather than text: decided by the share of control
    characters in all of it, so that where a stray one sits does not matter.

    The bytes are counted first (a text file has none, and in an encoding that extends
    ASCII they are the characters); only a file with some is decoded to count them, so
    a UTF-16 file, whose every other byte is a NUL, is text.
    """
    if len(raw) - len(raw.translate(None, _CONTROL_BYTES)) < _BINARY_LEAST:
        return False
    text, _problem = _decoded(raw, encoding, "")
    controls = len(text) - len(_CONTROL.sub("", text))
    return controls >= _BINARY_LEAST and controls >= _BINARY_SHARE * len(text)


def _without_controls(text: str, path: str) -> tuple[str, tuple[BibProblem, ...]]:
    """The text without its control characters, and a located problem for each line that
    held one (up to :data:`_CONTROL_LINES_REPORTED`, then one for the rest).

    Removing them keeps every line break, so every line number after them stays right.
    """
    if _CONTROL.search(text) is None:
        return text, ()
    lines: dict[int, list[str]] = {}
    line, counted = 1, 0
    for found in _CONTROL.finditer(text):
        line += text.count("\n", counted, found.start())
        counted = found.start()
        lines.setdefault(line, []).append(f"U+{ord(found.group()):04X}")
    problems = [
        BibProblem(Warn.BIBFILE, _control_message(list(dict.fromkeys(names))), path, lineno)
        for lineno, names in list(lines.items())[:_CONTROL_LINES_REPORTED]
    ]
    if len(lines) > _CONTROL_LINES_REPORTED:
        rest = list(lines)[_CONTROL_LINES_REPORTED:]
        problems.append(BibProblem(
            Warn.BIBFILE, f"control characters removed from {len(rest)} more lines",
            path, rest[0]))
    return _CONTROL.sub("", text), tuple(problems)


#: The latest bibliography of each set of files (and encoding): one per set, so a
#: process that builds again after each edit does not keep every superseded one.
_bibliographies: dict[tuple[tuple[str, ...], str], Bibliography] = {}


def load_bibliography(
    paths: Iterable[Path], encoding: str, supplement: BibFile | None = None
) -> Bibliography:
    """Load several files as one bibliography (the same object while no file changes),
    with a ``supplement`` consulted after them (the DOI cache), if given."""
    names = tuple(str(path) for path in paths)
    bibfiles = tuple(load_file(Path(name), encoding) for name in names)
    if supplement is not None:
        bibfiles = (*bibfiles, supplement)
        names = (*names, supplement.path)
    cached = _bibliographies.get((names, encoding))
    if cached is not None and all(a is b for a, b in zip(cached.files, bibfiles, strict=True)):
        return cached
    bibliography = Bibliography(bibfiles)
    _bibliographies[(names, encoding)] = bibliography
    return bibliography
