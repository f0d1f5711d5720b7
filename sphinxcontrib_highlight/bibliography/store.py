"""The on-disk parse of one BibTeX file: an SQLite database, read an entry at a time.

A build reads back the entries it shows, not the file: opening the database and looking
up twenty keys costs the same for a file of 2,000 entries as for one of 200,000, where
reading back a pickle of the whole parse grew with the file. The database holds each
parsed chunk (:class:`~.bibparse.ParsedChunk`, pickled) by its key with its summary
(:class:`~.bibparse.ChunkSummary`), so a changed file re-indexes from the summaries and
copies every chunk that did not change; an index of entries by lower-cased key, in file
order, with the key as written, its digest, the line it starts on and the chunk that
holds it; and the file's problems.

A database is written to a temporary file and renamed into place, so a reader (a
parallel build, a second build sharing the directory) sees a whole database or none.
Readers open it read-only, and again in a forked process, since an SQLite connection
must not cross a fork.

A database is a cache, and a cache can be damaged: a disk, a copy or a tool may change
any byte of it. Beside each database a small record (its ``.check`` file) holds its
size, time, inode and CRC-32 as written. Opening compares the first three (no read of
the file, so opening stays as cheap for 200,000 entries as for 2,000) and, when they
differ (the file was copied or written to since), computes the CRC again. Every read
turns what damage can raise (SQLite errors, unpickling garbage, values of the wrong
kind) into :class:`Damaged`, so the caller can discard the database and parse the file.

Temporary files (a database being written, a record) are named ``.tmp-<pid>-…`` and
removed when their writing fails or is interrupted (Ctrl-C included). A build killed
outright leaves them; :func:`sweep_temporaries`, run as a build starts, removes those
whose process is gone or that are older than :data:`STALE_AFTER`.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import shutil
import sqlite3
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar
from urllib.parse import quote

from sphinxcontrib_highlight.bibliography.parse import ChunkSummary, EntryRecord, ParsedChunk
from sphinxcontrib_highlight.speed import Recent

if TYPE_CHECKING:
    from sphinxcontrib_highlight.bibliography.parse import EntryRef

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE chunks (key TEXT PRIMARY KEY, parsed BLOB NOT NULL, summary BLOB NOT NULL);
CREATE TABLE entries (
    lowered TEXT PRIMARY KEY, written TEXT NOT NULL, digest TEXT NOT NULL,
    ord INTEGER NOT NULL, line INTEGER NOT NULL, chunk TEXT NOT NULL, position INTEGER NOT NULL
);
CREATE TABLE sequence (place INTEGER PRIMARY KEY, key TEXT NOT NULL, line INTEGER NOT NULL);
"""
#: What a database that cannot be written raises (reads raise :class:`Damaged`).
DatabaseError = sqlite3.Error

#: What reading a damaged database can raise: SQLite's errors, and what unpickling
#: garbage raises (a changed byte can make any opcode, length or class name).
_READ_ERRORS = (
    sqlite3.Error, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
    ImportError, IndexError, KeyError, OverflowError, MemoryError, RecursionError,
)

_BATCH = 5000
_COLUMNS = {"written": "written", "digest": "digest"}  # the only names put into SQL
T = TypeVar("T")
P = ParamSpec("P")


class Damaged(Exception):  # noqa: N818 -- a state of the file, reported as such
    """A database that cannot be trusted: its bytes changed since it was written, or a
    read failed. The caller discards it and parses the file instead."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


#: How temporary files in the cache directory begin: ``.tmp-<pid>-``.
TEMPORARY_PREFIX = ".tmp-"

#: A temporary file older than this (seconds) is stale whatever process made it: no
#: write of a database takes an hour, and a process of another machine or container
#: sharing the directory cannot be asked whether it is alive.
STALE_AFTER = 3600


def temporary_file(directory: Path, suffix: str) -> Path:
    """A new empty file in ``directory`` named as this process's temporary."""
    handle, name = tempfile.mkstemp(
        dir=directory, prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", suffix=suffix
    )
    os.close(handle)
    return Path(name)


def sweep_temporaries(directory: Path) -> list[Path]:
    """Remove the temporary files a killed build left in ``directory``; return them.

    One is left if it is younger than :data:`STALE_AFTER` and the process named in it
    is alive: a concurrent build sharing the directory is writing it.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        candidates = list(directory.glob(f"{TEMPORARY_PREFIX}*"))
    except OSError:
        return removed
    for path in candidates:
        try:
            if now - path.stat().st_mtime < STALE_AFTER and _writer_alive(path.name):
                continue
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def _writer_alive(name: str) -> bool:
    """Whether the process named in a temporary file's name runs (a name without one,
    from an earlier release, is left to its age)."""
    pid_text = name[len(TEMPORARY_PREFIX):].split("-", 1)[0]
    if not pid_text.isdigit():
        return True
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or a number no process has): left to age
    return True


def check_path(database: Path) -> Path:
    """The record of ``database``'s size, time, inode and checksum as written."""
    return database.with_suffix(".check")


