"""The words the extension prints follow the project's language (German, Chinese)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import soup

PACKAGE = Path(__file__).parents[2] / "sphinxcontrib_highlight"
LOCALE = PACKAGE / "locale"


@pytest.mark.parametrize(
    ("language", "heading", "et_al", "after_name"),
    [
        ("de", "Diesen Artikel zitieren", "u.\u00a0a.", " "),  # the CSL German locale's term
        # A sentence closes after 等, as GB/T 7714 prints; CSL processors set a CJK
        # "et al." right after a name that no delimiter precedes.
        ("zh_CN", "引用本文", "等.", ""),
        ("en", "Cite this article", "et al.", " "),
    ],
)
def test_heading_and_et_al_are_translated(
    make_app, root_copy, language, heading, et_al, after_name
):
    app = make_app("html", srcdir=root_copy("bundled"), freshenv=True,
                   confoverrides={"language": language})
    app.build()
    page = soup(app)
    assert page.select_one(".highlight-citation-heading").get_text() == heading
    assert page.select_one(".highlight-citation-text").get_text().startswith(
        f"Yang, J., Xie, S., Zhu, S.{after_name}{et_al} Specialized"
    )
    third = page.select("ol.highlight-reference-list > li")[2].get_text()
    assert f"Takanami K, {et_al} A spinal microglia" in third


def source_terms() -> set[str]:
    """Every word the code passes through term()."""
    pattern = re.compile(r"""(?<![.\w])term\((["'])(.+?)\1\)""")
    return {match.group(2) for path in PACKAGE.rglob("*.py")
            for match in pattern.finditer(path.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("language", ["de", "zh_CN"])
def test_catalogs_are_complete_and_compiled(language):
    po_path = LOCALE / language / "LC_MESSAGES" / "sphinxcontrib-highlight.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    translated = {message.id: message.string for message in catalog if message.id}
    assert source_terms() <= translated.keys()
    assert all(translated.values())
    with po_path.with_suffix(".mo").open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == translated, "run scripts/compile-catalogs"


def test_template_lists_every_term():
    with (LOCALE / "sphinxcontrib-highlight.pot").open("rb") as handle:
        template = {message.id for message in read_po(handle) if message.id}
    assert template == source_terms()
