"""pybtex rich text made without pybtex's constructors and slices is what they make."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.richtext import HRef, String, Tag, Text

from sphinxcontrib_highlight.styles.csl_style import _made
from sphinxcontrib_highlight.styles.list_form import _text_from

STRINGS = st.sampled_from(["", "a", "Bc", " ", ". ", "1."]).map(String)
LEAVES = st.one_of(
    STRINGS,
    st.builds(HRef, st.sampled_from(["https://a.org/", "https://b.org/"]), STRINGS),
)


def _texts(children: st.SearchStrategy) -> st.SearchStrategy:
    lists = st.lists(children, max_size=5)
    return st.one_of(
        lists.map(lambda parts: Text(*parts)),
        st.builds(lambda name, parts: Tag(name, *parts), st.sampled_from(["em", "strong"]), lists),
    )


CHILDREN = st.recursive(LEAVES, _texts, max_leaves=12)


def _same(made: object, built: object) -> None:
    assert type(made) is type(built)
    assert repr(made) == repr(built)
    assert made == built
    assert len(made) == len(built)  # type: ignore[arg-type]
    assert made.render_as("html") == built.render_as("html")  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(st.lists(CHILDREN, max_size=6), st.sampled_from([None, "em", "sup"]))
def test_made_as_pybtex_makes_it(children, name):
    if name is None:
        _same(_made(Text, None, children), Text(*children))
    else:
        _same(_made(Tag, name, children), Tag(name, *children))


@settings(max_examples=400, deadline=None)
@given(st.lists(CHILDREN, max_size=6), st.integers(min_value=0, max_value=30))
def test_text_from_slices_as_pybtex_slices(children, start):
    text = Text(*children)
    start = min(start, len(text))
    _same(_text_from(text, start), text[start:])
