"""Property-based tests: whatever the input, the loader and the styles never raise."""

from __future__ import annotations

import re

from conftest import straight_quotes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pybtex.database import Entry, Person, parse_string

from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE, BibProblem, parse_text
from sphinxcontrib_highlight.bibliography.latex import latex_text, plain_text
from sphinxcontrib_highlight.sphinxext.formatting import to_nodes
from sphinxcontrib_highlight.styles import find_style
from sphinxcontrib_highlight.styles.base import ENTRY_TYPES

STYLES = ("neurosci-bull", "springer-nature", "vancouver", "apa")
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

BIBTEX_ALPHABET = st.sampled_from([*'@{}(),="#%\\$~^_&\n \tabcxyzABC0129-.\'`', "é", "β"])
bibtex_like = st.lists(
    st.one_of(
        st.sampled_from(["@article{", "@book(", "@string{", "@comment{", "@preamble{",
                         "author = ", "title = {", "} and {", " and others", "},\n", "}\n",
                         "crossref = {a}", "month = jan", '"', "#", "\\'e", "{\\\"o}", "$x$"]),
        st.text(BIBTEX_ALPHABET, max_size=8),
    ),
    max_size=40,
).map("".join)


@SETTINGS
@given(bibtex_like)
def test_loader_never_raises_on_bibtex_like_text(text):
    bibfile = parse_text(text, "generated.bib")
    assert all(isinstance(problem, BibProblem) for problem in bibfile.problems)
    assert set(bibfile.entries) == set(bibfile.lines)
    for entry in bibfile.entries.values():
        for style in STYLES:
            to_nodes(find_style(style).render(entry).text)


BUNDLED_TEXT = BUNDLED_BIBFILE.read_text(encoding="utf-8")
BUNDLED = parse_text(BUNDLED_TEXT, "bundled.bib")


def entry_spans(text: str) -> dict[str, tuple[int, int]]:
    """Each entry's stretch of the file: from its ``@`` at the start of a line to the
    next such ``@`` (or the end), by lowered key."""
    starts = [match.start() for match in re.finditer(r"(?m)^@", text)]
    spans = {}
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        key = re.match(r"@\w+\s*[{(]\s*([^,\s]+)", text[start:])
        if key:
            spans[key.group(1).lower()] = (start, end)
    return spans


BUNDLED_SPANS = entry_spans(BUNDLED_TEXT)


def form(entry: Entry) -> tuple[object, ...]:
    """What a style reads of an entry: type, fields and persons."""
    persons = {role: [str(person) for person in people] for role, people in entry.persons.items()}
    return entry.type, dict(entry.fields), persons


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, len(BUNDLED_TEXT)), st.integers(0, 6),
                          st.text(BIBTEX_ALPHABET, max_size=3)), max_size=8))
def test_loader_never_raises_on_mutated_real_entries(edits):
    """Whatever the edits, the loader reports located problems, never raises, and an
    entry none of them touched (nor the line break or ``@`` around it) is read as it was:
    a broken entry never takes its neighbours with it."""
    text = BUNDLED_TEXT
    # From the end backwards, each deletion stopping where the next edit starts: each
    # edit then changes exactly the original characters from its position to
    # position + length (and inserts at its position).
    applied: list[tuple[int, int]] = []
    for position, length, insert in sorted(edits, reverse=True):
        length = min(length, applied[-1][0] - position) if applied else length
        text = text[:position] + insert + text[position + length:]
        applied.append((position, length))
    bibfile = parse_text(text, "mutated.bib")
    assert all(isinstance(problem, BibProblem) for problem in bibfile.problems)
    assert set(bibfile.entries) == set(bibfile.lines)
    assert len(BUNDLED_SPANS) == 15
    for key, (start, end) in BUNDLED_SPANS.items():
        if not any(position <= end and position + length >= start - 1
                   for position, length in applied):
            assert key in bibfile.entries, key
            assert form(bibfile.entries[key]) == form(BUNDLED.entries[key]), key
    for entry in bibfile.entries.values():
        for style in STYLES:
            find_style(style).render(entry)


field_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
)
plain_title = st.text(
    st.sampled_from(list("abcdefghij KLMNOP-:,0123456789éβ’&#_%<>\"'")), min_size=1, max_size=40
).filter(lambda title: title.strip(" .?!"))


_INSIDE_QUOTE = re.compile(r"([.,]+)([\"']+)")


def _punctuation_after_quotes(text: str) -> str:
    """``text`` (its quote marks made straight) with every period or comma that stands
    right before closing quote marks put after them, on both sides of the comparison,
    so that CSL's punctuation-in-quote is not read as a change to the title."""
    return _INSIDE_QUOTE.sub(r"\2\1", text)


@SETTINGS
@given(
    kind=st.sampled_from([*ENTRY_TYPES, "software", "conference", "patent"]),
    title=plain_title,
    fields=st.dictionaries(
        st.sampled_from(["journal", "shortjournal", "booktitle", "publisher", "year", "volume",
                         "number", "pages", "doi", "url", "pmid", "edition", "school",
                         "institution", "howpublished", "address", "eprint", "date"]),
        field_text, max_size=8,
    ),
    authors=st.lists(st.sampled_from(["Doe, Jane", "van der Berg, Jan", "{World Health Org}",
                                      "King, Jr., Martin", "others", "O’Connor, C.",
                                      "Ureña Guzmán, Alba", "Xu, Zhen-Zhong"]), max_size=8),
)
def test_styles_never_raise_and_keep_the_title(kind, title, fields, authors):
    entry = Entry(kind, fields={**fields, "title": title})
    for name in authors:
        entry.add_person(Person(name), "author")
    expected = plain_text(latex_text(title)).strip().rstrip(".?!").strip()
    for style in STYLES:
        rendered = find_style(style).render(entry)
        text = plain_text(rendered.text)
        # CSL styles print quotes and apostrophes typographically, as Zotero does, and in
        # an en-US locale put a period or comma that follows a quotation inside its
        # closing mark ("punctuation-in-quote": 'Zero' then "." prints “Zero.”).
        assert _punctuation_after_quotes(straight_quotes(" ".join(expected.split()))) in (
            _punctuation_after_quotes(straight_quotes(" ".join(text.split())))
        ), (style, text)
        to_nodes(rendered.text)


