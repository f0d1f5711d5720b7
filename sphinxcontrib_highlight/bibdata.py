"""Load BibTeX files into entries, recovering from every error a real file can hold.

pybtex's parser stops at the first problem unless errors are captured, and an unbalanced
brace makes it swallow every entry after it. This module captures each problem as a
:class:`BibProblem` with its file and line, resumes at the next entry after a syntax
error, and keeps the first of two entries with the same key. Nothing here logs: callers
decide where and when a problem becomes a warning.

Parsed files are cached in two places. In the process, by path, modification time, size
and encoding, so a build parses each file once however many directives use it. On disk,
when a cache directory is set (:func:`set_cache_dir`; the extension uses Sphinx's doctree
directory), by a digest of the file's content, so a later build whose file did not change
(touched, checked out again) unpickles it instead of parsing it, which is many times
faster. The disk cache is only an accelerator: a missing, stale or corrupt file means the
file is parsed again, never a failed build.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import pybtex
import pybtex.errors
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.database.input.bibtex import LowLevelParser, UndefinedMacro, month_names
from pybtex.utils import CaseInsensitiveDict

from .warnings_ import Warn

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from pybtex.scanner import PybtexSyntaxError

#: The research highlight and its 14 references, shipped as package data.
BUNDLED_BIBFILE = Path(str(files("sphinxcontrib_highlight") / "data" / "highlight.bib"))

_PERSON_FIELDS = frozenset(role.lower() for role in Person.valid_roles)
_NEXT_ENTRY = re.compile(r"^[ \t]*@", re.MULTILINE)


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


@dataclass(frozen=True)
class BibFile:
    """The entries of one file in file order, each with the line it starts on."""

    path: str
    entries: dict[str, Entry]
    """Entries by lower-cased key (BibTeX keys are case-insensitive), in file order."""
    lines: dict[str, int]
    """The line each entry starts on, by lower-cased key."""
    problems: tuple[BibProblem, ...] = ()
    preamble: str = ""


@dataclass(frozen=True)
class Bibliography:
    """Several files seen as one: the first definition of a key wins."""

    files: tuple[BibFile, ...]
    entries: dict[str, Entry] = field(init=False, repr=False)
    problems: tuple[BibProblem, ...] = field(init=False, repr=False)
    _where: dict[str, tuple[str, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        entries: dict[str, Entry] = {}
        where: dict[str, tuple[str, int]] = {}
        problems: list[BibProblem] = []
        for bibfile in self.files:
            problems.extend(bibfile.problems)
            for key, entry in bibfile.entries.items():
                line = bibfile.lines[key]
                if key in entries:
                    first_path, first_line = where[key]
                    problems.append(_duplicate(
                        entry.key, entries[key].key, f"{first_path}:{first_line}",
                        bibfile.path, line,
                    ))
                    continue
                entries[key] = entry
                where[key] = (bibfile.path, line)
        _inherit_crossrefs(entries, where, problems)
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "problems", tuple(problems))
        object.__setattr__(self, "_where", where)

    def get(self, key: str) -> Entry | None:
        """The entry for ``key``, matched without regard to case."""
        return self.entries.get(key.lower())

    def __contains__(self, key: str) -> bool:
        return key.lower() in self.entries

    def keys(self) -> list[str]:
        """Every key as written in its file, in file order."""
        return [entry.key for entry in self.entries.values()]

    def source(self, key: str) -> tuple[str, int] | None:
        """The file and line where the entry for ``key`` starts."""
        return self._where.get(key.lower())


def _inherit_crossrefs(
    entries: dict[str, Entry], where: dict[str, tuple[str, int]], problems: list[BibProblem]
) -> None:
    """Give each entry with ``crossref`` the fields it lacks from the entry it names.

    As BibTeX and biblatex do: the parent's ``title`` becomes the child's ``booktitle``,
    every other field and name list is inherited only where the child has none. The child
    is replaced by a copy, so the cached parse of its file stays as written.
    """
    for key, child in list(entries.items()):
        parent_key = child.fields.get("crossref", "").strip()
        if not parent_key:
            continue
        parent = entries.get(parent_key.lower())
        if parent is None:
            path, line = where[key]
            problems.append(BibProblem(
                Warn.UNKNOWN_KEY,
                f"entry {child.key!r}: crossref {parent_key!r} is not in the bibliography",
                path, line,
            ))
            continue
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
        entries[key] = inherited


class _Scanner(LowLevelParser):  # type: ignore[misc]
    """pybtex's low-level parser, resuming at the next entry after a syntax error."""

    def __init__(self, text: str, path: str, problems: list[BibProblem]) -> None:
        super().__init__(text, macros=CaseInsensitiveDict(month_names), filename=path)
        self._path = path
        self._problems = problems

    def handle_error(self, error: PybtexSyntaxError) -> None:
        start = self.command_start or 0
        where = f" in entry {self.current_entry_key!r}" if self.current_entry_key else ""
        detail = str(error).split(": ", 1)[-1]
        if isinstance(error, UndefinedMacro):
            # The value just lacks the macro's text; the entry goes on.
            message = f"undefined @string macro {detail!r}{where}"
            self._problems.append(BibProblem(Warn.BIB_SYNTAX, message, self._path, error.lineno))
            return
        lineno = self.text.count("\n", 0, start) + 1
        message = f"syntax error{where}: {detail}"
        self._problems.append(BibProblem(Warn.BIB_SYNTAX, message, self._path, lineno))
        self._resume_after(start)

    def _resume_after(self, start: int) -> None:
        """Continue at the first line that starts an entry after ``start``.

        An unbalanced brace makes the scanner read to the end of the file; going back to
        the next ``@`` at the start of a line loses only the broken entry.
        """
        match = _NEXT_ENTRY.search(self.text, start + 1)
        resume = match.start() if match else len(self.text)
        self.pos = resume
        self.lineno = self.text.count("\n", 0, resume) + 1


