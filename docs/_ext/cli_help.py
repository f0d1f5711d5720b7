"""``.. highlight-cli-help:: [COMMAND]``: the command line's ``--help``, from the parser.

The CLI page shows each command's help as the program prints it, generated from
:func:`sphinxcontrib_highlight.cli.main.build_parser` at build time, so it cannot drift.
"""

from __future__ import annotations

import argparse
import functools
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_highlight.cli.main import build_parser

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: A fixed width, so the page does not depend on the terminal of whoever builds it.
WIDTH = 88


def help_text(command: str | None) -> str:
    """What ``sphinx-highlight [COMMAND] --help`` prints."""
    parser = build_parser("sphinx-highlight")
    if command:
        (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = commands.choices[command]
    parser.formatter_class = functools.partial(argparse.HelpFormatter, width=WIDTH)
    return parser.format_help()


class CliHelp(SphinxDirective):
    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        command = self.arguments[0] if self.arguments else None
        prompt = f"$ sphinx-highlight {command + ' ' if command else ''}--help\n"
        text = prompt + help_text(command)
        block = nodes.literal_block(text, text, language="console")
        self.set_source_info(block)
        return [block]


def setup(app: Sphinx) -> dict[str, bool]:
    app.add_directive("highlight-cli-help", CliHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