# --- the reader against pybtex, on valid BibTeX ----------------------------------------

WORD = st.sampled_from(["Brain", "cells", "of", "the", "mouse", "\\'e", "{\\\"o}", "--",
                        "x,y", "2020", "DNA", "$\\alpha$", "a\\&b", "é", "β", "and", "AND"])


def spaced(words: list[str]) -> str:
    return " ".join(words)


braced_text = st.recursive(
    st.lists(WORD, max_size=4).map(spaced),
    lambda inner: st.tuples(inner, inner, st.sampled_from([" ", "\n  ", ""])).map(
        lambda parts: f"{parts[0]}{parts[2]}{{{parts[1]}}}"),
    max_leaves=4,
)
#: In quotes, braces are allowed but a quote only inside them.
quoted_text = braced_text.map(lambda text: text.replace('"', ""))
NAMES = st.sampled_from(["Doe, Jane", "Jane Doe", "van der Berg, Jan", "{World Health Org}",
                         "King, Jr., Martin", "others", "Ureña Guzmán, Alba", "J.-P. Sartre",
                         "de la Fontaine, Jean"])
MACRO_NAMES = ("jn", "Pub", "j2", "long_name", "Month")


@st.composite
def value_parts(draw: st.DrawFn, macros: list[str]) -> str:
    """A value: parts in braces, in quotes, numbers and known macros joined by ``#``."""
    choices = [
        braced_text.map(lambda text: f"{{{text}}}"),
        quoted_text.map(lambda text: f'"{text}"'),
        st.integers(0, 3000).map(str),
        st.sampled_from([*macros, "jan", "DEC"]),
    ]
    parts = draw(st.lists(st.one_of(choices), min_size=1, max_size=3))
    joiner = draw(st.sampled_from([" # ", "#", " #\n   "]))
    return joiner.join(parts)


@st.composite
def valid_bibtex(draw: st.DrawFn) -> str:
    """A file pybtex reads without a problem: macros (some defined twice), a preamble,
    entries with unique keys and fields, names, concatenation and every kind of value."""
    pieces: list[str] = []
    defined: list[str] = []
    for name in draw(st.lists(st.sampled_from(MACRO_NAMES), max_size=4)):
        pieces.append(f"@string{{{name} = {draw(value_parts(defined))}}}")
        defined.append(name)
    pieces.extend(f"@preamble{{{draw(value_parts(defined))}}}"
                  for _ in range(draw(st.integers(0, 2))))
    keys = draw(st.lists(st.sampled_from(["a", "Doe2020", "x:1", "k-2", "B_3", "c.4"]),
                         unique_by=str.lower, min_size=1, max_size=4))
    for key in keys:
        fields = draw(st.lists(
            st.sampled_from(["title", "journal", "Year", "note", "author", "editor", "pages"]),
            unique_by=str.lower, max_size=5))
        written = []
        for field in fields:
            if field in ("author", "editor"):
                value = "{" + " and ".join(draw(st.lists(NAMES, min_size=1, max_size=3))) + "}"
            else:
                value = draw(value_parts(defined))
            written.append(f"{field} = {value}")
        kind = draw(st.sampled_from(["article", "Book", "misc", "INPROCEEDINGS"]))
        separator = draw(st.sampled_from([",\n  ", ", ", ","]))
        end = draw(st.sampled_from(["", ",", ",\n"]))
        body = separator.join([key, *written]) + end
        # In parentheses a key ends only at a comma or a space, not at the ")".
        pieces.append(f"@{kind}{{{body}}}" if draw(st.booleans()) else f"@{kind}({body}\n)")
    gaps = st.sampled_from(["\n", "\n\n", "\n% comment\n"])
    return "".join(piece + draw(gaps) for piece in pieces)


def read(entry: Entry) -> tuple[object, ...]:
    """What a parse gives of an entry: key, type, fields and the parts of its names."""
    persons = [(role, [(p.first_names, p.middle_names, p.prelast_names, p.last_names,
                        p.lineage_names) for p in people]) for role, people in entry.persons.items()]
    return entry.key, entry.type, list(entry.fields.items()), persons


@SETTINGS
@given(valid_bibtex())
def test_the_reader_gives_the_entries_pybtex_gives(text):
    """The regex reader and the chunks give pybtex's entries, fields, names and preamble.

    The one difference by design, a line that starts with ``@`` inside a value (where
    the reader starts a new chunk, to recover from unbalanced braces), is not generated.
    """
    expected = parse_string(text, "bibtex")  # strict: a problem here is a bad generator
    bibfile = parse_text(text, "valid.bib")
    assert bibfile.problems == ()
    assert [read(entry) for entry in bibfile.entries.values()] == [
        read(entry) for entry in expected.entries.values()
    ]
    assert bibfile.preamble == " ".join(expected.preamble_list)  # a file's preambles, spaced
