"""Doc-only directives that render reference tables from the code, so they cannot drift.

``highlight-config-table`` lists every configuration value from
:class:`sphinxcontrib_highlight.sphinxext.config.HighlightConfig`; ``highlight-warnings-table``
lists every warning subtype from :class:`sphinxcontrib_highlight.sphinxext.warnings_.Warn`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_highlight.sphinxext import config, warnings_

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _table(headers: list[str], rows: list[list[nodes.Node]]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in headers)
    head = nodes.thead()
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=h)) for h in headers))
    group += head
    body = nodes.tbody()
    for cells in rows:
        body += nodes.row("", *(nodes.entry("", cell) for cell in cells))
    group += body
    return table


class ConfigTable(SphinxDirective):
    """Every ``highlight_*`` value: name, default, rebuild and meaning."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for option in config.config_fields():
            help_nodes, _ = self.parse_inline(option.metadata["help"], lineno=self.lineno)
            rows.append(
                [
                    nodes.paragraph("", "", nodes.literal(text=config.PREFIX + option.name)),
                    nodes.paragraph("", "", nodes.literal(text=repr(config.default_of(option)))),
                    nodes.paragraph("", "", *help_nodes),
                ]
            )
        return [_table(["Name", "Default", "Meaning"], rows)]


class WarningsTable(SphinxDirective):
    """Every warning subtype with its docstring and how to suppress it."""

    def run(self) -> list[nodes.Node]:
        analyzer = ModuleAnalyzer.for_module(warnings_.__name__)
        docs = analyzer.find_attr_docs()
        rows = []
        for member in warnings_.Warn:
            name = f"{warnings_.WARNING_TYPE}.{member.value}"
            text = " ".join(docs.get(("Warn", member.name), [""])).strip()
            meaning, _ = self.parse_inline(text, lineno=self.lineno)
            rows.append(
                [
                    nodes.paragraph("", "", nodes.literal(text=name)),
                    nodes.paragraph("", "", *meaning),
                ]
            )
        return [_table(["suppress_warnings entry", "When"], rows)]


def setup(app: Sphinx) -> dict[str, bool]:
    app.add_directive("highlight-config-table", ConfigTable)
    app.add_directive("highlight-warnings-table", WarningsTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
