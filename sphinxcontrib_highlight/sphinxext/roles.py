"""The citation roles: ``:hcite:`` and its parenthetical and textual forms.

``:hcite:`key``` or ``:hcite:`key1,key2``` cites in the style's citation (numbers
``[1]``, or ``(Kohno et al., 2022a)``); ``:hcite:p:`` is the same, named as
sphinxcontrib-bibtex names its parenthetical role (``:cite:p:``), and ``:hcite:t:`` is
the textual form (``Kohno et al. (2022a)``, ``Kohno et al. [1]``). They live in a small
domain of their own, ``hcite``, so they never clash with sphinxcontrib-bibtex's ``cite``
domain when both extensions are loaded; a project without sphinxcontrib-bibtex may write
them ``:cite:p:`` and ``:cite:t:`` too. Each key may carry a pre-text and a post-text
(``{see}key{p. 5}``, :mod:`.cite_syntax`); a key may be a DOI that no file holds (see
:mod:`.dois`).

The role records the keys and leaves a placeholder; what it prints is known only once
every document has been read. With a note style (``highlight_reference_style``, e.g.
``chicago-note-bibliography``) the citation is an auto-numbered footnote: the reference
goes in the text, the footnote (holding a placeholder for the note's text) after the
paragraphs of its section, and docutils numbers it with the page's other footnotes, so
every builder writes it as its own footnote. Only the default style is known while
reading: a citation whose list's style decides otherwise becomes a footnote, or stops
being one, after resolution (:mod:`.notes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx.domains import Domain
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxRole

from sphinxcontrib_highlight.bibliography.doi_fetch import bare_doi
from sphinxcontrib_highlight.sphinxext.cite_syntax import CitedKey, locator_problem, parse_citation
from sphinxcontrib_highlight.sphinxext.csl_cites import citation_kind
from sphinxcontrib_highlight.sphinxext.nodes import cite_placeholder, claim_id
from sphinxcontrib_highlight.sphinxext.notes import (
    NOTE_CLASS,
    put_after_paragraphs,
    sort_trailing_footnotes,
)
from sphinxcontrib_highlight.sphinxext.records import CiteRecord
from sphinxcontrib_highlight.sphinxext.warnings_ import warn
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from sphinx.application import Sphinx
    from sphinx.config import Config

    from sphinxcontrib_highlight.sphinxext.domain import HighlightDomain

class CiteRole(SphinxRole):
    """A citation of one or more keys, parenthetical (``p``) or textual (``t``)."""

    def __init__(self, mode: str = "p") -> None:
        self.mode = mode

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        parsed = parse_citation(self.text)
        # A DOI is a key too, in any form authors paste (doi:..., https://doi.org/...).
        by_key: dict[str, CitedKey] = {}
        for cited in parsed.keys:
            key = bare_doi(cited.key) or cited.key
            by_key.setdefault(key, cited._replace(key=key))
        cited_keys = tuple(by_key.values())
        problems = [(f":{self.name}: cannot read {problem}", Warn.CITE_SYNTAX)
                    for problem in parsed.problems]
        for cited in cited_keys:
            problem = locator_problem(cited)
            if problem is not None:
                problems.append((f":{self.name}: {problem}", Warn.LOCATOR))
        if not cited_keys:
            for message, subtype in problems:  # no citation to place them: its paragraph's
                warn(message, subtype, self.get_location())
            if not parsed.problems:
                warn(f":{self.name}: needs at least one key", Warn.UNKNOWN_KEY,
                     self.get_location())
            return [], []
        keys = tuple(cited.key for cited in cited_keys)
        details = cited_keys if any(cited[1:] != ("",) * 4 for cited in cited_keys) else ()
        document = self.inliner.document
        node = cite_placeholder(self.rawtext, keys=keys, docname=self.env.docname)
        if self.mode != "p":
            node["mode"] = self.mode
        if details:
            node["details"] = tuple(tuple(cited) for cited in details)
        if problems:  # warned about once the citation's own line is known (reading.py)
            node["problems"] = tuple((message, subtype.value) for message, subtype in problems)
        in_notes = citation_kind(self.config.highlight_reference_style) == "note"
        reference = nodes.footnote_reference("", "", auto=1) if in_notes else None
        anchored = reference if reference is not None else node  # the one with the id
        cite_id = claim_id(document, anchored,
                           lambda: f"hcite-{self.env.new_serialno('hcite')}")
        node["cite_id"] = cite_id
        anchored["ids"] = [cite_id]
        domain: HighlightDomain = self.env.domains["highlight"]  # type: ignore[assignment]
        domain.add_cite(CiteRecord(self.env.docname, self.lineno, cite_id, keys,
                                   self.mode, details))
        self.set_source_info(node)
        if reference is None:
            return [node], []
        return self.as_footnote(node, reference), []

    def as_footnote(
        self, node: cite_placeholder, reference: nodes.footnote_reference
    ) -> list[nodes.Node]:
        """The footnote reference (after the names, for a textual citation) and a footnote
        holding the note's text, left for :class:`PlaceNotes` to put after the paragraphs."""
        document = self.inliner.document
        name = f"{reference['ids'][0]}-note"
        reference["refname"] = name
        document.note_footnote_ref(reference)
        note = node.deepcopy()
        note["part"] = "note"
        footnote = nodes.footnote("", nodes.paragraph("", "", note), auto=1,
                                  classes=[NOTE_CLASS], names=[name])
        self.set_source_info(footnote)
        document.note_autofootnote(footnote)
        document.note_explicit_target(footnote, footnote)
        pending: list[nodes.footnote] = document.setdefault("highlight_notes", [])
        pending.append(footnote)
        if self.mode == "t":  # the names in the text, the rest in the note
            self.set_source_info(node)
            node["part"] = "inline"
            node["ids"] = []
            return [node, reference]
        return [reference]

