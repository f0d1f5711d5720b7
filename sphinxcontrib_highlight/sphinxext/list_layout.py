"""The reference list's nodes laid out as its style asks, for every builder.

A style's list form (:mod:`sphinxcontrib_highlight.styles.list_form`) says whether the
list is numbered "1.", labelled as the style prints its labels ("[1]", "(1)", a
superscript), or not numbered at all (author-date styles, some with a hanging indent).
Builders cannot all print a label other than "1.": Sphinx's LaTeX writer honours an
enumerated list's ``prefix`` and ``suffix``, but its HTML writer leaves them to style
sheets and its text, man and Texinfo writers print "1." whatever they say. So each
builder gets standard nodes it prints right:

- "1." lists stay the enumerated list every builder numbers by itself (the bundled
  styles' lists, byte for byte as before);
- on web pages, the list stays an ordered list (semantics, ``start``) whose items start
  with their label in a span, set in the margin or inline by the package's CSS, which
  also hides the browser's numbers and sets the hanging indent;
- in LaTeX a labelled list is an enumerated list with the label's prefix and suffix;
  a list without numbers is a run of paragraphs, each with a hanging indent if the style
  has one;
- in text, man pages and Texinfo every entry is a paragraph of its own, starting with
  its label, as a reference manager pastes a list as text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.texescape import escape as latex_escape

from sphinxcontrib_highlight.sphinxext.nodes import new_element
from sphinxcontrib_highlight.styles.list_form import Label

if TYPE_CHECKING:
    from sphinxcontrib_highlight.styles.list_form import ListForm

#: How far the lines after an entry's first one are indented when the style hangs them.
LATEX_HANGING_INDENT = "1.5em"


class ListLayout:
    """The list's nodes for one reference list in one builder's format."""

    def __init__(self, form: ListForm, start: int, builder_format: str) -> None:
        self.form = form
        self.start = start
        self.format = builder_format

    @property
    def as_list(self) -> bool:
        """Whether the entries are items of a list, rather than paragraphs in a row."""
        if self.form.plain_numbers or self.format == "html":
            return True
        return self.format == "latex" and self.form.label is not None

    def classes(self) -> list[str]:
        """The list's classes: what the CSS (and any reader of the HTML) keys on."""
        classes = ["highlight-reference-list"]
        if self.form.plain_numbers:
            return classes
        if self.form.label is None:
            classes.append("highlight-unnumbered")
        else:
            classes += ["highlight-labelled",
                        f"highlight-align-{self.form.second_field_align or 'inline'}"]
        if self.form.hanging_indent:
            classes.append("highlight-hanging-indent")
        return classes

    def list_node(self) -> nodes.Element:
        """The element the entries go in."""
        if not self.as_list:
            return nodes.container(classes=self.classes())
        prefix, suffix = "", "."
        if not self.form.plain_numbers:
            prefix, suffix = self._affixes()
        enumeration = nodes.enumerated_list(
            enumtype="arabic", prefix=prefix, suffix=suffix, classes=self.classes()
        )
        if self.start != 1:
            enumeration["start"] = self.start
        return enumeration

    def item_node(self, children: list[nodes.Node], **attributes: Any) -> nodes.Element:
        """One entry's element: a list item, or a container of its paragraphs."""
        kind = nodes.list_item if self.as_list else nodes.container
        return new_element(kind, children, classes=["highlight-reference"], **attributes)

    def mark(self, item: nodes.Element, number: int) -> None:
        """Start the entry's text (the item's first paragraph) with what this format
        needs: its label, where the list does not print it; in LaTeX, the raw commands
        of a hanging indent, under which the links line is indented as a whole."""
        label = self.form.label
        if self.form.plain_numbers:
            return
        paragraphs = list(item.findall(nodes.paragraph))
        if not paragraphs:
            return
        if self.format == "man":
            # The man writer puts vertical space (.sp) before a paragraph unless it is the
            # first visible child of its parent, as the entry's text is in its container:
            # an empty inline before it, which the writer prints as nothing, keeps the
            # entries apart from each other and from the sentence before the list.
            text = paragraphs[0]
            text.parent.insert(text.parent.index(text), nodes.inline())
        if label is not None and self.format != "latex":
            text = paragraphs[0]
            after_targets = next(
                (index for index, child in enumerate(text) if not isinstance(child, nodes.target)),
                len(text),
            )
            # Plain text has no superscript or bold ("**^1**"): the label as characters.
            shown = label if self.format != "text" else Label(label.prefix, label.suffix)
            text[after_targets:after_targets] = [label_node(shown, number), nodes.Text(" ")]
        elif label is None and self.form.hanging_indent and self.format == "latex":
            # Before the group the text is set in: TeX reads \hangindent at the
            # paragraph's end, when a group's assignments are undone.
            for index, paragraph in enumerate(paragraphs):
                paragraph.insert(0, nodes.raw("", _latex_hanging_indent(after=int(index == 0)),
                                              format="latex"))

    def _affixes(self) -> tuple[str, str]:
        """The enumerated list's prefix and suffix: for LaTeX, which prints them, the
        label's affixes as LaTeX; elsewhere the label's own characters, for the record."""
        label = self.form.label
        if label is None:
            return "", ""
        if self.format != "latex":
            return label.prefix, label.suffix
        prefix, suffix = latex_escape(label.prefix), latex_escape(label.suffix)
        if label.superscript:
            # The label is one macro argument of Sphinx's \sphinxsetlistlabels, around the
            # number: braces cannot open here and close there, \bgroup and \egroup can.
            prefix, suffix = f"$^\\bgroup\\text{{{prefix}}}", f"\\text{{{suffix}}}\\egroup$"
        if label.bold:
            prefix = f"\\bfseries {prefix}"
        return prefix, suffix


def _latex_hanging_indent(after: int) -> str:
    """Indent a paragraph's lines after the first ``after`` ones (0: all of them)."""
    return f"\\hangindent={LATEX_HANGING_INDENT}\\hangafter={after}\\relax "


def label_node(label: Label, number: int) -> nodes.inline:
    """The label as printed before an entry: a span the CSS sets apart."""
    text = nodes.Text(label.text(number))
    content: nodes.Node = text
    if label.superscript:
        content = nodes.superscript("", "", content)
    if label.bold:
        content = nodes.strong("", "", content)
    return nodes.inline("", "", content, classes=["highlight-reference-label"])
