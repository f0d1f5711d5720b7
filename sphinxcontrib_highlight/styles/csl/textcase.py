"""CSL ``text-case`` and ``strip-periods`` on a rich-text tree.

Transforms walk the tree's text leaves in order and skip ``nocase`` spans, so a word
the data protects keeps its case. Title case follows CSL 1.0.2: English only, stop words
lower-cased except first and last and after a colon, words with capitals kept.
"""

from __future__ import annotations

import re

from .formatted import Node, leaves

STOP_WORDS = frozenset(
    "a an and as at but by down for from in into nor of on onto or over so the till to up via with yet".split()
)

_WORD = re.compile(r"[\w\u2019'\-\.]+|[^\w\s]+|\s+", re.UNICODE)


def strip_periods(node: Node) -> None:
    for leaf, _ in leaves(node):
        leaf.text = leaf.text.replace(".", "")


def apply_text_case(node: Node, case: str | None, english: bool = True) -> None:
    """Apply one CSL text-case value to the tree in place."""
    if not case:
        return
    items = list(leaves(node))
    if case == "lowercase":
        for leaf, protected in items:
            if not protected:
                leaf.text = leaf.text.lower()
    elif case == "uppercase":
        for leaf, protected in items:
            if not protected:
                leaf.text = leaf.text.upper()
    elif case == "capitalize-first":
        _capitalize_first(items)
    elif case == "sentence":
        whole = "".join(leaf.text for leaf, protected in items if not protected)
        if whole and whole.upper() == whole and any(c.isalpha() for c in whole):
            for leaf, protected in items:
                if not protected:
                    leaf.text = leaf.text.lower()
        _capitalize_first(items)
    elif case == "capitalize-all":
        _words(items, lambda word, first, last, after_colon: _cap(word))
    elif case == "title" and english:
        whole = "".join(leaf.text for leaf, protected in items if not protected)
        all_caps = whole.upper() == whole

        def title_word(word: str, first: bool, last: bool, after_colon: bool) -> str:
            if all_caps:
                word = word.lower()
            if word.lower() in STOP_WORDS and not first and not last and not after_colon:
                return word if not all_caps else word.lower()
            if word.lower() == word:
                return _cap(word)
            return word

        _words(items, title_word)


def _cap(word: str) -> str:
    for i, ch in enumerate(word):
        if ch.isalpha():
            return word[:i] + ch.upper() + word[i + 1 :]
        if ch.isdigit():
            return word
    return word


def _capitalize_first(items: list) -> None:
    for leaf, protected in items:
        if not leaf.text.strip():
            continue
        if protected:
            return
        match = re.search(r"\w", leaf.text)
        if match:
            i = match.start()
            leaf.text = leaf.text[:i] + leaf.text[i].upper() + leaf.text[i + 1 :]
            return


def _words(items: list, transform) -> None:
    """Call transform(word, is_first, is_last, after_colon) on each word."""
    tokens: list[tuple[int, str, bool]] = []  # (leaf index, token, protected)
    for index, (leaf, protected) in enumerate(items):
        for token in _WORD.findall(leaf.text):
            tokens.append((index, token, protected))
    word_positions = [k for k, (_, tok, _) in enumerate(tokens) if re.match(r"\w", tok)]
    if not word_positions:
        return
    first_word, last_word = word_positions[0], word_positions[-1]
    new_texts: dict[int, list[str]] = {i: [] for i in range(len(items))}
    after_colon = False
    for k, (index, token, protected) in enumerate(tokens):
        if re.match(r"\w", token):
            if not protected:
                parts = token.split("-")
                token = "-".join(
                    transform(part, k == first_word and n == 0, k == last_word, after_colon) if part else part
                    for n, part in enumerate(parts)
                )
            after_colon = False
        elif token.strip() and token.strip()[-1] in ":?!":
            after_colon = True
        new_texts[index].append(token)
    for index, (leaf, _) in enumerate(items):
        leaf.text = "".join(new_texts[index])