class PlaceNotes(SphinxTransform):
    """Put each citation footnote a role made into the document: after the last
    paragraph of the section that cites it (before its subsections), where an author
    writes ``.. [#]`` footnotes. Runs before docutils numbers footnotes."""

    default_priority = 600

    def apply(self, **kwargs: Any) -> None:
        pending: list[nodes.footnote] = self.document.attributes.pop("highlight_notes", [])
        if not pending:
            return
        by_name = {footnote["names"][0]: footnote for footnote in pending}
        pairs = []
        for reference in list(self.document.findall(nodes.footnote_reference)):
            footnote = by_name.pop(reference.get("refname", ""), None)
            if footnote is not None:
                pairs.append((reference, footnote))
        touched = put_after_paragraphs(pairs)
        sort_trailing_footnotes(touched, self.number_in_reading_order())

    def number_in_reading_order(self) -> Callable[[nodes.Node], int]:
        """Order the auto-numbered footnotes as a reader meets them: a named one where
        its first reference is, any other where it stands. docutils numbers them in the
        order they were noted, and a citation's footnote is noted when its role is read,
        before an author's ``.. [#note]`` further down; the author's note then took a
        number after every citation's."""
        position = {id(node): index for index, node in enumerate(self.document.findall())}
        refs = self.document.footnote_refs

        def met_at(footnote: nodes.Node) -> int:
            names = footnote["names"] if isinstance(footnote, nodes.Element) else []
            first_refs = [ref for name in names for ref in refs.get(name, ())]
            return min((position.get(id(ref), len(position)) for ref in first_refs),
                       default=position.get(id(footnote), len(position)))

        self.document.autofootnotes.sort(key=met_at)
        return met_at


class CiteDomain(Domain):
    """The ``hcite`` domain: ``:hcite:p:`` and ``:hcite:t:``, and nothing else to keep."""

    name = "hcite"
    label = "Highlight citation roles"
    roles: ClassVar[dict[str, Any]] = {"p": CiteRole("p"), "t": CiteRole("t")}

    def clear_doc(self, docname: str) -> None:
        pass  # the records live in the highlight domain

    def merge_domaindata(self, docnames: Any, otherdata: dict[str, Any]) -> None:
        pass  # nothing of its own to merge

    def resolve_any_xref(self, *args: Any) -> list[Any]:
        return []  # its roles are citations, not cross-references


class CiteAliasDomain(CiteDomain):
    """``:cite:p:`` and ``:cite:t:``, sphinxcontrib-bibtex's names for the same roles,
    for a project that does not load sphinxcontrib-bibtex (whose domain is ``cite``)."""

    name = "cite"
    label = "Highlight citation roles (sphinxcontrib-bibtex's names)"


def add_cite_aliases(app: Sphinx, _config: Config) -> None:
    """Sphinx event ``config-inited``, once every extension is set up: give the roles
    sphinxcontrib-bibtex's names too, unless another extension owns the ``cite`` domain."""
    if CiteAliasDomain.name not in app.registry.domains:
        app.add_domain(CiteAliasDomain)
