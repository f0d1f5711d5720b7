"""How the download files are written: readable by a web server whatever the build's
umask, a damaged file written again, and no temporary file left by an interrupted write
(:func:`.downloads._write_once`, written with ``os`` calls for speed)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sphinxcontrib_highlight.web import downloads


def download_files(outdir: Path) -> list[Path]:
    return sorted(path for path in (outdir / downloads.DOWNLOAD_DIR).rglob("*") if path.is_file())


def test_download_files_are_readable_by_all_whatever_the_umask(make_app, root_copy):
    app = make_app("html", srcdir=root_copy("reader"), freshenv=True)
    previous = os.umask(0o077)  # a user's umask that would hide the files from a web server
    try:
        app.build()
    finally:
        os.umask(previous)
    files = download_files(Path(app.outdir))
    assert files
    assert {oct(stat.S_IMODE(path.stat().st_mode)) for path in files} == {oct(0o644)}


def test_a_damaged_download_file_is_written_again(make_app, root_copy):
    srcdir = root_copy("reader")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    files = download_files(Path(app.outdir))
    originals = {path: path.read_bytes() for path in files}
    truncated, deleted = files[0], files[1]
    assert truncated.parent == deleted.parent  # one set: BibTeX, RIS and CSL-JSON
    truncated.write_bytes(originals[truncated][:10])
    deleted.unlink()

    again = make_app("html", srcdir=srcdir, freshenv=True)
    again.build()

    assert {path: path.read_bytes() for path in download_files(Path(again.outdir))} == originals


def test_an_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    def interrupted(descriptor: int, data: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(downloads.os, "write", interrupted)
    target = tmp_path / "set" / "refs.bib"
    target.parent.mkdir()
    with pytest.raises(KeyboardInterrupt):
        downloads._write_once(str(target), "@misc{key}\n", fresh=True)
    assert list(target.parent.iterdir()) == []
