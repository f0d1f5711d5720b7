"""Load BibTeX files as bibliographies, recovering from every error a real file can hold.

:mod:`.bibparse` turns text into compact records and located problems; this module
turns files into :class:`BibFile` objects, several files into one :class:`Bibliography`
(the first definition of a key wins; a key defined twice is a problem), and makes a
pybtex entry only for an entry a build asks for. Nothing here logs: callers decide
where and when a problem becomes a warning.

Parsed files are cached in two places. In the process, by path, modification time, size
and encoding, so a build parses each file once however many directives use it. On disk,
when a cache directory is set (:func:`set_cache_dir`; the extension uses Sphinx's doctree
directory), by a digest of the file's content, so a later build whose file did not change
(touched, checked out again) unpickles it instead of parsing it, and a file that changed
parses only its changed chunks, reusing the rest from its previous parse. The disk
cache is only an accelerator: a missing, stale or corrupt file means the file is parsed
again, never a failed build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import pybtex
from pybtex.database import Entry, Person

from .bibparse import ChunkProblem, EntryRecord, ParsedChunk, materialize, parse_chunks
from .collector import collector_paused
from .warnings_ import Warn

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

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
        records: dict[str, EntryRecord],
        lines: dict[str, int],
        problems: tuple[BibProblem, ...] = (),
        preamble: str = "",
        chunks: dict[str, ParsedChunk] | None = None,
        crossrefs: tuple[str, ...] = (),
    ) -> None:
        self.path = path
        self.records = records
        """Records by lower-cased key (BibTeX keys are case-insensitive), in file order."""
        self.lines = lines
        """The line each entry starts on, by lower-cased key."""
        self.problems = problems
        self.preamble = preamble
        self.chunks = chunks or {}
        """The parse of each chunk of the text, for a later parse of the changed file."""
        self.crossrefs = crossrefs
        """The lower-cased keys of the entries that name a ``crossref``."""
        self.content = ""
        """A digest of the bytes parsed (see :func:`_content_digest`); empty for a file
        that could not be read, whose problems say why."""
        self.parser = _parser_version()
        """Which parser made :attr:`chunks`: only its own chunks are ever reused."""
        self._entries: dict[str, Entry] = {}
        self._people: dict[str, Person] = {}

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_entries"] = {}  # made again on demand
        state["_people"] = {}
        return state

    @property
    def entries(self) -> Mapping[str, Entry]:
        """Entries by lower-cased key, in file order, each made when first read."""
        return _LazyEntries(self.entry, lambda: self.records)

    def entry(self, lowered_key: str) -> Entry | None:
        """The entry for a lower-cased key, made once."""
        entry = self._entries.get(lowered_key)
        if entry is None:
            record = self.records.get(lowered_key)
            if record is None:
                return None
            entry = self._entries[lowered_key] = materialize(record, self._people)
        return entry


class _LazyEntries(Mapping[str, Entry]):
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
            for earlier in files[:index]:
                for key in bibfile.records.keys() & earlier.records.keys():
                    if self._home(key) is not earlier:
                        continue
                    problems.append(_duplicate(
                        bibfile.records[key].key, earlier.records[key].key,
                        f"{earlier.path}:{earlier.lines[key]}", bibfile.path,
                        bibfile.lines[key],
                    ))
        problems.extend(self._crossref_problems())
        self.problems = tuple(problems)
        self._inherited: dict[str, Entry] = {}

    @property
    def state(self) -> tuple[tuple[str, str], ...]:
        """Each file's path and content digest: equal states hold equal entries."""
        return tuple((bibfile.path, bibfile.content) for bibfile in self.files)

    def _home(self, lowered_key: str) -> BibFile | None:
        """The file whose definition of the key is used."""
        return next((bibfile for bibfile in self.files if lowered_key in bibfile.records), None)

    def _crossref_problems(self) -> Iterator[BibProblem]:
        for bibfile in self.files:
            for key, parent_key in _crossrefs(bibfile):
                if self._home(key) is bibfile and self._home(parent_key.lower()) is None:
                    yield BibProblem(
                        Warn.UNKNOWN_KEY,
                        f"entry {bibfile.records[key].key!r}: crossref {parent_key!r}"
                        " is not in the bibliography",
                        bibfile.path, bibfile.lines[key],
                    )

    @property
    def entries(self) -> Mapping[str, Entry]:
        """Entries by lower-cased key in file order, each made when first read."""
        return _LazyEntries(self.get, self.keys_in_order)

    def get(self, key: str) -> Entry | None:
        """The entry for ``key``, matched without regard to case.

        An entry with ``crossref`` gets the fields it lacks from the entry it names, as
        BibTeX and biblatex do: the parent's ``title`` becomes the child's ``booktitle``,
        every other field and name list is inherited only where the child has none.
        """
        lowered = key.lower()
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
        return self._home(key.lower()) is not None

    def key_as_written(self, key: str) -> str | None:
        """The key as its entry writes it (keys match without regard to case)."""
        lowered = key.lower()
        home = self._home(lowered)
        return home.records[lowered].key if home else None

    def keys(self) -> list[str]:
        """Every key as written in its file, in file order."""
        return [self._home(key).records[key].key for key in self.keys_in_order()]  # type: ignore[union-attr]

    def first_key(self) -> str | None:
        """The key of the first entry of the first file that has one."""
        for bibfile in self.files:
            for record in bibfile.records.values():
                return record.key
        return None

    def keys_in_order(self) -> Iterator[str]:
        if len(self.files) == 1:
            yield from self.files[0].records
            return
        yield from dict.fromkeys(key for bibfile in self.files for key in bibfile.records)

    def source(self, key: str) -> tuple[str, int] | None:
        """The file and line where the entry for ``key`` starts."""
        home = self._home(key.lower())
        return (home.path, home.lines[key.lower()]) if home else None

    def digest(self, key: str) -> str | None:
        """A digest of what the entry for ``key`` holds, its crossref parent's included,
        read from the records without making the entry."""
        lowered = key.lower()
        home = self._home(lowered)
        if home is None:
            return None
        record = home.records[lowered]
        parent_key = _crossref_of(record).lower()
        parent_home = self._home(parent_key) if parent_key else None
        if parent_home is None:
            return record.digest
        return f"{record.digest}+{parent_home.records[parent_key].digest}"


