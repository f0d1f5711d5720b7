"""``.. highlight-style-gallery:: BIBFILE``: every built-in style on the same entries.

For each style this package registers (read from its entry points, so a new style joins
the gallery by being registered), the directive writes a section with the bundled
highlight's citation block and reference list, and every entry of ``BIBFILE`` (entries of
varied types), all through the extension's own directives.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parsing import nested_parse_to_nodes

from sphinxcontrib_highlight.bibliography.database import load_file
from sphinxcontrib_highlight.styles import GROUP

from . import gallery_pdf

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx


def builtin_styles() -> list[str]:
    """The styles this package registers, sorted by name."""
    return sorted(
        point.name
        for point in entry_points(group=GROUP)
        if point.value.startswith("sphinxcontrib_highlight.")
    )


class StyleGallery(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        bibfile = self.arguments[0]
        _, path = self.env.relfn2path(bibfile, self.env.docname)
        keys = [entry.key for entry in load_file(Path(path), "utf-8").entries.values()]
        missing = gallery_pdf.missing_tools()
        lines: list[str] = []
        for style in builtin_styles():
            title = f"``{style}``"
            body = "\n".join([
                f".. highlight-citation::\n   :style: {style}",
                "",
                f".. rubric:: Entries of other types ({Path(bibfile).name})",
                "",
                f".. highlight-references::\n   :style: {style}\n   :bibfile: {Path(bibfile).name}",
                f"   :keys: {', '.join(keys)}",
                "",
                ".. rubric:: The bundled highlight's references",
                "",
                f".. highlight-references::\n   :style: {style}",
                "",
            ])
            lines += [title, "-" * len(title), "", ".. container:: highlight-gallery-pair", ""]
            html_side = [".. container:: highlight-gallery-html", "", *_indented(body)]
            pdf_side = [".. container:: highlight-gallery-pdf", "",
                        *_indented(self.pdf_side(style, body, Path(path), missing))]
            lines += _indented("\n".join([*html_side, "", *pdf_side]))
            lines.append("")
        text = "\n".join(lines)
        content = StringList(text.splitlines(), source=self.get_source_info()[0])
        return nested_parse_to_nodes(self.state, content, allow_section_headings=True)


    def pdf_side(self, style: str, body: str, bibfile: Path, missing: list[str]) -> str:
        """The first page of the style's PDF and a link to the whole file, or why not."""
        if missing:
            return (
                f"*No PDF preview: this build had no {', '.join(missing)}* "
                "(``bash scripts/dev docs`` installs them)."
            )
        pdf, png = gallery_pdf.preview(Path(self.env.srcdir), style, body, bibfile)
        return "\n".join([
            f".. image:: {png}",
            f"   :alt: The first page of the PDF in style {style}",
            "",
            f"PDF (xelatex): :download:`the whole file <{pdf}>`",
        ])


def _indented(text: str) -> list[str]:
    return [f"   {line}" if line else "" for line in text.split("\n")]


def setup(app: Sphinx) -> dict[str, bool]:
    app.add_directive("highlight-style-gallery", StyleGallery)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