def _crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            crc = zlib.crc32(block, crc)
    return crc


def record_check(database: Path, check: Path) -> None:
    """Record the file at ``database`` (its size, time, inode, CRC) in ``check``: what
    :func:`verify` compares it with."""
    stat = database.stat()
    record = {
        "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino,
        "crc32": _crc(database),
    }
    write_replacing(check, json.dumps(record))


def write_replacing(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file and rename it to ``path``; the temporary file
    never outlives a failure or an interruption."""
    temporary = temporary_file(path.parent, path.suffix)
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.chmod(0o644)  # mkstemp's 0600 would hide it from a shared build
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def verify(database: Path) -> None:
    """Raise :class:`Damaged` unless ``database`` holds the bytes it was written with.

    Raise :class:`FileNotFoundError` if it or its record is gone: removed as superseded
    by another build, or written by an earlier release (which kept no record). Neither is
    damage; such a database is simply not read.
    """
    stat = database.stat()
    try:
        record = json.loads(check_path(database).read_text(encoding="utf-8"))
        size, mtime_ns, inode, crc = (
            int(record["size"]), int(record["mtime_ns"]), int(record["inode"]),
            int(record["crc32"]),
        )
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise Damaged(database, "its checksum record cannot be read") from error
    if stat.st_size != size:
        raise Damaged(database, "its size changed since it was written")
    if (stat.st_mtime_ns, stat.st_ino) == (mtime_ns, inode):
        return
    if _crc(database) != crc:
        raise Damaged(database, "its bytes changed since it was written (checksum)")
    with suppress(OSError):  # the same bytes, copied or touched: record the new time once
        record_check(database, check_path(database))


def _reads(method: Callable[P, T]) -> Callable[P, T]:
    """Make a reader's method raise :class:`Damaged` for whatever a damaged file raises."""

    @functools.wraps(method)
    def reading(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except _READ_ERRORS as error:
            reader = args[0]
            assert isinstance(reader, StoreReader)
            raise Damaged(reader.path, f"it cannot be read ({error!r:.200})") from error

    return reading


class _TemporaryDatabase:
    """A database written under a temporary name beside ``final`` and renamed to it by
    :meth:`_install`, so no reader (or second build) ever sees half of one. It starts
    empty with the schema, or as a copy of ``earlier``; :meth:`commit` installs it."""

    def __init__(self, final: Path, earlier: Path | None = None) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        self._final = final
        self._temporary = temporary_file(final.parent, ".sqlite")
        try:
            if earlier is not None:
                shutil.copyfile(earlier, self._temporary)
            self._db = sqlite3.connect(self._temporary)
        except BaseException:
            self._temporary.unlink(missing_ok=True)
            raise
        try:
            # A temporary file until the rename: no journal, no waiting for the disk.
            self._db.executescript(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + ("" if earlier else _SCHEMA)
            )
        except BaseException:
            self.abandon()
            raise

    def commit(self, meta: dict[str, Any]) -> None:
        """Write (or replace) these ``meta`` values and move the database into place,
        its checksum record first (a reader never finds a database without one)."""
        self._db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
             for name, value in meta.items()],
        )
        self._db.commit()
        self._db.close()
        self._temporary.chmod(0o644)  # mkstemp's 0600 would hide it from a shared build
        record_check(self._temporary, check_path(self._final))
        self._temporary.replace(self._final)

    def abandon(self) -> None:
        """Remove the temporary file: on any failure or interruption of the writing."""
        self._db.close()
        self._temporary.unlink(missing_ok=True)


