"""Decoding BibTeX field values, which are LaTeX, into rich text."""

from __future__ import annotations

import functools
import re
import unicodedata

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.markup import LaTeXParser
from pybtex.richtext import HRef, Text

from sphinxcontrib_highlight.bibliography.urls import web_url

# In a BibTeX field "%" is a literal percent sign, not the start of a LaTeX comment that
# would silently drop the rest of the field.
_BARE_PERCENT = re.compile(r"(?<!\\)%")

# What latexcodec would change: commands, math, ties, dash and quote ligatures. A value
# without any of these (most titles and names) skips its decoder, the slowest step of
# formatting; one with only braces needs pybtex's brace parser and nothing more.
_NEEDS_DECODER = re.compile(r"[\\$~%]|--|``|''|<<|>>|!`|\?`")
_HAS_BRACES = re.compile(r"[{}]")

# One backend for every call: pybtex's render_as("text") looks the backend up through
# entry points each time, which made formatting a large file take minutes.
_PLAIN = PlainTextBackend()


def plain_text(text: Text) -> str:
    """The plain text of rich text."""
    return str(text.render(_PLAIN))


class InvalidLatexError(ValueError):
    """A field value that is not valid LaTeX."""


# \url{...} and \href{...}{...}: common in howpublished and note fields. Their URLs must
# not go through the LaTeX decoder, which would turn "~" into a space and "--" into a dash.
_LINK_COMMAND = re.compile(r"\\url\{([^{}]*)\}|\\href\{([^{}]*)\}\{((?:[^{}]|\{[^{}]*\})*)\}")


#: Inline math: between two dollars that are not escaped (``\$5`` is a dollar sign).
_MATH = re.compile(r"(?<!\\)\$([^$]+)(?<!\\)\$")
#: An escaped dollar, which latexcodec leaves escaped.
_ESCAPED_DOLLAR = re.compile(r"\\\$")
_MATH_SYMBOLS = {
    **{name: chr(code) for name, code in zip(
        ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "varsigma", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"],
        range(0x3B1, 0x3CA), strict=True)},
    **{name: chr(code) for name, code in zip(
        ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa", "Lambda", "Mu", "Nu", "Xi", "Omicron", "Pi", "Rho", "Sigma", "Tau", "Upsilon", "Phi", "Chi", "Psi", "Omega"],
        [*range(0x391, 0x3A2), *range(0x3A3, 0x3AA)], strict=True)},
    "varepsilon": "ε", "vartheta": "ϑ", "varphi": "φ", "ell": "ℓ", "infty": "∞",
    "pm": "±", "mp": "∓", "times": "×", "cdot": "·", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "partial": "∂", "nabla": "∇", "sum": "∑",
    "prod": "∏", "int": "∫", "sqrt": "√", "circ": "∘", "degree": "°",
}
_MATH_COMMAND = re.compile(r"\\([A-Za-z]+)")


def _math_to_text(match: re.Match[str]) -> str:
    """Simple inline math as Unicode (``$\\alpha$`` to α); anything else stays as written."""
    formula = match.group(1)
    converted = _MATH_COMMAND.sub(
        lambda command: _MATH_SYMBOLS.get(command.group(1), command.group(0)), formula
    )
    converted = re.sub(r"\{([^{}]*)\}", r"\1", converted)
    return match.group(0) if "\\" in converted else converted


@functools.lru_cache(maxsize=1 << 16)
def strict_latex_text(value: str) -> Text:
    """Rich text of a field; :class:`InvalidLatexError` if it does not parse.

    Cached by value: the styles, COinS, RIS and CSL-JSON each decode the same fields of an
    entry shown on a page, and decoding was the largest cost of a full build. pybtex's
    rich text is immutable (its operations return new objects), so sharing it is safe.
    """
    if "$" in value:
        value = _MATH.sub(_math_to_text, value)
    if "\\url" in value or "\\href" in value:
        return _with_links(value)
    return _decode(value)


