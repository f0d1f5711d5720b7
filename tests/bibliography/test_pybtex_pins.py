"""The pybtex internals this package relies on where pybtex has no public API, pinned:
the BibTeX writer's ``_encode`` hook and the scanner's hooks.

pyproject bounds pybtex to the versions these tests passed on: a release that changes
one of these fails here rather than in a user's build (or, worse, silently: an override
pybtex no longer calls changes no output, only the speed).
"""

from __future__ import annotations

import pytest
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import LowLevelParser
from pybtex.database.output.bibtex import Writer

from sphinxcontrib_highlight.export import formats

VALUES = ["Plain", "100% & #1 a_b ~", "Gen{\\`e}ve", "Müller – “quoted”", "{Braced} title",
          'A "quote"', "x\x01y"]


def whole_file(value: str) -> BibliographyData:
    entry = Entry("article", fields={"title": value, "journal": value})
    entry.add_person(Person("Doe, Jane"), "author")
    return BibliographyData({"key": entry})


@pytest.mark.parametrize("value", VALUES)
def test_the_fast_writer_writes_what_pybtexs_writer_writes(value):
    assert formats._writer().to_string(whole_file(value)) == Writer().to_string(whole_file(value))


def test_pybtexs_writer_encodes_every_value_through_encode(monkeypatch):
    """The fast writer overrides Writer._encode: pybtex must still call it for each field
    and name it writes."""
    writer = formats._writer()
    encoded: list[str] = []
    real = type(writer)._encode

    def recording(self: Writer, text: str) -> str:
        encoded.append(text)
        return real(self, text)

    monkeypatch.setattr(type(writer), "_encode", recording)
    writer.to_string(whole_file("The title"))
    assert encoded.count("The title") == 2
    assert "Doe, Jane" in encoded


def test_the_scanner_hooks_the_reader_overrides_are_pybtexs():
    """The reader's scanner (``parse._Scanner``) replaces pybtex's loop over commands and
    its error handler, and measures each value as pybtex's ``parse_value`` leaves it in
    ``current_value``."""
    for name in ("parse_bibliography", "parse_command", "parse_value", "handle_error",
                 "skip_to", "current_entry_key", "current_field_name", "command_start"):
        assert hasattr(LowLevelParser, name), name
    scanner = LowLevelParser('@string{j = "a" # {b} # 1}')
    scanner.skip_to([scanner.AT])
    scanner.required([scanner.NAME])
    scanner.required([scanner.LBRACE])
    scanner.required([scanner.NAME])
    scanner.required([scanner.EQUALS])
    scanner.parse_value()
    assert scanner.current_value == ["a", "b", "1"]

