"""A Sphinx project as ``sphinx-highlight check`` reads it, without building it.

``conf.py`` is read the way Sphinx reads it (``sphinx.config.Config.read``) and the
``highlight_*`` values are checked by the validators a build uses; the pages are the
documents Sphinx would find (``sphinx.project.Project``), and each ``highlight-citation``
and ``highlight-references`` directive in them is found by its text, with its ``:style:``
and ``:bibfile:`` (or ``:cff:``), and so is each ``:hcite:`` role, with its keys. What comes out is what
a build would render (which entries of which files, in which style) and which keys the
pages name. A check of the configured style alone missed what a page's ``:style:`` or a
project's ``highlight_reference_style`` asks of the entries, and no check of the files
alone finds a key that a page names and the files lost (a new export from Zotero).

Code blocks and literal blocks are left out: a page that shows how to write a directive
is not using one.
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
from sphinxcontrib_highlight.bibliography.doi_fetch import bare_doi
from sphinxcontrib_highlight.sphinxext.cite_syntax import locator_problem, parse_citation
from sphinxcontrib_highlight.sphinxext.config import PREFIX, config_fields, default_of
from sphinxcontrib_highlight.styles import style_error
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
#: The citation roles, in reStructuredText or MyST: ``:hcite:``, ``:hcite:p:``,
#: ``:hcite:t:`` and sphinxcontrib-bibtex's names ``:cite:p:`` and ``:cite:t:``.
_ROLE = re.compile(
    r"(?::(?P<rst>hcite(?::[pt])?|cite:[pt]):|\{(?P<myst>hcite(?::[pt])?|cite:[pt])\})"
    r"`(?P<keys>[^`]*)`"
)
#: The extension whose ``cite`` domain, when it is loaded, owns ``:cite:p:``.
_BIBTEX_EXTENSION = "sphinxcontrib.bibtex"
#: What opens a code or literal block in reStructuredText: its body is indented below.
_RST_CODE = re.compile(r"^\s*\.\.\s+(?:code-block|code|sourcecode|literalinclude|highlight)::")
#: A MyST fence that is code, not a directive (or a directive that shows code).
_MYST_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


class KeyUse(NamedTuple):
    """Keys a page names, and the files that must hold them."""

    page: Path
    lineno: int
    what: str
    """How the build's warning begins: ``:hcite:``, ``highlight-citation:``..."""
    keys: tuple[str, ...]
    sources: tuple[tuple[Path, ...], ...] | None
    """The sets of files, any of which may hold a key; None: any set the project reads
    (a citation finds its entry in whichever list shows it)."""


class StyleUse(NamedTuple):
    """Entries of some files that a build renders in one style."""

    paths: tuple[Path, ...]
    style: str
    keys: tuple[str, ...] | None
    """The keys shown (``""``: the article); None for every entry but the article, as a
    list with no keys and no ``:cited:`` shows."""


@dataclass
class ProjectUses:
    """What a project renders, and what is wrong in its configuration or its pages."""

    confdir: Path
    encoding: str
    article: str | None
    configured: tuple[Path, ...]
    """``highlight_bibfiles`` (or the bundled file): the build reports their problems
    whether a page shows them or not."""
    doi_cache: Path | None = None
    """``highlight_doi_cache``, relative to the configuration directory."""
    doi_fetch: str = "missing"
    doi_resolver: str = ""
    doi_timeout: float | None = None
    """``highlight_doi_timeout``; None: :data:`.doi_fetch.TIMEOUT`."""
    verify_dois: bool = False
    citation_cff: Path | None = None
    """``highlight_citation_cff``: what a citation block with no file of its own reads."""
    pages: list[Path] = field(default_factory=list)
    uses: list[StyleUse] = field(default_factory=list)
    keys: list[KeyUse] = field(default_factory=list)
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
    config = Config.read(confdir.resolve(), overrides={}, tags=Tags())
    values, problems = _highlight_values(config, _shown(confdir / "conf.py"))
    configured = tuple(_shown(confdir / path) for path in values["bibfiles"]) or (
        BUNDLED_BIBFILE,
    )
    cff = values["citation_cff"]
    project = ProjectUses(
        confdir, values["bibfile_encoding"], values["article"], configured, problems=problems,
        doi_cache=_shown(confdir / values["doi_cache"]), doi_fetch=values["doi_fetch"],
        doi_resolver=values["doi_resolver"], doi_timeout=values["doi_timeout"],
        verify_dois=values["verify_dois"],
        citation_cff=_shown(confdir / cff) if cff else None,
    )
    defaults = {
        "highlight-references": values["reference_style"],
        "highlight-citation": values["citation_style"],
    }
    project.pages = _pages(config, confdir)
    whole_project_lists: list[tuple[tuple[Path, ...], str]] = []
    cite_is_ours = _BIBTEX_EXTENSION not in config.extensions
    for page in project.pages:
        text = _without_code(page.read_text(encoding="utf-8", errors="replace"), page.suffix)
        cites = [
            _cite_use(project, page, text.count("\n", 0, match.start()) + 1, match)
            for match in _ROLE.finditer(text)
            if cite_is_ours or not (match["rst"] or match["myst"]).startswith("cite")
        ]
        page_cites = tuple(dict.fromkeys(key for cite in cites for key in cite.keys))
        whole_project_lists += _read_directives(project, page, text, defaults, page_cites)
        project.keys += cites
    every_cite = tuple(dict.fromkeys(key for use in project.keys if use.what == ":hcite:"
                                     for key in use.keys))
    project.uses += [StyleUse(paths, style, every_cite) for paths, style in whole_project_lists]
    return project


