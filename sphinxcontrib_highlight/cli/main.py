"""``sphinx-highlight``: render, convert and check bibliography files without building a
project: BibTeX, CSL-JSON, CSL-YAML and ``CITATION.cff``.

The same loader, styles and messages as a Sphinx build, so what ``check`` reports is what
the build would warn about, and what ``render`` prints is what the build would show.
Problems go to standard error (``check`` prints its report on standard output) in the
form compilers and editors understand: ``path:line: warning: message [highlight.subtype]``.

Exit status: 0 on success; 1 when ``check`` found a problem or an input file could not
be read; 2 for a usage error (argparse's convention), such as an unknown style.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sphinx.errors import ConfigError

from sphinxcontrib_highlight import __version__
from sphinxcontrib_highlight.bibliography.database import (
    Bibliography,
    BibProblem,
    load_bibliography,
)
from sphinxcontrib_highlight.bibliography.doi_entries import doi_file
from sphinxcontrib_highlight.bibliography.doi_fetch import DEFAULT_RESOLVER, doi_key
from sphinxcontrib_highlight.bibliography.doi_lookup import look_up
from sphinxcontrib_highlight.bibliography.doi_verify import entries_with_dois, held_twice, verify
from sphinxcontrib_highlight.cli.project import ProjectUses, find_confdir, read_project
from sphinxcontrib_highlight.export import formats, markup
from sphinxcontrib_highlight.sphinxext.config import DOI_FETCH, HighlightConfig
from sphinxcontrib_highlight.sphinxext.formatting import render_entry, rendering_problems
from sphinxcontrib_highlight.sphinxext.sources import BibSource
from sphinxcontrib_highlight.styles import find_style, list_form_of, style_error, style_names
from sphinxcontrib_highlight.styles.csl_style import CslStyle
from sphinxcontrib_highlight.styles.terms import use_language
from sphinxcontrib_highlight.warning_types import WARNING_TYPE, Warn

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

#: The style ``render`` and ``check`` use unless told: the build's reference-list default.
DEFAULT_STYLE = HighlightConfig().reference_style
DEFAULT_ENCODING = HighlightConfig().bibfile_encoding
DEFAULT_DOI_CACHE = HighlightConfig().doi_cache


def format_problem(problem: BibProblem) -> str:
    """``path:line: warning: message [highlight.subtype]``, one line (``path:`` alone for a
    file that could not be read)."""
    where = problem.location or problem.path
    return f"{where}: warning: {problem.message} [{WARNING_TYPE}.{problem.subtype.value}]"


def _load(args: argparse.Namespace) -> Bibliography:
    return load_bibliography([Path(name) for name in args.files], args.encoding)


def _unreadable(bibliography: Bibliography) -> bool:
    """Whether a file could not be read at all (as opposed to read with problems)."""
    return any(
        not bibfile.entries and any(p.subtype is Warn.BIBFILE for p in bibfile.problems)
        for bibfile in bibliography.files
    )


def _report(problems: Sequence[BibProblem], stream: TextIO) -> None:
    for problem in problems:
        print(format_problem(problem), file=stream)


def _write(text: str, output: str | None) -> None:
    """Write to the file named (UTF-8, whatever the locale) or to standard output."""
    if output and output != "-":
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _check_style(name: str, parser: argparse.ArgumentParser) -> None:
    error = style_error(name)
    if error:
        parser.error(error)


def _article_key(bibliography: Bibliography, wanted: str | None) -> str | None:
    """The article's key as ``highlight_article`` picks it: the named one, else the first."""
    entry = bibliography.get(wanted) if wanted else None
    if entry is not None:
        return str(entry.key)
    keys = bibliography.keys()
    return keys[0] if keys else None


def cmd_render(args: argparse.Namespace) -> int:
    """Print every entry (but the article, if asked), in the order the style's
    bibliography gives (file order for a style that does not sort), labelled as the
    style labels its list ("1.", "[1]", or no number for an author-date style)."""
    bibliography = _load(args)
    _report(bibliography.problems, sys.stderr)
    if args.article and args.article not in bibliography:
        print(f"{' '.join(args.files)}: warning: --article {args.article!r} is in no file; "
              f"the first entry is the article [{WARNING_TYPE}.{Warn.UNKNOWN_KEY.value}]",
              file=sys.stderr)
    skip = (
        _article_key(bibliography, args.article)
        if args.exclude_article or args.article
        else None
    )
    entries = [entry for entry in bibliography.entries.values() if entry.key != skip]
    style = find_style(args.style)
    if isinstance(style, CslStyle):
        listed = style.bibliography(entries, bibliography.get)
        items = [(entry.key, rendered.text) for entry, rendered in listed]
    else:
        items = [
            (entry.key, render_entry(args.style, entry, lookup=bibliography.get).text)
            for entry in entries
        ]
    _write(markup.reference_list(items, args.format, form=list_form_of(style)), args.output)
    return 1 if _unreadable(bibliography) else 0


