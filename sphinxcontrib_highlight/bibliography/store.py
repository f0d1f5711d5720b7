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
"""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from sphinxcontrib_highlight.speed import Recent

if TYPE_CHECKING:
    from sphinxcontrib_highlight.bibliography.parse import (
        ChunkSummary,
        EntryRecord,
        EntryRef,
        ParsedChunk,
    )

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE chunks (key TEXT PRIMARY KEY, parsed BLOB NOT NULL, summary BLOB NOT NULL);
CREATE TABLE entries (
    lowered TEXT PRIMARY KEY, written TEXT NOT NULL, digest TEXT NOT NULL,
    ord INTEGER NOT NULL, line INTEGER NOT NULL, chunk TEXT NOT NULL, position INTEGER NOT NULL
);
CREATE TABLE sequence (place INTEGER PRIMARY KEY, key TEXT NOT NULL, line INTEGER NOT NULL);
"""
#: What a database that cannot be read or written raises.
DatabaseError = sqlite3.Error

_BATCH = 5000
_COLUMNS = {"written": "written", "digest": "digest"}  # the only names put into SQL
T = TypeVar("T")


class _TemporaryDatabase:
    """A database written under a temporary name beside ``final`` and renamed to it by
    :meth:`_install`, so no reader (or second build) ever sees half of one. It starts
    empty with the schema, or as a copy of ``earlier``; :meth:`commit` installs it."""

    def __init__(self, final: Path, earlier: Path | None = None) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=final.parent, prefix=".tmp-", suffix=".sqlite")
        os.close(handle)
        self._final = final
        self._temporary = Path(temporary)
        if earlier is not None:
            shutil.copyfile(earlier, self._temporary)
        self._db = sqlite3.connect(temporary)
        # A temporary file until the rename: no journal, no waiting for the disk.
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + ("" if earlier else _SCHEMA)
        )

    def commit(self, meta: dict[str, Any]) -> None:
        """Write (or replace) these ``meta`` values and move the database into place."""
        self._db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
             for name, value in meta.items()],
        )
        self._db.commit()
        self._db.close()
        self._temporary.chmod(0o644)  # mkstemp's 0600 would hide it from a shared build
        self._temporary.replace(self._final)

    def abandon(self) -> None:
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
        """Copy the chunks with these keys from an earlier database, inside SQLite."""
        self._flush()
        self._db.execute("ATTACH DATABASE ? AS earlier", (str(earlier),))
        self._db.execute("CREATE TEMP TABLE reused (key TEXT PRIMARY KEY)")
        self._db.executemany("INSERT OR IGNORE INTO reused VALUES (?)", ((key,) for key in keys))
        self._db.execute(
            "INSERT OR IGNORE INTO chunks SELECT c.key, c.parsed, c.summary"
            " FROM earlier.chunks AS c JOIN reused USING (key)"
        )
        self._db.commit()
        self._db.execute("DETACH DATABASE earlier")

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
    """Read a database written by :class:`StoreWriter`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._chunks: Recent[str, ParsedChunk | None] = Recent()
        self._entries: Recent[str, tuple[EntryRecord, int] | None] = Recent()
        self._columns: dict[tuple[str, str], str | None] = {}
        self.meta = self._read_meta()
        """Raises :class:`sqlite3.DatabaseError` for a file that is not such a database."""

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            uri = f"file:{quote(str(self.path))}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def _read_meta(self) -> dict[str, Any]:
        rows = self._connection().execute("SELECT name, value FROM meta").fetchall()
        return {name: pickle.loads(value) for name, value in rows}  # our own file

    def chunk(self, key: str) -> ParsedChunk | None:
        if key not in self._chunks:
            row = self._connection().execute(
                "SELECT parsed FROM chunks WHERE key = ?", (key,)
            ).fetchone()
            self._chunks[key] = pickle.loads(row[0]) if row else None  # our own file
        return self._chunks[key]

    def entry(self, lowered: str) -> tuple[EntryRecord, int] | None:
        """An entry's record and the line it starts on."""
        if lowered not in self._entries:
            row = self._connection().execute(
                "SELECT line, chunk, position FROM entries WHERE lowered = ?", (lowered,)
            ).fetchone()
            found = None
            if row:
                chunk = self.chunk(row[1])
                if chunk is not None:
                    record, _ = chunk.events[row[2]]
                    found = (record, row[0])
            self._entries[lowered] = found
        return self._entries[lowered]

    def column(self, lowered: str, column: str) -> str | None:
        """An entry's key as written or its digest, from the index alone (nothing
        unpickled); None if there is no such entry."""
        if (lowered, column) not in self._columns:
            row = self._connection().execute(
                f"SELECT {_COLUMNS[column]} FROM entries WHERE lowered = ?", (lowered,)
            ).fetchone()
            self._columns[(lowered, column)] = row[0] if row else None
        return self._columns[(lowered, column)]

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

    def places(self) -> list[tuple[str, int]]:
        """The file's chunks in order: key and first line."""
        rows: list[tuple[str, int]] = self._connection().execute(
            "SELECT key, line FROM sequence ORDER BY place"
        ).fetchall()
        return rows

    def summary(self, key: str) -> ChunkSummary | None:
        """One stored chunk's summary."""
        row = self._connection().execute(
            "SELECT summary FROM chunks WHERE key = ?", (key,)
        ).fetchone()
        return pickle.loads(row[0]) if row else None  # our own file

    def last_entry_of(self, chunk_key: str) -> int | None:
        """The file-order number of the chunk's last entry, if it has one."""
        row = self._connection().execute(
            "SELECT max(ord) FROM entries WHERE chunk = ?", (chunk_key,)
        ).fetchone()
        return row[0] if row else None

    def summaries(self) -> dict[str, bytes]:
        """Every stored chunk's summary, pickled, by key, in one query: a changed file
        reuses most of its chunks."""
        return dict(self._connection().execute("SELECT key, summary FROM chunks").fetchall())

    def keys(self) -> Iterator[str]:
        rows = self._connection().execute("SELECT lowered FROM entries ORDER BY ord")
        return (lowered for (lowered,) in rows)

    def count(self) -> int:
        (count,) = self._connection().execute("SELECT count(*) FROM entries").fetchone()
        return int(count)


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
        blob = self._pickles.get(key)
        return pickle.loads(blob) if blob is not None else None  # our own file
