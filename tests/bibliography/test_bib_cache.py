"""The on-disk cache of parsed BibTeX files: it changes speed, never output."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import count_chunk_parses
from test_parse_paths import REAL_FILES

from sphinxcontrib_highlight.bibliography import database as bibdata
from sphinxcontrib_highlight.bibliography import parse as bibparse
from sphinxcontrib_highlight.bibliography import store as bibstore


def bodies(outdir: Path) -> dict[str, str]:
    """The rendered body of every page."""
    return {
        page.name: str(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
                       .select_one("div.body"))
        for page in sorted(outdir.glob("*.html"))
    }


def forget_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty the in-process caches, as a new sphinx-build process starts."""
    monkeypatch.setattr(bibdata, "_cache", {})
    monkeypatch.setattr(bibdata, "_bibliographies", {})


def parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str):
    """``refs.bib`` holding ``text``, parsed once into a fresh cache; the file and its parse."""
    bib = tmp_path / "refs.bib"
    bib.write_text(text, encoding="utf-8")
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "cache")
    forget_parses(monkeypatch)
    return bib, bibdata.load_file(bib, "utf-8")


def cache_files(app) -> list[Path]:
    return sorted((Path(app.doctreedir) / "highlight-bibcache").glob("*.sqlite"))


def never_parse(text: str, *args: object) -> bibparse.ParsedChunk:
    raise AssertionError(f"{text[:40]!r} was parsed although its parse is stored")


@pytest.fixture
def first_build(make_app, root_copy):
    """A clean build that parses the .bib and stores the parse; its page bodies."""
    srcdir = root_copy("multipage")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    return srcdir, app, bodies(Path(app.outdir))


def test_cached_parse_gives_the_same_pages(make_app, first_build, monkeypatch):
    srcdir, app, uncached = first_build
    assert len(cache_files(app)) == 1
    forget_parses(monkeypatch)
    monkeypatch.setattr(bibparse, "parse_chunk", never_parse)
    shutil.rmtree(app.outdir)
    again = make_app("html", srcdir=srcdir, freshenv=True)
    again.build()
    assert bodies(Path(again.outdir)) == uncached


def test_corrupt_cache_file_is_parsed_again(make_app, first_build, monkeypatch):
    srcdir, app, uncached = first_build
    (stored,) = cache_files(app)
    stored.write_bytes(b"\x80\x05not a database")
    forget_parses(monkeypatch)
    shutil.rmtree(app.outdir)
    again = make_app("html", srcdir=srcdir, freshenv=True)
    again.build()
    assert bodies(Path(again.outdir)) == uncached
    assert bibdata._open_store(stored, "refs.bib", "utf-8") is not None  # rewritten whole


def test_changed_file_replaces_its_old_parse(tmp_path, monkeypatch):
    bib, first = parsed_once(tmp_path, monkeypatch, "@misc{a, title={One}}\n")
    bib.write_text("@misc{a, title={Two}}\n", encoding="utf-8")
    forget_parses(monkeypatch)
    second = bibdata.load_file(bib, "utf-8")
    assert first.entries["a"].fields["title"] == "One"
    assert second.entries["a"].fields["title"] == "Two"
    assert len(list((tmp_path / "cache").glob("*.sqlite"))) == 1


def test_unwritable_cache_directory_still_builds(tmp_path, monkeypatch):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title={One}}\n", encoding="utf-8")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the directory should be", encoding="utf-8")
    monkeypatch.setattr(bibdata, "_cache_dir", blocker)
    forget_parses(monkeypatch)
    assert bibdata.load_file(bib, "utf-8").entries["a"].fields["title"] == "One"


def test_unchanged_file_is_not_read_again(tmp_path, monkeypatch):
    """A later build opens the database recorded for the file's time and size: its cost
    does not grow with the size of the file."""
    bib, _ = parsed_once(tmp_path, monkeypatch, "@misc{a, title={One}}\n@misc{b, title={Two}}\n")
    forget_parses(monkeypatch)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    again = bibdata.load_file(bib, "utf-8")
    assert again.entries["b"].fields["title"] == "Two"
    assert list(again.entries) == ["a", "b"]


