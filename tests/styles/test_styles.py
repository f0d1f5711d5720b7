"""The styles on their own, without Sphinx: every style on every entry type."""

from __future__ import annotations

from pathlib import Path

import pytest
from pybtex.database import Entry, Person
from seed import CITATION, REFERENCES

from sphinxcontrib_highlight.bibliography.database import (
    BUNDLED_BIBFILE,
    load_bibliography,
    parse_text,
)
from sphinxcontrib_highlight.sphinxext.formatting import render_entry, rendering_problems
from sphinxcontrib_highlight.styles import BUILT_IN, find_style, style_names
from sphinxcontrib_highlight.warning_types import Warn

VARIED = load_bibliography([Path(__file__).parents[1] / "data" / "varied.bib"], "utf-8")
BUNDLED = load_bibliography([BUNDLED_BIBFILE], "utf-8")

#: apa and vancouver print what citeproc-js prints with the CSL project's apa and
#: nlm-citation-sequence (checked with benchmarks/csl_vs_citeproc_js.py), but for a name
#: list ending in ``and others`` (see the styles how-to, "differs on purpose"); the
#: house styles print their journals' forms.
EXPECTED = {
    "neurosci-bull": {
        "kandel2013principles": "Kandel ER, Schwartz JH, Jessell TM. Principles of Neural Science. 5th ed. New York: McGraw-Hill, 2013.",
        "meltzer2002chromosome": "Meltzer PS, Kallioniemi A, Trent JM. Chromosome alterations in human solid tumors. In: Vogelstein B, Kinzler KW, editors. The Genetic Basis of Human Cancer. New York: McGraw-Hill, 2002: 93–113.",
        "lee2019attention": "Lee J, Park SM. Attention in spiking networks. In: Proceedings of the Conference on Neural Systems. Seoul: NS Press, 2019: 12–19.",
        "garcia2018glia": "García MJ. Glia and the spinal dorsal horn [PhD Thesis]. Granada: Universidad de Granada, 2018.",
        "smith2017pain": "Smith J. Measuring pain in mice [Master’s Thesis]. Toronto: University of Toronto, 2017.",
        "who2020report": "World Health Organization. Guidelines on chronic pain. Report WHO-2020-7. Geneva: WHO, 2020.",
        "dataset2021": "Nguyen A. Spinal microglia single-cell atlas. Zenodo, 2021. https://example.org/atlas",
        "website2022": "Brown A. The pain research portal. Pain Society, 2022. https://example.org/portal",
        "zhao2023preprint": "Zhao L, Wang F, et al. Microglial states in chronic pain. bioRxiv 2023.",
    },
    "springer-nature": {
        "kandel2013principles": "Kandel, E.R., Schwartz, J.H. & Jessell, T.M. Principles of Neural Science 5th edn (McGraw-Hill, 2013).",
        "meltzer2002chromosome": "Meltzer, P.S., Kallioniemi, A. & Trent, J.M. Chromosome alterations in human solid tumors. In The Genetic Basis of Human Cancer (eds Vogelstein, B. & Kinzler, K.W.) 93–113 (McGraw-Hill, 2002).",
        "lee2019attention": "Lee, J. & Park, S.-M. Attention in spiking networks. In Proceedings of the Conference on Neural Systems 12–19 (NS Press, 2019).",
        "garcia2018glia": "García, M.J. Glia and the spinal dorsal horn. PhD Thesis, Universidad de Granada (2018).",
        "smith2017pain": "Smith, J. Measuring pain in mice. Master’s Thesis, University of Toronto (2017).",
        "who2020report": "World Health Organization. Guidelines on chronic pain. Report WHO-2020-7, WHO (2020).",
        "dataset2021": "Nguyen, A. Spinal microglia single-cell atlas. Zenodo https://example.org/atlas (2021).",
        "website2022": "Brown, A. The pain research portal. Pain Society https://example.org/portal (2022).",
        "zhao2023preprint": "Zhao, L., Wang, F. et al. Microglial states in chronic pain. Preprint at bioRxiv (2023).",
    },
    "vancouver": {
        "kandel2013principles": "Kandel ER, Schwartz JH, Jessell TM. Principles of Neural Science. 5th ed. New York: McGraw-Hill; 2013.",
        "meltzer2002chromosome": "Meltzer PS, Kallioniemi A, Trent JM. Chromosome alterations in human solid tumors. In: Vogelstein B, Kinzler KW, editors. The Genetic Basis of Human Cancer. New York: McGraw-Hill; 2002. p. 93–113.",
        "lee2019attention": "Lee J, Park SM. Attention in spiking networks. In: Proceedings of the Conference on Neural Systems. Seoul: NS Press; 2019. p. 12–9.",
        "garcia2018glia": "García MJ. Glia and the spinal dorsal horn [PhD Thesis]. [Granada]: Universidad de Granada; 2018.",
        "smith2017pain": "Smith J. Measuring pain in mice [Master’s Thesis]. [Toronto]: University of Toronto; 2017.",
        "who2020report": "World Health Organization. Guidelines on chronic pain. Geneva: WHO; 2020. Report WHO-2020-7.",
        "dataset2021": "Nguyen A. Spinal microglia single-cell atlas [Internet]. Zenodo; 2021. Available from: https://example.org/atlas",
        "website2022": "Brown A. The pain research portal [Internet]. Pain Society; 2022. Available from: https://example.org/portal",
        "zhao2023preprint": "Zhao L, Wang F, et al. Microglial states in chronic pain. bioRxiv. 2023.",
    },
    "apa": {
        "kandel2013principles": "Kandel, E. R., Schwartz, J. H., & Jessell, T. M. (2013). Principles of Neural Science (5th ed.). McGraw-Hill.",
        "meltzer2002chromosome": "Meltzer, P. S., Kallioniemi, A., & Trent, J. M. (2002). Chromosome alterations in human solid tumors. In B. Vogelstein & K. W. Kinzler (Eds.), The Genetic Basis of Human Cancer (pp. 93–113). McGraw-Hill.",
        "lee2019attention": "Lee, J., & Park, S.-M. (2019). Attention in spiking networks. Proceedings of the Conference on Neural Systems, 12–19.",
        "garcia2018glia": "García, M. J. (2018). Glia and the spinal dorsal horn [PhD Thesis]. Universidad de Granada.",
        "smith2017pain": "Smith, J. (2017). Measuring pain in mice [Master’s Thesis]. University of Toronto.",
        "who2020report": "World Health Organization. (2020). Guidelines on chronic pain (WHO-2020-7). WHO.",
        "dataset2021": "Nguyen, A. (2021). Spinal microglia single-cell atlas. Zenodo. https://example.org/atlas",
        "website2022": "Brown, A. (2022). The pain research portal. Pain Society. https://example.org/portal",
        "zhao2023preprint": "Zhao, L., Wang, F., et al. (2023). Microglial states in chronic pain. In bioRxiv.",
    },
}

