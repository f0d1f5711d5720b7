"""No temporary file of the cache outlives a build: an interrupted one removes its own,
and a later build removes those a killed one left."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import suppress
from typing import TYPE_CHECKING

import pytest
from test_bib_cache import forget_parses, parsed_once
from test_cache_damage import ENTRIES

from sphinxcontrib_highlight.bibliography import database as bibdata
from sphinxcontrib_highlight.bibliography import parse as bibparse
from sphinxcontrib_highlight.bibliography import store as bibstore

if TYPE_CHECKING:
    from pathlib import Path


def temporaries(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.glob(".tmp-*"))


def interrupt_after(calls: int, monkeypatch: pytest.MonkeyPatch, owner: object, name: str):
    """Make ``owner.name`` raise KeyboardInterrupt (Ctrl-C) on its ``calls``-th call."""
    real = getattr(owner, name)
    count = 0

    def interrupted(*args: object, **kwargs: object) -> object:
        nonlocal count
        count += 1
        if count >= calls:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupted)


@pytest.mark.parametrize(("owner", "name", "calls"), [
    (bibparse, "parse_chunk", 1),  # the first chunk
    (bibparse, "parse_chunk", 150),  # halfway through the file
    (bibstore.StoreWriter, "commit", 1),
    (bibstore, "record_check", 1),  # the database is written, its record is not
    (bibstore, "_crc", 1),
    (bibstore.shutil, "copyfile", 1),  # only a patch copies: never reached, never harmful
], ids=lambda value: value if isinstance(value, str | int) else "")
def test_ctrl_c_while_a_file_is_parsed_leaves_no_temporary_file(
    tmp_path, monkeypatch, owner, name, calls
):
    bib = tmp_path / "refs.bib"
    bib.write_text(ENTRIES, encoding="utf-8")
    monkeypatch.setattr(bibdata, "_cache_dir", tmp_path / "cache")
    forget_parses(monkeypatch)
    interrupt_after(calls, monkeypatch, owner, name)
    with suppress(KeyboardInterrupt):  # a step the parse does not reach goes unraised
        bibdata.load_file(bib, "utf-8")
    assert temporaries(tmp_path / "cache") == []


@pytest.mark.parametrize(("owner", "name"), [
    (bibstore.shutil, "copyfile"),  # copying the earlier database
    (bibstore.StorePatcher, "replace_chunk"),
    (bibstore.StorePatcher, "commit"),
    (bibstore, "record_check"),
])
def test_ctrl_c_while_an_edit_is_patched_leaves_no_temporary_file(
    tmp_path, monkeypatch, owner, name
):
    bib, _ = parsed_once(tmp_path, monkeypatch, ENTRIES)
    bib.write_text(ENTRIES.replace("number 17}", "number seventeen}"), encoding="utf-8")
    forget_parses(monkeypatch)
    interrupt_after(1, monkeypatch, owner, name)
    with pytest.raises(KeyboardInterrupt):
        bibdata.load_file(bib, "utf-8")
    assert temporaries(tmp_path / "cache") == []


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def plant(directory: Path, name: str, age: float = 0) -> Path:
    path = directory / name
    path.write_bytes(b"SQLite format 3\x00" + bytes(12_000))
    if age:
        past = time.time() - age
        os.utime(path, (past, past))
    return path


def test_a_build_removes_the_temporary_files_a_killed_build_left(make_app, root_copy):
    srcdir = root_copy("multipage")
    cache = srcdir / "_build" / "doctrees" / "highlight-bibcache"
    cache.mkdir(parents=True)
    gone = dead_pid()
    stale = [
        plant(cache, f".tmp-{gone}-abc123.sqlite"),  # its process is gone
        plant(cache, f".tmp-{gone}-def456.check"),
        plant(cache, f".tmp-{gone}-0a1b2c.json"),
        plant(cache, f".tmp-{os.getpid()}-old.sqlite", age=2 * bibstore.STALE_AFTER),
        plant(cache, ".tmp-k3j4h5g6.sqlite", age=2 * bibstore.STALE_AFTER),  # earlier naming
    ]
    live = [  # a concurrent build is writing these
        plant(cache, f".tmp-{os.getpid()}-writing.sqlite"),
        plant(cache, ".tmp-abcdefgh.sqlite"),  # earlier naming: left to age
    ]
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert not [path for path in stale if path.exists()]
    assert all(path.exists() for path in live)
    installed = [path for path in cache.glob("*.sqlite") if not path.name.startswith(".")]
    assert len(installed) == 1  # the build's own database