class StoreWriter(_TemporaryDatabase):
    """Write a database of one file's parse, chunk by chunk; :meth:`commit` installs it."""

    def __init__(self, final: Path) -> None:
        super().__init__(final)
        self._chunks: list[tuple[str, bytes, bytes]] = []
        self._entries: list[tuple[str, str, str, int, int, str, int]] = []
        self._sequence: list[tuple[int, str, int]] = []

    def add_place(self, key: str, line: int) -> None:
        """Record that the file's next chunk has this key and starts on this line."""
        self._sequence.append((len(self._sequence), key, line))

    def add_chunk(self, key: str, chunk: ParsedChunk, summary: ChunkSummary) -> None:
        self._chunks.append((
            key,
            pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL),
            pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL),
        ))
        if len(self._chunks) >= _BATCH:
            self._flush()

    def copy_chunks(self, earlier: Path, keys: list[str]) -> None:
        """Copy the chunks with these keys from an earlier database, inside SQLite.

        Raises :class:`Damaged` (the earlier database's) if the copy fails: the caller
        discards that database and indexes the file without it.
        """
        self._flush()
        try:
            self._db.execute("ATTACH DATABASE ? AS earlier", (str(earlier),))
            self._db.execute("CREATE TEMP TABLE reused (key TEXT PRIMARY KEY)")
            self._db.executemany(
                "INSERT OR IGNORE INTO reused VALUES (?)", ((key,) for key in keys)
            )
            self._db.execute(
                "INSERT OR IGNORE INTO chunks SELECT c.key, c.parsed, c.summary"
                " FROM earlier.chunks AS c JOIN reused USING (key)"
            )
            self._db.commit()
            self._db.execute("DETACH DATABASE earlier")
        except sqlite3.Error as error:
            raise Damaged(earlier, f"its chunks cannot be copied ({error!r:.200})") from error

    def add_entry(
        self, lowered: str, entry: EntryRef, line: int, chunk_key: str, position: int
    ) -> None:
        self._entries.append(
            (lowered, entry.key, entry.digest, len(self._entries), line, chunk_key, position)
        )

    def _flush(self) -> None:
        self._db.executemany("INSERT OR IGNORE INTO chunks VALUES (?, ?, ?)", self._chunks)
        self._chunks.clear()

    def commit(self, meta: dict[str, Any]) -> None:
        """Write the entries and ``meta``, and move the database into place."""
        self._flush()
        self._db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)", self._entries)
        self._db.executemany("INSERT INTO sequence VALUES (?, ?, ?)", self._sequence)
        super().commit(meta)


class StorePatcher(_TemporaryDatabase):
    """A copy of an earlier database (``earlier``), changed in a few chunks.

    For a file edited inside a few entries (same keys, in the same order): copying the
    database and replacing those chunks costs a fraction of indexing the whole file again.
    """

    def replace_chunk(
        self, place: int, line: int, old_key: str, key: str, chunk: ParsedChunk,
        summary: ChunkSummary,
    ) -> None:
        self._db.execute("DELETE FROM chunks WHERE key = ?", (old_key,))
        self._db.execute("INSERT OR REPLACE INTO chunks VALUES (?, ?, ?)", (
            key,
            pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL),
            pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL),
        ))
        self._db.execute(
            "UPDATE sequence SET key = ?, line = ? WHERE place = ?", (key, line, place)
        )

    def shift_lines(self, after_place: int, after_entry: int, lines: int) -> None:
        """Move every chunk after ``after_place`` and every entry after ``after_entry``
        (file order) by ``lines``."""
        self._db.execute("UPDATE sequence SET line = line + ? WHERE place > ?", (lines, after_place))
        self._db.execute("UPDATE entries SET line = line + ? WHERE ord > ?", (lines, after_entry))

    def update_entry(
        self, lowered: str, digest: str, line: int, chunk_key: str, position: int
    ) -> None:
        self._db.execute(
            "UPDATE entries SET digest = ?, line = ?, chunk = ?, position = ? WHERE lowered = ?",
            (digest, line, chunk_key, position, lowered),
        )

