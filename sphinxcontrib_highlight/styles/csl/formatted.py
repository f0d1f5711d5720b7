"""A format-agnostic rich-text tree, the CSL engine's only output type.

The renderer builds ``Text`` leaves inside ``Span`` nodes that carry CSL's formatting
(font style, weight, variant, decoration, vertical alignment, quotes, display). Nothing
here knows HTML until a serialiser runs, so a later Sphinx-side module can turn the same
tree into docutils nodes. The serialisers do the work that needs the whole output in
order: flip-flopping nested italics and quotes, moving punctuation into quotes, and
collapsing doubled punctuation where two rendered pieces meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

#: Formatting attributes a span may carry, with CSL's attribute names.
FORMAT_KEYS = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


@dataclass
class Text:
    """A run of plain characters; never contains markup.

    ``from_term`` marks text a locale term produced: note styles capitalise a term
    that opens a citation ("Ibid.")."""

    text: str
    from_term: bool = False


@dataclass
class Span:
    """Children with one set of formatting.

    ``formatting`` maps CSL attribute names (``font-style`` ...) to values. ``quotes``
    wraps the children in the locale's quote marks (outer or inner by nesting depth).
    ``nocase`` protects the children from text-case transforms. ``display`` is CSL's
    display attribute (``block``, ``left-margin``, ``right-inline``, ``indent``).
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


def span(children: Iterable[Node | None], **kwargs: object) -> Span:
    """A span of the non-empty children."""
    return Span([c for c in children if c is not None and not is_empty(c)], **kwargs)  # type: ignore[arg-type]


def is_empty(node: Node | None) -> bool:
    """True when the node renders no characters at all."""
    if node is None:
        return True
    if isinstance(node, Text):
        return node.text == ""
    return all(is_empty(c) for c in node.children)


def join(parts: Iterable[Node | None], delimiter: str = "") -> Span | None:
    """The non-empty parts joined by a delimiter, or None when nothing is left."""
    kept = [p for p in parts if not is_empty(p)]
    if not kept:
        return None
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
    if not prefix and not suffix:
        return node
    return Span([c for c in (Text(prefix), node, Text(suffix)) if not is_empty(c)])  # type: ignore[misc]


def plain(node: Node | None) -> str:
    """The characters of the tree without any formatting (quotes not included)."""
    if node is None:
        return ""
    if isinstance(node, Text):
        return node.text
    return "".join(plain(c) for c in node.children)


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


def last_leaf(node: Node | None) -> Text | None:
    found = None
    for leaf, _ in leaves(node) if node is not None else ():
        if leaf.text:
            found = leaf
    return found


def copy_tree(node: Node) -> Node:
    if isinstance(node, Text):
        return Text(node.text)
    return replace(node, children=[copy_tree(c) for c in node.children], formatting=dict(node.formatting))


# ------------------------------------------------------------------- parsing field markup