def cmd_convert(args: argparse.Namespace) -> int:
    """Write every entry in another format."""
    bibliography = _load(args)
    _report(bibliography.problems, sys.stderr)
    _write(formats.CONVERT_FORMATS[args.to].write(bibliography), args.output)
    return 1 if _unreadable(bibliography) else 0


def check_problems(
    bibliography: Bibliography, style: str, keys: Iterable[str] | None = None
) -> list[BibProblem]:
    """Every problem of the files, then what rendering the entries (every one, or those
    of ``keys``) in ``style`` reports."""
    problems = list(bibliography.problems)
    entries = (
        bibliography.entries.values() if keys is None
        else filter(None, (bibliography.get(key) for key in keys))
    )
    for entry in entries:
        path, line = bibliography.source(entry.key) or ("", None)
        rendered = render_entry(style, entry, lookup=bibliography.get)
        problems.extend(
            BibProblem(subtype, message, path, line)
            for subtype, message in rendering_problems(style, entry, rendered)
        )
    return problems


def _in_order(problems: Iterable[BibProblem], files: Sequence[str]) -> list[BibProblem]:
    """Each problem once, file by file in the order of ``files``, line by line, as a
    compiler reports (sorted() keeps ties in order); those of other files (conf.py) first."""
    order = {path: index for index, path in enumerate(files)}
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (order.get(p.path, -1), p.lineno or 0))


def verify_problems(
    bibliographies: Iterable[Bibliography], cache: Path, resolver: str, *, fetch: bool,
    timeout: float | None = None,
) -> list[BibProblem]:
    """What checking each entry that has a DOI against its DOI's metadata finds (through
    the cache, fetching what it lacks if ``fetch``), as a build with
    ``highlight_verify_dois`` warns."""
    sets = list(bibliographies)
    dois = [doi for bibliography in sets for _, doi in entries_with_dois(bibliography)]
    lookup = look_up(dois, cache, resolver, fetch=fetch, timeout=timeout)
    problems = [problem for bibliography in sets for problem in verify(bibliography, lookup)]
    if lookup.problem:
        problems.append(BibProblem(Warn.DOI, lookup.problem, str(cache)))
    return problems


def _look_up_cited_dois(project: ProjectUses, sets: list[Bibliography]) -> dict[str, str]:
    """Fetch the DOIs the pages cite alone that no file holds and the cache lacks, as a
    build would (``highlight_doi_fetch``); why each that has no metadata has none."""
    if project.doi_cache is None:
        return {}
    alone = [key for named in project.keys for key in named.keys
             if doi_key(key) and not any(key in bibliography for bibliography in sets)]
    if not alone:
        return {}
    lookup = look_up(alone, project.doi_cache, project.doi_resolver,
                     fetch=project.doi_fetch != "never", timeout=project.doi_timeout)
    return lookup.failures


