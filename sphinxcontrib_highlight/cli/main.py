"""``sphinx-highlight``: render, convert and check BibTeX files without a Sphinx project.

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

from sphinxcontrib_highlight import __version__
from sphinxcontrib_highlight.bibliography.database import (
    Bibliography,
    BibProblem,
    load_bibliography,
)
from sphinxcontrib_highlight.export import formats, markup
from sphinxcontrib_highlight.sphinxext.config import HighlightConfig
from sphinxcontrib_highlight.sphinxext.formatting import render_entry, rendering_problems
from sphinxcontrib_highlight.styles import find_style, style_names
from sphinxcontrib_highlight.warning_types import WARNING_TYPE, Warn

if TYPE_CHECKING:
    from collections.abc import Sequence

#: The style ``render`` and ``check`` use unless told: the build's reference-list default.
DEFAULT_STYLE = HighlightConfig().reference_style
DEFAULT_ENCODING = HighlightConfig().bibfile_encoding


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
    try:
        find_style(name)
    except LookupError:
        parser.error(f"no style named {name!r}; installed styles: {', '.join(style_names())}")


def _article_key(bibliography: Bibliography, wanted: str | None) -> str | None:
    """The article's key as ``highlight_article`` picks it: the named one, else the first."""
    entry = bibliography.get(wanted) if wanted else None
    if entry is not None:
        return str(entry.key)
    keys = bibliography.keys()
    return keys[0] if keys else None


def cmd_render(args: argparse.Namespace) -> int:
    """Print every entry (but the article, if asked), numbered, in file order."""
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
    items = [
        (entry.key, render_entry(args.style, entry, lookup=bibliography.get).text)
        for entry in bibliography.entries.values()
        if entry.key != skip
    ]
    _write(markup.numbered_list(items, args.format), args.output)
    return 1 if _unreadable(bibliography) else 0


def cmd_convert(args: argparse.Namespace) -> int:
    """Write every entry in another format."""
    bibliography = _load(args)
    _report(bibliography.problems, sys.stderr)
    _write(formats.FORMATS[args.to].write(bibliography), args.output)
    return 1 if _unreadable(bibliography) else 0


def check_problems(bibliography: Bibliography, style: str) -> list[BibProblem]:
    """Every problem of the files, then what rendering each entry in ``style`` reports."""
    problems = list(bibliography.problems)
    for entry in bibliography.entries.values():
        path, line = bibliography.source(entry.key) or ("", None)
        rendered = render_entry(style, entry, lookup=bibliography.get)
        problems.extend(
            BibProblem(subtype, message, path, line)
            for subtype, message in rendering_problems(style, entry, rendered)
        )
    # File by file, line by line, as a compiler reports (sorted() keeps ties in order).
    order = {bibfile.path: index for index, bibfile in enumerate(bibliography.files)}
    return sorted(problems, key=lambda p: (order.get(p.path, len(order)), p.lineno or 0))


def cmd_check(args: argparse.Namespace) -> int:
    """Report every problem; exit status 1 if there is one."""
    problems = check_problems(_load(args), args.style)
    _report(problems, sys.stdout)
    count = len(problems)
    files = len(args.files)
    print(
        f"{count} problem{'s' * (count != 1)} in {files} file{'s' * (files != 1)}",
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
    files.add_argument("files", nargs="+", metavar="FILE.bib",
                       help="BibTeX files, read as one bibliography (the first of two "
                       "entries with the same key wins)")
    files.add_argument("--encoding", default=DEFAULT_ENCODING,
                       help=f"encoding of the files (default: {DEFAULT_ENCODING})")
    style = argparse.ArgumentParser(add_help=False)
    style.add_argument("--style", default=DEFAULT_STYLE,
                       help=f"a pybtex formatting style (default: {DEFAULT_STYLE}); "
                       f"installed: {', '.join(style_names())}")
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
        help="write the entries as RIS, CSL-JSON or BibTeX",
        description="Write every entry in another format, for reference managers (RIS), "
        "citeproc and Pandoc (CSL-JSON), or as one clean BibTeX file.",
    )
    convert_.add_argument("--to", required=True, choices=sorted(formats.FORMATS),
                          help="the format to write")
    convert_.set_defaults(handler=cmd_convert, parser=convert_)

    check = commands.add_parser(
        "check", parents=[files, style],
        help="report every problem, as a Sphinx build would",
        description="Report every problem in the files (syntax errors, duplicate keys, "
        "bad encodings) and every field the style needs but an entry lacks, one per line "
        "as path:line: warning: message [highlight.subtype]. "
        "Exit status 1 if there is a problem, 0 otherwise.",
    )
    check.set_defaults(handler=cmd_check, parser=check)
    return parser


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if hasattr(args, "style"):
        _check_style(args.style, args.parser)
    status: int = args.handler(args)
    return status