ARTICLE = {
    "neurosci-bull": REFERENCES[0],
    "springer-nature": 'Finnerup, N.B., Kuner, R. & Jensen, T.S. Neuropathic pain: From mechanisms to treatment. Physiol Rev 101, 259–301 (2021).',
    "vancouver": 'Finnerup NB, Kuner R, Jensen TS. Neuropathic pain: From mechanisms to treatment. Physiol Rev. 2021;101(1):259–301. doi:10.1152/physrev.00045.2019 PubMed PMID: 32584191.',
    "apa": 'Finnerup, N. B., Kuner, R., & Jensen, T. S. (2021). Neuropathic pain: From mechanisms to treatment. Physiological Reviews, 101(1), 259–301. https://doi.org/10.1152/physrev.00045.2019',
}


def text(style: str, entry) -> str:
    rendered = find_style(style).render(entry)
    assert rendered.missing_fields == ()
    assert rendered.unknown_type is None
    return str(rendered.text.render_as("text"))


def test_styles_are_registered_with_pybtex():
    assert {"neurosci-bull", "springer-nature", "vancouver", "apa"} <= set(style_names())
    with pytest.raises(LookupError):
        find_style("no-such-style")


def test_bundled_references_in_the_journal_style():
    keys = BUNDLED.keys()
    assert [text("neurosci-bull", BUNDLED.get(key)) for key in keys[1:]] == REFERENCES


def test_bundled_citation_in_springer_nature_style():
    assert text("springer-nature", BUNDLED.get("yang2023specialized")) == CITATION


@pytest.mark.parametrize("style", sorted(EXPECTED))
def test_every_style_on_every_entry_type(style):
    for key, expected in EXPECTED[style].items():
        assert text(style, VARIED.get(key)) == expected, key
    assert text(style, BUNDLED.get("finnerup2021neuropathic")) == ARTICLE[style]


def springer_authors(count: int, others: bool = False) -> str:
    entry = Entry("article", fields={"title": "T", "journal": "J", "year": "2000"})
    for index in range(count):
        entry.add_person(Person(f"Surname{index}, A."), "author")
    if others:
        entry.add_person(Person("others"), "author")
    return text("springer-nature", entry).split(" T.")[0]


