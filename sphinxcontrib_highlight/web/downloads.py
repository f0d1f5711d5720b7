"""The download files of a page: BibTeX, RIS and CSL-JSON, written beside the build.

A page needs only the URLs of its files; nobody reads the files until the build is
done. So each set of files is named by a digest of what it is made from (the entries'
digests, the file stem, any extra text and this package's version) and written by a
:class:`~.background.Worker`: a child process converts and writes while Sphinx writes
the pages. Pages sharing the same entries share their files, and a changed entry gives
a new name, so a file under a name never needs rewriting; the files no page links any
more are removed when the build finishes (:mod:`.published`).
"""

# The files are written with os calls on str paths, not pathlib: a build writes hundreds,
# and pathlib's objects and checks were a noticeable part of writing them (_write_once).
# ruff: noqa: PTH102, PTH103, PTH105, PTH108, PTH113, PTH116, PTH118, PTH120

from __future__ import annotations

import hashlib
import itertools
import json
import os
import weakref
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from sphinxcontrib_highlight import __version__
from sphinxcontrib_highlight.bibliography.persons import name_parts
from sphinxcontrib_highlight.export import formats
from sphinxcontrib_highlight.speed import RECENT, Worker, per_content
from sphinxcontrib_highlight.styles.base import content_key
from sphinxcontrib_highlight.web.published import PublishedFiles

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from docutils import nodes
    from pybtex.database import Entry
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from sphinxcontrib_highlight.bibliography.database import Bibliography

#: Where downloads go in the HTML output, beside Sphinx's own ``_downloads``.
DOWNLOAD_DIR = "_downloads/highlight"

#: Part of every digest: bump when what a file holds changes in a way the version does not say.
FILES_FORMAT = 1

Source = tuple[tuple[str, ...], str]
"""Where an entry comes from: the files of its bibliography and its key."""


class DownloadJob(NamedTuple):
    """One set of files to write: ``folder/stem.bib`` and so on, plus ``extra`` files."""

    folder: str
    stem: str
    sources: tuple[Source, ...]
    extra: tuple[tuple[str, str], ...]


def folder_for(entries: Sequence[Entry], stem: str, extra: dict[str, str]) -> str:
    """The folder, relative to the output, named by a digest of everything its files hold:
    the entries' types, keys, fields and names (so an edit that changes none of them,
    such as spacing, keeps the name), the stem, the extra files and this version."""
    digest = hashlib.sha1(f"{FILES_FORMAT}\0{__version__}\0{stem}\0".encode(), usedforsecurity=False)
    for entry in entries:
        digest.update(identity(entry))
    for name, text in sorted(extra.items()):
        digest.update(f"{name}\0{text}\0".encode("utf-8", "surrogatepass"))
    return f"{DOWNLOAD_DIR}/{digest.hexdigest()[:16]}"


@per_content(content_key)
def identity(entry: Entry) -> bytes:
    """Everything of an entry a download file is made from, as the bytes its folder's
    digest reads: made once per content, for an entry that several lists show."""
    return _identity(entry).encode("utf-8", "surrogatepass")


def _identity(entry: Entry) -> str:
    """Everything of an entry a download file is made from, as text."""
    parts = [entry.type, entry.key or ""]
    parts.extend(f"{name}={value}" for name, value in entry.fields.items())
    for role, people in entry.persons.items():
        parts.append(role)
        parts.extend(
            "|".join(" ".join(names) for names in name_parts(person)) for person in people
        )
    item = getattr(entry, "csl", None)  # read from a CSL file: its CSL-JSON is the item
    if item is not None:
        parts.append(json.dumps(item, sort_keys=True, ensure_ascii=False, default=str))
    return "\0".join(parts) + "\0\1"


def write_files(
    bibliography_of: Callable[[tuple[str, ...]], Bibliography], outdir: str, job: DownloadJob
) -> None:
    """Convert the job's entries into every format and write them, with its extra files."""
    entries = _read(bibliography_of, job.sources)
    contents = {f"{job.stem}{fmt.suffix}": fmt.write(entries) for fmt in formats.FORMATS.values()}
    contents.update(job.extra)
    folder = os.path.join(outdir, job.folder)
    try:
        os.mkdir(folder)
    except FileExistsError:
        fresh = False
    except FileNotFoundError:  # the first set of the build: _downloads/highlight is new too
        os.makedirs(folder, exist_ok=True)
        fresh = True
    else:
        fresh = True
    for name, text in contents.items():
        _write_once(os.path.join(folder, name), text, fresh)