_TAGS = {
    "<i>": ("font-style", "italic"),
    "<b>": ("font-weight", "bold"),
    "<sup>": ("vertical-align", "sup"),
    "<sub>": ("vertical-align", "sub"),
    '<span style="font-variant:small-caps;">': ("font-variant", "small-caps"),
    '<span style="font-variant: small-caps;">': ("font-variant", "small-caps"),
    '<span class="nocase">': ("nocase", "nocase"),
    "<sc>": ("font-variant", "small-caps"),
}
_CLOSERS = {"</i>": "<i>", "</b>": "<b>", "</sup>": "<sup>", "</sub>": "<sub>", "</span>": "span", "</sc>": "<sc>"}


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def parse_markup(text: str) -> Span:
    """Parse the mini-HTML and quotes a CSL-JSON string field may hold.

    Recognised: ``<i> <b> <sup> <sub> <sc>``, small-caps and ``nocase`` spans, straight
    and curly double quotes, and single quotes that open at a word start and close at a
    word end. Anything unbalanced stays literal text; a lone ``'`` becomes an apostrophe.
    """
    root = Span()
    # Stack entries: (span, opener) where opener is the tag or quote char that opened it.
    stack: list[tuple[Span, str]] = [(root, "")]
    buf: list[str] = []

    def flush() -> None:
        if buf:
            stack[-1][0].children.append(Text("".join(buf)))
            buf.clear()

    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            matched = False
            for tag, (key, value) in _TAGS.items():
                if text.startswith(tag, i):
                    flush()
                    node = Span(nocase=True) if key == "nocase" else Span(formatting={key: value})
                    stack[-1][0].children.append(node)
                    stack.append((node, "span" if tag.startswith("<span") else tag))
                    i += len(tag)
                    matched = True
                    break
            if not matched:
                for closer, opener in _CLOSERS.items():
                    if text.startswith(closer, i) and any(o == opener for _, o in stack[1:]):
                        flush()
                        while stack[-1][1] != opener:
                            _unwind(stack)
                        stack.pop()
                        i += len(closer)
                        matched = True
                        break
            if not matched:
                buf.append(ch)
                i += 1
            continue
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if ch in "\"\u201c\u201d\u2018'\u2019":
            opener_for_close = {"\"": "\"", "\u201d": "\u201c", "'": "'", "\u2019": "\u2018"}.get(ch)
            open_quotes = [o for _, o in stack[1:]]
            can_close = not prev.isspace() and (nxt.isspace() or not _is_word_char(nxt))
            if opener_for_close in open_quotes and can_close:
                flush()
                while stack[-1][1] != opener_for_close:
                    _unwind(stack)
                stack.pop()
                i += 1
                continue
            can_open = (prev.isspace() or prev in "([{-\u2013\u2014/\"\u201c\u2018'") and not nxt.isspace()
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
            continue
        buf.append(ch)
        i += 1
    flush()
    while len(stack) > 1:
        _unwind(stack)
    return root


def _unwind(stack: list[tuple[Span, str]]) -> None:
    """Turn an unclosed opener back into literal text in its parent."""
    node, opener = stack.pop()
    parent = stack[-1][0]
    index = next(k for k, c in enumerate(parent.children) if c is node)
    literal = opener if opener not in ("'", "\u2018") else "\u2019" if opener == "'" else opener
    if opener == "span":
        literal = ""
    parent.children[index : index + 1] = [Text(literal), *node.children] if literal else node.children


# ------------------------------------------------------------------------- serialising


@dataclass
class _Token:
    kind: str  # "text", "open", "close", "qopen", "qclose"
    value: str
    tag: str = ""


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


def _close_tag(open_tag: str) -> str:
    return "</" + open_tag[1:].split(" ", 1)[0].rstrip(">") + ">"


def _tokens(node: Node, marks: QuoteMarks, state: dict[str, str], depth: int, out: list[_Token]) -> None:
    if isinstance(node, Text):
        if node.text:
            out.append(_Token("text", node.text))
        return
    opened: list[str] = []
    inner = dict(state)
    for key in FORMAT_KEYS:
        value = node.formatting.get(key)
        if value is None:
            continue
        current = state.get(key, "normal" if key != "vertical-align" else "baseline")
        if key in ("font-style", "font-weight", "font-variant") and value != "normal" and current == value:
            value = "normal"  # flip-flop: italic inside italic prints roman
        elif value == current and key != "vertical-align":
            continue
        elif key == "vertical-align" and value == "baseline" and current == "baseline":
            continue
        elif key == "text-decoration" and value == "none" and current in ("none", "normal"):
            continue
        tag = _HTML_OPEN.get((key, value))
        if tag is None:
            continue
        inner[key] = value
        opened.append(tag)
    if node.display:
        opened.insert(0, f'<div class="csl-{node.display}">')
    for tag in opened:
        out.append(_Token("open", tag))
    if node.quotes:
        open_mark, close_mark = (marks.open, marks.close) if depth % 2 == 0 else (marks.open_inner, marks.close_inner)
        out.append(_Token("qopen", open_mark))
        for child in node.children:
            _tokens(child, marks, inner, depth + 1, out)
        out.append(_Token("qclose", close_mark))
    else:
        for child in node.children:
            _tokens(child, marks, inner, depth, out)
    for tag in reversed(opened):
        out.append(_Token("close", _close_tag(tag)))


