"""The extension's configuration values, declared once.

Each ``highlight_*`` value is a field of :class:`HighlightConfig` carrying its default, the
types Sphinx checks, the rebuild it triggers, a help text and a validator. Registration,
validation and the docs' configuration table all read these fields, so they cannot drift.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.config import ENUM

from sphinxcontrib_highlight import speed
from sphinxcontrib_highlight.sphinxext.warnings_ import warn
from sphinxcontrib_highlight.styles import find_style, style_names
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

PREFIX = "highlight_"

#: The three ways an in-text citation can look.
CITE_FORMATS = ("brackets", "superscript", "parentheses")

#: Reference links a list item can carry, in the order they are shown.
LINK_KINDS = ("doi", "pubmed", "scholar")

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


def _string(value: Any) -> str:
    if isinstance(value, str) and value:
        return value
    raise ValueError("expected a non-empty string")


def _style(value: Any) -> str:
    """The name of an installed style (any pybtex formatting style)."""
    name = _string(value)
    try:
        find_style(name)
    except LookupError:
        raise ValueError(f"no style of that name; installed: {', '.join(style_names())}") from None
    return name


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


def _option(
    default: Any, types: Any, help_text: str, validator: Validator, rebuild: str = "env"
) -> Any:
    metadata = {"types": types, "help": help_text, "validator": validator, "rebuild": rebuild}
    if isinstance(default, (list, tuple)):
        return field(default_factory=lambda: tuple(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class HighlightConfig:
    """Every ``highlight_*`` configuration value with its default."""

    bibfiles: tuple[str, ...] = _option(
        (),
        frozenset({list, tuple, str}),
        "BibTeX files, relative to the configuration directory. Empty: the bundled highlight.",
        _string_list,
    )
    article: str | None = _option(
        None,
        frozenset({str, type(None)}),
        "Key of the entry ``highlight-citation`` shows with no argument, and that "
        "``highlight-references`` leaves out. None: the first entry of the first file.",
        _optional_string,
    )
    reference_style: str = _option(
        "neurosci-bull",
        frozenset({str}),
        "Style of reference lists: any pybtex formatting style.",
        _style,
    )
    citation_style: str = _option(
        "springer-nature",
        frozenset({str}),
        "Style of the citation block: any pybtex formatting style.",
        _style,
    )
    cite_format: str = _option(
        "brackets",
        ENUM(*CITE_FORMATS),
        "How ``:hcite:`` numbers look: ``brackets`` [1], ``superscript`` ¹ or "
        "``parentheses`` (1).",
        _one_of(CITE_FORMATS),
    )
    bibfile_encoding: str = _option(
        "utf-8-sig",
        frozenset({str}),
        "Encoding of the BibTeX files (``utf-8-sig`` also accepts a byte-order mark).",
        _string,
    )
    reference_links: tuple[str, ...] = _option(
        LINK_KINDS,
        frozenset({list, tuple}),
        "Links shown under each reference, as on the journal's page: ``doi`` (*Article*: "
        "the DOI, else the entry's http(s) ``url``), ``pubmed`` (*PubMed*, when the entry "
        "has a ``pmid``) and ``scholar`` (a *Google Scholar* lookup).",
        _subset_of(LINK_KINDS),
        rebuild="env",
    )
    speedups: bool = _option(
        True,
        frozenset({bool}),
        "Whether the speed layer runs: children that work ahead on other CPUs, memoized "
        "forms of entries, pauses of the garbage collector. ``False`` gives the same "
        "output, byte for byte, more slowly: a way to rule the speed layer out.",
        _flag,
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
                None,
            )
            setattr(config, name, default)
    speed.set_enabled(config.highlight_speedups)
    # Relative to conf.py, whatever directory sphinx-build runs from.
    config.highlight_bibfiles = tuple(
        str((Path(app.confdir) / path).resolve()) for path in config.highlight_bibfiles
    )


def get_config(config: Config) -> HighlightConfig:
    """A typed snapshot of the validated values."""
    return HighlightConfig(**{f.name: getattr(config, PREFIX + f.name) for f in config_fields()})
