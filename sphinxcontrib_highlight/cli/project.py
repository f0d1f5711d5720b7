"""A Sphinx project as ``sphinx-highlight check`` reads it, without building it.

``conf.py`` is read the way Sphinx reads it (``sphinx.config.Config.read``) and the
``highlight_*`` values are checked by the validators a build uses; the pages are the
documents Sphinx would find (``sphinx.project.Project``), and each ``highlight-citation``
and ``highlight-references`` directive in them is found by its text, with its ``:style:``
and ``:bibfile:``. What comes out is what a build would render: which entries of which
files, in which style. A check of the configured style alone missed what a page's
``:style:`` or a project's ``highlight_reference_style`` asks of the entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sphinx.config import Config
from sphinx.project import Project as SphinxProject
from sphinx.util.tags import Tags

from sphinxcontrib_highlight.bibliography.database import BUNDLED_BIBFILE, BibProblem
from sphinxcontrib_highlight.sphinxext.config import PREFIX, config_fields, default_of
from sphinxcontrib_highlight.styles import find_style, style_names
from sphinxcontrib_highlight.warning_types import Warn

#: Where ``check`` looks for a project when given neither files nor ``--conf``.
CONF_DIRS = (Path(), Path("docs"))

#: A directive of the extension, written in reStructuredText or as a MyST fence.
_DIRECTIVE = re.compile(
    r"^[ \t]*(?:\.\.[ \t]+(?P<rst>highlight-citation|highlight-references)::"
    r"|(?:`{3,}|:{3,})\{(?P<myst>highlight-citation|highlight-references)\})"
    r"(?P<argument>[^\n]*)$",
    re.MULTILINE,
)
_OPTION = re.compile(r"^[ \t]*:(?P<name>[a-z-]+):[ \t]*(?P<value>.*?)[ \t]*$")


class StyleUse(NamedTuple):
    """Entries of some files that a build renders in one style."""

    paths: tuple[Path, ...]
    style: str
    keys: tuple[str, ...] | None
    """The keys shown (``""``: the article); None for every entry, as a full list."""


@dataclass
class ProjectUses:
    """What a project renders, and what is wrong in its configuration or its pages."""

    confdir: Path
    encoding: str
    article: str | None
    uses: list[StyleUse] = field(default_factory=list)
    problems: list[BibProblem] = field(default_factory=list)


def find_confdir(given: str | None) -> Path | None:
    """The directory of conf.py: the one given, else ``.`` or ``docs/`` if either has one."""
    if given is not None:
        return Path(given)
    return next((path for path in CONF_DIRS if (path / "conf.py").is_file()), None)


def read_project(confdir: Path) -> ProjectUses:
    """Read ``conf.py`` and the pages of the project whose configuration is in ``confdir``.

    The source directory is taken to be the configuration directory, as ``sphinx-build``
    takes it without ``-c``.
    """
    conf_path = confdir / "conf.py"
    config = Config.read(confdir.resolve(), overrides={}, tags=Tags())
    values = _highlight_values(config, conf_path)
    project = ProjectUses(
        confdir, values.pop("bibfile_encoding"), values.pop("article"),
        problems=values.pop("problems"),
    )
    configured = tuple(_shown(confdir / path) for path in values["bibfiles"]) or (
        BUNDLED_BIBFILE,
    )
    project.uses += [
        StyleUse(configured, values["reference_style"], None),
        StyleUse(configured, values["citation_style"], ("",)),
    ]
    defaults = {
        "highlight-references": values["reference_style"],
        "highlight-citation": values["citation_style"],
    }
    for page in _pages(config, confdir):
        project.uses += _directive_uses(page, confdir, configured, defaults, project.problems)
    return project


def _highlight_values(config: Config, conf_path: Path) -> dict[str, Any]:
    """Each ``highlight_*`` value (without its prefix), checked as a build checks it; an
    invalid one is a problem and gives way to its default. ``problems`` holds those."""
    values: dict[str, Any] = {}
    problems: list[BibProblem] = []
    for option in config_fields():
        name = PREFIX + option.name
        config.add(name, default_of(option), "env", option.metadata["types"])
        raw = getattr(config, name)
        try:
            values[option.name] = option.metadata["validator"](raw)
        except ValueError as error:
            default = default_of(option)
            problems.append(BibProblem(
                Warn.CONFIG,
                f"invalid value {raw!r} for {name}: {error}; using the default {default!r}",
                str(conf_path),
            ))
            values[option.name] = default
    values["problems"] = problems
    return values


def _pages(config: Config, srcdir: Path) -> list[Path]:
    """The documents Sphinx would read, MyST's included when the project uses it."""
    suffixes = config.source_suffix
    if isinstance(suffixes, str):
        suffixes = [suffixes]
    suffixes = list(suffixes) or [".rst"]
    if any(name.startswith(("myst_parser", "myst_nb")) for name in config.extensions):
        suffixes.append(".md")
    found = SphinxProject(srcdir.resolve(), dict.fromkeys(suffixes))
    docnames = found.discover(exclude_paths=config.exclude_patterns)
    return [_shown(Path(found.doc2path(docname, absolute=True))) for docname in sorted(docnames)]


def _shown(path: Path) -> Path:
    """``path`` relative to the current directory if it is below it, as a compiler
    names files; else absolute."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve())
    except ValueError:
        return absolute


def _directive_uses(
    page: Path,
    srcdir: Path,
    configured: tuple[Path, ...],
    defaults: dict[str, str],
    problems: list[BibProblem],
) -> list[StyleUse]:
    """What each directive of the page renders: in its ``:style:``, from its ``:bibfile:``."""
    text = page.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    uses = []
    for match in _DIRECTIVE.finditer(text):
        name = match["rst"] or match["myst"]
        lineno = text.count("\n", 0, match.start()) + 1
        options = _options(lines, lineno)
        style = options.get("style") or defaults[name]
        try:
            find_style(style)
        except LookupError:  # as the build says it, and then does
            installed = ", ".join(style_names())
            problems.append(BibProblem(
                Warn.STYLE,
                f"{name}: no style named {style!r} (installed: {installed}); "
                f"using {defaults[name]!r}",
                str(page), lineno,
            ))
            style = defaults[name]
        paths = configured
        if options.get("bibfile"):
            bibfile = options["bibfile"]
            base = srcdir if bibfile.startswith("/") else page.parent
            paths = (_shown(base / bibfile.lstrip("/")),)
        if name == "highlight-references":
            uses.append(StyleUse(paths, style, None))
        else:
            uses.append(StyleUse(paths, style, (match["argument"].strip(),)))
    return uses


def _options(lines: list[str], lineno: int) -> dict[str, str]:
    """The option lines right after the directive's line (its ``lineno``, from 1)."""
    options = {}
    for line in lines[lineno:]:
        option = _OPTION.match(line)
        if option is None:
            break
        options[option["name"]] = option["value"]
    return options
