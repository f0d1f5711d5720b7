"""Parse BibTeX text into compact records, one chunk of the file at a time.

pybtex's scanner stops at the first problem unless errors are captured, and an unbalanced
brace makes it swallow every entry after it. Here each problem is captured with its line,
the scanner resumes at the next line that starts with ``@``, and the text is cut at those
same lines into chunks that are parsed one by one. Cutting where the scanner would resume
anyway gives the same entries and problems as one pass over the file, and it lets a file
that changed reuse the parse of every chunk that did not (:func:`iter_chunks`): after
an edit to one entry of a 20,000-entry file, one chunk is parsed instead of 20,000.
A chunk that holds one regular entry, as almost all do, is read by a regex reader that
follows pybtex's grammar; every other chunk by pybtex's scanner, so problems keep its
wording (tests hold the two readers to the same results).

An entry is kept as an :class:`EntryRecord`, tuples of strings, not as pybtex objects:
a file's records cost a fraction of the memory, pickle and unpickle many times faster,
and the garbage collector never scans them. :func:`materialize` makes the pybtex
:class:`~pybtex.database.Entry` for the entries a build actually shows.
"""

from __future__ import annotations

import hashlib
import re
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple, Protocol

import pybtex.errors
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.database.input.bibtex import (
    LowLevelParser,
    SkipEntry,
    UndefinedMacro,
    month_names,
)
from pybtex.scanner import PybtexSyntaxError

from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

_PERSON_FIELDS = frozenset(role.lower() for role in Person.valid_roles)
_NEXT_ENTRY = re.compile(r"^[ \t]*@", re.MULTILINE)
#: The same lines found from their line break: a search for a character, several times
#: faster than trying ``^`` at every position of a large file.
_CHUNK_START = re.compile(r"\n[ \t]*@")

NameParts = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""A parsed name: first, middle, prelast, last and lineage parts, as pybtex splits them."""


class EntryRecord(NamedTuple):
    """One entry as parsed: its key as written, type, fields and names, and a digest."""

    key: str
    type: str
    """Lower-cased, as pybtex stores it."""
    fields: tuple[tuple[str, str], ...]
    """(name as written, value) in file order, without the name fields."""
    persons: tuple[tuple[str, tuple[tuple[str, NameParts], ...]], ...]
    """(lower-cased role, ((name as written, its parts), ...)) in file order."""
    digest: str
    """The key of the chunk it was parsed from and its place there: it changes whenever
    the entry's text or the macros before it do, so it tells when a page showing the
    entry may change."""


class ChunkProblem(NamedTuple):
    """A problem found in a chunk, its line counted from the chunk's first line."""

    subtype: Warn
    message: str
    line: int | None


class ParsedChunk(NamedTuple):
    """What one chunk holds, in the order the scanner met it."""

    events: tuple[tuple[EntryRecord, int] | ChunkProblem, ...]
    """Entries with the chunk line they start on, and problems, interleaved as found."""
    preamble: tuple[str, ...]
    macros: tuple[tuple[str, str], ...]
    """The ``@string`` macros the chunk defines (lower-cased names), for the chunks after it."""


#: What follows a chunk that is not the file's last: the ``@`` that starts the next one.
#: The scanner sees it, so a chunk that ends too early gets the error the whole file
#: would give ("'{' expected" for a stray ``@``), not "premature end of file".
NEXT_CHUNK = "@"


class EntryRef(NamedTuple):
    """What a file's index needs of one entry, without its fields."""

    key: str
    line: int
    """Counted from the chunk's first line."""
    digest: str
    crossref: bool
    """Whether the entry names a ``crossref``."""


class ChunkSummary(NamedTuple):
    """A parsed chunk without its records' fields: enough to index the file again after an
    edit elsewhere in it, many times smaller to read back than the chunk."""

    events: tuple[EntryRef | ChunkProblem, ...]
    preamble: tuple[str, ...]
    macros: tuple[tuple[str, str], ...]


def summarize(chunk: ParsedChunk) -> ChunkSummary:
    return ChunkSummary(
        tuple(
            event if isinstance(event, ChunkProblem)
            else EntryRef(event[0].key, event[1], event[0].digest, bool(crossref_of(event[0])))
            for event in chunk.events
        ),
        chunk.preamble,
        chunk.macros,
    )