def _highlight_values(
    config: Config, conf_path: Path
) -> tuple[dict[str, Any], list[BibProblem]]:
    """Each ``highlight_*`` value (by name without its prefix), checked as a build checks
    it, and the problems: an invalid value is one, and gives way to its default."""
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
    return values, problems


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


def _read_directives(
    project: ProjectUses,
    page: Path,
    text: str,
    defaults: dict[str, str],
    page_cites: tuple[str, ...],
) -> list[tuple[tuple[Path, ...], str]]:
    """What each directive of the page renders, in its ``:style:``, from its
    ``:bibfile:``; the keys it names; its problems. Returns the files and style of each
    ``:cited: project`` list, whose keys are known once every page is read."""
    lines = text.splitlines()
    uses, keys, problems = project.uses, project.keys, project.problems
    whole_project_lists = []
    for match in _DIRECTIVE.finditer(text):
        name = match["rst"] or match["myst"]
        lineno = text.count("\n", 0, match.start()) + 1
        options = _options(lines, lineno)
        style = options.get("style") or defaults[name]
        if options.get("style", "").endswith(".csl"):  # as Sphinx finds a directive's files
            base = project.confdir if style.startswith("/") else page.parent
            style = str((base / style.lstrip("/")).resolve())
        reason = style_error(style)
        if reason:  # as the build says it, and then does
            problems.append(BibProblem(
                Warn.STYLE, f"{name}: {reason}; using {defaults[name]!r}", str(page), lineno,
            ))
            style = defaults[name]
        paths = project.configured
        if project.citation_cff is not None and (
            name == "highlight-citation" or ("cff" in options and not options["cff"])
        ):  # a citation block by default, and :cff: with no path
            paths = (project.citation_cff,)
        if options.get("cff") or options.get("bibfile"):  # :cff: wins, as in the build
            bibfile = options.get("cff") or options["bibfile"]
            base = project.confdir if bibfile.startswith("/") else page.parent
            paths = (_shown(base / bibfile.lstrip("/")),)
        if name == "highlight-references":
            body = _fence_body(lines, lineno) if match["myst"] else _content_keys(lines, lineno)
            listed = _split_keys(options.get("keys", "")) + body
            if listed:
                keys.append(KeyUse(page, lineno, f"{name}:", listed, (paths,)))
                uses.append(StyleUse(paths, style, listed))
            elif options.get("cited", "").strip() == "project":
                whole_project_lists.append((paths, style))
            elif "cited" in options:
                uses.append(StyleUse(paths, style, page_cites))
            else:
                uses.append(StyleUse(paths, style, None))
        else:
            key = match["argument"].strip()
            if len(key.split()) > 1:  # as the build says it, and then skips the directive
                problems.append(BibProblem(
                    Warn.UNKNOWN_KEY, f"{name}: expected one key, got {key!r}", str(page), lineno,
                ))
                continue
            uses.append(StyleUse(paths, style, (key,)))
            if key:
                keys.append(KeyUse(page, lineno, f"{name}:", (key,), (paths,)))
    return whole_project_lists


def _cite_use(project: ProjectUses, page: Path, lineno: int, match: re.Match[str]) -> KeyUse:
    """The keys of a citation role, read as the role reads them (pre- and post-texts are
    not keys), and the problems the role warns about at its line."""
    name = match["rst"] or match["myst"]
    parsed = parse_citation(match["keys"])
    for problem in parsed.problems:
        project.problems.append(BibProblem(
            Warn.CITE_SYNTAX, f":{name}: cannot read {problem}", str(page), lineno))
    for cited in parsed.keys:
        wrong_label = locator_problem(cited)
        if wrong_label is not None:
            project.problems.append(BibProblem(
                Warn.LOCATOR, f":{name}: {wrong_label}", str(page), lineno))
    keys = tuple(dict.fromkeys(bare_doi(cited.key) or cited.key for cited in parsed.keys))
    return KeyUse(page, lineno, ":hcite:", keys, None)