def test_touched_file_is_hashed_not_parsed(tmp_path, monkeypatch):
    bib, _ = parsed_once(tmp_path, monkeypatch, "@misc{a, title={One}}\n")
    bib.write_text("@misc{a, title={One}}\n", encoding="utf-8")  # a new time, same bytes
    forget_parses(monkeypatch)
    monkeypatch.setattr(bibparse, "parse_chunk", never_parse)
    assert bibdata.load_file(bib, "utf-8").entries["a"].fields["title"] == "One"


def test_the_build_leaves_a_changed_file_to_the_parsing_child(tmp_path, monkeypatch):
    """Deciding to start the parsing child does not read the file: a file whose time and
    size have no database recorded is the child's to read and hash (touched or edited)."""
    bib, _ = parsed_once(tmp_path, monkeypatch, "@misc{a, title={One}}\n")
    forget_parses(monkeypatch)
    assert not bibdata._needs_parsing(bib, "utf-8")  # recorded: nothing to do
    bib.write_text("@misc{a, title={One}}\n", encoding="utf-8")  # a new time, same bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    assert bibdata._needs_parsing(bib, "utf-8")


def test_stored_and_parsed_files_agree(tmp_path, monkeypatch):
    """Every question a build asks of a file gets the same answer from memory and disk."""
    source = Path(__file__).parents[1] / "roots" / "test-broken-bib" / "syntax.bib"
    bib = tmp_path / "syntax.bib"
    bib.write_bytes(source.read_bytes())
    forget_parses(monkeypatch)
    monkeypatch.setattr(bibdata, "_cache_dir", None)
    in_memory = bibdata.load_file(bib, "utf-8")
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "cache")
    forget_parses(monkeypatch)
    bibdata.load_file(bib, "utf-8")
    forget_parses(monkeypatch)
    stored = bibdata.load_file(bib, "utf-8")
    assert isinstance(stored.records, bibdata._Answered)  # read from the database
    for bibfile in (in_memory, stored):
        assert list(bibfile.entries) == list(in_memory.records)
    assert stored.problems == in_memory.problems
    assert dict(stored.lines) == dict(in_memory.lines)
    assert [stored.entries[key].fields.items() for key in stored.entries] == [
        in_memory.entries[key].fields.items() for key in in_memory.entries
    ]
    assert "nosuchkey" not in stored.records


def test_changed_file_parses_only_changed_chunks_and_keeps_the_rest(tmp_path, monkeypatch):
    bib = tmp_path / "refs.bib"
    entries = [f"@misc{{k{n}, title={{T{n}}}, author={{Doe, J{n}}}}}\n" for n in range(3)]
    bib.write_text("".join(entries), encoding="utf-8")
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "cache")
    forget_parses(monkeypatch)
    bibdata.load_file(bib, "utf-8")
    bib.write_text("".join(entries).replace("{T1}", "{One}"), encoding="utf-8")
    parsed = count_chunk_parses(monkeypatch)
    forget_parses(monkeypatch)
    bibdata.load_file(bib, "utf-8")
    assert len(parsed) == 1 and "{One}" in parsed[0]
    forget_parses(monkeypatch)  # read everything back from the new database
    again = bibdata.load_file(bib, "utf-8")
    assert [entry.fields["title"] for entry in again.entries.values()] == ["T0", "One", "T2"]
    assert [str(entry.persons["author"][0]) for entry in again.entries.values()] == [
        "Doe, J0", "Doe, J1", "Doe, J2"]
    assert len(list((tmp_path / "cache").glob("*.sqlite"))) == 1