class StoreReader:
    """Read a database written by :class:`StoreWriter`.

    Opening raises :class:`Damaged` for a file whose bytes changed since it was written
    (:func:`verify`) or that is not such a database, :class:`OSError` for one that is
    gone; every read raises :class:`Damaged` for whatever damage the check missed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._chunks: Recent[str, ParsedChunk | None] = Recent()
        self._entries: Recent[str, tuple[EntryRecord, int] | None] = Recent()
        self._columns: dict[tuple[str, str], str | None] = {}
        verify(path)
        self.meta = self._read_meta()

    def close(self) -> None:
        """Let go of the file; a later read opens it again."""
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            uri = f"file:{quote(str(self.path))}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    @_reads
    def _read_meta(self) -> dict[str, Any]:
        rows = self._connection().execute("SELECT name, value FROM meta").fetchall()
        meta = {name: pickle.loads(value) for name, value in rows}  # our own file
        if not all(isinstance(name, str) for name in meta):
            raise TypeError("meta names that are not text")
        return meta

    def chunk(self, key: str) -> ParsedChunk | None:
        if key not in self._chunks:
            self._chunks[key] = self._read_chunk(key)
        return self._chunks[key]

    @_reads
    def _read_chunk(self, key: str) -> ParsedChunk | None:
        row = self._connection().execute(
            "SELECT parsed FROM chunks WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else _chunk(row[0])

    def entry(self, lowered: str) -> tuple[EntryRecord, int] | None:
        """An entry's record and the line it starts on."""
        if lowered not in self._entries:
            self._entries[lowered] = self._read_entry(lowered)
        return self._entries[lowered]

    @_reads
    def _read_entry(self, lowered: str) -> tuple[EntryRecord, int] | None:
        row = self._connection().execute(
            "SELECT line, chunk, position FROM entries WHERE lowered = ?", (lowered,)
        ).fetchone()
        if not row:
            return None
        chunk = self.chunk(row[1])
        if chunk is None:
            raise KeyError(f"the chunk of {lowered!r} is missing")
        return _entry_of(lowered, chunk, row[2], row[0])

    @_reads
    def read_entries(self, lowered_keys: Iterable[str]) -> None:
        """Read many entries' records and lines in a query per 500 keys, their chunks
        with them, as :meth:`entry` reads one (two queries an entry), and their index
        columns, as :meth:`prefetch` reads them: a page reads its list's entries one
        after another."""
        wanted = [lowered for lowered in dict.fromkeys(lowered_keys) if lowered not in self._entries]
        connection = self._connection()
        for start in range(0, len(wanted), 500):
            batch = wanted[start:start + 500]
            rows = connection.execute(
                "SELECT entries.lowered, entries.written, entries.digest, entries.line,"
                " entries.chunk, entries.position, chunks.parsed"
                " FROM entries LEFT JOIN chunks ON chunks.key = entries.chunk"
                f" WHERE entries.lowered IN ({','.join('?' * len(batch))})",
                batch,
            ).fetchall()
            found: dict[str, tuple[EntryRecord, int]] = {}
            for lowered, written, digest, line, chunk_key, position, parsed in rows:
                if not isinstance(written, str) or not isinstance(digest, str):
                    raise TypeError(f"the index of {lowered!r} is not text")
                self._columns[(lowered, "written")] = written
                self._columns[(lowered, "digest")] = digest
                if chunk_key not in self._chunks:
                    self._chunks[chunk_key] = None if parsed is None else _chunk(parsed)
                chunk = self._chunks[chunk_key]
                if chunk is None:
                    raise KeyError(f"the chunk of {lowered!r} is missing")
                found[lowered] = _entry_of(lowered, chunk, position, line)
            for lowered in batch:
                self._entries[lowered] = found.get(lowered)
                if lowered not in found:
                    self._columns[(lowered, "written")] = None
                    self._columns[(lowered, "digest")] = None

    @_reads
    def column(self, lowered: str, column: str) -> str | None:
        """An entry's key as written or its digest, from the index alone (nothing
        unpickled); None if there is no such entry."""
        if (lowered, column) not in self._columns:
            row = self._connection().execute(
                f"SELECT {_COLUMNS[column]} FROM entries WHERE lowered = ?", (lowered,)
            ).fetchone()
            if row and not isinstance(row[0], str):
                raise TypeError(f"the {column} of {lowered!r} is not text")
            self._columns[(lowered, column)] = row[0] if row else None
        return self._columns[(lowered, column)]

    @_reads
    def prefetch(self, lowered_keys: Iterable[str]) -> None:
        """Read both index columns of many entries in a query per 500 keys: resolution
        asks about thousands of keys, and two queries each were a third of a rebuild."""
        wanted = [
            lowered for lowered in dict.fromkeys(lowered_keys)
            if (lowered, "written") not in self._columns
        ]
        connection = self._connection()
        for start in range(0, len(wanted), 500):
            batch = wanted[start:start + 500]
            rows = connection.execute(
                "SELECT lowered, written, digest FROM entries"
                f" WHERE lowered IN ({','.join('?' * len(batch))})",
                batch,
            )
            found = {lowered: (written, digest) for lowered, written, digest in rows}
            for lowered in batch:
                written, digest = found.get(lowered, (None, None))
                self._columns[(lowered, "written")] = written
                self._columns[(lowered, "digest")] = digest

    @_reads
    def places(self) -> list[tuple[str, int]]:
        """The file's chunks in order: key and first line."""
        rows: list[tuple[str, int]] = self._connection().execute(
            "SELECT key, line FROM sequence ORDER BY place"
        ).fetchall()
        return rows

    @_reads
    def summary(self, key: str) -> ChunkSummary | None:
        """One stored chunk's summary."""
        row = self._connection().execute(
            "SELECT summary FROM chunks WHERE key = ?", (key,)
        ).fetchone()
        return _summary(pickle.loads(row[0])) if row else None  # our own file

    @_reads
    def last_entry_of(self, chunk_key: str) -> int | None:
        """The file-order number of the chunk's last entry, if it has one."""
        row = self._connection().execute(
            "SELECT max(ord) FROM entries WHERE chunk = ?", (chunk_key,)
        ).fetchone()
        return row[0] if row else None

    @_reads
    def summaries(self) -> dict[str, bytes]:
        """Every stored chunk's summary, pickled, by key, in one query: a changed file
        reuses most of its chunks."""
        return dict(self._connection().execute("SELECT key, summary FROM chunks").fetchall())

    def keys(self) -> Iterator[str]:
        """The lower-cased keys in file order, read as iterated (damage found on the
        way raises :class:`Damaged` there)."""
        try:
            for (lowered,) in self._connection().execute(
                "SELECT lowered FROM entries ORDER BY ord"
            ):
                if not isinstance(lowered, str):
                    raise TypeError(f"a key that is a {type(lowered).__name__}")
                yield lowered
        except _READ_ERRORS as error:
            raise Damaged(self.path, f"it cannot be read ({error!r:.200})") from error

    @_reads
    def count(self) -> int:
        (count,) = self._connection().execute("SELECT count(*) FROM entries").fetchone()
        return int(count)