def check_project(
    project: ProjectUses, *, verify_dois: bool = False
) -> tuple[list[BibProblem], list[str]]:
    """The problems of a project's configuration and pages (keys that no file holds), and
    of its BibTeX files in each style that renders them (the article alone, for a
    citation block); with ``verify_dois`` (or the project's ``highlight_verify_dois``),
    of its entries against their DOIs' metadata; and the files."""
    problems = list(project.problems)
    supplement = doi_file(project.doi_cache) if project.doi_cache else None

    def load(paths: Iterable[Path]) -> Bibliography:
        """The files, and the DOI cache after them: a DOI cited alone is a key too."""
        return load_bibliography(paths, project.encoding, supplement)

    configured = load(project.configured)
    problems += configured.problems
    files = [bibfile.path for bibfile in configured.files if bibfile.listed]
    if project.article and project.article not in configured:
        described = BibSource(tuple(map(str, project.configured)), project.encoding).describe()
        problems.append(BibProblem(
            Warn.UNKNOWN_KEY, f"highlight_article {project.article!r} is not in {described}",
            str(project.confdir / "conf.py"),
        ))
    every_set = list(dict.fromkeys([project.configured, *(use.paths for use in project.uses)]))
    failures = _look_up_cited_dois(project, [load(paths) for paths in every_set])
    problems += held_twice(
        (key for named in project.keys for key in named.keys),
        [load(paths) for paths in every_set],
    )
    if project.doi_cache is not None:
        supplement = doi_file(project.doi_cache)  # load() now reads what was just fetched
    for named in project.keys:
        sources = [load(paths) for paths in (named.sources or every_set)]
        for key in named.keys:
            if any(key in bibliography for bibliography in sources):
                continue
            why = failures.get(doi_key(key) or "")
            problems.append(
                BibProblem(Warn.DOI, f"DOI {key} cannot be shown: {why}",
                           str(named.page), named.lineno)
                if why else
                BibProblem(Warn.UNKNOWN_KEY, f"{named.what} key {key!r} is not in the bibliography",
                           str(named.page), named.lineno)
            )
    for use in project.uses:
        bibliography = load(use.paths)
        files += [bibfile.path for bibfile in bibliography.files
                  if bibfile.listed and bibfile.path not in files]
        article = _article_key(bibliography, project.article)
        if use.keys is None:  # a full list: every entry but the article
            keys = [key for key in bibliography.keys_in_order() if key != article]
        else:
            keys = [key or article for key in use.keys if key or article]  # type: ignore[misc]
        problems += check_problems(bibliography, use.style, keys)
    if (verify_dois or project.verify_dois) and project.doi_cache is not None:
        problems += verify_problems(
            [load(paths) for paths in every_set],
            project.doi_cache, project.doi_resolver, fetch=project.doi_fetch != "never",
            timeout=project.doi_timeout,
        )
    return _in_order(problems, [*map(str, project.pages), *files]), files