_DEDUPE = {
    (".", "."): ".",
    ("?", "."): "?",
    ("!", "."): "!",
    (",", ","): ",",
    (";", ";"): ";",
    (":", ":"): ":",
    ("?", ","): "?,",
    ("!", ","): "!,",
}


def _fix_punctuation(tokens: list[_Token], marks: QuoteMarks) -> None:
    """Collapse doubled punctuation where pieces meet; move , and . into quotes."""
    last_text: _Token | None = None
    pending_closers: list[_Token] = []
    for tok in tokens:
        if tok.kind in ("open", "close", "qopen"):
            if tok.kind == "qopen":
                last_text = None
            continue
        if tok.kind == "qclose":
            pending_closers.append(tok)
            continue
        text = tok.value
        if last_text is not None and text and last_text.value:
            prev_char = last_text.value[-1]
            first = text[0]
            quote_between = bool(pending_closers)
            if marks.punctuation_in_quote and quote_between and first in ".,":
                # “Title.” rather than “Title”.
                if prev_char in ".?!,":
                    text = text[1:] if not (prev_char == "," and first == ".") else text[1:]
                    if prev_char == "," and first == ".":
                        last_text.value = last_text.value[:-1] + "."
                else:
                    last_text.value += first
                    text = text[1:]
            elif (prev_char, first) in _DEDUPE:
                if not quote_between or (prev_char, first) in ((".", "."), ("?", "."), ("!", ".")) and marks.punctuation_in_quote:
                    merged = _DEDUPE[(prev_char, first)]
                    last_text.value = last_text.value[:-1]
                    text = merged + text[1:]
            tok.value = text
        pending_closers = []
        if tok.value:
            last_text = tok


def _superscript_map() -> dict[str, str]:
    """Unicode superscript characters and the letters they raise (ª, º, ʳ, ᵉ ...)."""
    import unicodedata

    table = {}
    for code in list(range(0x00A0, 0x0300)) + list(range(0x1D2C, 0x1DC0)) + list(range(0x2070, 0x20A0)):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition.startswith("<super>"):
            table[chr(code)] = chr(int(decomposition.split()[1], 16))
    return table


_SUPERSCRIPTS = _superscript_map()


def escape_html(text: str) -> str:
    """Escape for the suite's HTML; superscript characters print as ``<sup>``, as
    citeproc-js writes ordinal suffixes."""
    escaped = text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    if any(ch in _SUPERSCRIPTS for ch in escaped):
        escaped = "".join(f"<sup>{_SUPERSCRIPTS[ch]}</sup>" if ch in _SUPERSCRIPTS else ch for ch in escaped)
    return escaped


def to_html(node: Node | None, marks: QuoteMarks | None = None) -> str:
    """The tree in the CSL test suite's HTML markup."""
    if node is None:
        return ""
    marks = marks or QuoteMarks()
    tokens: list[_Token] = []
    _tokens(node, marks, {}, 0, tokens)
    _fix_punctuation(tokens, marks)
    return "".join(escape_html(t.value) if t.kind in ("text", "qopen", "qclose") else t.value for t in tokens)


def to_text(node: Node | None, marks: QuoteMarks | None = None) -> str:
    """The tree as plain text, quotes and punctuation handled as in HTML."""
    if node is None:
        return ""
    marks = marks or QuoteMarks()
    tokens: list[_Token] = []
    _tokens(node, marks, {}, 0, tokens)
    _fix_punctuation(tokens, marks)
    return "".join(t.value for t in tokens if t.kind in ("text", "qopen", "qclose"))
