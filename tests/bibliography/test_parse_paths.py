"""The shortcuts taken for speed change speed, never results.

Five shortcuts are checked against the plain way, on real files and on generated,
mutated and hostile text: reading a regular entry without pybtex's scanner, cutting the
file into chunks, reusing the chunks of an earlier parse when the file changes,
decoding common LaTeX (accents, special letters, dashes) without latexcodec, and
writing an entry's BibTeX download without pybtex's writer.
"""

from __future__ import annotations

import codecs
import string
from pathlib import Path

import latexcodec  # noqa: F401  # registers the "ulatex" codec
import pybtex.errors
import pytest
from conftest import count_chunk_parses
from hypothesis import given
from hypothesis import strategies as st
from pybtex.database import BibliographyData, Entry, Person, parse_string
from test_properties import BUNDLED_TEXT, SETTINGS, bibtex_like

from sphinxcontrib_highlight.bibliography import latex
from sphinxcontrib_highlight.bibliography import parse as bibparse
from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE, BibFile, parse_text
from sphinxcontrib_highlight.bibliography.latex import decoded_simply
from sphinxcontrib_highlight.export import formats
from sphinxcontrib_highlight.export.formats import balanced_braces

HERE = Path(__file__).parents[1]
REAL_FILES = sorted(
    (path for path in [*(HERE / "data").rglob("*.bib"), *(HERE / "roots").rglob("*.bib")]
     if path.is_file()),
    key=str,
)


def scanner_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every chunk to pybtex's scanner, as if no entry were regular."""

    def irregular(*args: object) -> None:
        raise bibparse._Irregular

    monkeypatch.setattr(bibparse, "_regular_entry", irregular)


def outcome(bibfile: BibFile) -> tuple[object, ...]:
    """Everything a parse tells a build: entries as pybtex objects, lines, problems."""
    entries = [
        (entry.key, entry.type, list(entry.fields.items()),
         [(role, [(p.first_names, p.middle_names, p.prelast_names, p.last_names,
                   p.lineage_names) for p in people]) for role, people in entry.persons.items()])
        for entry in bibfile.entries.values()
    ]
    return entries, bibfile.lines, bibfile.problems, bibfile.preamble


def both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[object, ...], ...]:
    fast = outcome(parse_text(text, "x.bib"))
    with monkeypatch.context() as patch:
        scanner_only(patch)
        slow = outcome(parse_text(text, "x.bib"))
    return fast, slow


def chunks_of(text: str) -> dict[str, bibparse.ParsedChunk]:
    """Every chunk of a parse by key, as a file's database keeps them."""
    return {key: chunk for _line, key, chunk in bibparse.iter_chunks(text, {})}


def test_real_files_exist():
    assert len(REAL_FILES) >= 10


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_fast_path_reads_real_files_as_the_scanner_does(path, monkeypatch):
    text = path.read_text(encoding="utf-8", errors="replace")
    fast, slow = both_ways(text, monkeypatch)
    assert fast == slow


@SETTINGS
@given(bibtex_like)
def test_fast_path_reads_generated_text_as_the_scanner_does(text):
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both_ways(text, monkeypatch)
    assert fast == slow


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, len(BUNDLED_TEXT)), st.integers(0, 6),
                          st.sampled_from(["{", "}", '"', "#", ",", "=", "@", "\n@", "x"])),
                max_size=6))
