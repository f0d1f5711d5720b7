"""A damaged cache of a parsed .bib file is discarded with a warning and built again; no
build fails because of it, then or later."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import count_chunk_parses, edit, warnings
from test_bib_cache import bodies, everything, forget_parses

from sphinxcontrib_highlight.bibliography import database as bibdata
from sphinxcontrib_highlight.bibliography import store as bibstore
from sphinxcontrib_highlight.speed import background
from sphinxcontrib_highlight.warning_types import Warn

ENTRIES = "".join(
    f"@article{{key{n},\n  author = {{Doe, J{n} and Roe, {{\\\"O}}.}},\n"
    f"  title = {{A title long enough to fill pages, number {n}}},\n"
    f"  journal = {{Journal {n % 7}}},\n  year = {1900 + n % 100}\n}}\n\n"
    for n in range(400)
)

#: Fractions of the database's length where bytes are overwritten: the header, the
#: first page's b-tree, and pages all through the file.
PLACES = [0.0, 0.005, 0.02, *(n / 24 + 0.01 for n in range(24)), 0.999]


def flip(database: Path, at: int, *, keep_time: bool = False) -> None:
    """Invert 16 bytes of ``database`` from ``at``; with ``keep_time``, as bit rot does,
    leave the file's time as it was (the checksum is then not computed on opening)."""
    stat = database.stat()
    with database.open("r+b") as stream:
        stream.seek(at)
        data = stream.read(16)
        stream.seek(at)
        stream.write(bytes(byte ^ 0xFF for byte in data))
    if keep_time:
        os.utime(database, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def change_inside(database: Path, *statements: str) -> None:
    """Run SQL on ``database`` and record it as written: damage no checksum can see."""
    with sqlite3.connect(database) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
    bibstore.record_check(database, bibstore.check_path(database))


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """``refs.bib`` parsed into a fresh cache; the file, its database, the problems
    reported from now on, and what a fresh parse answers."""
    bib = tmp_path / "refs.bib"
    bib.write_text(ENTRIES, encoding="utf-8")
    reported: list[bibdata.BibProblem] = []
    monkeypatch.setattr(bibdata, "_report", reported.append)
    monkeypatch.setattr(bibdata, "_cache_dir", None)
    forget_parses(monkeypatch)
    fresh = everything(bibdata.load_file(bib, "utf-8"))
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "cache")
    forget_parses(monkeypatch)
    bibdata.load_file(bib, "utf-8")
    (database,) = (tmp_path / "cache").glob("*.sqlite")
    return bib, database, reported, fresh