def test_python_without_sqlite_parses_in_memory(tmp_path, monkeypatch):
    """Some Pythons are built without the sqlite3 module: the cache is then skipped."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title={One}}\n", encoding="utf-8")
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "cache")
    monkeypatch.setattr(bibdata, "store", None)
    forget_parses(monkeypatch)
    assert bibdata.load_file(bib, "utf-8").entries["a"].fields["title"] == "One"
    assert not (tmp_path / "cache").exists()


def test_cache_files_of_an_earlier_format_are_removed(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "0123456789abcdef-feed.pickle").write_bytes(b"an old parse")
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title={One}}\n", encoding="utf-8")
    monkeypatch.setattr(bibdata, "_cache_dir", cache)
    forget_parses(monkeypatch)
    bibdata.load_file(bib, "utf-8")
    assert not list(cache.glob("*.pickle"))


def test_database_of_another_version_is_neither_read_nor_reused(tmp_path, monkeypatch):
    """After an upgrade, the file's database (and the record pointing at it) come from the
    earlier version: the file is parsed again, never read through another layout."""
    import sqlite3

    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title={One}}\n", encoding="utf-8")
    cache = tmp_path / "cache"
    monkeypatch.setattr(bibdata, "_cache_dir", cache)
    forget_parses(monkeypatch)
    bibdata.load_file(bib, "utf-8")
    (database,) = cache.glob("*.sqlite")
    with sqlite3.connect(database) as db:  # what an earlier layout looks like to this one
        db.execute("DELETE FROM meta WHERE name = 'parser'")
        db.execute("ALTER TABLE chunks DROP COLUMN summary")
    forget_parses(monkeypatch)
    assert bibdata.load_file(bib, "utf-8").entries["a"].fields["title"] == "One"
    bib.write_text("@misc{a, title={Two}}\n", encoding="utf-8")  # reuse would read it
    forget_parses(monkeypatch)
    assert bibdata.load_file(bib, "utf-8").entries["a"].fields["title"] == "Two"


def test_deleting_the_cache_between_builds_changes_nothing(make_app, first_build, monkeypatch):
    """The cache directory is safe to delete: the next build parses again and, after an
    edit to the .bib, writes the same pages as a build that kept it."""
    srcdir, app, uncached = first_build
    shutil.rmtree(Path(app.doctreedir) / "highlight-bibcache")
    forget_parses(monkeypatch)
    bib = srcdir / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = make_app("html", srcdir=srcdir)
    again.build()
    assert bodies(Path(again.outdir)) == uncached
    assert len(cache_files(again)) == 1


def everything(bibfile: bibdata.BibFile) -> tuple:
    """All a loaded file answers, entry by entry, in file order."""
    return (
        [(key, bibfile.records[key], bibfile.lines[key], bibfile.digests[key],
          bibfile.written_keys[key]) for key in bibfile.records],
        bibfile.problems, bibfile.preamble, bibfile.crossrefs, bibfile.first,
        bibfile.key_digest, bibfile.content,
    )


ENTRIES = "".join(
    f"@article{{key{n},\n  author = {{Doe, J{n} and Roe, {{\\\"O}}.}},\n"
    f"  title = {{Title {n}}},\n  journal = {{J}},\n  year = {n + 1900}\n}}\n\n"
    for n in range(12)
)


@pytest.mark.parametrize(("edit", "patched"), [
    (lambda text: text.replace("{Title 3}", "{A new title}"), True),
    (lambda text: text.replace("{Title 3}", "{Title\n  over three\n  lines}"), True),
    (lambda text: text.replace("  journal = {J},\n  year = 1904", "  year = 1904"), True),
    (lambda text: text.replace("{Title 2}", "{Two}\n").replace("{Title 9}", "{Nine}"), True),
    (lambda text: text.replace("title = {Title 11}", "title = {Last}, note={x}"), True),
    (lambda text: text.replace("{key4,", "{Key4,"), False),  # a key written otherwise
    (lambda text: text.replace("{key4,", "{key44,"), False),  # another key
    (lambda text: text + "@misc{new, title={New}}\n", False),  # one more chunk
    (lambda text: text.replace("{Title 5}", "{Title 5"), False),  # a syntax error
    (lambda text: text.replace("year = 1906", "year = 1906, crossref = {key1}"), False),
    (lambda text: text.replace("{Title 7}", "{Title 7}, title = {Again}"), False),  # a problem
    (lambda text: '@string{j = "J"}\n' + text, False),  # a macro
])
@pytest.mark.parametrize("group", [bibparse.GROUP, 5], ids=["one group", "groups of 5"])
def test_patched_database_equals_a_fresh_parse(tmp_path, monkeypatch, edit, patched, group):
    """An edit inside entries patches a copy of the earlier database; whatever the edit,
    the database answers exactly what parsing the edited file afresh gives. With groups
    of five chunks, edits fall in different groups, and unchanged groups are skipped."""
    monkeypatch.setattr(bibparse, "GROUP", group)
    monkeypatch.setattr(bibdata, "GROUP", group)
    bib, _ = parsed_once(tmp_path, monkeypatch, ENTRIES)
    bib.write_text(edit(ENTRIES), encoding="utf-8")
    forget_parses(monkeypatch)
    tried = []
    real_edits = bibdata._edits

    def edits(*args):
        found = real_edits(*args)
        tried.append(found is not None)
        return found

    monkeypatch.setattr(bibdata, "_edits", edits)
    loaded = bibdata.load_file(bib, "utf-8")
    assert tried[-1:] == [True] if patched else True not in tried
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "fresh")
    forget_parses(monkeypatch)
    assert everything(loaded) == everything(bibdata.load_file(bib, "utf-8"))
    forget_parses(monkeypatch)  # the patched database, read back by a new process
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "cache")
    assert everything(bibdata.load_file(bib, "utf-8")) == everything(loaded)
    assert len(list((tmp_path / "cache").glob("*.sqlite"))) == 1


def test_a_patch_records_what_it_changed(tmp_path, monkeypatch):
    """A patched database names the content it was patched from and the entries the
    edit touched; a file indexed whole names none, and neither does a file with a
    crossref, whose parent's change would change its children."""
    bib, first = parsed_once(tmp_path, monkeypatch, ENTRIES)
    assert first.patched is None
    bib.write_text(
        ENTRIES.replace("{Title 3}", "{Three}").replace("{Title 9}", "{Nine}"), encoding="utf-8"
    )
    forget_parses(monkeypatch)
    second = bibdata.load_file(bib, "utf-8")
    assert second.patched == (first.content, frozenset({"key3", "key9"}))
    bibliography = bibdata.Bibliography((second,))
    assert bibliography.changed_keys({str(bib): first.content}) == {"key3", "key9"}
    assert bibliography.changed_keys({str(bib): second.content}) == frozenset()
    assert bibliography.changed_keys({str(bib): "an older content"}) is None
    assert bibliography.changed_keys({}) is None
    bib.write_text(ENTRIES + "@misc{new, title={New}}\n", encoding="utf-8")  # indexed whole
    forget_parses(monkeypatch)
    third = bibdata.load_file(bib, "utf-8")
    assert third.patched is None
    assert bibdata.Bibliography((third,)).changed_keys({str(bib): second.content}) is None
    with_crossref = tmp_path / "crossref.bib"
    with_crossref.write_text(ENTRIES.replace("year = 1906", "year = 1906, crossref = {key1}"))
    loaded = bibdata.load_file(with_crossref, "utf-8")
    assert bibdata.Bibliography((loaded,)).changed_keys({str(with_crossref): ""}) is None