def test_fast_path_reads_mutated_entries_as_the_scanner_does(edits):
    text = BUNDLED_TEXT
    for position, length, insert in edits:
        text = text[:position] + insert + text[position + length:]
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both_ways(text, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_reusing_chunks_after_an_edit_gives_a_fresh_parse(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    middle = len(text) // 2
    edited = text[:middle] + "\n@misc{inserted2024, title = {Inserted}}\n" + text[middle:]
    assert outcome(parse_text(edited, "x.bib", chunks_of(text))) == outcome(
        parse_text(edited, "x.bib")
    )


def test_an_edit_reparses_only_its_chunk(monkeypatch):
    text = "".join(f"@misc{{k{n}, title = {{T{n}}}}}\n" for n in range(50))
    reusable = chunks_of(text)
    parsed = count_chunk_parses(monkeypatch)
    edited = text.replace("title = {T7}", "title = {Seven}")
    again = parse_text(edited, "x.bib", reusable)
    assert parsed == ["@misc{k7, title = {Seven}}\n@"]
    assert again.entries["k7"].fields["title"] == "Seven"


def test_macros_defined_earlier_reach_reused_chunks():
    text = '@string{jn = "Journal"}\n@article{a, journal = jn}\n'
    changed = text.replace('"Journal"', '"Other"')
    again = parse_text(changed, "x.bib", chunks_of(text))
    assert again.entries["a"].fields["journal"] == "Other"


@SETTINGS
@given(st.text(st.sampled_from("{}a\\'"), max_size=30) | st.just("{" * 101 + "}" * 101))
def test_brace_check_agrees_with_pybtexs_writer(value):
    from pybtex.bibtex.exceptions import BibTeXError
    from pybtex.database.output.bibtex import Writer

    try:
        Writer().check_braces(value)
        accepted: bool | None = True
    except BibTeXError:
        accepted = False
    # The writer skips pybtex's check only when the fast one accepts; otherwise pybtex
    # decides (it accepts a few odd values, such as an unclosed "{\\", that look open).
    if balanced_braces(value):
        assert accepted


def _pybtex_bibtex(entry: Entry) -> str | None:
    from pybtex.bibtex.exceptions import BibTeXError
    from pybtex.database.output.bibtex import Writer

    try:
        return str(Writer().to_string(BibliographyData(entries={entry.key: entry})))
    except BibTeXError:
        return None


_NAME_PARTS = st.lists(st.text(st.sampled_from('aB "}\\é'), max_size=4) | st.text(
    st.sampled_from('aB "{}\\#~é'), max_size=4), max_size=2)
#: Values the writer takes as they are, mostly, and values its encoder rewrites.
_VALUES = st.text(st.sampled_from('aB "{}\\$é–\n,='), max_size=12) | st.text(
    st.sampled_from('aB "{}\\#%&_~$é–日🙂\x01\n,='), max_size=12)


@SETTINGS
@given(
    st.sampled_from(["article", "Article", "INPROCEEDINGS", "misc"]),
    st.sampled_from(["key", "Key:2020", "a-b_c"]),
    st.lists(st.tuples(st.sampled_from(["title", "Journal", "url", "note"]), _VALUES),
             max_size=4, unique_by=lambda field: field[0].lower()),
    st.lists(st.tuples(st.sampled_from(["author", "Editor"]), st.tuples(*[_NAME_PARTS] * 5)),
             max_size=4),
)
def test_bibtex_without_pybtexs_writer_is_pybtexs(kind, key, fields, people):
    entry = Entry(kind, fields=dict(fields))
    entry.key = key
    for role, parts in people:
        person = Person()
        (person.first_names, person.middle_names, person.prelast_names,
         person.last_names, person.lineage_names) = (list(part) for part in parts)
        entry.add_person(person, role)
    from pybtex.bibtex.exceptions import BibTeXError

    expected = _pybtex_bibtex(entry)
    try:  # written here, or by pybtex's writer when a value needs its encoder or check
        written: str | None = formats._entry_bibtex.__wrapped__(entry)  # no memo
    except BibTeXError:
        written = None
    assert written == expected


def test_bibtex_without_pybtexs_writer_on_real_files():
    written_here = 0
    from sphinxcontrib_highlight.bibliography.database import load_bibliography

    for path in REAL_FILES:
        for entry in load_bibliography([path], "utf-8").entries.values():
            written = formats._bibtex_as_is(entry)
            if written is not None:
                written_here += 1
                assert written == _pybtex_bibtex(entry), entry.key
    assert written_here > 100


def test_downloads_joined_from_entries_equal_whole_file_writers():
    import json

    import rispy

    from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE, load_bibliography
    from sphinxcontrib_highlight.export import formats as convert

    for path in [BUNDLED_BIBFILE, HERE / "data" / "varied.bib"]:
        entries = list(load_bibliography([path], "utf-8").entries.values())
        for chosen in (entries, entries[:1], []):
            items = [convert.csl_item(entry) for entry in chosen]
            assert convert.to_csl_json(chosen) == json.dumps(
                items, ensure_ascii=False, indent=2) + "\n"
            records = [convert.ris_record(entry) for entry in chosen]
            assert convert.to_ris(chosen) == rispy.dumps(
                records, implementation=convert._RisWriter)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)


@SETTINGS
@given(json_values)
def test_indented_json_is_the_standard_librarys(value):
    import json

    from sphinxcontrib_highlight.export.formats import _indented_json

    assert _indented_json(value, "") == json.dumps(value, ensure_ascii=False, indent=2)


@SETTINGS
@given(st.lists(st.sampled_from(["a", "n", "d", "D", " ", ",", "{", "}", "\\", "x", "\t",
                                 " and ", " AND ", "{and}"]), max_size=25).map("".join))
def test_name_split_is_pybtexs(value):
    from pybtex.bibtex.utils import split_name_list

    def names(parts: list[str]) -> list[str]:
        return [part for part in parts if part.strip()]

    assert names(bibparse._split_names(value)) == names(split_name_list(value))


def ulatex(value: str) -> str:
    return codecs.decode(value, "ulatex")


@pytest.mark.parametrize("accent", [*latex._SYMBOL_ACCENTS, *latex._WORD_ACCENTS])
def test_every_accented_letter_decodes_as_latexcodec_does(accent):
    """Each accent on each letter, braced or not, alone, in a word and inside braces:
    decoded here only where latexcodec knows it, and then exactly as latexcodec does."""
    known = (latex._SYMBOL_ACCENTS | latex._WORD_ACCENTS)[accent][1]
    forms = ["\\{a}{{{c}}}", "x\\{a}{{{c}}}y", "{{\\{a}{{{c}}}}}"]
    if accent in latex._SYMBOL_ACCENTS:
        forms += ["\\{a}{c}", "M\\{a}{c}ller", "{{\\{a}{c}}}", "\\{a}{c}e"]
    for letter in string.ascii_letters:
        for form in forms:
            value = form.format(a=accent, c=letter)
            decoded = decoded_simply(value)
            if letter in known:
                assert decoded is not None, value
            if decoded is not None:
                assert decoded == ulatex(value), value


@pytest.mark.parametrize("value", [
    *(f"{{\\{name}}}" for name in latex._LETTERS), *(f"a{{\\{name}}}b" for name in latex._LETTERS),
    "{\\o}{\\aa}", "\\o}", "181--205", "a---b", "{--}", "x -- y", "{\\\"o}--{\\\"u}",
    "\\v{C}ech--Smith", "Universit{\\'e} de Gen{\\`e}ve", "{\\L}{\\'o}d{\\'z}",
    *(f"Garc{{\\{accent}\\i}}a" for accent in "`'^\"=~"), *(f"\\{accent}\\i" for accent in "`'^\"=~"),
])
def test_special_letters_and_dashes_decode_as_latexcodec_does(value):
    assert decoded_simply(value) == ulatex(value)


@pytest.mark.parametrize("value", [
    "a----b", "A  B", "A\nB", " lead", "x ,, y", "``q''", "a~b", "\\'x", "\\'{\\i}", "\\v C",
    "\\vC", "a\\o", "\\o rsted", "\\\"{oe}", "\\'{}", "50%", "$x$", "\\\\", "\\textbf{x}",
    "\\'\\i x", "\\.\\i", "\\'\\j",
])
def test_anything_else_is_left_to_latexcodec(value):
    assert decoded_simply(value) is None


LATEX_PIECES = st.sampled_from([
    "\\\"", "\\'", "\\`", "\\^", "\\~", "\\=", "\\.", "\\v", "\\c", "\\H", "\\u", "\\k",
    "\\r", "\\o", "\\aa", "\\ss", "\\i", "\\", "{", "}", "o", "e", "C", "I", "g", "x", "é", " ",
    "  ", "-", "--", "~", ",", "'", "`", "!", "?", "\n", "$", "%", "<",
])


@SETTINGS
@given(st.lists(LATEX_PIECES, max_size=14).map("".join))
def test_any_value_decoded_without_latexcodec_is_decoded_as_latexcodec_does(value):
    decoded = decoded_simply(value)
    if decoded is not None:
        assert decoded == ulatex(value)


def field_values(path: Path) -> list[str]:
    """Every field value and name of a file, as pybtex reads them (leniently)."""
    pybtex.errors.set_strict_mode(False)
    try:
        data = parse_string(path.read_text(encoding="utf-8", errors="replace"), "bibtex")
    except Exception:  # noqa: BLE001 - the broken files of the test roots
        return []
    finally:
        pybtex.errors.set_strict_mode(True)
    values = []
    for entry in data.entries.values():
        values.extend(entry.fields.values())
        for person in (person for people in entry.persons.values() for person in people):
            values.extend(person.first_names + person.middle_names + person.prelast_names)
            values.extend(person.last_names + person.lineage_names)
    return values


def test_real_values_decoded_without_latexcodec_are_decoded_as_latexcodec_does():
    """Every value of the real and test files that the shortcut takes, and the rich text
    made of it, equal latexcodec's; the shortcut takes most of the values with LaTeX."""
    taken = 0
    with_latex = 0
    for path in [*REAL_FILES, BUNDLED_BIBFILE, HERE.parent / "docs" / "gallery.bib"]:
        for value in field_values(path):
            if not latex._NEEDS_DECODER.search(value):
                continue
            with_latex += 1
            decoded = decoded_simply(value)
            if decoded is None:
                continue
            taken += 1
            assert decoded == ulatex(value), value
            assert latex._decode(value) == latex.Text.from_latex(value), value
    assert taken >= 100 and taken >= with_latex // 2, (taken, with_latex)
