"""CSL ``text-case`` and ``strip-periods`` on a rich-text tree.

Transforms walk the tree's text leaves in order and skip ``nocase`` spans, so a word
the data protects keeps its case. Title case follows CSL 1.0.2: English only, stop words
lower-cased except first and last and after a colon, words with capitals kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .formatted import Node, Text, leaves

if TYPE_CHECKING:
    from collections.abc import Callable

#: Words title case leaves in lower case: CSL's stop words, the prepositions
#: citeproc-js adds to them, and name particles.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "down",
        "for",
        "from",
        "in",
        "into",
        "nor",
        "of",
        "on",
        "onto",
        "or",
        "over",
        "so",
        "the",
        "till",
        "to",
        "up",
        "via",
        "with",
        "yet",
        "about",
        "above",
        "across",
        "afore",
        "after",
        "against",
        "along",
        "alongside",
        "amid",
        "amidst",
        "among",
        "amongst",
        "anenst",
        "apropos",
        "apud",
        "around",
        "aside",
        "astride",
        "athwart",
        "atop",
        "barring",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "besides",
        "between",
        "beyond",
        "circa",
        "despite",
        "during",
        "except",
        "forenenst",
        "given",
        "inside",
        "lest",
        "like",
        "modulo",
        "near",
        "next",
        "notwithstanding",
        "off",
        "out",
        "per",
        "plus",
        "pro",
        "qua",
        "sans",
        "since",
        "than",
        "through",
        "thru",
        "throughout",
        "thruout",
        "toward",
        "towards",
        "under",
        "underneath",
        "until",
        "unto",
        "upon",
        "versus",
        "vs",
        "v",
        "within",
        "without",
        "de",
        "d’",
        "von",
        "van",
        "et",
        "ca",
    ]
)

_WORD = re.compile(r"\w[\w\u2019'`\-\.]*|[^\w\s]+|\s+", re.UNICODE)


def strip_periods(node: Node, every: bool = False) -> None:
    """Remove periods: every one (``every``: a date's), or in text all but those a
    lower-case ASCII letter follows, which join the parts of a word ("Census.gov",
    "github.com"), as citeproc-js keeps them in everything but names and dates."""
    if every:
        for leaf, _ in leaves(node):
            leaf.text = leaf.text.replace(".", "")
        return
    texts = [leaf for leaf, _ in leaves(node) if leaf.text]
    for index, leaf in enumerate(texts):
        text = leaf.text
        if "." not in text:
            continue
        # The character after a leaf's last period is the next leaf's first.
        following = texts[index + 1].text[:1] if index + 1 < len(texts) else ""
        if text[-1] == "." and "a" <= following <= "z":
            leaf.text = _TEXT_PERIOD.sub("", text[:-1]) + "."
        else:
            leaf.text = _TEXT_PERIOD.sub("", text)


#: A period strip-periods removes from text: one no lower-case ASCII letter follows.
_TEXT_PERIOD = re.compile(r"\.(?![a-z])")


def _upper(text: str, turkic: bool) -> str:
    return (text.replace("i", "\u0130") if turkic else text).upper()


def _lower(text: str, turkic: bool) -> str:
    return (text.replace("I", "\u0131") if turkic else text).lower()


def apply_text_case(node: Node, case: str | None, language: str = "en") -> None:
    """Apply one CSL text-case value to the tree in place.

    ``language`` is the item's language (else the locale's): title case applies to
    English only, and Turkish and Azerbaijani dot their capital I."""
    if not case:
        return
    english = language.lower().startswith("en")
    turkic = language.lower()[:2] in ("tr", "az")
    items = list(leaves(node))
    if case == "lowercase":
        for leaf, protected in items:
            if not protected:
                leaf.text = _lower(leaf.text, turkic)
    elif case == "uppercase":
        for leaf, protected in items:
            if not protected:
                leaf.text = _upper(leaf.text, turkic)
    elif case == "capitalize-first":
        _capitalize_first(items)
    elif case == "sentence":
        whole = "".join(leaf.text for leaf, protected in items if not protected)
        all_caps = whole.upper() == whole
        for leaf, protected in items:
            if not protected:
                leaf.text = re.sub(r"\w+", lambda m: _sentence_word(m.group(), all_caps), leaf.text)
        _capitalize_first(items)
    elif case == "capitalize-all":
        _words(items, lambda word, first, last, after_colon: _cap_lower(word))
    elif case == "title" and english:

        def title_word(word: str, first: bool, last: bool, after_colon: bool) -> str:
            if first or after_colon:
                return _cap_lower(word)
            if word.lower() in STOP_WORDS and not last:
                return word
            if len(word) == 1:
                # A lone letter is left as written, as citeproc-js does: most often it
                # is the rest of a word whose capital the data protects ("{O}n").
                return word
            return _cap_lower(word)

        _words(items, title_word)


def _sentence_word(word: str, all_caps: bool) -> str:
    """Sentence case lowers capitalised words; acronyms stay unless all is capitals."""
    if all_caps or (word[:1].isupper() and word[1:].lower() == word[1:]):
        return word.lower()
    return word


def _cap_lower(word: str) -> str:
    """A word in lower case capitalised; one with a capital already kept as written."""
    return _cap(word) if word.lower() == word else word


def _cap(word: str) -> str:
    """The first letter in upper case, Latin script only (β-carotine stays)."""
    for i, ch in enumerate(word):
        if ch.isalpha():
            if ord(ch) > 0x24F:
                return word
            return word[:i] + ch.upper() + word[i + 1 :]
        if ch.isdigit():
            return word
    return word


Leaves = list[tuple[Text, bool]]

_APOSTROPHE = re.compile(r"[\u2019'`]")


def _cased_word(
    word: str, transform: Callable[[str, bool, bool, bool], str],
    first: bool, last: bool, after_colon: bool,
) -> str:
    """One word through ``transform``; after an apostrophe the word is left as written."""
    if not word:
        return word
    apostrophe = _APOSTROPHE.search(word)
    if apostrophe and apostrophe.start() > 0:
        head = word[: apostrophe.start()]
        return transform(head, first, last, after_colon) + word[apostrophe.start() :]
    return transform(word, first, last, after_colon)


#: A word as citeproc-js's case changes see it: split at spaces and at punctuation.
_CASED_WORD = re.compile(r"[^\s\-\u2013\u2014/.,;?!:\[\]()\u2018\u2019\u201c\u201d\"']+")


def _capitalize_first(items: Leaves) -> None:
    """The first word's first letter in upper case, unless the word has a capital
    already ("arXiv" stays)."""
    for leaf, protected in items:
        if not leaf.text.strip():
            continue
        if protected:
            return
        match = _CASED_WORD.search(leaf.text)
        if match:
            word = match.group()
            if word.lower() == word:
                i = match.start() + next(
                    (k for k, ch in enumerate(word) if ch.isalnum()), 0
                )
                leaf.text = leaf.text[:i] + leaf.text[i].upper() + leaf.text[i + 1 :]
            return


def _words(items: Leaves, transform: Callable[[str, bool, bool, bool], str]) -> None:
    """Call transform(word, is_first, is_last, after_colon) on each word.

    A word is what citeproc-js's case changes see: the parts of a hyphenated compound
    are words of their own, and what follows an apostrophe keeps its case ("d’une").
    Only a compound that opens the text gets its first part capitalised even when a
    stop word; later ones ("of near-to-the") are cased part by part."""
    tokens: list[tuple[int, str, bool]] = []  # (leaf index, token, protected)
    for index, (leaf, protected) in enumerate(items):
        tokens.extend((index, token, protected) for token in _WORD.findall(leaf.text))
    word_positions = [k for k, (_, tok, _) in enumerate(tokens) if re.match(r"\w", tok)]
    if not word_positions:
        return
    first_word, last_word = word_positions[0], word_positions[-1]
    new_texts: dict[int, list[str]] = {i: [] for i in range(len(items))}
    after_colon = False
    opening = True  # no punctuation and no markup yet: the text's first stretch
    for k, (index, token, protected) in enumerate(tokens):
        if index > 0:
            opening = False
        if re.match(r"\w", token):
            if not protected:
                parts = token.split("-")
                if len(parts) == 1:
                    token = _cased_word(
                        token, transform, k == first_word, k == last_word, after_colon
                    )
                else:
                    token = "-".join(
                        _cased_word(
                            part, transform, n == 0 and (opening or k == first_word),
                            False, after_colon and n == 0,
                        )
                        for n, part in enumerate(parts)
                    )
                if "-" in token or "." in token:
                    opening = False
            after_colon = False
        elif token.strip():
            opening = False
            if token.strip()[-1] in ":?!":
                after_colon = True
        new_texts[index].append(token)
    for index, (leaf, _) in enumerate(items):
        leaf.text = "".join(new_texts[index])