def _crossrefs(bibfile: BibFile) -> Iterator[tuple[str, str]]:
    """(lower-cased key, parent key) of each entry of the file that names a crossref."""
    for key in bibfile.crossrefs:
        yield key, _crossref_of(bibfile.records[key])


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


def parse_text(text: str, path: str, reusable: dict[str, ParsedChunk] | None = None) -> BibFile:
    """Parse BibTeX ``text``; ``path`` only names the file in problems.

    ``reusable`` holds the chunks of an earlier parse of the file (:attr:`BibFile.chunks`):
    only the chunks that changed are parsed again.
    """
    chunks, by_key = parse_chunks(text, reusable or {})
    problems: list[BibProblem] = []
    records: dict[str, EntryRecord] = {}
    lines: dict[str, int] = {}
    preamble: list[str] = []
    for first_line, chunk in chunks:
        offset = first_line - 1
        preamble.extend(chunk.preamble)
        for event in chunk.events:
            if isinstance(event, ChunkProblem):
                line = event.line + offset if event.line is not None else None
                problems.append(BibProblem(event.subtype, event.message, path, line))
                continue
            record, line = event
            lineno = line + offset
            lowered = record.key.lower()
            if lowered in records:
                problems.append(_duplicate(record.key, records[lowered].key,
                                           f"line {lines[lowered]}", path, lineno))
                continue
            records[lowered] = record
            lines[lowered] = lineno
    if not records and not problems:
        problems.append(BibProblem(Warn.BIBFILE, "no BibTeX entries in this file", path, 1))
    crossrefs = tuple(key for key, record in records.items() if _crossref_of(record))
    return BibFile(path, records, lines, tuple(problems), " ".join(preamble), by_key, crossrefs)


def _crossref_of(record: EntryRecord) -> str:
    """The key a record's ``crossref`` field names, or an empty string."""
    return next(
        (value.strip() for name, value in record.fields if name.lower() == "crossref"), ""
    )


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

#: Bumped whenever :class:`BibFile` or what parsing produces changes, so that an old
#: pickle is never taken for a new one (its chunks are not reused either: the pickle's
#: name holds this version, pybtex's and the encoding, and only the file with this name
#: or another with the same path prefix, the same format on disk, is read back).
CACHE_FORMAT = 2

_cache_dir: Path | None = None


def _parser_version() -> str:
    return f"{CACHE_FORMAT}/{pybtex.__version__}"


def set_cache_dir(path: Path | None) -> None:
    """Keep parsed files in ``path`` across builds (None: parse each file in each process).

    Sphinx's doctree directory is the natural place: it is per output, deleted by a clean
    build, and a fresh environment (``-E``) keeps it, which is harmless since the cache is
    keyed by content.
    """
    global _cache_dir  # one setting per process, like the in-process cache above
    _cache_dir = path


