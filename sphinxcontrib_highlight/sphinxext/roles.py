"""The ``:hcite:`` role: in-text citation numbers that link to their reference list.

``:hcite:`key``` or ``:hcite:`key1,key2```; a key may be a DOI that no file holds (see
:mod:`.dois`). The role records the keys and leaves a
placeholder; the numbers are known only once every document has been read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util.docutils import SphinxRole

from sphinxcontrib_highlight.bibliography.doi_fetch import bare_doi
from sphinxcontrib_highlight.sphinxext.nodes import cite_placeholder, claim_id
from sphinxcontrib_highlight.sphinxext.records import CiteRecord
from sphinxcontrib_highlight.sphinxext.warnings_ import warn
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from docutils import nodes

    from sphinxcontrib_highlight.sphinxext.domain import HighlightDomain


class CiteRole(SphinxRole):
    """``:hcite:`key1,key2```: the numbers of the keys in the list each belongs to."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        # A DOI is a key too, in any form authors paste (doi:..., https://doi.org/...).
        keys = tuple(dict.fromkeys(
            bare_doi(key) or key for key in self.text.replace(",", " ").split() if key
        ))
        if not keys:
            warn(":hcite: needs at least one key", Warn.UNKNOWN_KEY, self.get_location())
            return [], []
        node = cite_placeholder(self.rawtext, keys=keys, docname=self.env.docname)
        cite_id = claim_id(self.inliner.document, node,
                           lambda: f"hcite-{self.env.new_serialno('hcite')}")
        node["cite_id"] = cite_id
        node["ids"] = [cite_id]
        domain: HighlightDomain = self.env.domains["highlight"]  # type: ignore[assignment]
        domain.add_cite(CiteRecord(self.env.docname, self.lineno, cite_id, keys))
        self.set_source_info(node)
        return [node], []