def crossref_of(record: EntryRecord) -> str:
    """The key a record's ``crossref`` field names, or an empty string."""
    return next(
        (value.strip() for name, value in record.fields if name.lower() == "crossref"), ""
    )


class _Scanner(LowLevelParser):  # type: ignore[misc]
    """pybtex's low-level parser, resuming at the next entry after a syntax error, and
    stopping at the end of its chunk."""

    def __init__(
        self, text: str, limit: int, macros: _ChunkMacros, events: list[object]
    ) -> None:
        super().__init__(text, macros=macros)
        self._limit = limit
        self._events = events
        self._room = expansion_bound(limit)

    def parse_value(self) -> None:
        """pybtex's value, its parts not yet joined; left out (empty) if its parts would
        pass what is left of the chunk's bound (:func:`expansion_bound`)."""
        lineno = self.lineno
        super().parse_value()
        parts: list[str] = self.current_value
        size = sum(len(part) for part in parts)
        if size <= self._room:
            self._room -= size
            return
        parts.clear()
        self._events.append(ChunkProblem(Warn.BIB_EXPANSION, self._too_long(size), lineno))

    def _too_long(self, size: int) -> str:
        bound = (f"{size:,} characters, more than the {expansion_bound(self._limit):,}"
                 " the values of these lines may expand to leave")
        if self.current_entry_key is not None:
            return (f"entry {self.current_entry_key!r}: field {self.current_field_name!r}"
                    f" expands to {bound}; the field is left out")
        if self.current_field_name is not None:
            return (f"@string macro {self.current_field_name!r} expands to {bound};"
                    " it is defined as empty")
        return f"@preamble expands to {bound}; it is left out"

    def parse_bibliography(self) -> Iterator[tuple[str, tuple[object, ...]]]:
        """pybtex's loop, ending at the chunk's end instead of the text's."""
        while self.skip_to([self.AT]) and self.pos - 1 < self._limit:
            self.command_start = self.pos - 1
            try:
                yield tuple(self.parse_command())
            except PybtexSyntaxError as error:
                self.handle_error(error)
            except SkipEntry:
                pass

    def handle_error(self, error: PybtexSyntaxError) -> None:
        start = self.command_start or 0
        where = f" in entry {self.current_entry_key!r}" if self.current_entry_key else ""
        detail = str(error).split(": ", 1)[-1]
        if isinstance(error, UndefinedMacro):
            # The value just lacks the macro's text; the entry goes on.
            message = f"undefined @string macro {detail!r}{where}"
            self._events.append(ChunkProblem(Warn.BIB_SYNTAX, message, error.lineno))
            return
        lineno = self.text.count("\n", 0, start) + 1
        self._events.append(ChunkProblem(Warn.BIB_SYNTAX, f"syntax error{where}: {detail}", lineno))
        self._resume_after(start)

    def _resume_after(self, start: int) -> None:
        """Continue at the first line that starts an entry after ``start``.

        An unbalanced brace makes the scanner read to the end of the text; going back to
        the next ``@`` at the start of a line loses only the broken entry.
        """
        match = _NEXT_ENTRY.search(self.text, start + 1)
        resume = match.start() if match else len(self.text)
        self.pos = resume
        self.lineno = self.text.count("\n", 0, resume) + 1


def split_chunks(text: str) -> Iterator[tuple[int, str, bool]]:
    """The text cut before each line that starts with ``@``: each piece with its first
    line and whether it is the last piece."""
    line = 1
    start = 0
    for match in _CHUNK_START.finditer(text):
        piece = text[start : match.start() + 1]
        yield line, piece, False
        line += piece.count("\n")
        start = match.start() + 1
    yield line, text[start:], True


def chunk_starts(text: str) -> list[int]:
    """Where each piece of :func:`split_chunks` starts in the text, in order."""
    return [0, *(match.start() + 1 for match in _CHUNK_START.finditer(text))]


#: Chunks per group of :func:`group_digests`.
GROUP = 64