def _chunk(parsed: bytes) -> ParsedChunk:
    chunk = pickle.loads(parsed)  # our own file
    if not isinstance(chunk, ParsedChunk):
        raise TypeError(f"a chunk that is a {type(chunk).__name__}")
    return chunk


def _entry_of(
    lowered: str, chunk: ParsedChunk, position: Any, line: object
) -> tuple[EntryRecord, int]:
    """The record at ``position`` in ``chunk``, where the index says an entry starts."""
    record, _ = chunk.events[position]
    if not isinstance(record, EntryRecord) or not isinstance(line, int):
        raise TypeError(f"the record of {lowered!r} is a {type(record).__name__}")
    return record, line


class StoredEntries(Mapping[str, T]):
    """What ``pick`` takes of each entry (its record, its line) by lower-cased key, read
    from the database as asked for."""

    def __init__(
        self, reader: StoreReader, pick: Callable[[tuple[EntryRecord, int]], T]
    ) -> None:
        self._reader = reader
        self._pick = pick

    def __getitem__(self, lowered: str) -> T:
        found = self._reader.entry(lowered)
        if found is None:
            raise KeyError(lowered)
        return self._pick(found)

    def __contains__(self, lowered: object) -> bool:
        return isinstance(lowered, str) and self._reader.column(lowered, "written") is not None

    def prefetch(self, lowered_keys: Iterable[str]) -> None:
        """Read these entries at once (see :meth:`StoreReader.read_entries`)."""
        self._reader.read_entries(lowered_keys)

    def __iter__(self) -> Iterator[str]:
        return self._reader.keys()

    def __len__(self) -> int:
        return self._reader.count()


class StoredColumn(Mapping[str, str]):
    """One column of the index (the key as written, the digest) by lower-cased key."""

    def __init__(self, reader: StoreReader, column: str) -> None:
        self._reader = reader
        self._column = column

    def __getitem__(self, lowered: str) -> str:
        value = self._reader.column(lowered, self._column)
        if value is None:
            raise KeyError(lowered)
        return value

    def __contains__(self, lowered: object) -> bool:
        return isinstance(lowered, str) and self._reader.column(lowered, self._column) is not None

    def prefetch(self, lowered_keys: Iterable[str]) -> None:
        """Read these keys' index rows at once (see :meth:`StoreReader.prefetch`)."""
        self._reader.prefetch(lowered_keys)

    def __iter__(self) -> Iterator[str]:
        return self._reader.keys()

    def __len__(self) -> int:
        return self._reader.count()


class StoredSummaries:
    """Summaries of an earlier database's chunks by key, unpickled when reused."""

    def __init__(self, pickles: dict[str, bytes]) -> None:
        self._pickles = pickles

    def get(self, key: str) -> ChunkSummary | None:
        """The summary stored for ``key``; None if there is none or it cannot be read (the
        chunk is then parsed again)."""
        blob = self._pickles.get(key)
        if blob is None:
            return None
        try:
            return _summary(pickle.loads(blob))  # our own file
        except _READ_ERRORS:
            return None


def _summary(value: object) -> ChunkSummary:
    if not isinstance(value, ChunkSummary):
        raise TypeError(f"a chunk summary that is a {type(value).__name__}")
    return value
