"""The extension's configuration values, declared once.

Each ``highlight_*`` value is a field of :class:`HighlightConfig` carrying its default, the
types Sphinx checks, the rebuild it triggers, a help text, a validator and the values it
accepts (from the same constants as the validator). Registration, validation and the
docs' configuration page all read these fields, so they cannot drift.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.config import ENUM

from sphinxcontrib_highlight import speed
from sphinxcontrib_highlight.bibliography.doi_fetch import ATTEMPTS, DEFAULT_RESOLVER, TIMEOUT
from sphinxcontrib_highlight.sphinxext.warnings_ import warn
from sphinxcontrib_highlight.styles import BUILT_IN, find_style, pybtex_style_names, style_error
from sphinxcontrib_highlight.styles.csl.locale import locale_error
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

PREFIX = "highlight_"

#: The three ways an in-text citation can look.
CITE_FORMATS = ("brackets", "superscript", "parentheses")

#: Reference links a list item can carry (the configured ones show in the order given).
LINK_KINDS = ("doi", "pubmed", "scholar")

#: What ``highlight_doi_fetch`` allows: fetching what the cache lacks, or no network.
DOI_FETCH = ("missing", "never")

Validator = Callable[[Any], Any]
"""Takes a raw config value; returns it normalised or raises ``ValueError`` saying why."""


def _string_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ValueError("expected a list of strings")


def _optional_string(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise ValueError("expected a string or None")


def _cff_path(value: Any) -> str | None:
    path = _optional_string(value)
    if path is not None and not path.lower().endswith(".cff"):
        raise ValueError("expected the path of a .cff file, such as '../CITATION.cff'")
    return path


def _string(value: Any) -> str:
    if isinstance(value, str) and value:
        return value
    raise ValueError("expected a non-empty string")


def _locale(value: Any) -> str | None:
    """None, or the tag of a shipped CSL locale (``de`` through its primary dialect)."""
    tag = _optional_string(value)
    error = locale_error(tag) if tag else None
    if error:
        raise ValueError(error)
    return tag


def _style(value: Any) -> str:
    """A style's name: this package's, a pybtex style's, a CSL style id, or the path of a
    .csl file (made absolute from the configuration directory before this runs)."""
    name = _string(value)
    error = style_error(name)
    if error:
        raise ValueError(error)
    return name


def csl_path(name: str, base: Path) -> str:
    """A style name as :func:`~sphinxcontrib_highlight.styles.find_style` takes it: the
    path of a .csl file made absolute from ``base`` (the configuration directory), any
    other name as it is."""
    if not name.endswith(".csl") or Path(name).is_absolute():
        return name
    return str((base / name).resolve())


def _http_url(value: Any) -> str:
    url = _string(value)
    if not url.startswith(("http://", "https://")):
        raise ValueError("expected an http(s) URL")
    return url.rstrip("/")


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600:
        raise ValueError("expected a number of seconds, more than 0 and at most 600")
    return float(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected True or False")  # noqa: TRY004 - validate() reports ValueError
    return value


def _one_of(choices: Sequence[str]) -> Validator:
    def check(value: Any) -> str:
        if value in choices:
            return str(value)
        raise ValueError(f"expected one of {', '.join(map(repr, choices))}")

    return check


def _subset_of(choices: Sequence[str]) -> Validator:
    def check(value: Any) -> tuple[str, ...]:
        items = _string_list(value)
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise ValueError(
                f"unknown {', '.join(map(repr, unknown))}; allowed: {', '.join(map(repr, choices))}"
            )
        return items

    return check


def literals(values: Sequence[str], last: str = "or") -> str:
    """``a``, ``b`` or ``c``, as reStructuredText."""
    quoted = [f"``{value}``" for value in values]
    return ", ".join(quoted[:-1]) + f" {last} " + quoted[-1] if len(quoted) > 1 else quoted[0]


def _style_values() -> str:
    """Read when the docs are built: pybtex's styles are found through entry points."""
    return (
        f"{literals(list(BUILT_IN), 'and')} (the extension's names); any style id of the CSL "
        "styles repository (``nature``, ``ieee``…; a renamed id works too); the path of a "
        "CSL file, relative to the configuration directory; or a pybtex style: pybtex's own are "
        f"{literals(pybtex_style_names(), 'and')}, and a package can add more."
    )


Values = Callable[[], str]
"""What a config value accepts, in words for the docs (reStructuredText)."""