def _read(
    bibliography_of: Callable[[tuple[str, ...]], Bibliography], sources: Sequence[Source]
) -> list[Entry]:
    """The entries of ``sources`` that exist, read from their files a slice at a time:
    one query for a slice, where reading them one by one took three an entry (the
    index, the record, its chunk). Reading back the 2,000 entries of a 100-page
    benchmark: 114 to 74 ms of CPU. A slice is no longer than the files keep read
    (:data:`.RECENT`), so no entry of a long list is read twice."""
    entries: list[Entry] = []
    for start in range(0, len(sources), _READ_AHEAD):
        batch = sources[start : start + _READ_AHEAD]
        keys: dict[tuple[str, ...], list[str]] = {}
        for bibfiles, key in batch:
            keys.setdefault(bibfiles, []).append(key)
        for bibfiles, wanted in keys.items():
            bibliography_of(bibfiles).read_ahead(wanted)
        entries.extend(
            entry
            for entry in (bibliography_of(bibfiles).get(key) for bibfiles, key in batch)
            if entry is not None
        )
    return entries


#: How many entries are read from the files at once (see :func:`_read`).
_READ_AHEAD = RECENT // 2

#: Numbers the temporary files this process writes (with its id, a name no other has).
_temporaries = itertools.count()

#: A new file only (never one that exists, nor through a link), closed in a child.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _write_once(path: str, text: str, fresh: bool) -> None:
    """Write UTF-8 ``text`` atomically, unless the file already holds it; ``fresh``
    says its folder was just made, so it holds nothing yet.

    Names are digests of the content's sources, so an existing file is already right;
    writing through a temporary file and a rename means a reader (or a second build)
    never sees half a file, and the temporary file never outlives a failure or Ctrl-C.

    Written with :mod:`os` calls, the folder made once for its set (by the caller)
    and no ``stat`` in a new folder: five system calls a file where
    :func:`tempfile.mkstemp`, :mod:`pathlib` and a ``mkdir`` a file made seven, and
    no Python work for a random name or a path object.
    """
    data = text.encode("utf-8")
    if not fresh:
        try:
            if os.stat(path).st_size == len(data):
                return
        except FileNotFoundError:
            pass
    folder = os.path.dirname(path)
    while True:  # a name left by a killed process whose id this one has now is skipped
        temporary = os.path.join(folder, f".tmp-{os.getpid()}-{next(_temporaries)}")
        try:
            handle = os.open(temporary, _CREATE, 0o644)
        except FileExistsError:
            continue
        break
    try:
        try:
            os.fchmod(handle, 0o644)  # whatever the umask: the web server must read it
            view = memoryview(data)
            while view:  # a write may take less than all (a full disk raises)
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


#: How many sets of files a writer writes itself before it starts its child (the
#: :class:`~.background.Worker`'s default): a build that writes a page or two is done
#: sooner than a child could start.
_INLINE_SETS = 4

#: How many jobs a writer that expects many sends its child in one message.
_BATCH = 10

#: The writer of each running build, by builder.
_writers: weakref.WeakKeyDictionary[Builder, DownloadWriter] = weakref.WeakKeyDictionary()

#: The jobs this process's pages requested, if it keeps them (see :func:`keep_requests`).
_kept: list[DownloadJob] | None = None


