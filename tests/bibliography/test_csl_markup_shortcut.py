"""A field with no LaTeX becomes CSL rich text without the parser and the decoder, as
they would make it."""

from __future__ import annotations

from conftest import field_values_of_test_data
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_highlight.bibliography.csl_markup import _written, rich_text

PIECES = st.sampled_from([
    "a", "B", "é", " ", "  ", "\t", "\n", "\u00a0", "\u2009", "-", "--", "'", "''", "`",
    "``", '"', "~", "%", "$", "&", "&amp;", "&#38;", "<", ">", "<<", ">>", "<i>", "</i>",
    "<b>x</b>", "<span>", "<sc>", "!`", "?`", "!", "?", ",", ".", "{", "}", "\\'e", "\\&",
    "\u2013",
])


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join), st.booleans())
def test_the_shortcut_writes_what_the_writer_writes(value, protect_case):
    assert rich_text.__wrapped__(value, protect_case=protect_case) == _written(
        value, protect_case
    )


def test_every_field_of_the_test_data():
    checked = 0
    for _name, _key, value in field_values_of_test_data():
        for protect_case in (False, True):
            assert rich_text.__wrapped__(value, protect_case=protect_case) == _written(
                value, protect_case
            ), value
        checked += 1
    assert checked > 10_000