def group_digests(text: str, starts: list[int]) -> list[str]:
    """A digest of the text of each run of :data:`GROUP` chunks (``starts`` from
    :func:`chunk_starts`).

    Two texts cut into as many chunks whose groups have equal digests have equal chunks
    there: comparing a few hundred digests finds the edited chunks of a 20,000-entry
    file without hashing each chunk apart.
    """
    bounds = [*starts[::GROUP], len(text)]
    return [
        hashlib.sha1(
            text[begin:end].encode("utf-8", "surrogatepass"), usedforsecurity=False
        ).hexdigest()
        for begin, end in pairwise(bounds)
    ]


class ChunkSource(Protocol):
    """Where earlier parses of chunks can be found by key (a dict, a database): whole,
    or as summaries."""

    def get(self, key: str, /) -> ParsedChunk | ChunkSummary | None: ...


def iter_chunks(
    text: str, reusable: ChunkSource
) -> Iterator[tuple[int, str, ParsedChunk | ChunkSummary]]:
    """Each chunk of ``text`` with its first line and key, parsed or taken from ``reusable``.

    A chunk's parse depends on its text and on the ``@string`` macros defined before it,
    so both make its key. Chunks come one at a time, so a caller that stores them needs
    memory for one chunk, not for the file.

    The macros known so far are kept in one mapping, updated by each chunk's own
    definitions, and stand in the key as a running digest of those definitions: the work
    per chunk does not grow with the macros defined before it, so a file of thousands of
    ``@string`` macros parses in time linear in its size.
    """
    macros = dict(MONTH_MACROS)
    macro_state = ""
    names: NameCache = {}
    for line, piece, last in split_chunks(text):
        chunk_text = piece if last else piece + NEXT_CHUNK
        key = chunk_key(chunk_text, macro_state)
        chunk = reusable.get(key) or parse_chunk(chunk_text, len(piece), macros, names, key)
        yield line, key, chunk
        if chunk.macros:
            macros.update(chunk.macros)
            macro_state = next_macro_state(macro_state, chunk.macros)


