"""A format-agnostic rich-text tree, the CSL engine's only output type.

The renderer builds ``Text`` leaves inside ``Span`` nodes that carry CSL's formatting
(font style, weight, variant, decoration, vertical alignment, quotes, display). Nothing
here knows HTML until a serialiser runs, so a later Sphinx-side module can turn the same
tree into docutils nodes. The serialisers do the work that needs the whole output in
order: flip-flopping nested italics and quotes, moving punctuation into quotes, and
collapsing doubled punctuation where two rendered pieces meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

#: Formatting attributes a span may carry, with CSL's attribute names.
FORMAT_KEYS = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


@dataclass(slots=True)
class Text:
    """A run of plain characters; never contains markup.

    ``from_term`` marks text a locale term produced: note styles capitalise a term
    that opens a citation ("Ibid.")."""

    text: str
    from_term: bool = False
    #: Which parsed string the text came from (0: made by the renderer). Punctuation
    #: is only merged or moved where two different pieces meet.
    origin: int = 0


@dataclass(slots=True)
class Span:
    """Children with one set of formatting.

    ``formatting`` maps CSL attribute names (``font-style`` ...) to values. ``quotes``
    wraps the children in the locale's quote marks (outer or inner by nesting depth).
    ``nocase`` protects the children from text-case transforms. ``display`` is CSL's
    display attribute (``block``, ``left-margin``, ``right-inline``, ``indent``).
    ``link`` makes the children a hyperlink to that URL (callers set it; the CSL
    test suite's output has none).
    """

    children: list[Node] = field(default_factory=list)
    formatting: dict[str, str] = field(default_factory=dict)
    quotes: bool = False
    nocase: bool = False
    display: str | None = None
    link: str | None = None


Node = Text | Span


@dataclass(frozen=True)
class QuoteMarks:
    """The locale's quote characters, needed only when serialising."""

    open: str = "\u201c"
    close: str = "\u201d"
    open_inner: str = "\u2018"
    close_inner: str = "\u2019"
    punctuation_in_quote: bool = False


# ----------------------------------------------------------------------------- building


def is_empty(node: Node | None) -> bool:
    """True when the node renders no characters at all.

    Every level of rendering asks this of what the level below returned, so it walks
    the tree without recursion and stops at the first character."""
    if node is None:
        return True
    if isinstance(node, Text):
        return node.text == ""
    # Most trees open with a leaf that has text (joins drop empty parts): found by
    # going down the first children, without building a stack.
    first: Node = node
    while type(first) is Span and first.children:
        first = first.children[0]
    if type(first) is Text and first.text:
        return False
    pending = list(node.children)
    while pending:
        child = pending.pop()
        if isinstance(child, Text):
            if child.text:
                return False
        else:
            pending.extend(child.children)
    return True


def join(parts: Iterable[Node | None], delimiter: str = "") -> Node | None:
    """The non-empty parts joined by a delimiter, or None when nothing is left.

    A single part is given back as it is: a span around it alone would print the same
    and only cost a tree of objects (the garbage collector walks each of them)."""
    kept = [p for p in parts if not is_empty(p)]
    if not kept:
        return None
    if len(kept) == 1:
        return kept[0]
    out: list[Node] = []
    for i, part in enumerate(kept):
        if i and delimiter:
            out.append(Text(delimiter))
        out.append(part)  # type: ignore[arg-type]
    return Span(out)


def affixed(node: Node | None, prefix: str = "", suffix: str = "") -> Node | None:
    """The node between its affixes; affixes of an empty node vanish with it."""
    if is_empty(node):
        return None
    return with_affixes(node, prefix, suffix)  # type: ignore[arg-type]


def with_affixes(node: Node, prefix: str = "", suffix: str = "") -> Node:
    """A node known not to be empty between its affixes."""
    if not prefix and not suffix:
        return node
    children: list[Node] = [node]
    if prefix:
        children.insert(0, Text(prefix))
    if suffix:
        children.append(Text(suffix))
    return Span(children)


def plain(node: Node | None) -> str:
    """The characters of the tree without any formatting (quotes not included)."""
    if node is None:
        return ""
    if isinstance(node, Text):
        return node.text
    pieces: list[str] = []
    _add_plain(node, pieces)
    return "".join(pieces)


def _add_plain(span: Span, pieces: list[str]) -> None:
    for child in span.children:
        if isinstance(child, Text):
            pieces.append(child.text)
        else:
            _add_plain(child, pieces)


def leaves(node: Node, protected: bool = False) -> Iterator[tuple[Text, bool]]:
    """Every text leaf in order, with whether a ``nocase`` span protects it."""
    if isinstance(node, Text):
        yield node, protected
        return
    for child in node.children:
        yield from leaves(child, protected or node.nocase)


def first_leaf(node: Node | None) -> Text | None:
    for leaf, _ in leaves(node) if node is not None else ():
        if leaf.text:
            return leaf
    return None


def trim_end(node: Node) -> None:
    """Drop whitespace the tree ends with (an entry's last affix space)."""
    last = _last_leaf_with_text(node)
    if last is not None:
        last.text = last.text.rstrip()


def _last_leaf_with_text(node: Node) -> Text | None:
    if isinstance(node, Text):
        return node if node.text else None
    for child in reversed(node.children):
        found = _last_leaf_with_text(child)
        if found is not None:
            return found
    return None


# ------------------------------------------------------------------- parsing field markup

_TAGS = {
    "<i>": ("font-style", "italic"),
    "<b>": ("font-weight", "bold"),
    "<sup>": ("vertical-align", "sup"),
    "<sub>": ("vertical-align", "sub"),
    '<span style="font-variant:small-caps;">': ("font-variant", "small-caps"),
    '<span style="font-variant: small-caps;">': ("font-variant", "small-caps"),
    '<span class="nocase">': ("nocase", "nocase"),
    '<span class="nodecor">': ("nodecor", "normal"),
    "<sc>": ("font-variant", "small-caps"),
}
_CLOSERS = {
    "</i>": "<i>",
    "</b>": "<b>",
    "</sup>": "<sup>",
    "</sub>": "<sub>",
    "</span>": "span",
    "</sc>": "<sc>",
}

#: Any opening or closing tag :func:`parse_markup` knows, matched where a ``<`` stands:
#: one regular-expression match in place of a ``startswith`` per tag (no tag is the
#: start of another, so at most one can match). A title the BibTeX mapping protects
#: whole (``<span class="nocase">…</span>``) tried up to fifteen tags at its two ``<``.
_TAG_AT = re.compile("|".join(re.escape(tag) for tag in (*_TAGS, *_CLOSERS)))

#: The character references a CSL-JSON string may use for a character that would
#: otherwise read as markup (``&lt;`` for a literal ``<``), as HTML writes them.
_REFERENCE = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def unescape(text: str) -> str:
    """The text with its character references (``&amp;``, ``&#60;``) as characters."""
    def character(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _NAMED:
            return _NAMED[name]
        code = int("0" + name[1:], 16) if name[1] in "xX" else int(name[1:])
        return chr(code) if 0 < code < 0x110000 else match.group(0)

    return _REFERENCE.sub(character, text) if "&" in text else text


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


_ORIGINS = 0

#: A character that may start markup, a quote or a character reference.
_MARKUP_CHARACTER = re.compile("[<&\"'\u201c\u201d\u2018\u2019]")
#: The quote characters a field's text may open or close a quotation with.
_QUOTES = "\"\u201c\u201d\u2018'\u2019"
#: Where the parser has something to decide: a tag or a quote.
_TAG_OR_QUOTE = re.compile("[<\"'\u201c\u201d\u2018\u2019]")


_SPACE_BEFORE_PUNCTUATION = re.compile(" ([:;?!\u00bb])")


def parse_markup(text: str) -> Node:
    """Parse the mini-HTML and quotes a CSL-JSON string field may hold.

    Recognised: ``<i> <b> <sup> <sub> <sc>``, small-caps and ``nocase`` spans, straight
    and curly double quotes, and single quotes that open at a word start and close at a
    word end. Anything unbalanced stays literal text; a lone ``'`` becomes an apostrophe.
    """
    global _ORIGINS
    _ORIGINS += 1
    origin = _ORIGINS
    if text.isalnum():
        # One word (a name part, an initial, a year): nothing below can apply, and
        # this test is cheaper than the two searches (parse_markup("Smith") took
        # 560 ns, 420 ns now; an entry parses some ten such words).
        return Text(text, origin=origin)
    if " " in text:
        # citeproc-js binds a colon, semicolon, question or exclamation mark to the word
        # before it when a space stands between them ("Recipes : The Art"): a narrow
        # no-break space, whatever the language. Searched for before substituting: a
        # substitution with a group in its replacement costs 1.7 us on a title even
        # when nothing matches, the search 0.2 us, and few values have such a space.
        if _SPACE_BEFORE_PUNCTUATION.search(text):
            text = _SPACE_BEFORE_PUNCTUATION.sub("\u202f\\1", text)
        text = text.replace("\u00ab ", "\u00ab\u202f")
    if not _MARKUP_CHARACTER.search(text):  # most fields: plain text, one leaf
        return Text(text, origin=origin) if text else Span()
    root = Span()
    # Stack entries: (span, opener) where opener is the tag or quote char that opened it.
    stack: list[tuple[Span, str]] = [(root, "")]
    buf: list[str] = []

    def flush() -> None:
        if buf:
            stack[-1][0].children.append(Text(unescape("".join(buf)), origin=origin))
            buf.clear()

    i = 0
    n = len(text)
    opened_at = -1  # where the last opening tag ended: a quote there opens
    while i < n:
        ch = text[i]
        if ch not in _QUOTES and ch != "<":
            # A run of ordinary characters is copied whole, up to the next tag or quote.
            special = _TAG_OR_QUOTE.search(text, i)
            end = special.start() if special else n
            buf.append(text[i:end])
            i = end
            continue
        if ch == "<":
            known = _TAG_AT.match(text, i)
            tag = known.group() if known else ""
            if tag in _TAGS:
                flush()
                key, value = _TAGS[tag]
                # Small caps, superscript and subscript text keeps its case too.
                if key == "nocase":
                    node = Span(nocase=True)
                elif key == "nodecor":
                    node = Span(
                        nocase=True,
                        formatting={
                            "font-style": "normal",
                            "font-variant": "normal",
                            "font-weight": "normal",
                        },
                    )
                else:
                    node = Span(
                        formatting={key: value},
                        nocase=key in ("font-variant", "vertical-align"),
                    )
                stack[-1][0].children.append(node)
                stack.append((node, "span" if tag.startswith("<span") else tag))
                i += len(tag)
                opened_at = i
            elif tag and any(o == _CLOSERS[tag] for _, o in stack[1:]):
                flush()
                opener = _CLOSERS[tag]
                while stack[-1][1] != opener:
                    _unwind(stack)
                stack.pop()
                i += len(tag)
            else:
                buf.append(ch)
                i += 1
            continue
        prev = " " if i in (0, opened_at) else text[i - 1]
        nxt = text[i + 1] if i + 1 < n else " "
        # A quote: it closes an open quotation, opens one, or stays a character.
        opener_for_close = {'"': '"', "\u201d": "\u201c", "'": "'", "\u2019": "\u2018"}.get(ch)
        open_quotes = [o for _, o in stack[1:]]
        can_close = not prev.isspace() and (nxt.isspace() or not _is_word_char(nxt))
        if opener_for_close in open_quotes and can_close:
            if not buf and stack[-1][1] == opener_for_close and not stack[-1][0].children:
                # An empty quotation (a title of ``""``) quotes nothing: its marks stay
                # as written, where a quotation of nothing printed nothing at all.
                node, opener = stack.pop()
                stack[-1][0].children.pop()  # ``node``: its parent's last child
                buf.append(opener + ch)
                i += 1
                continue
            flush()
            while stack[-1][1] != opener_for_close:
                _unwind(stack)
            stack.pop()
            i += 1
            continue
        can_open = (
            prev.isspace() or prev in '([{-\u2013\u2014/"\u201c\u2018'
        ) and not nxt.isspace()
        if ch == "'" and can_open and _in_nocase(stack):
            # Data that keeps its case keeps a straight quote opening a word too
            # ("{'t Hooft}", "{SC '15}"), as citeproc-js prints it.
            buf.append(ch)
            i += 1
            continue
        if ch in "\"\u201c\u2018'" and (can_open or ch in "\u201c\u2018"):
            if ch == "'" and not can_open:
                buf.append("\u2019")
                i += 1
                continue
            flush()
            node = Span(quotes=True)
            stack[-1][0].children.append(node)
            stack.append((node, ch))
            i += 1
            continue
        buf.append("\u2019" if ch == "'" else ch)
        i += 1
    flush()
    while len(stack) > 1:
        _unwind(stack)
    return root


def _in_nocase(stack: list[tuple[Span, str]]) -> bool:
    """Whether the text being read is inside a ``nocase`` span."""
    return any(span.nocase and not span.formatting for span, _ in stack[1:])


def _unwind(stack: list[tuple[Span, str]]) -> None:
    """Turn an unclosed opener back into literal text in its parent."""
    node, opener = stack.pop()
    parent = stack[-1][0]
    index = next(k for k, c in enumerate(parent.children) if c is node)
    literal = opener if opener not in ("'", "\u2018") else "\u2019" if opener == "'" else opener
    if opener == "span":
        literal = ""
    parent.children[index : index + 1] = (
        [Text(literal), *node.children] if literal else node.children
    )


# ------------------------------------------------------------------------- serialising


@dataclass(slots=True)
class _Token:
    kind: str  # "text", "open", "close", "qopen", "qclose"
    value: str
    origin: int = 0


_HTML_OPEN = {
    ("font-style", "italic"): "<i>",
    ("font-style", "oblique"): '<span style="font-style:oblique;">',
    ("font-style", "normal"): '<span style="font-style:normal;">',
    ("font-weight", "bold"): "<b>",
    ("font-weight", "light"): '<span style="font-weight:light;">',
    ("font-weight", "normal"): '<span style="font-weight:normal;">',
    ("font-variant", "small-caps"): '<span style="font-variant:small-caps;">',
    ("font-variant", "normal"): '<span style="font-variant:normal;">',
    ("text-decoration", "underline"): '<span style="text-decoration:underline;">',
    ("text-decoration", "none"): '<span style="text-decoration:none;">',
    ("vertical-align", "sup"): "<sup>",
    ("vertical-align", "sub"): "<sub>",
    ("vertical-align", "baseline"): '<span style="baseline">',
}


def _escape_attribute(text: str) -> str:
    return (
        text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;").replace('"', "&#34;")
    )


def _close_tag(open_tag: str) -> str:
    return "</" + open_tag[1:].split(" ", 1)[0].rstrip(">") + ">"


def _tokens(
    node: Node, marks: QuoteMarks, state: dict[str, str], depth: int, out: list[_Token]
) -> None:
    if isinstance(node, Text):
        if node.text:
            out.append(_Token("text", node.text, node.origin))
        return
    if not (node.formatting or node.quotes or node.link or node.display):
        # Most spans only group their children (names, affixes): nothing to open,
        # so nothing to take back either if the children write nothing.
        _children_tokens(node, marks, state, depth, out)
        return
    start = len(out)
    opened: list[str] = []
    # Children see this span's formatting; a span without any passes its own state on.
    inner = dict(state) if node.formatting else state
    # citeproc-js nests the first-listed formatting innermost: <b><i>x</i></b>.
    for key in reversed(FORMAT_KEYS) if node.formatting else ():
        value = node.formatting.get(key)
        if value is None:
            continue
        current = state.get(key, "normal" if key != "vertical-align" else "baseline")
        if (
            key in ("font-style", "font-weight", "font-variant")
            and value != "normal"
            and current == value
        ):
            value = "normal"  # flip-flop: italic inside italic prints roman
        elif (
            (value == current and key != "vertical-align")
            or (key == "vertical-align" and value == "baseline" and current == "baseline")
            or (key == "text-decoration" and value == "none" and current in ("none", "normal"))
        ):
            continue
        tag = _HTML_OPEN.get((key, value))
        if tag is None:
            continue
        inner[key] = value
        opened.append(tag)
    if node.link:
        opened.insert(0, f'<a href="{_escape_attribute(node.link)}">')
    if node.display:
        opened.insert(0, f'<div class="csl-{_escape_attribute(node.display)}">')
    if opened:
        out.extend(_Token("open", tag) for tag in opened)
    if node.quotes:
        outer = depth % 2 == 0
        open_mark, close_mark = (
            (marks.open, marks.close) if outer else (marks.open_inner, marks.close_inner)
        )
        out.append(_Token("qopen", open_mark))
        depth += 1
    content_start = len(out)
    _children_tokens(node, marks, inner, depth, out)
    if len(out) == content_start:
        # An empty span (an emptied block: author substitution) leaves no trace; its
        # children, empty too, left none either.
        del out[start:]
        return
    if node.quotes:
        out.append(_Token("qclose", close_mark))
    if opened:
        out.extend(_Token("close", _close_tag(tag)) for tag in reversed(opened))


def _children_tokens(
    node: Span, marks: QuoteMarks, state: dict[str, str], depth: int, out: list[_Token]
) -> None:
    """The tokens of a span's children. Leaves, half the nodes of a tree, are written
    here rather than by a call of :func:`_tokens` each."""
    for child in node.children:
        if type(child) is Text:
            if child.text:
                out.append(_Token("text", child.text, child.origin))
        else:
            _tokens(child, marks, state, depth, out)


#: Where two pieces meet on punctuation, which mark survives (citeproc-js's table,
#: as the suite's punctuation_FullMonty fixtures spell it out): "prev" keeps the
#: first mark, "next" the second; pairs not listed keep both.
_MERGE = {
    **{(p, p): "prev" for p in ".,;:!?"},
    (";", ":"): "prev",
    ("!", ":"): "prev",
    ("?", ":"): "prev",
    (":", "."): "prev",
    (";", "."): "prev",
    ("!", "."): "prev",
    ("?", "."): "prev",
    (":", "!"): "next",
    (":", "?"): "next",
    (";", "!"): "next",
    (";", "?"): "next",
}


def _previous_text(tokens: list[_Token], index: int) -> tuple[_Token | None, bool]:
    """The last non-empty text before ``index`` (not across an opening quote, nor out of
    a display block: a numeric style's label "1." never merges with a title "..."), and
    whether a closing quote lies in between."""
    quoted = False
    for position in range(index - 1, -1, -1):  # no copy of the tokens before
        tok = tokens[position]
        if tok.kind == "qopen" or (tok.kind in ("open", "close") and tok.value.startswith(("<div", "</div"))):
            return None, False
        if tok.kind == "qclose":
            quoted = True
        elif tok.kind == "text" and tok.value:
            return tok, quoted
    return None, False


def _fix_punctuation(tokens: list[_Token], marks: QuoteMarks) -> None:
    """Merge punctuation where pieces meet; move . , ! ? into closing quotes when the
    locale puts punctuation inside them."""
    for index, tok in enumerate(tokens):
        if tok.kind != "text":
            continue
        if tok.value[:1] == " ":
            previous, _ = _previous_text(tokens, index)
            if previous is not None and previous.value.endswith(" "):
                tok.value = tok.value[1:]
        while tok.value and tok.value[0] in ".,;:!?":
            previous, quoted = _previous_text(tokens, index)
            if previous is None:
                break
            if tok.origin and tok.origin == previous.origin:
                break
            first, prev_char = tok.value[0], previous.value[-1]
            rule = _MERGE.get((prev_char, first))
            if quoted and marks.punctuation_in_quote and first in ".,!?":
                if rule == "next":
                    previous.value = previous.value[:-1] + first
                elif rule != "prev":
                    previous.value += first
                tok.value = tok.value[1:]
                continue
            if rule == "prev":
                tok.value = tok.value[1:]
                continue
            if rule == "next":
                previous.value = previous.value[:-1]
                continue
            break


@cache
def _superscript_map() -> dict[str, str]:
    """Unicode superscript characters and the letters they raise (ª, º, ʳ, ᵉ ...): made
    on first use (1.2 ms, scanning 12,600 code points), as only the HTML of the CSL test
    suite asks, never a Sphinx build."""
    import unicodedata

    table = {}
    for code in range(0x00A0, 0x3200):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition.startswith("<super>"):
            table[chr(code)] = "".join(chr(int(c, 16)) for c in decomposition.split()[1:])
    # Modifier letters without a decomposition that citeproc-js also raises.
    table.update({"\u02c0": "\u0294", "\u02c1": "\u0295", "\u06e5": "\u0648", "\u06e6": "\u064a"})
    return table


def escape_html(text: str) -> str:
    """Escape for the suite's HTML; superscript characters print as ``<sup>``, as
    citeproc-js writes ordinal suffixes."""
    escaped = text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    superscripts = _superscript_map()
    if any(ch in superscripts for ch in escaped):
        escaped = "".join(
            f"<sup>{superscripts[ch]}</sup>" if ch in superscripts else ch for ch in escaped
        )
    return escaped


def _serialised(node: Node, marks: QuoteMarks | None) -> list[_Token]:
    """The tree as tokens, punctuation settled: what every serialiser writes out."""
    marks = marks or QuoteMarks()
    tokens: list[_Token] = []
    _tokens(node, marks, {}, 0, tokens)
    _fix_punctuation(tokens, marks)
    return tokens


def to_html(node: Node | None, marks: QuoteMarks | None = None) -> str:
    """The tree in the CSL test suite's HTML markup."""
    if node is None:
        return ""
    tokens = _serialised(node, marks)
    return "".join(
        escape_html(t.value) if t.kind in ("text", "qopen", "qclose") else t.value for t in tokens
    )


_LEFT_MARGIN = '<div class="csl-left-margin">'


def to_text(node: Node | None, marks: QuoteMarks | None = None) -> str:
    """The tree as plain text, quotes and punctuation handled as in HTML."""
    if node is None:
        return ""
    tokens = _serialised(node, marks)
    out: list[str] = []
    opened: list[str] = []
    for token in tokens:
        if token.kind in ("text", "qopen", "qclose"):
            out.append(token.value)
        elif token.kind == "open":
            opened.append(token.value)
        elif token.kind == "close" and opened and opened.pop() == _LEFT_MARGIN:
            # A label set apart (second-field-align's left margin) is followed by a
            # space in plain text, as citeproc-js's text format writes "[1] Author".
            out.append(" ")
    return "".join(out)


def serialised_tokens(node: Node | None, marks: QuoteMarks | None = None) -> list[tuple[str, str]]:
    """The tree as the serialisers see it, for output formats of other packages (pybtex
    rich text, docutils nodes): ``("open", tag)``, ``("close", tag)`` with the suite's
    HTML tags, and ``("text", characters)`` with quotes placed, nested formatting
    flip-flopped and doubled punctuation collapsed."""
    if node is None:
        return []
    marks = marks or QuoteMarks()
    tokens: list[_Token] = []
    _tokens(node, marks, {}, 0, tokens)
    _fix_punctuation(tokens, marks)
    return [
        ("text" if token.kind in ("text", "qopen", "qclose") else token.kind, token.value)
        for token in tokens
        if token.kind not in ("text", "qopen", "qclose") or token.value
    ]