def _with_links(value: str) -> Text:
    """Decode the text around ``\\url``/``\\href``; keep their URLs as they are written."""
    parts: list[Text | str] = []
    position = 0
    for match in _LINK_COMMAND.finditer(value):
        if match.start() > position:
            parts.append(_decode_keeping_spaces(value[position : match.start()]))
        url = match.group(1) if match.group(1) is not None else match.group(2)
        label = _decode(match.group(3)) if match.group(3) is not None else Text(url)
        link = web_url(url)
        parts.append(Text(HRef(link, label)) if link else label)
        position = match.end()
    if position < len(value):
        parts.append(_decode_keeping_spaces(value[position:]))
    return Text(*parts)


def _decode_keeping_spaces(value: str) -> Text:
    """:func:`_decode` for a piece of a value: the decoder drops its outer spaces."""
    stripped = value.strip()
    lead, trail = value[: len(value) - len(value.lstrip())], value[len(value.rstrip()) :]
    return Text(lead[:1], _decode(stripped), trail[:1]) if stripped else Text(value[:1])


def _decode(value: str) -> Text:
    try:
        if not _NEEDS_DECODER.search(value):
            return LaTeXParser(value).parse() if _HAS_BRACES.search(value) else Text(value)
        decoded = decoded_simply(value)
        if decoded is not None:
            return LaTeXParser(decoded).parse()  # as Text.from_latex does after decoding
        return Text.from_latex(_ESCAPED_DOLLAR.sub("$", _BARE_PERCENT.sub(r"\\%", value)))
    except Exception as error:  # pybtex and latexcodec raise several kinds
        raise InvalidLatexError(str(error).split(": ")[-1]) from error


# The LaTeX that most .bib files hold: accented letters, a few special letters and
# dashes. Decoded here exactly as latexcodec decodes them (a test compares every form
# with it), because importing latexcodec builds its tables of every LaTeX symbol: 8 ms
# and 3,700 objects for the garbage collector to scan, in every rebuild that formats a
# page. Anything else goes to latexcodec. Each accent lists the letters latexcodec
# knows with it.
_SYMBOL_ACCENTS = {  # \"o and \"{o}
    "'": ("\u0301", "acegilnorsuyzACEGILNORSUYZ"),
    "`": ("\u0300", "aeiouAEIOU"),
    "^": ("\u0302", "aceghijosuwyACEGHIJOSUWY"),
    '"': ("\u0308", "aeiouyAEIOUY"),
    "=": ("\u0304", "aeiouAEIOU"),
    ".": ("\u0307", "cegzCEGIZ"),
    "~": ("\u0303", "ainouAINOU"),
}
_WORD_ACCENTS = {  # \v{C} only: "\v C" and "\vC" go to latexcodec
    "u": ("\u0306", "aegiouAEGIOU"),
    "v": ("\u030c", "acdegklnorstuzACDEGIKLNORSTUZ"),
    "H": ("\u030b", "ouOU"),
    "c": ("\u0327", "cgklnrstCGKLNRST"),
    "k": ("\u0328", "aeiouAEIOU"),
    "r": ("\u030a", "auAU"),
}
_LETTERS = {  # {\o}: only before a closing brace, where no space can follow
    "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "ss": "ß", "l": "ł", "L": "Ł", "i": "\u0131",  # dotless i
}
_SIMPLE_LATEX = re.compile(
    r"\\(?P<symbol>[`'^\"=.~])(?P<argument>\{[A-Za-z]\}|[A-Za-z])"
    r"|\\(?P<word>[uvHckr])(?P<word_argument>\{[A-Za-z]\})"
    r"|\\(?P<dotless>[`'^\"=~])\\i(?=\}|$)"  # Garc{\'\i}a
    r"|\\(?P<letter>o|O|aa|AA|ae|AE|oe|OE|ss|l|L|i)(?=\})"
    r"|---?"
)
# What latexcodec alone changes: runs of spaces and line breaks (collapsed), a leading
# space (dropped), ties, math, percent signs, quote and exclamation ligatures.
_ONLY_LATEXCODEC = re.compile(r"\s\s|[\t\n\r$%]|^\s|,,|``|''|!`|\?`|<<|>>|-{4}")