class DownloadWriter:
    """Writes a build's download files, each set once, in a child process if it can.

    A build known to request many sets (``expected``, more than the worker writes here
    before it starts its child) starts the child with the first set, and hands it the
    sets :data:`_BATCH` at a time; the last ones when the build finishes. The first sets
    written here, and a message to the child for each set, were most of the main
    process's CPU for requesting them: 36 -> 14 ms over the 100 pages of the benchmark
    (``-j 2``, medians of three; the fork is the rest).
    """

    def __init__(
        self,
        bibliography_of: Callable[[tuple[str, ...]], Bibliography],
        outdir: str,
        expected: int = 0,
    ) -> None:
        self._write = partial(write_files, bibliography_of, outdir)
        many = expected > _INLINE_SETS
        self._worker = Worker(self._write_all, inline=0) if many else Worker(self._write_all)
        self._batch = _BATCH if many else 1
        self._waiting: list[DownloadJob] = []
        self._outdir = outdir
        self._folders: set[str] = set()

    def request(self, job: DownloadJob) -> None:
        """Have the job's files written, unless this build or an earlier one wrote them."""
        if _kept is not None:
            _kept.append(job)
        if job.folder in self._folders:
            return
        self._folders.add(job.folder)
        folder = os.path.join(self._outdir, job.folder)
        names = [*(job.stem + fmt.suffix for fmt in formats.FORMATS.values()), *dict(job.extra)]
        if all(os.path.isfile(os.path.join(folder, name)) for name in names):
            return
        if _kept is not None:
            self._write(job)
            return
        self._waiting.append(job)
        if len(self._waiting) >= self._batch:
            self._submit()

    def _submit(self) -> None:
        """Hand the waiting jobs to the worker, as one."""
        if self._waiting:
            self._worker.submit(tuple(self._waiting))
            self._waiting = []

    def _write_all(self, jobs: Sequence[DownloadJob]) -> None:
        for job in jobs:
            self._write(job)

    def finish(self) -> None:
        self._submit()
        self._worker.finish()


def keep_requests() -> list[DownloadJob]:
    """From now on, write requested files at once, in this process, and keep the jobs in
    the list returned: a child that resolves pages ahead (:mod:`.prerender`) writes a
    page's files before it sends the page, and the jobs with it; the build requests them
    when it takes the page and finds them written (or writes what is missing)."""
    global _kept  # set once, in a forked child that does nothing else
    _kept = []
    return _kept


def writer_for(
    builder: Builder,
    bibliography_of: Callable[[tuple[str, ...]], Bibliography],
    expected: Callable[[], int] = lambda: 0,
) -> DownloadWriter:
    """The download writer of the build ``builder`` is running, made on first use;
    ``expected()``, asked then, is how many sets of files the build is known to request."""
    writer = _writers.get(builder)
    if writer is None:
        writer = _writers[builder] = DownloadWriter(
            bibliography_of, str(builder.outdir), expected()
        )
    return writer


def finish_downloads(app: Sphinx, exception: BaseException | None) -> None:
    """Sphinx event ``build-finished``: every file is written before the build ends."""
    writer = _writers.pop(app.builder, None)
    if writer is not None:
        writer.finish()


#: What the pages of each running build link, by builder (see :mod:`.published`).
_published: weakref.WeakKeyDictionary[Builder, PublishedFiles] = weakref.WeakKeyDictionary()


def start_recording(app: Sphinx, builder: Builder) -> None:
    """Sphinx event ``write-started``: note from now on which files each page links, for
    a web builder (an embedded one, epub or HTML help, writes no downloads)."""
    if builder.format == "html" and not getattr(builder, "embedded", False):
        _published[builder] = PublishedFiles(builder, DOWNLOAD_DIR)


def record_links(builder: Builder, docname: str, job: DownloadJob) -> None:
    """Note that the page ``docname`` links the job's files."""
    published = _published.get(builder)
    if published is not None:
        folder = job.folder.removeprefix(f"{DOWNLOAD_DIR}/")
        names = [*(job.stem + fmt.suffix for fmt in formats.FORMATS.values()), *dict(job.extra)]
        published.page(docname).update(f"{folder}/{name}" for name in names)


def record_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Sphinx event ``doctree-resolved``: the page is written in this build, so what it
    linked before no longer counts (it may link nothing now)."""
    published = _published.get(app.builder)
    if published is not None:
        published.page(docname)


def remove_unlinked(app: Sphinx, exception: BaseException | None) -> None:
    """Sphinx event ``build-finished``, after the files are written: record what each
    page links and, if the build succeeded, remove the download files none links."""
    published = _published.pop(app.builder, None)
    if published is not None:
        published.finish(succeeded=exception is None)