def load_file(path: Path, encoding: str) -> BibFile:
    """Parse the file at ``path``, or return the cached result if it has not changed."""
    name = str(path)
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
    try:
        raw = path.read_bytes()
    except OSError as error:
        return _unreadable(name, error.strerror or str(error))
    if b"\x00" in raw[:65536]:
        bibfile = BibFile(name, {}, {}, (BibProblem(
            Warn.BIBFILE, "this is not a BibTeX file (it holds binary data)", name, 1),))
        _cache[(name, encoding)] = (signature, bibfile)
        return bibfile
    content = _content_digest(raw, encoding)
    stored = _cache_file(name, content)
    parsed = _read_cached(stored) if stored else None
    if parsed is None:
        earlier = cached[1] if cached else _earlier_parse(stored)
        parsed = _parse_bytes(raw, encoding, name, earlier.chunks if earlier else {})
        parsed.content = content
        if stored:
            _write_cached(stored, parsed)
    _cache[(name, encoding)] = (signature, parsed)
    return parsed


def _earlier_parse(stored: Path | None) -> BibFile | None:
    """The cached parse of an earlier version of the same file, if one is on disk."""
    if stored is None:
        return None
    prefix = stored.name.split("-", 1)[0]
    for old in stored.parent.glob(f"{prefix}-*.pickle"):
        if old != stored:
            earlier = _read_cached(old)
            if earlier is not None and getattr(earlier, "parser", None) == _parser_version():
                return earlier
    return None


def _parse_bytes(
    raw: bytes, encoding: str, name: str, reusable: dict[str, ParsedChunk]
) -> BibFile:
    text, decode_problem = _decode(raw, encoding, name)
    with collector_paused():
        bibfile = parse_text(text, name, reusable)
    if decode_problem:
        bibfile.problems = (decode_problem, *bibfile.problems)
    return bibfile


def _content_digest(raw: bytes, encoding: str) -> str:
    """What a parse depends on: the bytes, the encoding, pybtex's version and this format."""
    digest = hashlib.sha256(f"{_parser_version()}\0{encoding}\0".encode())
    digest.update(raw)
    return digest.hexdigest()[:32]


def _cache_file(name: str, content: str) -> Path | None:
    """Where the parse of these bytes is kept: ``<path digest>-<content digest>.pickle``.

    The path is part of the key because a parse names its file in every problem.
    """
    if _cache_dir is None:
        return None
    where = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return _cache_dir / f"{where}-{content}.pickle"


def _read_cached(stored: Path) -> BibFile | None:
    """The pickled parse, or None if there is none or it cannot be read back."""
    try:
        with stored.open("rb") as stream, collector_paused():
            bibfile = pickle.load(stream)  # our own file, in the build's doctree directory
    except Exception:  # noqa: BLE001 -- missing, truncated or foreign: all mean "parse"
        return None
    return bibfile if isinstance(bibfile, BibFile) else None


def _write_cached(stored: Path, bibfile: BibFile) -> None:
    """Pickle atomically (temporary file, then rename), and drop this path's older parses.

    Concurrent builds may write the same name: each rename installs a complete file with
    the same content. A directory that cannot be written only costs the next build a parse.
    """
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=stored.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(bibfile, stream, protocol=pickle.HIGHEST_PROTOCOL)
            Path(temporary).chmod(0o644)  # mkstemp's 0600 would hide it from a shared build
            Path(temporary).replace(stored)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        prefix = stored.name.split("-", 1)[0]
        for old in stored.parent.glob(f"{prefix}-*.pickle"):
            if old != stored:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, RecursionError):
        return


def _unreadable(path: str, reason: str) -> BibFile:
    message = f"cannot read BibTeX file {path!r}: {reason}"
    return BibFile(path, {}, {}, (BibProblem(Warn.BIBFILE, message, path),))


def _decode(raw: bytes, encoding: str, path: str) -> tuple[str, BibProblem | None]:
    """Decode ``raw``; undecodable bytes become U+FFFD and one located problem."""
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


_bibliographies: dict[tuple[int, ...], Bibliography] = {}


def load_bibliography(paths: Iterable[Path], encoding: str) -> Bibliography:
    """Load several files as one bibliography (the same object while no file changes)."""
    bibfiles = tuple(load_file(path, encoding) for path in paths)
    identity = tuple(id(bibfile) for bibfile in bibfiles)
    cached = _bibliographies.get(identity)
    if cached is not None and all(a is b for a, b in zip(cached.files, bibfiles, strict=True)):
        return cached
    bibliography = Bibliography(bibfiles)
    _bibliographies[identity] = bibliography
    return bibliography