def decoded_simply(value: str) -> str | None:
    """``codecs.decode(value, "ulatex")`` for a value that holds only the accents,
    letters and dashes above; None for anything else."""
    if _ONLY_LATEXCODEC.search(value):
        return None
    unknown = False

    def decoded(match: re.Match[str]) -> str:
        nonlocal unknown
        symbol, argument, word, word_argument, dotless, letter = match.groups()
        if letter:
            return _LETTERS[letter]
        if dotless:
            return unicodedata.normalize("NFC", "i" + _SYMBOL_ACCENTS[dotless][0])
        if symbol or word:
            mark, letters = _SYMBOL_ACCENTS[symbol] if symbol else _WORD_ACCENTS[word]
            argument = argument or word_argument
            base = argument.strip("{}")
            if base not in letters:
                unknown = True
                return match.group()
            accented = unicodedata.normalize("NFC", base + mark)
            return f"{{{accented}}}" if argument.startswith("{") else accented
        return "—" if len(match.group()) == 3 else "–"

    result = _SIMPLE_LATEX.sub(decoded, value)
    if unknown or "\\" in result or "~" in result:
        return None
    return result


@functools.lru_cache(maxsize=1 << 16)
def strict_plain_text(value: str) -> str:
    """The plain text of a field; :class:`InvalidLatexError` if it does not parse.

    Cached by value like :func:`strict_latex_text`: links, COinS, RIS and CSL-JSON each
    ask for the same titles and names as plain text.
    """
    simple = simple_plain_text(value)
    if simple is None:
        simple = _simple_math_or_link(value)
    return simple if simple is not None else plain_text(strict_latex_text(value))


def _simple_math_or_link(value: str) -> str | None:
    """The plain text of a valid field whose math, once :func:`strict_latex_text` has
    made it text, leaves a :func:`simple_plain_text` field (``Ca$^{2+}$``), or of a
    field that is one ``\\url`` (its URL); None for any other field. These went through
    pybtex's parser only to be checked, the slowest part of rendering such an entry."""
    if "$" in value:
        return simple_plain_text(_MATH.sub(_math_to_text, value))
    link = _LINK_COMMAND.fullmatch(value)
    return link.group(1) if link is not None else None


def simple_plain_text(value: str) -> str | None:
    """The plain text of a valid field that holds no LaTeX but braces and what
    :func:`decoded_simply` decodes (most fields); None for any other field.

    Such a field's rich text is what pybtex's brace parser makes of it (its decoded
    form), and the parser treats nothing but braces: it fails on unbalanced ones, and
    its text is the characters without the braces. Building that rich text (pybtex's
    objects merge their parts as they are made) was most of the cost of checking a
    field and of the plain text COinS, RIS and the links ask for (a test compares this
    with the parser for generated values and every field of the test data).
    """
    if "$" in value or "\\url" in value or "\\href" in value:
        return None  # math and links: strict_latex_text's own paths
    decoded = decoded_simply(value) if _NEEDS_DECODER.search(value) else value
    if decoded is None:
        return None
    if "{" not in decoded and "}" not in decoded:
        return decoded
    depth = 0
    for brace in _HAS_BRACES.findall(decoded):
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return None  # not valid: the parser says why
    return decoded.replace("{", "").replace("}", "") if depth == 0 else None


def latex_text(value: str) -> Text:
    """Rich text of a BibTeX field: LaTeX decoded, braces dropped, never re-cased.

    A field that is not valid LaTeX (unbalanced braces, a stray backslash) must not stop
    the build: it falls back to its text with the braces removed. Unknown commands stay
    as literal text, which every writer escapes, so nothing reaches LaTeX or HTML raw.
    """
    try:
        return strict_latex_text(value)
    except InvalidLatexError:
        return Text(value.replace("{", "").replace("}", ""))