def cmd_check(args: argparse.Namespace) -> int:
    """Report every problem; exit status 1 if there is one."""
    parser: argparse.ArgumentParser = args.parser
    if args.files and args.conf is None:
        bibliography = _load(args)
        files = [bibfile.path for bibfile in bibliography.files]
        found = check_problems(bibliography, args.style or DEFAULT_STYLE)
        if args.verify:
            found += verify_problems(
                [bibliography], Path(args.doi_cache or DEFAULT_DOI_CACHE),
                args.doi_resolver or DEFAULT_RESOLVER, fetch=args.doi_fetch != "never",
            )
        problems = _in_order(found, files)
    else:
        confdir = find_confdir(args.conf)
        if args.files or args.style:
            parser.error("a project's files and styles come from its conf.py and pages: "
                              "give BibTeX files (and --style) or a project, not both")
        if confdir is None or not (confdir / "conf.py").is_file():
            where = f"{args.conf}/conf.py" if args.conf else "conf.py or docs/conf.py here"
            parser.error(f"no BibTeX file given and no {where}; "
                              "give files, or --conf DIR for a Sphinx project")
        try:
            project = read_project(confdir)
        except ConfigError as error:  # conf.py raised, as sphinx-build would report it
            print(f"{confdir / 'conf.py'}: error: {error}", file=sys.stderr)
            return 1
        if args.doi_cache:
            project.doi_cache = Path(args.doi_cache)
        project.doi_resolver = args.doi_resolver or project.doi_resolver
        project.doi_fetch = args.doi_fetch or project.doi_fetch
        problems, files = check_project(project, verify_dois=args.verify)
    _report(problems, sys.stdout)
    count = len(problems)
    print(
        f"{count} problem{'s' * (count != 1)} in {len(files)} file{'s' * (len(files) != 1)}",
        file=sys.stderr,
    )
    return 1 if problems else 0


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, with one subparser per command."""
    parser = argparse.ArgumentParser(
        prog=prog or "sphinx-highlight",
        description="Render, convert and check BibTeX files the way sphinxcontrib-highlight "
        "does in a Sphinx build.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    files = argparse.ArgumentParser(add_help=False)
    files.add_argument("files", nargs="+", metavar="FILE",
                       help="BibTeX (.bib), CSL-JSON (.json), CSL-YAML (.yaml, .yml) or "
                       "CITATION.cff files, read as one bibliography (the first of two "
                       "entries with the same key wins)")
    files.add_argument("--encoding", default=DEFAULT_ENCODING,
                       help=f"encoding of the files (default: {DEFAULT_ENCODING})")
    style = argparse.ArgumentParser(add_help=False)
    style.add_argument("--style", default=DEFAULT_STYLE,
                       help=f"a style (default: {DEFAULT_STYLE}): any CSL style id "
                       "(nature, ieee, chicago-author-date, ...), the path of a .csl file, "
                       f"or one of {', '.join(style_names())}")
    style.add_argument("--locale", metavar="LANG",
                       help="the language of the words styles print, as Sphinx's "
                       "language (de, zh_CN) or a CSL locale (de-AT); default: the "
                       "style's own, else English")
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("-o", "--output", metavar="OUT",
                        help="write to this file (UTF-8) instead of standard output")

    render = commands.add_parser(
        "render", parents=[files, style, output],
        help="print the entries as a numbered reference list",
        description="Print every entry as a numbered reference list, in file order. "
        "Markup-sensitive characters are escaped for the chosen format.",
    )
    render.add_argument("--format", choices=markup.FORMATS, default="text",
                        help="output format (default: text)")
    render.add_argument("--exclude-article", action="store_true",
                        help="leave the article's own entry out, as highlight-references does")
    render.add_argument("--article", metavar="KEY",
                        help="the article's key (default: the first entry); implies "
                        "--exclude-article")
    render.set_defaults(handler=cmd_render, parser=render)

    convert_ = commands.add_parser(
        "convert", parents=[files, output],
        help="write the entries as RIS, CSL-JSON, CSL-YAML or BibTeX",
        description="Write every entry (or CSL item) in another format, for reference "
        "managers (RIS), citeproc, Zotero and pandoc (CSL-JSON, CSL-YAML), or as one clean "
        "BibTeX file. The input may be BibTeX, CSL-JSON (.json), CSL-YAML (.yaml, .yml) "
        "or a CITATION.cff (the work it asks readers to cite, then its references).",
    )
    convert_.add_argument("--to", required=True, choices=sorted(formats.CONVERT_FORMATS),
                          help="the format to write")
    convert_.set_defaults(handler=cmd_convert, parser=convert_)

    check_files = argparse.ArgumentParser(add_help=False)
    check_files.add_argument(
        "files", nargs="*", metavar="FILE",
        help="BibTeX, CSL-JSON, CSL-YAML or CITATION.cff files, read as one bibliography;"
        " none: check the Sphinx project",
    )
    check_files.add_argument("--encoding", default=DEFAULT_ENCODING,
                             help=f"encoding of the files (default: {DEFAULT_ENCODING})")
    check = commands.add_parser(
        "check", parents=[check_files],
        help="report every problem, as a Sphinx build would",
        description="Report every problem in the files (syntax errors, duplicate keys, "
        "bad encodings) and every field a style needs but an entry lacks, one per line "
        "as path:line: warning: message [highlight.subtype]. Given no files, check the "
        "Sphinx project whose conf.py is in --conf DIR, or in . or docs/: its "
        "highlight_bibfiles (or the bundled file), in the styles its configuration and "
        "its pages' directives use, as a build would render them, and the keys its "
        "pages cite that no file holds. "
        "Exit status 1 if there is a problem, 0 otherwise.",
    )
    check.add_argument("--style",
                       help=f"the style to check files in (default: {DEFAULT_STYLE}); "
                       f"installed: {', '.join(style_names())}")
    check.add_argument("--conf", metavar="DIR",
                       help="the directory of the project's conf.py (default: . or docs/, "
                       "whichever has one)")
    check.add_argument("--verify", action="store_true",
                       help="also compare each entry that has a doi with the metadata the "
                       "DOI resolves to, and report a DOI that does not resolve and a title, "
                       "first author or year that differs [highlight.doi_mismatch]")
    check.add_argument("--doi-cache", metavar="FILE",
                       help="the DOI cache to read and fill (default: the project's "
                       f"highlight_doi_cache; for files, {DEFAULT_DOI_CACHE} here)")
    check.add_argument("--doi-resolver", metavar="URL",
                       help=f"where DOIs are fetched from (default: {DEFAULT_RESOLVER}, or "
                       "the project's highlight_doi_resolver)")
    check.add_argument("--doi-fetch", choices=DOI_FETCH,
                       help="'never': use only the cache, no network, as CI should "
                       "(default: the project's highlight_doi_fetch, else 'missing')")
    check.set_defaults(handler=cmd_check, parser=check)
    return parser


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    use_language(getattr(args, "locale", None))
    if getattr(args, "style", None):
        _check_style(args.style, args.parser)
    status: int = args.handler(args)
    return status
