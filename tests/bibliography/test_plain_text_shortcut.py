"""The plain text of a simple field, read without pybtex's rich text, is the rich text's."""

from __future__ import annotations

import pytest
from conftest import field_values_of_test_data
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_highlight.bibliography.latex import (
    InvalidLatexError,
    plain_text,
    simple_plain_text,
    strict_latex_text,
    strict_plain_text,
)

PIECES = st.sampled_from([
    "{", "}", "a", "B", " ", "  ", "\n", "-", "--", "---", "'", "''", "`", "``", "\"", "~",
    "%", "$", "é", "\u2013", "\\'e", "{\\\"o}", "\\v{C}", "\\o}", "{\\ss}", "\\i", "\\&",
    "\\url{x}", "\\emph{x}", ",,", "<<", "!`",
])


def through_rich_text(value: str) -> str | None:
    """The plain text as the rich text gives it; None if the value does not parse."""
    try:
        return plain_text(strict_latex_text.__wrapped__(value))
    except InvalidLatexError:
        return None


@settings(max_examples=2000, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_the_shortcut_reads_what_the_rich_text_prints(value):
    simple = simple_plain_text(value)
    if simple is not None:
        assert simple == through_rich_text(value)


@pytest.mark.parametrize("value", ["a}b{", "{a", "a}", "{\\'e", "\\v{C}}"])
def test_unbalanced_braces_are_left_to_the_parser(value):
    assert simple_plain_text(value) is None
    with pytest.raises(InvalidLatexError):
        strict_latex_text.__wrapped__(value)


def test_every_field_of_the_test_data():
    checked = 0
    for name, key, value in field_values_of_test_data():
        simple = simple_plain_text(value)
        if simple is not None:
            assert simple == through_rich_text(value), (name, key, value)
            checked += 1
    assert checked > 1000


MATH_AND_LINK_PIECES = st.sampled_from([
    "{", "}", "a", "B", " ", "-", "--", "~", "$", "^", "_", "{2+}", "2", "+", "\\alpha",
    "\\mathrm{d}", "\\$", "\\'e", "\\url{x}", "\\url{https://a.b/~c}", "\\href{a}{b}", "é",
    "%",
])


@settings(max_examples=3000, deadline=None)
@given(st.lists(MATH_AND_LINK_PIECES, max_size=10).map("".join))
def test_math_and_links_read_without_the_parser_as_through_it(value):
    try:
        plain = strict_plain_text.__wrapped__(value)  # the shortcuts, where they apply
    except InvalidLatexError:
        plain = None
    assert plain == through_rich_text(value)
