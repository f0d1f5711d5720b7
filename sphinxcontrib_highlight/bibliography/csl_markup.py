"""A BibTeX field's LaTeX as the rich text CSL-JSON carries: Unicode and a few HTML tags.

CSL processors (citeproc-js, citeproc-py, jgm/citeproc, ours) read a small set of tags
inside string variables: ``<i>``, ``<b>``, ``<sup>``, ``<sub>``,
``<span style="font-variant:small-caps;">`` and ``<span class="nocase">``. Everything
else in a value is text, so ``&``, ``<`` and ``>`` are written as ``&amp;``, ``&lt;`` and
``&gt;``: a title such as ``A <b> tag & more`` must never become markup.

- Formatting commands become tags: ``\\emph``/``\\textit`` ``<i>``, ``\\textbf`` ``<b>``,
  ``\\textsc`` small caps, ``\\textsuperscript``/``$^{..}$`` ``<sup>``, as citation.js
  and pandoc do (Zotero's import knows only ``\\textit``, ``\\textbf`` and ``\\textsc``).
- In title fields a brace group that does not start with a command is BibTeX's case
  protection: ``{DNA}`` becomes ``<span class="nocase">DNA</span>`` so a style's
  ``text-case`` leaves it alone (pandoc's reader does the same; ``{\\"O}`` is a special
  character, not a protection, in BibTeX's own rules).
- Every other piece of LaTeX goes to the project's decoder
  (:func:`~sphinxcontrib_highlight.bibliography.latex.strict_plain_text`); a command it does
  not know is dropped and its argument kept, so no backslash reaches a reader.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

from sphinxcontrib_highlight.bibliography.latex import (
    InvalidLatexError,
    latex_text,
    plain_text,
    strict_plain_text,
)
from sphinxcontrib_highlight.bibliography.urls import unescape as unescape_url

ITALIC = ("<i>", "</i>")
BOLD = ("<b>", "</b>")
SMALL_CAPS = ('<span style="font-variant:small-caps;">', "</span>")
SUPERSCRIPT = ("<sup>", "</sup>")
SUBSCRIPT = ("<sub>", "</sub>")
NOCASE = ('<span class="nocase">', "</span>")
QUOTES = ("\u201c", "\u201d")
PLAIN = ("", "")

#: Commands whose one argument is formatted (biblatex's ``\mkbib...`` included).
_FORMAT_COMMANDS = {
    "emph": ITALIC, "textit": ITALIC, "textsl": ITALIC, "mkbibemph": ITALIC,
    "mkbibitalic": ITALIC,
    "textbf": BOLD, "mkbibbold": BOLD, "strong": BOLD,
    "textsc": SMALL_CAPS,
    "textsuperscript": SUPERSCRIPT, "mkbibsuperscript": SUPERSCRIPT,
    "textsubscript": SUBSCRIPT,
    "enquote": QUOTES, "mkbibquote": QUOTES,
    "textrm": PLAIN, "textsf": PLAIN, "texttt": PLAIN, "textup": PLAIN, "textmd": PLAIN,
    "textnormal": PLAIN, "mbox": PLAIN, "text": PLAIN, "hbox": PLAIN,
    "mathrm": PLAIN, "mathit": ITALIC, "mathbf": BOLD, "mathsf": PLAIN, "mathtt": PLAIN,
    "ensuremath": PLAIN,
}
#: Font switches that format the rest of their group: ``{\em word}``, ``{\bf word}``.
_FONT_SWITCHES = {
    "em": ITALIC, "it": ITALIC, "itshape": ITALIC, "sl": ITALIC, "slshape": ITALIC,
    "bf": BOLD, "bfseries": BOLD,
    "sc": SMALL_CAPS, "scshape": SMALL_CAPS,
    "rm": PLAIN, "sf": PLAIN, "tt": PLAIN, "upshape": PLAIN, "normalfont": PLAIN,
    "mdseries": PLAIN, "rmfamily": PLAIN, "sffamily": PLAIN, "ttfamily": PLAIN,
}
#: Commands whose argument is never printed: ``\noopsort{1}`` only steers BibTeX's sorting.
_SILENT_WITH_ARGUMENT = frozenset({"noopsort", "sortnoop", "SortNoop", "nosort", "hyphenation"})
#: Commands the decoder leaves as they are, as the text they print.
_WORDS = {
    "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "TeX": "TeX", "BibTeX": "BibTeX",
    "XeTeX": "XeTeX", "LuaTeX": "LuaTeX", "dots": "\u2026", "relax": "", "newline": " ",
    "par": " ", "linebreak": " ", "allowbreak": "", "slash": "/", "nobreakspace": "\u00a0",
    "textasciitilde": "~", "textasciicircum": "^", "textbackslash": "\\", "textbar": "|",
    "textless": "<", "textgreater": ">",
    "textquotedbl": '"', "textunderscore": "_", "textbraceleft": "{", "textbraceright": "}",
    "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "o": "ø", "O": "Ø",
    "ss": "ß", "l": "ł", "L": "Ł", "i": "\u0131", "j": "\u0237", "dh": "ð", "DH": "Ð", "th": "þ",
    "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
}
#: Accents, whose argument (``\"o``, ``\"{o}``, ``\c c``) the decoder composes.
_ACCENTS = frozenset("'`^\"~=.") | frozenset({"u", "v", "H", "c", "k", "r", "d", "b", "t"})
#: ``\&`` and its kind: the character itself.
_ESCAPED = frozenset("&%$#_{}")

_TOKEN = re.compile(
    r"\\(?P<word>[A-Za-z]+)\s*"  # a command word eats the spaces after it
    r"|\\(?P<symbol>[^A-Za-z])"
    r"|(?P<open>\{)|(?P<close>\})|(?P<math>\$)"
    r"|(?P<text>[^\\{}$]+)"
)
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # not the no-break space of "~"
#: What makes a value more than its characters: a command, a brace group, math, or what
#: the decoder reads (a tie, a comment sign, dashes and quote ligatures); see
#: ``latex._NEEDS_DECODER``.
_LATEX_OR_LIGATURE = re.compile(r"[\\{}$~%]|--|``|''|<<|>>|!`|\?`")
_LEFTOVER = re.compile(r"\\([A-Za-z]+|.)")
_LEFTOVER_WORD = re.compile(r"\\[A-Za-z]")
_SCRIPT = re.compile(r"[\^_]")


@dataclass
class _Node:
    """A parsed piece of a value: text, a command, a brace group or inline math."""

    kind: str  # "text", "word", "symbol", "group", "math"
    value: str = ""
    children: list[_Node] = field(default_factory=list)

    def source(self) -> str:
        """The LaTeX this node was parsed from (for the decoder)."""
        if self.kind == "group":
            return "{" + "".join(child.source() for child in self.children) + "}"
        if self.kind == "math":
            return "$" + "".join(child.source() for child in self.children) + "$"
        if self.kind == "word":
            return f"\\{self.value} "
        if self.kind == "symbol":
            return f"\\{self.value}"
        return self.value


def _parse(value: str) -> list[_Node]:
    """The value as a tree of brace groups and math; an unbalanced ``}`` is dropped and an
    unclosed ``{`` or ``$`` closes at the end."""
    root = _Node("group")
    stack = [root]
    for match in _TOKEN.finditer(value):
        kind = match.lastgroup
        here = stack[-1]
        if kind == "word":
            here.children.append(_Node("word", match.group("word")))
        elif kind == "symbol":
            here.children.append(_Node("symbol", match.group("symbol")))
        elif kind == "open":
            stack.append(_Node("group"))
            here.children.append(stack[-1])
        elif kind == "close":
            if len(stack) > 1 and here.kind == "group":
                stack.pop()
        elif kind == "math":
            if here.kind == "math":
                stack.pop()
            else:
                stack.append(_Node("math"))
                here.children.append(stack[-1])
        else:
            here.children.append(_Node("text", match.group("text")))
    return root.children


class _Segment(NamedTuple):
    """A piece of the rich text being written: text as it reads, or one of the
    mapping's own tags. Text is escaped only once the pieces are joined, so text from
    two sources side by side (``<b`` and a formula's ``>``) cannot form a tag."""

    text: str
    markup: bool = False


def _wrapped(tags: tuple[str, str], content: list[_Segment]) -> list[_Segment]:
    return [_Segment(tags[0], markup=True), *content, _Segment(tags[1], markup=True)]


def _merged(segments: list[_Segment]) -> list[_Segment]:
    """Neighbouring text segments as one."""
    merged: list[_Segment] = []
    for segment in segments:
        if merged and not segment.markup and not merged[-1].markup:
            merged[-1] = _Segment(merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def _joined(segments: list[_Segment]) -> str:
    return "".join(
        segment.text if segment.markup else escape(segment.text) for segment in _merged(segments)
    )


class _Writer:
    """Turns the parsed tree into CSL rich text, decoding runs of plain LaTeX at once."""

    def __init__(self, protect_case: bool) -> None:
        self.protect_case = protect_case
        self.out: list[_Segment] = []
        self.pending: list[str] = []  # LaTeX source waiting for the decoder

    def text(self) -> str:
        return _joined(self.segments())

    def segments(self) -> list[_Segment]:
        self.flush()
        return self.out

    def flush(self) -> None:
        if not self.pending:
            return
        source = "".join(self.pending)
        self.pending = []
        self.out.append(_Segment(_decode(source)))

    def emit(self, segments: list[_Segment]) -> None:
        self.flush()
        self.out.extend(segments)

    def emit_text(self, text: str) -> None:
        self.emit([_Segment(text)])

    def write(self, nodes: list[_Node], protected: bool = False) -> None:
        """Write the nodes; a command takes its arguments from the ones after it."""
        queue = deque(nodes)
        while queue:
            node = queue.popleft()
            if node.kind == "text":
                self.pending.append(node.value)
            elif node.kind == "math":
                self.emit(_spaced_operators(_math(node.children)))
            elif node.kind == "group":
                self.write_group(node, protected)
            elif node.kind == "symbol":
                self.write_symbol(node, queue)
            else:
                self.write_word(node, queue, protected)

    def write_group(self, group: _Node, protected: bool) -> None:
        """A brace group: a font switch's scope, a special character, or (in a title,
        outside any other protection) a case protection."""
        first = group.children[0] if group.children else None
        if first is not None and first.kind == "word" and first.value in _FONT_SWITCHES:
            self.wrap(_FONT_SWITCHES[first.value], group.children[1:], protected)
        elif first is not None and first.kind in ("word", "symbol"):
            # {\"O}, {\ss}, {\emph{x}}: BibTeX's "special character", whose case its
            # case changes reach (citation.js reads it so too), so not a protection.
            self.write(group.children, protected)
        elif self.protect_case and not protected and _has_letter(group):
            self.wrap(NOCASE, group.children, protected=True)
        else:
            self.write(group.children, protected)

    def wrap(self, tags: tuple[str, str], nodes: list[_Node], protected: bool) -> None:
        inner = _Writer(self.protect_case)
        inner.write(nodes, protected)
        content = inner.segments()
        if tags != PLAIN and any(segment.markup or segment.text.strip() for segment in content):
            self.emit(_wrapped(tags, content))
        elif any(segment.text for segment in content):
            self.emit(content)

    def write_symbol(self, node: _Node, queue: deque[_Node]) -> None:
        symbol = node.value
        if symbol in _ACCENTS:
            self.write_accent(node, queue)
        elif symbol in _ESCAPED:
            self.emit_text(symbol)
        elif symbol in " \\":
            self.pending.append(" ")  # "\ " and "\\" (a line break) are spaces here
        elif symbol != "-":  # "\-" is a discretionary hyphen
            self.pending.append(symbol)

    def write_accent(self, node: _Node, queue: deque[_Node]) -> None:
        """``\\"o``, ``\\"{o}``, ``\\c c``, ``\\'{\\i}``: to the decoder with the argument."""
        accent = node.source().rstrip()
        argument = _pop_argument(queue, first_letter=True)
        if argument is None:
            self.pending.append(accent)
            return
        if argument.kind == "word" and argument.value in ("i", "j"):
            argument = _Node("text", argument.value)  # \'\i: the dotless i takes the accent
        if argument.kind in ("word", "symbol", "math"):
            queue.appendleft(argument)  # \b\\: no letter to accent; the accent goes
            return
        letter = argument.source()
        letter = re.sub(r"\\([ij])\b\s*", r"\1", letter)  # {\i} is the dotless i: i + accent
        self.pending.append(accent + (letter if letter.startswith("{") else "{" + letter + "}"))

    def write_word(self, node: _Node, queue: deque[_Node], protected: bool) -> None:
        word = node.value
        if word in _FORMAT_COMMANDS:
            argument = _pop_argument(queue, first_letter=True)
            if argument is not None:
                self.wrap(_FORMAT_COMMANDS[word], _contents(argument), protected)
        elif word in _SILENT_WITH_ARGUMENT:
            _pop_argument(queue, first_letter=False)
        elif word in _ACCENTS:
            self.write_accent(node, queue)
        elif word == "url":
            argument = _pop_argument(queue, first_letter=False)
            if argument is not None:
                self.write_url(argument, protected)
        elif word == "href":
            target = _pop_argument(queue, first_letter=False)
            label = _pop_argument(queue, first_letter=False)
            if label is not None:
                self.write(_contents(label), protected)
            elif target is not None:
                self.write_url(target, protected)
        elif word in _FONT_SWITCHES:
            # A switch outside a group of its own formats the rest of the value's level.
            self.wrap(_FONT_SWITCHES[word], list(queue), protected)
            queue.clear()
        elif word in _WORDS:
            self.emit_text(_WORDS[word])  # not to the decoder, which reads ~ and { }
            if queue and queue[0].kind == "group" and not queue[0].children:
                queue.popleft()  # \LaTeX{}, \ss{}
        else:
            # Anything else goes to the decoder, which knows hundreds of symbol commands
            # (\textendash, \textregistered, \ldots); what it leaves as a command is
            # dropped, and a group right after it is its argument, printed unprotected.
            self.pending.append(node.source())
            if queue and queue[0].kind == "group":
                self.write(queue.popleft().children, protected=True)


    def write_url(self, argument: _Node, protected: bool) -> None:
        """A URL as written (``~`` is a tilde), unless what is written is not one."""
        url = _verbatim(argument)
        if url and "\\" not in url:
            self.emit_text(url)
        else:
            self.write(_contents(argument), protected)


def _pop_argument(queue: deque[_Node], *, first_letter: bool) -> _Node | None:
    """Take a command's argument from the front of ``queue``: a group, a command, or a
    word of text; with ``first_letter`` (``\\"o``, ``\\emph x``) only the first letter of
    the text, its rest left in the queue."""
    while queue and queue[0].kind == "text" and not queue[0].value.strip():
        queue.popleft()
    if not queue:
        return None
    node = queue.popleft()
    if node.kind != "text":
        return node
    text = node.value.lstrip()
    if not first_letter:
        return _Node("text", text)
    if text[1:]:
        queue.appendleft(_Node("text", text[1:]))
    return _Node("text", text[0])


def _contents(node: _Node) -> list[_Node]:
    """What an argument holds: a group's children, or the node itself."""
    return node.children if node.kind == "group" else [node]


def _verbatim(node: _Node) -> str:
    """A URL as written: its characters are not LaTeX (``~`` is a tilde), though old files
    escape some (``\\~{}``, ``\\_``)."""
    source = node.source()
    return unescape_url(source[1:-1] if node.kind == "group" else source)


def _has_letter(node: _Node) -> bool:
    return any(char.isalpha() for char in node.source())


def _math(children: list[_Node]) -> list[_Segment]:
    """Inline math: ``^`` and ``_`` as superscript and subscript, symbols as Unicode."""
    out: list[_Segment] = []
    queue = deque(children)
    while queue:
        node = queue.popleft()
        if node.kind == "text":
            script = _SCRIPT.search(node.value)
            if script is None:
                out.append(_Segment(_math_text(node.value)))
                continue
            out.append(_Segment(_math_text(node.value[: script.start()])))
            if node.value[script.end() :]:
                queue.appendleft(_Node("text", node.value[script.end() :]))
            argument = _pop_argument(queue, first_letter=True)
            if argument is not None:
                tags = SUPERSCRIPT if script.group() == "^" else SUBSCRIPT
                out.extend(_wrapped(tags, _math(_contents(argument))))
        elif node.kind == "group":
            out.extend(_math(node.children))
        elif node.kind == "word" and node.value in _FORMAT_COMMANDS:
            argument = _pop_argument(queue, first_letter=True)
            if argument is not None:
                tags = _FORMAT_COMMANDS[node.value]
                body = _math(_contents(argument))
                out.extend(_wrapped(tags, body) if tags != PLAIN else body)
        elif node.kind == "word":
            out.append(_Segment(_math_symbol(node.value)))
        elif node.value in _ESCAPED:
            out.append(_Segment(node.value))
    return out


#: Binary operators and relations, which TeX sets with space around them.
#: (Not where a tag begins or ends: ``Ca<sup>2+</sup>`` keeps its charge.)
_OPERATOR = re.compile(
    r"(?<=[^\s>])\s*([+=\u00b1\u00d7\u2264\u2265\u2260\u2248\u2192])\s*(?=[^\s<])"
)


def _spaced_operators(formula: list[_Segment]) -> list[_Segment]:
    """A formula as TeX sets it: one space each side of a binary operator or relation
    (``α + β``), whatever spacing the source used, and none at its ends."""
    segments = _merged(formula)
    if segments and not segments[0].markup:
        segments[0] = _Segment(segments[0].text.lstrip())
    if segments and not segments[-1].markup:
        segments[-1] = _Segment(segments[-1].text.rstrip())
    # Each text segment is bounded by tags (or the formula's ends), where no space goes.
    return [
        segment if segment.markup else _Segment(_OPERATOR.sub(r" \1 ", segment.text))
        for segment in segments
    ]


def _math_text(text: str) -> str:
    """Letters, digits and operators of a formula, with the spaces its author typed
    collapsed to one: TeX spaces ``α + β`` by itself, and a reader of plain text needs
    the spaces the source holds to see the same."""
    return _SPACES.sub(" ", text)


@functools.lru_cache(maxsize=512)
def _math_symbol(name: str) -> str:
    """``\\alpha`` as α, through the decoder's table; an unknown command as its name
    (``\\log`` prints "log")."""
    decoded = strict_plain_text(f"${chr(92)}{name}$")
    return name if "\\" in decoded else decoded


def _decode(source: str) -> str:
    """Plain text of a run of LaTeX with its outer spaces kept (the decoder drops them),
    commands the decoder does not know dropped."""
    source = source.replace("\\\\", " ")  # a line break, wherever it is
    lead = " " if source[:1].isspace() else ""
    trail = " " if source[-1:].isspace() else ""
    stripped = source.strip()
    if not stripped:
        return lead
    try:
        decoded = strict_plain_text(stripped)
    except InvalidLatexError:
        decoded = plain_text(latex_text(stripped))
    # Until none is left: dropping one command can join a backslash and a word into
    # another (only \textbackslash before letters loses its backslash this way).
    decoded = _LEFTOVER.sub(_without_command, decoded)
    while _LEFTOVER_WORD.search(decoded):
        decoded = _LEFTOVER.sub(_without_command, decoded)
    return lead + decoded + trail


def _without_command(match: re.Match[str]) -> str:
    """A command word the decoder left goes; an escaped symbol (``\\?``) stays a symbol."""
    return "" if match.group(1).isalpha() else match.group(1)


#: What a CSL processor would read as markup in a field: one of the tags it knows, or
#: a character reference. Only these are escaped; any other ``&``, ``<`` or ``>`` is
#: text to every processor, and stays as Zotero's items hold it (citeproc-js prints an
#: escaped ``&amp;`` as it is written, so escaping every ``&`` changed what it prints).
_READ_AS_MARKUP = re.compile(
    r"&(?=(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)"
    r'|<(?=/?(?:i|b|sup|sub|sc)>|/?span\b)'
)
_ESCAPED_FORM = {"&": "&amp;", "<": "&lt;"}


def escape(text: str) -> str:
    """Text as CSL rich text reads it literally: what would read as markup (a known tag,
    a character reference) is escaped, everything else left as written."""
    return _READ_AS_MARKUP.sub(lambda found: _ESCAPED_FORM[found.group()], text)


@functools.lru_cache(maxsize=1 << 14)
def rich_text(value: str, *, protect_case: bool = False) -> str:
    """A field's LaTeX as CSL rich text (``protect_case`` for title fields).

    Cached by value: a crossref'd book title or a journal name recurs across entries.
    A value with nothing for the parser or the decoder to read (most journal names,
    publishers, numbers) is its own text, escaped, its spaces collapsed.
    """
    if not _LATEX_OR_LIGATURE.search(value):
        return _SPACES.sub(" ", escape(value)).strip()
    return _written(value, protect_case)


def _written(value: str, protect_case: bool) -> str:
    """:func:`rich_text` of any value: parsed, and its LaTeX decoded."""
    writer = _Writer(protect_case)
    writer.write(_parse(value))
    return _SPACES.sub(" ", writer.text()).strip()


def plain(value: str) -> str:
    """A field's LaTeX as plain text with no tags and nothing escaped (for name parts,
    identifiers and dates, which CSL never reads as rich text).

    An item's mapping asks this of some 35 values (most of them name parts, many empty),
    so what would change nothing is not done: the tags are stripped from a text that has
    a ``<``, the characters unescaped in one that has an ``&``."""
    if not value:
        return ""
    text = rich_text(value)
    if "<" in text:
        text = _TAG.sub("", text)
    return unescape(text) if "&" in text else text


_TAG = re.compile(r"<[^<>]*>")


def unescape(text: str) -> str:
    """The inverse of :func:`escape`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