def test_database_without_group_digests_is_indexed_again(tmp_path, monkeypatch):
    """A database of the previous release has no group digests: an edit is not patched
    into it, the file is indexed again, and the result is a fresh parse's."""
    bib, _ = parsed_once(tmp_path, monkeypatch, ENTRIES)
    (database,) = (tmp_path / "cache").glob("*.sqlite")
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM meta WHERE name = 'groups'")
    connection.close()
    bibstore.record_check(database, bibstore.check_path(database))  # as written: not damage
    bib.write_text(ENTRIES.replace("{Title 3}", "{A new title}"), encoding="utf-8")
    forget_parses(monkeypatch)
    tried = []
    real_edits = bibdata._edits

    def edits(*args):
        tried.append(real_edits(*args))
        return tried[-1]

    monkeypatch.setattr(bibdata, "_edits", edits)
    loaded = everything(bibdata.load_file(bib, "utf-8"))
    assert tried == [None]
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "fresh")
    forget_parses(monkeypatch)
    assert loaded == everything(bibdata.load_file(bib, "utf-8"))


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
@pytest.mark.parametrize("inserted", ["Changed ", "Changed\n  on two lines "])
def test_real_files_edited_inside_an_entry_load_as_a_fresh_parse(
    tmp_path, monkeypatch, path, inserted
):
    """Real files (some with macros or problems, which are indexed again whole): an edit
    inside the title of an entry in the middle, with and without a new line."""
    text = path.read_text(encoding="utf-8", errors="replace")
    at = text.lower().find("title", len(text) // 2)
    brace = text.find("{", at) + 1 if at >= 0 else 0
    bib, _ = parsed_once(tmp_path, monkeypatch, text)
    bib.write_text(text[:brace] + inserted + text[brace:], encoding="utf-8")
    forget_parses(monkeypatch)
    patched = everything(bibdata.load_file(bib, "utf-8"))
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "fresh")
    forget_parses(monkeypatch)
    assert patched == everything(bibdata.load_file(bib, "utf-8"))