def test_springer_nature_author_joins():
    assert springer_authors(1) == "Surname0, A."
    assert springer_authors(2) == "Surname0, A. & Surname1, A."
    assert springer_authors(3) == "Surname0, A., Surname1, A. & Surname2, A."
    assert springer_authors(4) == "Surname0, A., Surname1, A., Surname2, A. et al."
    assert springer_authors(2, others=True) == "Surname0, A., Surname1, A. et al."


def test_neurosci_bull_six_authors_then_et_al():
    def authors(count: int) -> str:
        entry = Entry("article", fields={"title": "T", "journal": "J", "year": "2000"})
        for index in range(count):
            entry.add_person(Person(f"Name{index}, Ann Beth"), "author")
        return text("neurosci-bull", entry).split(". T.")[0]

    assert authors(6) == ", ".join(f"Name{i} AB" for i in range(6))
    assert authors(7) == ", ".join(f"Name{i} AB" for i in range(6)) + ", et al"


def test_titles_printed_as_written_and_names_decoded():
    bib = parse_text(
        r"""@article{x, author = {M{\"u}ller, J{\"o}rg and van der Berg, Jan and King, Jr., Martin Luther},
        title = {The {RNA} of {\'E}cole: {A} study},
        journal = {J}, year = {2001}}""",
        "x.bib",
    )
    result = text("neurosci-bull", bib.entries["x"])
    assert result.startswith("Müller J, van der Berg J, King ML Jr. The RNA of École: A study.")


def test_missing_fields_and_unknown_types_are_reported_not_raised():
    entry = Entry("article", fields={"journal": "J"})
    rendered = find_style("neurosci-bull").render(entry)
    assert set(rendered.missing_fields) == {"author", "title", "year"}
    assert rendered.text.render_as("text") == "J."
    odd = Entry("gadget", fields={"title": "A tool", "year": "2020", "publisher": "Lab"})
    odd.add_person(Person("Doe, Jane"), "author")
    rendered = find_style("springer-nature").render(odd)
    assert rendered.unknown_type == "gadget"
    assert rendered.text.render_as("text") == "Doe, J. A tool. Lab (2020)."


def _article(key: str, **fields: str) -> Entry:
    entry = Entry("article", fields={"title": "A title", "year": "2020", **fields})
    entry.key = key
    entry.add_person(Person("Doe, Jane"), "author")
    return entry


#: pybtex's own styles, which raise where ours report, and ours.
EVERY_KIND_OF_STYLE = ["unsrt", "plain", "alpha", *sorted(BUILT_IN)]


@pytest.mark.parametrize("style", EVERY_KIND_OF_STYLE)
def test_a_missing_field_is_named_in_every_style(style):
    """Under pybtex's styles the warning said "has no 'missing journal in KEY'"; under
    springer-nature it asked for 'shortjournal' when the entry lacked any journal."""
    entry = _article("nojournal2020")
    problems = rendering_problems(style, entry, render_entry(style, entry))
    assert problems == [(
        Warn.MISSING_FIELD,
        f"entry 'nojournal2020' has no 'journal', which style {style!r} needs",
    )]


@pytest.mark.parametrize("style", EVERY_KIND_OF_STYLE)
@pytest.mark.parametrize("field", ["title", "note"])
def test_a_field_that_is_not_latex_is_named_in_every_style(style, field):
    """pybtex's syntax error was reported as a missing field named after its message
    ("has no 'syntax error in line 1: unbalanced braces'")."""
    entry = _article("braces2020", journal="J", **{field: "Open } brace"})
    problems = rendering_problems(style, entry, render_entry(style, entry))
    messages = [message for _, message in problems]
    if field == "note" and style not in ("unsrt", "plain", "alpha"):
        assert problems == []  # our styles print no note: nothing to warn about
        return
    assert [subtype for subtype, _ in problems] == [Warn.BIB_SYNTAX], messages
    assert messages[0].startswith(
        f"entry 'braces2020': field {field} (unbalanced braces) is not valid LaTeX;"
    ), messages
    assert "missing" not in messages[0] and "has no" not in messages[0]


def test_a_style_that_fails_otherwise_says_why(monkeypatch):
    from pybtex.exceptions import PybtexError

    from sphinxcontrib_highlight.sphinxext import formatting

    class Failing:
        def format_entry(self, label, entry):
            raise PybtexError("no label for this entry")

    monkeypatch.setattr(formatting, "find_style", lambda name: Failing())
    entry = _article("fails2020", journal="J")
    rendered = render_entry("failing", entry)
    assert rendered.text.render_as("text").startswith("Doe J. A title. J 2020")
    assert rendering_problems("failing", entry, rendered) == [(
        Warn.STYLE_ERROR,
        ("entry 'fails2020': style 'failing' cannot format it (no label for this entry); "
         "a generic form is used"),
    )]