def next_macro_state(state: str, defined: tuple[tuple[str, str], ...]) -> str:
    """The digest of the macros known once a chunk that defines ``defined`` is read."""
    digest = hashlib.sha1(state.encode(), usedforsecurity=False)
    digest.update(repr(defined).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def chunk_key(chunk_text: str, macro_state: str) -> str:
    """The key of a chunk: its text and the digest of the macros defined before it (empty
    while no chunk defined any)."""
    digest = hashlib.sha1(chunk_text.encode("utf-8", "surrogatepass"), usedforsecurity=False)
    if macro_state:
        digest.update(macro_state.encode())
    return digest.hexdigest()


def parse_chunk(
    text: str, limit: int, macros: Mapping[str, str], names: NameCache, key: str
) -> ParsedChunk:
    """Parse the commands that start before ``limit`` in ``text``, with the macros known
    before it by lower-cased name (:data:`MONTH_MACROS` for a chunk read alone);
    ``names`` holds the names parsed so far (it only saves time).
    ``key`` identifies the chunk's text and macros: the digests of its entries derive
    from it.

    A chunk that holds one well-formed entry, as almost every chunk does, is read by
    :func:`_regular_entry`, five times faster than pybtex's scanner; anything else (a
    macro definition, a preamble, a syntax error, two entries on one line) goes to the
    scanner, so problems are found and worded by pybtex.
    """
    if "@" not in text[:limit]:
        return ParsedChunk((), (), ())
    try:
        regular = _regular_entry(text, limit, macros)
    except _Irregular:
        return _scanned_chunk(text, limit, macros, names, key)
    command, entry_key, fields, at = regular
    events: list[object] = []
    lineno = text.count("\n", 0, at) + 1
    _add_entry(command, entry_key, fields, lineno, events, names, f"{key}/0")
    return ParsedChunk(tuple(events), (), ())  # type: ignore[arg-type]


#: The macros every file knows, by lower-cased name.
MONTH_MACROS: Mapping[str, str] = dict(month_names)


class _ChunkMacros:
    """The macros pybtex's scanner sees in one chunk (it only reads and sets them):
    those known before it, read through, and the chunk's own ``@string`` definitions,
    kept apart.

    Copying every known macro for each chunk, and comparing the copy afterwards to find
    the chunk's definitions, made a file of thousands of macros parse in time that grew
    with macros × chunks.
    """

    def __init__(self, known: Mapping[str, str]) -> None:
        self._known = known
        self.defined: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        lowered = name.lower()
        if lowered in self.defined:
            return self.defined[lowered]
        return self._known[lowered]

    def __setitem__(self, name: str, value: str) -> None:
        self.defined[name.lower()] = value

    def changed(self) -> tuple[tuple[str, str], ...]:
        """The chunk's definitions that differ from what was known before it."""
        return tuple((name, value) for name, value in self.defined.items()
                     if self._known.get(name) != value)


def _scanned_chunk(
    text: str, limit: int, known: Mapping[str, str], names: NameCache, chunk_key: str
) -> ParsedChunk:
    """The chunk read by pybtex's scanner, problems and all."""
    events: list[object] = []
    preamble: list[str] = []
    macros = _ChunkMacros(known)
    scanner = _Scanner(text, limit, macros, events)
    for command, body in scanner:
        kind = command.lower()
        if kind == "string":
            continue
        lineno = text.count("\n", 0, scanner.command_start) + 1
        if kind == "preamble":
            preamble.append(" ".join("".join(body[0]).split()))  # as pybtex keeps it
            continue
        key, fields = body
        if key is None:
            continue
        serial = sum(1 for event in events if not isinstance(event, ChunkProblem))
        _add_entry(command, key, [(name, "".join(parts)) for name, parts in fields],
                   lineno, events, names, f"{chunk_key}/{serial}")
    return ParsedChunk(tuple(events), tuple(preamble), macros.changed())  # type: ignore[arg-type]


#: What the values of a chunk may hold, once its macros are expanded: this many
#: characters for each character of the chunk's text, and :data:`EXPANSION_SLACK` more.
#: A value that would pass it is left out with a warning, so a few hundred bytes of
#: macros that double each other cannot fill memory or a page: a file's values are never
#: more than 170 times its size (the shortest entry naming a macro, ``@a{b,c=m}`` and its
#: line break, has ten characters). Real files use a fraction of it (a journal name in
#: an entry of a few lines).
EXPANSION_RATIO = 64
EXPANSION_SLACK = 1024


def expansion_bound(chunk_length: int) -> int:
    """How many characters the values of a chunk of this length may hold in all."""
    return EXPANSION_RATIO * chunk_length + EXPANSION_SLACK


def _add_entry(
    command: str,
    key: str,
    fields: Iterable[tuple[str, str]],
    lineno: int,
    events: list[object],
    names: NameCache,
    digest: str,
) -> None:
    """Append the entry's record and its problems: a field given twice (the first value
    is kept) before the record, malformed names after it."""
    record, repeated, name_errors = _record(command, key, fields, names, digest)
    events.extend(
        ChunkProblem(Warn.BIB_SYNTAX, f"entry {key!r}: field {name!r} given twice; the first is used",
                     lineno)
        for name in repeated
    )
    events.append((record, lineno))
    events.extend(
        ChunkProblem(Warn.BIB_SYNTAX, f"in entry {key!r}: {error}", lineno)
        for error in name_errors
    )


# --- the fast path: one regular entry --------------------------------------------------

_WHITESPACE = re.compile(r"\s*")
_NAME = re.compile(LowLevelParser.NAME.search.__self__.pattern)
_KEY = re.compile(LowLevelParser.KEY_BRACE.search.__self__.pattern)
_NUMBER = re.compile(r"[0-9]+")
_BRACES = re.compile(r"[{}]")
_QUOTE_OR_BRACES = re.compile(r'["{}]')
_MAX_NESTING = 100  # as pybtex's scanner


#: The commonest field, read by one match: a name, ``=``, a value in braces without
#: nested braces, in quotes without braces, or a number, then the comma. Anything else
#: (nesting, macros, ``#``, the last field without a comma) takes the general path.
_SIMPLE_FIELD = re.compile(
    rf"\s*(?P<name>{_NAME.pattern})\s*=\s*"
    r'(?:\{(?P<braced>[^{}]*)\}|"(?P<quoted>[^"{}]*)"|(?P<number>[0-9]+))'
    r"\s*,"
)


class _Irregular(Exception):  # noqa: N818 -- a signal, not an error
    """The chunk is not one well-formed entry: pybtex's scanner reads it instead."""


def _regular_entry(
    text: str, limit: int, macros: Mapping[str, str]
) -> tuple[str, str, list[tuple[str, str]], int]:
    """The chunk's one entry as (type, key, fields, position of its ``@``).

    Follows the grammar of pybtex's ``LowLevelParser`` for a brace-delimited entry: the
    same name and key patterns, optional commas, values in braces or quotes with nested
    braces, numbers, macros and ``#`` concatenation. Raises :class:`_Irregular` wherever
    the scanner would report a problem or do anything else.
    """
    at = text.index("@", 0, limit)
    pos = _skip(text, at + 1)
    command = _match(_NAME, text, pos)
    if command.lower() in ("string", "preamble", "comment"):
        raise _Irregular
    pos = _skip(text, pos + len(command))
    if not text.startswith("{", pos):
        raise _Irregular
    pos = _skip(text, pos + 1)
    key = _match(_KEY, text, pos)
    pos += len(key)
    fields: list[tuple[str, str]] = []
    room = expansion_bound(limit)
    while True:
        simple = _SIMPLE_FIELD.match(text, pos)
        if simple:
            braced, quoted, number = simple.group("braced", "quoted", "number")
            value = braced if braced is not None else quoted if quoted is not None else number
            fields.append((simple.group("name"), value))
            room -= len(value)  # never below zero: the text holds the value
            pos = simple.end()
            continue
        pos = _skip(text, pos)
        name = _NAME.match(text, pos)
        if name:
            pos = _skip(text, name.end())
            if not text.startswith("=", pos):
                raise _Irregular
            value, pos = _value(text, pos + 1, macros, room)
            fields.append((name.group(), value))
            room -= len(value)
            pos = _skip(text, pos)
        if not text.startswith(",", pos):
            break
        pos += 1
    if not text.startswith("}", pos) or "@" in text[pos + 1 : limit]:
        raise _Irregular
    return command, key, fields, at


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches


def _match(pattern: re.Pattern[str], text: str, pos: int) -> str:
    found = pattern.match(text, pos)
    if found is None:
        raise _Irregular
    return found.group()


def _value(text: str, pos: int, macros: Mapping[str, str], room: int) -> tuple[str, int]:
    """A field's value, its parts joined, and the position after it; a value longer than
    ``room`` is the scanner's to report (see :func:`expansion_bound`), and never joined."""
    parts = []
    size = 0
    while True:
        pos = _skip(text, pos)
        opening = text[pos : pos + 1]
        if opening in ("{", '"'):
            end = _closing(text, pos + 1, opening == '"')
            parts.append(text[pos + 1 : end])
            pos = end + 1
        elif number := _NUMBER.match(text, pos):
            parts.append(number.group())
            pos = number.end()
        else:
            name = _match(_NAME, text, pos)
            macro = macros.get(name.lower())
            if macro is None:
                raise _Irregular  # the scanner reports the undefined macro
            parts.append(macro)
            pos += len(name)
        size += len(parts[-1])
        if size > room:
            raise _Irregular
        pos = _skip(text, pos)
        if not text.startswith("#", pos):
            return "".join(parts), pos
        pos += 1


def _closing(text: str, start: int, quoted: bool) -> int:
    """The position of the quote or brace that closes a value opened before ``start``."""
    depth = 0
    for special in (_QUOTE_OR_BRACES if quoted else _BRACES).finditer(text, start):
        char = special.group()
        if char == "{":
            depth += 1
            if depth > _MAX_NESTING:
                raise _Irregular
        elif char == "}":
            if depth == 0:
                if quoted:
                    raise _Irregular  # unbalanced braces
                return special.start()
            depth -= 1
        elif depth == 0:
            return special.start()
    raise _Irregular  # premature end of file


def _record(
    command: str, key: str, fields: Iterable[tuple[str, str]], names: NameCache, digest: str
) -> tuple[EntryRecord, list[str], list[Exception]]:
    """One entry's record, the names of the fields given twice (the first is kept), and
    what pybtex reported about its names."""
    repeated: list[str] = []
    name_errors: list[Exception] = []
    values: list[tuple[str, str]] = []
    persons: dict[str, list[tuple[str, NameParts]]] = {}
    seen: set[str] = set()
    for name, raw in fields:
        lowered = name.lower()
        if lowered in seen:
            repeated.append(name)
            continue
        seen.add(lowered)
        value = " ".join(raw.split())
        if lowered in _PERSON_FIELDS:
            people = persons.setdefault(lowered, [])
            for text in _split_names(value):
                if text.strip():
                    parts, errors = _name_parts(text, names)
                    people.append((text, parts))
                    name_errors.extend(errors)
        else:
            values.append((name, value))
    person_items = tuple((role, tuple(people)) for role, people in persons.items())
    record = EntryRecord(key, command.lower(), tuple(values), person_items, digest)
    return record, repeated, name_errors


_AND = re.compile(" [Aa][Nn][Dd] ")
_AND_OR_BRACE = re.compile(" [Aa][Nn][Dd] |[{}]")


def _split_names(value: str) -> list[str]:
    """pybtex's ``split_name_list``: the names joined by `` and `` outside braces, found by
    one regex scan instead of pybtex's walk over each brace group (a property test holds
    the two to the same result)."""
    if "{" not in value:
        return [part.strip() for part in _AND.split(value)]
    parts = []
    depth = start = 0
    for found in _AND_OR_BRACE.finditer(value):
        token = found.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(value[start : found.start()].strip())
            start = found.end()
    if depth:  # an unclosed brace: pybtex's own rules for it
        return list(split_name_list(value))
    parts.append(value[start:].strip())
    return parts


NameCache = dict[str, tuple[NameParts, tuple[Exception, ...]]]


def _name_parts(text: str, names: NameCache) -> tuple[NameParts, tuple[Exception, ...]]:
    """The parts pybtex finds in a name, and what it reported about the name (a
    malformed one: too many commas); a name that many entries share is parsed once, and
    its errors are given again, so every entry that has it is told.

    pybtex reports through its public ``pybtex.errors.capture``, which does not nest:
    nothing else may hold a capture open while names are parsed.
    """
    cached = names.get(text)
    if cached is not None:
        return cached
    with pybtex.errors.capture() as errors:
        person = Person(text)
    parts = (
        tuple(person.first_names), tuple(person.middle_names),
        tuple(person.prelast_names), tuple(person.last_names), tuple(person.lineage_names),
    )
    names[text] = (parts, tuple(errors))
    return names[text]


#: The attribute :func:`materialize` gives each entry it makes: its record's digest, as
#: bytes (see :func:`record_digest`).
RECORD_DIGEST = "highlight_record_digest"


def record_digest(entry: Entry) -> bytes | None:
    """The digest of the record ``entry`` was made from by :func:`materialize`, if it
    was; None for an entry made otherwise (a crossref's merge, a CSL item, a test's).

    The record's digest names the text of its chunk, the macros known before it and its
    place in the chunk (:attr:`EntryRecord.digest`), and the record, hence the entry, is
    made from those alone: equal digests are equal entries, and an edit of the entry (or
    of a macro before it) gives a new digest.
    """
    digest = getattr(entry, RECORD_DIGEST, None)
    return digest if isinstance(digest, bytes) else None


def materialize(record: EntryRecord, people: dict[str, Person]) -> Entry:
    """The pybtex entry for a record, as pybtex's own parser would have made it, with
    its record's digest (:func:`record_digest`).

    ``people`` holds the persons made so far by name as written: an author of many
    entries becomes one object, which the entries share (pybtex never changes a person
    after parsing it). Five lists a person made them the largest part of what the
    garbage collector had to scan in a build.
    """
    entry = Entry(record.type)
    entry.key = record.key
    setattr(entry, RECORD_DIGEST, record.digest.encode("utf-8", "surrogatepass"))
    for name, value in record.fields:
        entry.fields[name] = value
    for role, names in record.persons:
        for text, parts in names:
            person = people.get(text)
            if person is None:
                # Person() would split five empty strings; the parts are set just below.
                person = people[text] = Person.__new__(Person)
                (person.first_names, person.middle_names, person.prelast_names,
                 person.last_names, person.lineage_names) = (list(part) for part in parts)
            entry.add_person(person, role)
    return entry