def _option(
    default: Any,
    types: Any,
    help_text: str,
    validator: Validator,
    values: Values,
    rebuild: str = "env",
) -> Any:
    metadata = {
        "types": types, "help": help_text, "validator": validator, "values": values,
        "rebuild": rebuild,
    }
    if isinstance(default, (list, tuple)):
        return field(default_factory=lambda: tuple(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class HighlightConfig:
    """Every ``highlight_*`` configuration value with its default."""

    bibfiles: tuple[str, ...] = _option(
        (),
        frozenset({list, tuple, str}),
        "Bibliography files, relative to the configuration directory: BibTeX (``.bib``), "
        "CSL-JSON (``.json``), CSL-YAML (``.yaml``, ``.yml``), RIS (``.ris``) or a "
        "``CITATION.cff``, told apart by their suffix. Empty: the bundled highlight.",
        _string_list,
        lambda: "a list of paths (one path alone may be a string).",
    )
    article: str | None = _option(
        None,
        frozenset({str, type(None)}),
        "Key of the entry ``highlight-citation`` shows with no argument, and that "
        "``highlight-references`` leaves out. None: the first entry of the first file.",
        _optional_string,
        lambda: "a key of the configured files, or ``None``.",
    )
    citation_cff: str | None = _option(
        None,
        frozenset({str, type(None)}),
        "A software project's ``CITATION.cff``, relative to the configuration directory "
        "(``\"../CITATION.cff\"``): ``highlight-citation`` with no ``:bibfile:`` shows "
        "*Cite this software* from it (its ``preferred-citation``, else the software "
        "itself). None: the citation block reads ``highlight_bibfiles``.",
        _cff_path,
        lambda: "the path of a ``.cff`` file, or ``None``.",
    )
    reference_style: str = _option(
        "neurosci-bull",
        frozenset({str}),
        "Style of reference lists: ``neurosci-bull``, ``springer-nature``, ``apa``, "
        "``vancouver``, any CSL style id (``nature``, ``ieee``, ``chicago-author-date``; "
        "the whole repository with the ``styles`` extra), the path of a CSL file "
        "relative to ``conf.py``, or a pybtex style (``unsrt``).",
        _style,
        _style_values,
    )
    citation_style: str = _option(
        "springer-nature",
        frozenset({str}),
        "Style of the citation block: any value ``highlight_reference_style`` takes.",
        _style,
        _style_values,
    )
    cite_format: str = _option(
        "brackets",
        ENUM(*CITE_FORMATS),
        "How ``:hcite:`` numbers look with a numeric style: ``brackets`` [1], "
        "``superscript`` ¹ or ``parentheses`` (1). Other CSL styles print their own "
        "citations.",
        _one_of(CITE_FORMATS),
        lambda: f"one of {literals(CITE_FORMATS)}.",
    )
    locale: str | None = _option(
        None,
        frozenset({str, type(None)}),
        "The language of the words CSL styles print (``et al.``, ``edited by``, month "
        "names, quotation marks), as a CSL locale such as ``de-AT`` or ``en-GB``. None: "
        "the project's ``language``. A style that names its own language keeps it.",
        _locale,
        lambda: "None, or a language tag with a CSL locale: ``en-US``, ``en-GB``, ``de``, "
        "``de-AT``, ``fr``, ``zh-CN`` and the other locales of the CSL project (English "
        "where there is none).",
    )
    bibfile_encoding: str = _option(
        "utf-8-sig",
        frozenset({str}),
        "Encoding of the BibTeX files (``utf-8-sig`` also accepts a byte-order mark). "
        "CSL-JSON, CSL-YAML, RIS and CFF files are always read as UTF-8.",
        _string,
        lambda: "the name of an encoding Python knows, such as ``utf-8-sig`` or ``latin-1``.",
    )
    reference_links: tuple[str, ...] = _option(
        LINK_KINDS,
        frozenset({list, tuple}),
        "Links shown under each reference, as on the journal's page: ``doi`` (*Article*: "
        "the DOI, else the entry's ``url`` if it is http(s)), ``pubmed`` (*PubMed*, when "
        "the entry has a numeric ``pmid``) and ``scholar`` (a *Google Scholar* lookup by "
        "title, first author and year; no network is used at build time). The text "
        "builder prints the URLs instead of the labels.",
        _subset_of(LINK_KINDS),
        lambda: f"a list of any of {literals(LINK_KINDS)}, shown in that order; empty "
        "for none.",
        rebuild="env",
    )
    doi_cache: str = _option(
        "highlight-dois.json",
        frozenset({str}),
        "The DOI cache: the metadata of each DOI cited alone (or checked by "
        "``highlight_verify_dois``), fetched once, relative to the configuration "
        "directory. Commit it, so that later builds and CI run offline and alike.",
        _string,
        lambda: "the path of a JSON file, relative to the configuration directory.",
        rebuild="",
    )
    doi_fetch: str = _option(
        "missing",
        ENUM(*DOI_FETCH),
        "Whether a build fetches the metadata of a DOI its cache lacks: ``missing`` "
        "fetches it from ``highlight_doi_resolver`` and adds it to the cache; ``never`` "
        "uses no network (for CI: a DOI missing from the committed cache is a warning).",
        _one_of(DOI_FETCH),
        lambda: f"one of {literals(DOI_FETCH)}.",
        rebuild="",
    )
    doi_resolver: str = _option(
        DEFAULT_RESOLVER,
        frozenset({str}),
        "The base URL DOIs are fetched from, by content negotiation (CSL-JSON): "
        "``<resolver>/<DOI>``.",
        _http_url,
        lambda: "an http(s) URL.",
        rebuild="",
    )
    doi_timeout: float = _option(
        TIMEOUT,
        frozenset({int, float}),
        "Seconds a build waits for the resolver's answer about one DOI before giving it "
        f"up; a timeout is tried again, {ATTEMPTS} attempts in all, so a DOI costs at most "
        "about twice this. DOIs are fetched four at a time.",
        _seconds,
        lambda: "a number of seconds, more than 0 and at most 600.",
        rebuild="",
    )
    verify_dois: bool = _option(
        False,
        frozenset({bool}),
        "Whether a build compares each entry that has a ``doi`` with the metadata its "
        "DOI resolves to (through the DOI cache) and warns, at the entry, about a DOI that "
        "does not resolve, or a title, first author or year that differs.",
        _flag,
        lambda: "``True`` or ``False``.",
        rebuild="",
    )
    speedups: bool = _option(
        True,
        frozenset({bool}),
        "Whether the speed layer runs: children that work ahead on other CPUs, memoized "
        "forms of entries, pauses of the garbage collector. ``False`` gives the same "
        "output, byte for byte, more slowly: a way to rule the speed layer out.",
        _flag,
        lambda: "``True`` or ``False``.",
        rebuild="",
    )


def default_of(option: dataclasses.Field[Any]) -> Any:
    """The default value of a config field, whether plain or built by a factory."""
    if option.default_factory is not dataclasses.MISSING:
        return option.default_factory()
    return option.default


def config_fields() -> list[dataclasses.Field[Any]]:
    """The fields of :class:`HighlightConfig`, in declaration order."""
    return list(dataclasses.fields(HighlightConfig))


def register(app: Sphinx) -> None:
    """Declare every value to Sphinx and validate them once ``conf.py`` is read."""
    for option in config_fields():
        app.add_config_value(
            PREFIX + option.name,
            default_of(option),
            option.metadata["rebuild"],
            types=option.metadata["types"],
            description=option.metadata["help"],
        )
    # Before Sphinx's own shallow type check (priority 800), so it sees normalised values.
    app.connect("config-inited", validate, priority=400)


def validate(app: Sphinx, config: Config) -> None:
    """Normalise each value; replace an invalid one by its default with a warning."""
    for style_option in ("highlight_reference_style", "highlight_citation_style"):
        value = getattr(config, style_option)
        if isinstance(value, str):
            setattr(config, style_option, csl_path(value, Path(app.confdir)))
    for option in config_fields():
        name = PREFIX + option.name
        raw = getattr(config, name)
        try:
            setattr(config, name, option.metadata["validator"](raw))
        except ValueError as error:
            default = default_of(option)
            warn(
                f"invalid value {raw!r} for {name}: {error}; using the default {default!r}",
                Warn.CONFIG,
                _where_set(Path(app.confdir) / "conf.py", name),
            )
            setattr(config, name, default)
    for style_option in ("highlight_reference_style", "highlight_citation_style"):
        warn_style_problems(getattr(config, style_option))
    speed.set_enabled(config.highlight_speedups)
    # Relative to conf.py, whatever directory sphinx-build runs from.
    config.highlight_bibfiles = tuple(
        str((Path(app.confdir) / path).resolve()) for path in config.highlight_bibfiles
    )
    config.highlight_doi_cache = str((Path(app.confdir) / config.highlight_doi_cache).resolve())
    if config.highlight_citation_cff:
        config.highlight_citation_cff = str(
            (Path(app.confdir) / config.highlight_citation_cff).resolve()
        )


def _where_set(conf_py: Path, name: str) -> str | None:
    """``conf.py:LINE`` where ``name`` is assigned; None if conf.py does not set it (a
    ``-D`` override on the command line)."""
    try:
        lines = conf_py.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(name) and "=" in line:
            return f"{conf_py}:{number}"
    return None


def warn_style_problems(name: str) -> None:
    """Warn, once a build, at its line, about each thing in the named CSL style that the
    processor cannot follow (an undefined macro, an element CSL does not have)."""
    style = find_style(name)
    for line, message in getattr(style, "problems", ()):
        warn(f"CSL style {name!r}: {message}", Warn.STYLE, f"{style.origin}:{line}", once=True)


def get_config(config: Config) -> HighlightConfig:
    """A typed snapshot of the validated values."""
    return HighlightConfig(**{f.name: getattr(config, PREFIX + f.name) for f in config_fields()})