def load_twice(bib: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """What two builds, each a new process, read of the file (every entry)."""
    answers = []
    for _ in range(2):
        forget_parses(monkeypatch)
        answers.append(everything(bibdata.load_file(bib, "utf-8")))
    return answers


def assert_one_cache_warning(reported: list[bibdata.BibProblem], bib: Path) -> None:
    assert [(problem.subtype, problem.path, problem.lineno) for problem in reported] == [
        (Warn.CACHE, str(bib), 1)
    ]
    assert "discarded" in reported[0].message


@pytest.mark.parametrize("place", PLACES, ids=lambda place: f"{place:.3f}")
def test_bytes_changed_anywhere_are_found_and_the_file_parsed_again(
    cached, monkeypatch, place
):
    bib, database, reported, fresh = cached
    flip(database, int(database.stat().st_size * place))
    assert load_twice(bib, monkeypatch) == [fresh, fresh]
    assert_one_cache_warning(reported, bib)
    assert len(list(database.parent.glob("*.sqlite"))) == 1  # built again, and kept


@pytest.mark.parametrize("place", PLACES, ids=lambda place: f"{place:.3f}")
def test_damage_that_kept_the_files_time_never_fails_a_load(cached, monkeypatch, place):
    """Bit rot does not change the file's time, so opening does not compute the checksum:
    whatever read meets the damage falls back on parsing, and the next load is sound."""
    bib, database, reported, fresh = cached
    flip(database, int(database.stat().st_size * place), keep_time=True)
    forget_parses(monkeypatch)
    everything(bibdata.load_file(bib, "utf-8"))  # every entry read: no exception
    if reported:
        assert_one_cache_warning(reported, bib)
        assert load_twice(bib, monkeypatch) == [fresh, fresh]


def test_a_file_that_is_not_sqlite_is_replaced(cached, monkeypatch):
    bib, database, reported, fresh = cached
    database.write_bytes(b"not a database at all, " * 500)
    assert load_twice(bib, monkeypatch) == [fresh, fresh]
    assert_one_cache_warning(reported, bib)


def test_a_damaged_checksum_record_is_damage(cached, monkeypatch):
    bib, database, reported, fresh = cached
    bibstore.check_path(database).write_text("{not json", encoding="utf-8")
    assert load_twice(bib, monkeypatch) == [fresh, fresh]
    assert_one_cache_warning(reported, bib)


def test_a_database_without_a_checksum_record_is_parsed_again_silently(cached, monkeypatch):
    """An earlier release kept no record: its databases are not read, and that is no damage."""
    bib, database, reported, fresh = cached
    bibstore.check_path(database).unlink()
    counted = count_chunk_parses(monkeypatch)
    assert load_twice(bib, monkeypatch) == [fresh, fresh]
    assert counted and not reported


@pytest.mark.parametrize("statements", [
    ["UPDATE chunks SET parsed = x'80054b'"],  # unpickles to a number
    ["UPDATE chunks SET parsed = randomblob(200)"],
    ["UPDATE chunks SET parsed = x'80059502'"],  # truncated pickle
    ["UPDATE entries SET position = 99"],
    ["UPDATE entries SET chunk = 'nowhere'"],
    ["UPDATE entries SET written = x'ff'"],  # bytes where text belongs
    ["DROP TABLE entries"],
    ["DROP TABLE chunks"],
    ["UPDATE meta SET value = randomblob(20)"],
    ["DELETE FROM meta WHERE name = 'problems'"],
    ["UPDATE meta SET value = x'80054b' WHERE name = 'crossrefs'"],
], ids=lambda statements: statements[0][:40])
def test_garbage_inside_the_tables_falls_back_on_parsing(cached, monkeypatch, statements):
    """Damage that the checksum cannot see (the record says the file is as written): the
    open, the meta data or the first read of an entry fails, and the file answers."""
    bib, database, reported, fresh = cached
    change_inside(database, *statements)
    assert load_twice(bib, monkeypatch) == [fresh, fresh]
    assert_one_cache_warning(reported, bib)


def test_damage_found_halfway_through_the_keys_goes_on_from_there(cached, monkeypatch):
    bib, database, reported, fresh = cached
    change_inside(database, "UPDATE entries SET lowered = NULL WHERE ord = 200")
    forget_parses(monkeypatch)
    keys = list(bibdata.load_file(bib, "utf-8").records)
    assert keys == [key for key, *_ in fresh[0]]
    assert_one_cache_warning(reported, bib)


def test_an_edit_patched_from_a_damaged_database_is_a_fresh_parse(cached, monkeypatch):
    """The earlier database is damaged: it is neither patched nor reused, and the edit is
    indexed whole from the file."""
    bib, database, reported, _ = cached
    flip(database, database.stat().st_size // 2)
    edited = ENTRIES.replace("number 17}", "number seventeen}")
    bib.write_text(edited, encoding="utf-8")
    answers = load_twice(bib, monkeypatch)
    monkeypatch.setattr(bibdata, "_cache_dir", None)
    forget_parses(monkeypatch)
    assert answers == [everything(bibdata.load_file(bib, "utf-8"))] * 2
    assert_one_cache_warning(reported, bib)


def test_chunks_that_cannot_be_copied_are_parsed(cached, monkeypatch):
    """A reused database whose chunks fail to copy (their pages damaged) is discarded and
    the file indexed without it."""
    bib, _, reported, _ = cached
    edited = ENTRIES + "@misc{new, title={New}}\n"  # one more chunk: indexed, not patched
    bib.write_text(edited, encoding="utf-8")
    real = bibstore.StoreWriter.copy_chunks

    def failing(self, earlier, keys):
        raise bibstore.Damaged(earlier, "a test's damage")

    monkeypatch.setattr(bibstore.StoreWriter, "copy_chunks", failing)
    first = load_twice(bib, monkeypatch)
    monkeypatch.setattr(bibstore.StoreWriter, "copy_chunks", real)
    monkeypatch.setattr(bibdata, "_cache_dir", None)
    forget_parses(monkeypatch)
    assert first == [everything(bibdata.load_file(bib, "utf-8"))] * 2
    assert_one_cache_warning(reported, bib)


# --- whole builds ------------------------------------------------------------------------


def bib_database(app) -> Path:
    (database,) = (Path(app.doctreedir) / "highlight-bibcache").glob("*.sqlite")
    return database


@pytest.fixture
def built(make_app, root_copy):
    srcdir = root_copy("multipage")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    return srcdir, app, bodies(Path(app.outdir))


DAMAGE = {
    **{
        f"bytes at {place:.2f}": lambda database, place=place: flip(
            database, int(database.stat().st_size * place)
        )
        for place in (0.0, 0.03, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95)
    },
    "not sqlite": lambda database: database.write_bytes(b"\x80\x05not a database" * 300),
    "garbage chunks": lambda database: change_inside(
        database, "UPDATE chunks SET parsed = randomblob(64)"
    ),
    "garbage entries": lambda database: change_inside(database, "DROP TABLE entries"),
    "garbage meta": lambda database: change_inside(database, "UPDATE meta SET value = x'00'"),
}


@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_a_damaged_cache_warns_once_and_never_fails_a_build(
    make_app, built, monkeypatch, damage
):
    srcdir, app, clean = built
    damage(bib_database(app))
    builds = []
    for _ in range(2):  # the build that finds the damage, and the one after it
        forget_parses(monkeypatch)
        shutil.rmtree(app.outdir)
        again = make_app("html", srcdir=srcdir, freshenv=True)
        again.build()
        assert bodies(Path(again.outdir)) == clean
        builds.append(warnings(again))
    found, after = builds
    assert found.count("[highlight.cache]") == 1
    assert f"{srcdir / 'refs.bib'}:1: WARNING: the cached parse of this file was damaged" in found
    assert "highlight.cache" not in after
    forget_parses(monkeypatch)
    assert bibdata._open_store(bib_database(app), str(srcdir / "refs.bib"), "utf-8")


def test_the_parsing_child_leaves_damage_to_the_build(cached, monkeypatch):
    """The child that parses ahead cannot warn: it leaves a damaged database alone, and
    the build, loading the file after it, finds the damage, warns and parses."""
    bib, database, reported, _ = cached
    flip(database, database.stat().st_size // 2)
    bib.write_text(ENTRIES.replace("number 17}", "number seventeen}"), encoding="utf-8")
    forget_parses(monkeypatch)
    bibdata._load_files([bib], "utf-8")  # what the child runs (here, in this process)
    assert not reported and database.exists()
    forget_parses(monkeypatch)
    loaded = everything(bibdata.load_file(bib, "utf-8"))
    assert_one_cache_warning(reported, bib)
    monkeypatch.setattr(bibdata, "_cache_dir", None)
    forget_parses(monkeypatch)
    assert loaded == everything(bibdata.load_file(bib, "utf-8"))


def test_a_child_working_ahead_leaves_damage_to_the_build(cached, monkeypatch):
    """A child that resolves pages or writes downloads ahead may read a damaged chunk
    first. It must leave the database and say nothing: had it removed the database, the
    build, reading on from the file it had opened, found damage in a database already
    gone, which reads as none, and the warning was lost (a race: "garbage chunks"
    above warned in some builds only)."""
    bib, database, reported, fresh = cached
    change_inside(database, "UPDATE chunks SET parsed = randomblob(64)")
    forget_parses(monkeypatch)
    opened = bibdata.load_file(bib, "utf-8")  # the build opens the file, then forks
    child = background.fork(everything, opened)
    child.join()
    assert child.exitcode != 0  # it met the damage and left it
    assert database.exists()
    assert not reported
    assert everything(opened) == fresh  # the build meets it too: warns, parses
    assert_one_cache_warning(reported, bib)
    assert not database.exists()


def test_an_edit_after_damage_warns_once_in_a_build(make_app, built, monkeypatch):
    """The .bib changed too: the child parsing ahead meets the damaged database first."""
    srcdir, app, _ = built
    flip(bib_database(app), bib_database(app).stat().st_size // 2)
    edit(srcdir / "refs.bib", "title = {First paper}", "title = {First paper, revised}")
    forget_parses(monkeypatch)
    again = make_app("html", srcdir=srcdir)
    again.build()
    assert warnings(again).count("[highlight.cache]") == 1
    assert "First paper, revised" in (Path(again.outdir) / "chapter1.html").read_text("utf-8")


def test_a_superseded_parse_read_after_its_database_went_is_no_damage(cached, monkeypatch):
    """A parse replaced by a newer one lets go of its database, which the newer parse
    removes; should it be read after all, the file answers, and nothing is reported."""
    bib, database, reported, fresh = cached
    forget_parses(monkeypatch)
    superseded = bibdata.load_file(bib, "utf-8")
    superseded.close()
    database.unlink()
    assert everything(superseded) == fresh
    assert not reported


def read_ahead_everything(bibfile: bibdata.BibFile, keys: list[str]) -> list[tuple]:
    """What :func:`everything` reads of each entry, each window of entries read ahead
    before its entries are asked for one by one, as a page reads its list
    (:meth:`.Bibliography.read_ahead`)."""
    answers = []
    for start in range(0, len(keys), 50):
        window = keys[start:start + 50]
        bibfile.read_ahead([*window, "nokey"])
        answers += [(key, bibfile.records[key], bibfile.lines[key], bibfile.digests[key],
                     bibfile.written_keys[key]) for key in window]
    return answers


def test_entries_read_ahead_are_those_read_one_by_one(cached, monkeypatch):
    bib, _, reported, fresh = cached
    forget_parses(monkeypatch)
    bibfile = bibdata.load_file(bib, "utf-8")
    assert isinstance(bibfile.records, bibdata._Answered)  # read from the database
    keys = list(bibfile.written_keys)
    queries: list[str] = []
    bibfile._database._connection().set_trace_callback(queries.append)
    assert read_ahead_everything(bibfile, keys) == fresh[0]
    assert not reported
    # Every entry, its line and its index columns came from the reads ahead.
    assert len(queries) == 8 and all(" IN (" in query for query in queries)


@pytest.mark.parametrize("statements", [
    ["UPDATE chunks SET parsed = x'80054b'"],
    ["UPDATE chunks SET parsed = randomblob(200)"],
    ["UPDATE entries SET position = 99"],
    ["UPDATE entries SET chunk = 'nowhere'"],
    ["UPDATE entries SET line = 'x'"],
    ["UPDATE entries SET written = x'ff'"],
    ["DROP TABLE chunks"],
], ids=lambda statements: statements[0][:40])
def test_damage_met_reading_ahead_falls_back_on_parsing(cached, monkeypatch, statements):
    bib, database, reported, fresh = cached
    change_inside(database, *statements)
    forget_parses(monkeypatch)
    keys = [f"key{n}" for n in range(400)]
    assert read_ahead_everything(bibdata.load_file(bib, "utf-8"), keys) == fresh[0]
    assert_one_cache_warning(reported, bib)
