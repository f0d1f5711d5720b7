"""The ``highlight-citation`` and ``highlight-references`` directives.

They check their arguments and options, record what they ask for in the domain and leave
a placeholder. They do not read the BibTeX files: what a page shows is resolved after
every document is read (see :mod:`.domain`), so an edited file rewrites exactly the pages
whose output changes, without re-reading any source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_highlight.bibliography.doi_fetch import bare_doi
from sphinxcontrib_highlight.sphinxext import options as opt
from sphinxcontrib_highlight.sphinxext.config import warn_style_problems
from sphinxcontrib_highlight.sphinxext.nodes import (
    citation_block_placeholder,
    claim_id,
    reference_list_placeholder,
)
from sphinxcontrib_highlight.sphinxext.records import BlockRecord, ListMode, ListRecord
from sphinxcontrib_highlight.sphinxext.sources import BibSource
from sphinxcontrib_highlight.sphinxext.warnings_ import warn
from sphinxcontrib_highlight.styles import style_error
from sphinxcontrib_highlight.styles.terms import term
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from docutils import nodes

    from sphinxcontrib_highlight.sphinxext.domain import HighlightDomain


class _HighlightDirective(SphinxDirective):
    """Shared checks: unknown and invalid options, arguments and content not taken."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    takes_argument: ClassVar[bool] = False
    takes_content: ClassVar[bool] = False
    argument_hint: ClassVar[str] = ""
    """What to write instead of an argument the directive does not take."""

    def checked_options(self) -> dict[str, Any]:
        """The valid options; each unknown or invalid one is reported and dropped."""
        valid = {}
        for name, value in self.options.items():
            if isinstance(value, opt.Unknown):
                known = ", ".join(f":{option}:" for option in sorted(self.option_spec or ()))
                self.problem(f"unknown option :{name}: (options: {known})")
            elif isinstance(value, opt.Invalid):
                self.problem(f"invalid value {value.raw!r} for option :{name}: ({value.reason})")
            else:
                valid[name] = value
        if self.arguments and not self.takes_argument:
            self.problem(
                f"takes no argument; {self.arguments[0]!r} is ignored{self.argument_hint}"
            )
        if self.content and not self.takes_content:
            self.problem("takes no content; it is ignored")
        return valid

    def problem(self, message: str, subtype: Warn = Warn.DIRECTIVE) -> None:
        warn(f"{self.name}: {message}", subtype, self.get_location())

    def bibfiles(self, options: dict[str, Any]) -> tuple[str, ...]:
        """The files of this directive's ``:bibfile:``, or the configured ones."""
        return BibSource.for_directive(
            self.env, options.get("bibfile"), self.get_location()
        ).paths

    def style_name(self, options: dict[str, Any], default: str) -> str:
        """The ``:style:`` option if a style of that name exists, else ``default``."""
        name = str(options.get("style", default))
        # A .csl file of the option is found as Sphinx finds a directive's files:
        # relative to the document, or to the source directory when it starts with "/"
        # (the configured default is already absolute, from conf.py's directory).
        given = "style" in options and name.endswith(".csl")
        path = self.env.relfn2path(name)[1] if given else name
        reason = style_error(path)
        if reason:
            self.problem(f"{reason}; using {default!r}", Warn.STYLE)
            return default
        warn_style_problems(path)
        return path

    @property
    def domain(self) -> HighlightDomain:
        return self.env.domains["highlight"]  # type: ignore[return-value]


class CitationDirective(_HighlightDirective):
    """``.. highlight-citation:: [KEY]``: an entry's "Cite this article" block."""

    takes_argument = True
    option_spec: ClassVar[dict[str, Any]] = opt.OptionSpec(
        heading=opt.lenient(opt.text),
        bibfile=opt.lenient(opt.text),
        style=opt.lenient(opt.text),
    )

    def run(self) -> list[nodes.Node]:
        options = self.checked_options()
        key = self.arguments[0].strip() if self.arguments else None
        key = (bare_doi(key) or key) if key else key  # a DOI in any form is a key too
        if key is not None and len(key.split()) > 1:
            self.problem(f"expected one key, got {key!r}", Warn.UNKNOWN_KEY)
            return []
        node = citation_block_placeholder(docname=self.env.docname)
        block_id = claim_id(
            self.state.document, node,
            lambda: f"highlight-citation-{self.env.new_serialno('highlight-citation')}",
        )
        node["block_id"] = block_id
        self.domain.add_block(
            BlockRecord(
                docname=self.env.docname,
                lineno=self.lineno,
                block_id=block_id,
                key=key,
                bibfiles=self.bibfiles(options),
                style=self.style_name(options, self.config.highlight_citation_style),
                heading=options.get("heading") or term("Cite this article"),
            )
        )
        self.set_source_info(node)
        return [node]


class ReferencesDirective(_HighlightDirective):
    """``.. highlight-references::``: a numbered reference list."""

    takes_content = True
    argument_hint = " (to list entries, give their keys in :keys: or in the content)"
    option_spec: ClassVar[dict[str, Any]] = opt.OptionSpec(
        keys=opt.lenient(opt.key_list),
        cited=opt.lenient(opt.cited_scope),
        bibfile=opt.lenient(opt.text),
        style=opt.lenient(opt.text),
        start=opt.lenient(opt.positive_int),
    )

    def run(self) -> list[nodes.Node]:
        options = self.checked_options()
        keys = tuple(options.get("keys", ())) + tuple(
            key for line in self.content for key in line.replace(",", " ").split()
        )
        cited = options.get("cited")
        if keys and cited:
            self.problem(":cited: and a list of keys exclude each other; the keys are used")
        if keys:
            mode = ListMode.KEYS
        elif cited:
            mode = ListMode.PROJECT if cited == "project" else ListMode.CITED
        else:
            mode = ListMode.ALL
        node = reference_list_placeholder(docname=self.env.docname)
        anchor = claim_id(
            self.state.document, node,
            lambda: f"highlight-references-{self.env.new_serialno('highlight-list')}",
        )
        list_id = f"{self.env.docname}#{anchor.rsplit('-', 1)[1]}"  # the list's serial
        node["list_id"] = list_id
        self.domain.add_list(
            ListRecord(
                docname=self.env.docname,
                lineno=self.lineno,
                list_id=list_id,
                mode=mode,
                keys=tuple(dict.fromkeys(bare_doi(key) or key for key in keys)),
                bibfiles=self.bibfiles(options),
                style=self.style_name(options, self.config.highlight_reference_style),
                start=options.get("start", 1),
            )
        )
        self.set_source_info(node)
        return [node]
