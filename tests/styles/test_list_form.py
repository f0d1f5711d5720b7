"""A style's list form is read from its XML, and its label leaves the entries' text."""

from __future__ import annotations

import pytest
from pybtex.richtext import Tag, Text

from sphinxcontrib_highlight.bibliography.database import parse_text
from sphinxcontrib_highlight.styles import find_style, list_form_of
from sphinxcontrib_highlight.styles.csl import Processor
from sphinxcontrib_highlight.styles.csl.style import Style
from sphinxcontrib_highlight.styles.csl_style import rich_text
from sphinxcontrib_highlight.styles.list_form import (
    NUMBERED,
    PLAIN_NUMBER,
    Label,
    ListForm,
    list_form,
    without_label,
)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("ieee", ListForm(Label("[", "]"), False, "flush", label_in_entries=True)),
        ("american-chemical-society",
         ListForm(Label("(", ")"), False, "flush", label_in_entries=True)),
        ("nature-publishing-group-vancouver",
         ListForm(Label("", ""), False, "flush", label_in_entries=True)),
        ("springer-vancouver-brackets",
         ListForm(PLAIN_NUMBER, False, None, label_in_entries=True)),
        ("neurosci-bull", ListForm(PLAIN_NUMBER, False, "flush", label_in_entries=True)),
        # Numbered citations, a bibliography that prints no number: the list's "1.".
        ("springer-nature", ListForm(PLAIN_NUMBER, False, None, label_in_entries=False)),
        ("apa", ListForm(None, True, None)),
        ("chicago-author-date", ListForm(None, True, None)),
        ("harvard-cite-them-right", ListForm(None, False, None)),
    ],
)
def test_forms_of_the_house_styles(style, expected):
    assert list_form_of(find_style(style)) == expected


def test_pybtex_styles_are_numbered():
    assert list_form_of(find_style("unsrt")) == NUMBERED
    assert NUMBERED.plain_numbers


def compiled(layout: str, macros: str = "", citation: str = "<text value='x'/>") -> Style:
    return Style.parse(f"""<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text"
        version="1.0">{macros}<citation><layout>{citation}</layout></citation>
        <bibliography second-field-align="margin"><layout>{layout}</layout></bibliography>
        </style>""")


def test_label_through_groups_and_macros_with_its_formatting():
    style = compiled(
        '<group prefix="«" suffix=" "><text macro="number"/></group><text variable="title"/>',
        '<macro name="number"><text variable="citation-number" suffix="»" '
        'vertical-align="sup" font-weight="bold"/></macro>',
    )
    assert list_form(style) == ListForm(
        Label("«", "»", superscript=True, bold=True), False, "margin", label_in_entries=True
    )


def test_a_choose_first_is_not_read_as_a_label():
    style = compiled(
        '<choose><if type="book"><text variable="citation-number"/></if></choose>',
        citation='<text variable="citation-number"/>',
    )
    assert list_form(style) == ListForm(PLAIN_NUMBER, False, "margin", label_in_entries=False)


def test_a_layout_starting_with_something_else_has_no_label():
    style = compiled('<text variable="title"/><text variable="citation-number"/>')
    # The citation-number is printed, in the middle: the list is numbered "1.".
    assert list_form(style) == ListForm(PLAIN_NUMBER, False, "margin", label_in_entries=False)


def test_without_label_keeps_formatting_and_leaves_other_text_alone():
    text = Text(" [12]", "  ", Tag("em", "Title"), ".")
    assert without_label(text, "[12]") == Text(Tag("em", "Title"), ".")
    assert without_label(text, "[1]") is text
    assert without_label(Text("1984. A novel"), "1.") == Text("1984. A novel")


ENTRIES = r"""
@book{kandel, author = {Kandel, Eric R.}, title = {Principles of Neural Science},
  publisher = {McGraw-Hill}, address = {New York}, year = {2013}}
@book{squire, author = {Squire, Larry}, title = {Fundamental Neuroscience},
  publisher = {Academic Press}, address = {Amsterdam}, year = {2012}}
"""


@pytest.mark.parametrize("style", ["ieee", "springer-vancouver-brackets", "nature"])
def test_entries_text_never_holds_the_label(style):
    """Alone or in a list, an entry's text starts with its author: the label is the
    list's to print ("1. 1. Kandel" before, for a style printing its label inline)."""
    entries = list(parse_text(ENTRIES, "refs.bib").entries.values())
    csl = find_style(style)
    alone = str(csl.render(entries[0]).text)
    listed = [str(rendered.text) for rendered in csl.render_list(entries)]
    assert alone.startswith(("E", "K")), alone
    assert listed[0] == alone
    assert listed[1].startswith(("L", "S")), listed[1]


def test_a_margin_that_is_no_number_stays_in_the_text():
    """An author in second-field-align's margin (no citation number) is the entry's
    text, set apart by a space as citeproc-js's text output does."""
    style = compiled('<text variable="title"/><text variable="publisher"/>')
    processor = Processor(style, [{"id": "a", "type": "book", "title": "T", "publisher": "P"}])
    (entry,) = processor.bibliography()
    assert str(rich_text(entry.content)) == "T P"
