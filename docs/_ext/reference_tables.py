"""Doc-only directives that render reference material from the code, so it cannot drift.

``highlight-config-table`` lists every configuration value from
:class:`sphinxcontrib_highlight.sphinxext.config.HighlightConfig` with its default and
the values it accepts, and ``highlight-config-values`` describes each one as a
``confval``; ``highlight-warnings-table`` lists every warning subtype from
:class:`sphinxcontrib_highlight.warning_types.Warn`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_highlight import warning_types
from sphinxcontrib_highlight.sphinxext import config

if TYPE_CHECKING:
    import dataclasses

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


def _default(option: dataclasses.Field[Any]) -> str:
    """The default as a user writes it in conf.py (a list, not the tuple kept)."""
    value = config.default_of(option)
    return repr(list(value)) if isinstance(value, tuple) else repr(value)


def _type(option: dataclasses.Field[Any]) -> str:
    """The field's annotation as a user sees it: lists are kept as tuples."""
    return str(option.type).replace("tuple[str, ...]", "list[str]")


class ConfigTable(SphinxDirective):
    """Every ``highlight_*`` value: name, default and the values it accepts."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for option in config.config_fields():
            name = config.PREFIX + option.name
            link, _ = self.parse_inline(f":confval:`{name}`", lineno=self.lineno)
            values, _ = self.parse_inline(option.metadata["values"](), lineno=self.lineno)
            rows.append(
                [
                    nodes.paragraph("", "", *link),
                    nodes.paragraph("", "", nodes.literal(text=_default(option))),
                    nodes.paragraph("", "", *values),
                ]
            )
        return [_table(["Name", "Default", "Values"], rows)]


class ConfigValues(SphinxDirective):
    """Each ``highlight_*`` value as a ``confval``: type, default, meaning and values."""

    def run(self) -> list[nodes.Node]:
        lines = []
        for option in config.config_fields():
            lines += [
                f".. confval:: {config.PREFIX + option.name}",
                f"   :type: ``{_type(option)}``",
                f"   :default: ``{_default(option)}``",
                "",
                f"   {option.metadata['help']}",
                "",
                f"   Values: {option.metadata['values']()}",
                "",
            ]
        return self.parse_text_to_nodes("\n".join(lines))


class WarningsTable(SphinxDirective):
    """Every warning subtype with its docstring and how to suppress it."""

    def run(self) -> list[nodes.Node]:
        analyzer = ModuleAnalyzer.for_module(warning_types.__name__)
        docs = analyzer.find_attr_docs()
        rows = []
        for member in warning_types.Warn:
            name = f"{warning_types.WARNING_TYPE}.{member.value}"
            text = " ".join(docs[("Warn", member.name)]).strip()  # each one documented
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
    app.add_directive("highlight-config-values", ConfigValues)
    app.add_directive("highlight-warnings-table", WarningsTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