def parse_text(text: str, path: str) -> BibFile:
    """Parse BibTeX ``text``; ``path`` only names the file in problems."""
    problems: list[BibProblem] = []
    entries: dict[str, Entry] = {}
    lines: dict[str, int] = {}
    preamble: list[str] = []
    people: dict[str, Person] = {}
    scanner = _Scanner(text, path, problems)
    line_counter = _LineCounter(text)
    with pybtex.errors.capture() as captured:
        for command, body in scanner:
            kind = command.lower()
            if kind == "string":
                continue
            lineno = line_counter.line_at(scanner.command_start)
            if kind == "preamble":
                preamble.append("".join(body[0]))
                continue
            key, fields = body
            if key is None:
                continue
            if key.lower() in entries:
                problems.append(_duplicate(key, entries[key.lower()].key,
                                           f"line {lines[key.lower()]}", path, lineno))
                continue
            seen_errors = len(captured)
            entries[key.lower()] = _make_entry(
                command, key, fields, path, lineno, problems, people
            )
            lines[key.lower()] = lineno
            problems.extend(
                BibProblem(Warn.BIB_SYNTAX, f"in entry {key!r}: {error}", path, lineno)
                for error in captured[seen_errors:]
            )
    if not entries and not problems:
        problems.append(BibProblem(Warn.BIBFILE, "no BibTeX entries in this file", path, 1))
    return BibFile(path, entries, lines, tuple(problems), " ".join(preamble))


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


def _make_entry(
    command: str,
    key: str,
    fields: Iterable[tuple[str, list[str]]],
    path: str,
    lineno: int,
    problems: list[BibProblem],
    people: dict[str, Person],
) -> Entry:
    """One entry; ``people`` holds the file's persons by name as written, so an author of
    many entries is parsed once and stored once (pybtex persons are never changed after
    parsing, so entries can share them)."""
    entry = Entry(command.lower())
    entry.key = key
    seen: set[str] = set()
    for name, parts in fields:
        lowered = name.lower()
        if lowered in seen:
            problems.append(
                BibProblem(
                    Warn.BIB_SYNTAX,
                    f"entry {key!r}: field {name!r} given twice; the first is used",
                    path,
                    lineno,
                )
            )
            continue
        seen.add(lowered)
        value = " ".join("".join(parts).split())
        if lowered in _PERSON_FIELDS:
            for name_text in _split_names(value):
                person = people.get(name_text)
                if person is None:
                    person = people[name_text] = Person(name_text)
                entry.add_person(person, lowered)
        else:
            entry.fields[name] = value
    return entry


def _split_names(value: str) -> Iterator[str]:
    yield from (name for name in split_name_list(value) if name.strip())


class _LineCounter:
    """Line numbers of increasing positions in one text, counted incrementally."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._line = 1

    def line_at(self, pos: int) -> int:
        if pos < self._pos:  # the scanner went back after an error
            self._pos, self._line = 0, 1
        self._line += self._text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


# --- files and the cache ---------------------------------------------------------------

_cache: dict[tuple[str, str], tuple[tuple[int, int], BibFile]] = {}

#: Bumped whenever :class:`BibFile` or what parsing produces changes, so that an old
#: pickle is never taken for a new one.
CACHE_FORMAT = 1

_cache_dir: Path | None = None


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
    stored = _cache_file(name, raw, encoding)
    parsed = _read_cached(stored) if stored else None
    if parsed is None:
        parsed = _parse_bytes(raw, encoding, name)
        if stored:
            _write_cached(stored, parsed)
    _cache[(name, encoding)] = (signature, parsed)
    return parsed


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file's objects are created.

    Parsing or unpickling a file creates millions of objects, none of them garbage, and
    each threshold crossed makes the collector scan them all again: pausing it halved the
    time to read back the parse of a 20,000-entry file.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_bytes(raw: bytes, encoding: str, name: str) -> BibFile:
    text, decode_problem = _decode(raw, encoding, name)
    with _collector_paused():
        bibfile = parse_text(text, name)
    if decode_problem:
        bibfile = BibFile(
            bibfile.path,
            bibfile.entries,
            bibfile.lines,
            (decode_problem, *bibfile.problems),
            bibfile.preamble,
        )
    return bibfile


def _cache_file(name: str, raw: bytes, encoding: str) -> Path | None:
    """Where the parse of these bytes is kept: ``<path digest>-<content digest>.pickle``.

    The path is part of the key because a parse names its file in every problem; the
    format version, pybtex's version and the encoding are part of the content digest.
    """
    if _cache_dir is None:
        return None
    version = f"{CACHE_FORMAT}\0{pybtex.__version__}\0{encoding}\0"  # pybtex's classes are pickled
    content = hashlib.sha256(version.encode())
    content.update(raw)
    where = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return _cache_dir / f"{where}-{content.hexdigest()[:32]}.pickle"


def _read_cached(stored: Path) -> BibFile | None:
    """The pickled parse, or None if there is none or it cannot be read back."""
    try:
        with stored.open("rb") as stream, _collector_paused():
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
