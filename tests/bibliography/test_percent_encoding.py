"""The percent-encoding of COinS spans and links is urllib's, byte for byte."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_highlight.bibliography.urls import percent_encoded

SAFES = ("", "/", ":/", "/:;()._-")


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(SAFES))
def test_percent_encoded_is_urllibs_quote(text, safe):
    assert percent_encoded(text, safe=safe) == quote(text, safe=safe)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_percent_encoded_with_plus_is_urllibs_quote_plus(text):
    assert percent_encoded(text, safe="", plus=True) == quote_plus(text)


def test_every_character_class():
    text = "".join(map(chr, range(0x2FF))) + "\u2013\U0001f600 Ä; a+b=c&d/e:f"
    for safe in SAFES:
        assert percent_encoded(text, safe=safe) == quote(text, safe=safe)
    assert percent_encoded(text, safe="", plus=True) == quote_plus(text)