def _split_keys(text: str) -> tuple[str, ...]:
    """Keys separated by commas or spaces, as the role and ``:keys:`` take them (a DOI
    in any form as the bare DOI, as the role takes it)."""
    return tuple(bare_doi(key) or key for key in text.replace(",", " ").split() if key)


def _content_keys(lines: list[str], lineno: int) -> tuple[str, ...]:
    """The keys of a reStructuredText ``highlight-references`` body: the indented lines
    after its options and a blank line."""
    body = lines[lineno:]
    while body and _OPTION.match(body[0]):
        body = body[1:]
    if not body or body[0].strip():
        return ()
    indent = len(lines[lineno - 1]) - len(lines[lineno - 1].lstrip())
    keys: list[str] = []
    for line in body[1:]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        keys += _split_keys(line)
    return tuple(keys)


def _fence_body(lines: list[str], lineno: int) -> tuple[str, ...]:
    """The keys of a MyST ``highlight-references`` body: the lines after its options, up
    to the closing fence."""
    keys: list[str] = []
    for line in lines[lineno:]:
        if _MYST_FENCE.match(line) or line.lstrip().startswith(":::"):
            break
        if not _OPTION.match(line):
            keys += _split_keys(line)
    return tuple(keys)


#: Inline code (``literal`` in reStructuredText, `code` in MyST) or a role, whichever
#: comes first: read from the left, a role's closing backquote never opens code.
#: Neither crosses a blank line (the end of a paragraph); MyST's stays on its line, as
#: its fences are lines of backquotes.
_RST_INLINE_CODE = re.compile(r"(?P<role>:[\w:-]+:`[^`]*`)|``(?:(?!\n[ \t]*\n).)+?``", re.DOTALL)
_MYST_INLINE_CODE = re.compile(r"(?P<role>\{[^}\s]+\}`[^`]*`)|(`+)[^`\n][^\n]*?\2")


def _without_code(text: str, suffix: str) -> str:
    """``text`` with its code and literal blocks and its inline code blanked (lines keep
    their numbers)."""
    lines = text.split("\n")
    if suffix == ".md":
        return "\n".join(
            line if _MYST_FENCE.match(line) else _MYST_INLINE_CODE.sub(_blank, line)
            for line in _myst_without_code(lines)
        )
    return _RST_INLINE_CODE.sub(_blank, "\n".join(_rst_without_code(lines)))


def _blank(match: re.Match[str]) -> str:
    """Inline code as spaces, its line breaks kept; a role as it is."""
    return match.group(0) if match["role"] else re.sub(r"[^\n]", " ", match.group(0))


def _rst_without_code(lines: list[str]) -> list[str]:
    kept: list[str] = []
    code_below: int | None = None  # the indent of the line that opened a block
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if code_below is not None and (not line.strip() or indent > code_below):
            kept.append("")
            continue
        code_below = None
        kept.append(line)
        opens_literal = line.rstrip().endswith("::") and not line.lstrip().startswith("..")
        if opens_literal or _RST_CODE.match(line):
            code_below = indent
    return kept


def _myst_without_code(lines: list[str]) -> list[str]:
    kept: list[str] = []
    code_until: str | None = None  # the fence that closes the code block we are in
    directives: list[str] = []  # the fences of the directives we are in, innermost last
    for line in lines:
        fence = _MYST_FENCE.match(line)
        if code_until is not None:
            kept.append("")
            if fence and _closes(fence, code_until):
                code_until = None
            continue
        if fence and directives and _closes(fence, directives[-1]):
            directives.pop()
        elif fence and fence["info"].strip().startswith("{") and not fence["info"].strip(
        ).startswith(("{code", "{literalinclude")):
            directives.append(fence["fence"])
        elif fence:
            code_until = fence["fence"]
            kept.append("")
            continue
        kept.append(line)
    return kept


def _closes(fence: re.Match[str], opening: str) -> bool:
    """Whether a fence line closes a block opened by ``opening`` (the same character, at
    least as many, nothing after)."""
    found = fence["fence"]
    return found[0] == opening[0] and len(found) >= len(opening) and not fence["info"].strip()


def _options(lines: list[str], lineno: int) -> dict[str, str]:
    """The option lines right after the directive's line (its ``lineno``, from 1)."""
    options = {}
    for line in lines[lineno:]:
        option = _OPTION.match(line)
        if option is None:
            break
        options[option["name"]] = option["value"]
    return options
