"""What a citation role's text says: keys, each with its pre-text and post-text.

The syntax is sphinxcontrib-bibtex's, so a page moves between the two extensions
unchanged: keys separated by commas (or spaces, as ``:hcite:`` always accepted), each
with an optional ``{pre-text}`` before it and ``{post-text}`` after it::

    :hcite:p:`{see}kohno2022{p. 5}, smith2020{chap. 3, for a review}`

A post-text that opens with a locator label and a number (``p. 5``, ``pp. 5–7``,
``chap. 3``, ``§ 2``) is taken apart as pandoc and citeproc-js take it: the label and
the locator go to the CSL engine, which prints them as the style wants (APA ``p. 5``,
Chicago ``5``), and the rest stays a suffix. A bare number is a page. Labels are the
English abbreviations or CSL's own names (``page``, ``chapter``, ``sub-verbo``).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class CitedKey(NamedTuple):
    """One key of a citation, with what the author wrote around it."""

    key: str
    prefix: str = ""
    suffix: str = ""
    locator: str = ""
    label: str = ""
    """A CSL locator label (``page``, ``chapter``); empty when there is no locator."""


#: Locator labels as authors write them (lower-cased, without the period), to CSL's.
LABELS: dict[str, str] = {
    **{word: "act" for word in ("act", "acts")},
    **{word: "appendix" for word in ("app", "apps", "appendix", "appendices")},
    **{word: "article-locator" for word in ("art", "arts", "article", "articles")},
    **{word: "book" for word in ("bk", "bks", "book", "books")},
    **{word: "canon" for word in ("c", "cc", "canon", "canons")},
    **{word: "chapter" for word in ("ch", "chap", "chaps", "chapter", "chapters")},
    **{word: "column" for word in ("col", "cols", "column", "columns")},
    **{word: "equation" for word in ("eq", "eqs", "equation", "equations")},
    **{word: "figure" for word in ("fig", "figs", "figure", "figures")},
    **{word: "folio" for word in ("fol", "fols", "folio", "folios")},
    **{word: "issue" for word in ("no", "nos", "number", "numbers", "issue", "issues")},
    **{word: "line" for word in ("l", "ll", "line", "lines")},
    **{word: "note" for word in ("n", "nn", "note", "notes")},
    **{word: "opus" for word in ("op", "opp", "opus", "opera")},
    **{word: "page" for word in ("p", "pp", "page", "pages")},
    **{word: "paragraph" for word in ("para", "paras", "paragraph", "paragraphs", "¶", "¶¶")},
    **{word: "part" for word in ("pt", "pts", "part", "parts")},
    **{word: "rule" for word in ("r", "rr", "rule", "rules")},
    **{word: "scene" for word in ("sc", "scs", "scene", "scenes")},
    **{word: "section" for word in ("sec", "secs", "section", "sections", "§", "§§")},
    **{word: "sub-verbo" for word in ("sub-verbo",)},
    **{word: "supplement" for word in ("supp", "suppl", "supplement", "supplements")},
    **{word: "table" for word in ("tab", "tbl", "table", "tables")},
    **{word: "title-locator" for word in ("tit", "title", "titles")},
    **{word: "verse" for word in ("v", "vv", "verse", "verses")},
    **{word: "version" for word in ("ver", "version", "versions")},
    **{word: "volume" for word in ("vol", "vols", "volume", "volumes")},
}

#: One locator value: a number, a roman numeral or a short code, maybe a range
#: (``5–7``, ``iv-vi``, ``3.2``); then more of them after commas or ``&`` (``5, 7``).
_VALUE = r"(?:\d[\w.:]*|[ivxlcdm]+\b|[IVXLCDM]+\b)(?:\s*[-–—]\s*\w[\w.:]*)?"
_LOCATOR = re.compile(
    rf"(?P<label>§§?|¶¶?|[A-Za-z][\w-]*\.|[A-Za-z][\w-]*(?=\s))?\s*(?P<value>{_VALUE}(?:\s*[,&]\s*{_VALUE})*)"
    r"(?P<rest>.*)",
    re.DOTALL,
)
_LOOKS_LIKE_LABEL = re.compile(r"[A-Za-z]+\.\s*\d")


class Parsed(NamedTuple):
    """A role's text taken apart: the keys, and what could not be read, as sentences."""

    keys: tuple[CitedKey, ...]
    problems: tuple[str, ...]


def parse_citation(text: str) -> Parsed:
    """The keys of a role's text with their pre- and post-texts (see the module)."""
    keys: list[CitedKey] = []
    problems: list[str] = []
    position, length = 0, len(text)
    while position < length:
        if text[position] in " \t\n,":
            position += 1
            continue
        prefix = ""
        if text[position] == "{":
            closing = text.find("}", position)
            if closing < 0:
                problems.append(f"{text[position:]!r}: a '{{' without its '}}'")
                break
            prefix = text[position + 1 : closing].strip()
            position = closing + 1
            while position < length and text[position] in " \t\n":
                position += 1
        start = position
        while position < length and text[position] not in " \t\n,{}":
            position += 1
        key = text[start:position]
        if not key:
            problems.append(f"{text!r}: a pre-text with no key after it")
            position += 1 if position < length and text[position] == "}" else 0
            continue
        post = ""
        if position < length and text[position] == "{":
            closing = text.find("}", position)
            if closing < 0:
                problems.append(f"{text[position:]!r}: a '{{' without its '}}'")
                keys.append(CitedKey(key, prefix))
                break
            post = text[position + 1 : closing].strip()
            position = closing + 1
        if position < length and text[position] not in " \t\n,":
            problems.append(
                f"{text!r}: {text[position]!r} after key {key!r}; keys are separated by commas"
            )
            while position < length and text[position] not in " \t\n,":
                position += 1
        keys.append(CitedKey(key, prefix, *split_locator(post)))
    return Parsed(tuple(_once_each(keys)), tuple(problems))


def _once_each(keys: list[CitedKey]) -> list[CitedKey]:
    """Each key once, where first cited (``:hcite:`a, a``` cites one entry)."""
    seen: dict[str, CitedKey] = {}
    for cited in keys:
        seen.setdefault(cited.key, cited)
    return list(seen.values())


def split_locator(post: str) -> tuple[str, str, str]:
    """``(suffix, locator, label)`` of a post-text: ``p. 5, emphasis added`` gives
    ``(", emphasis added", "5", "page")``; a post-text without a locator is all suffix.

    A suffix starts with a comma and a space unless it starts with punctuation of its
    own, as sphinxcontrib-bibtex joins a post-text ("(Nelson 1987, for example)")."""
    match = _LOCATOR.fullmatch(post) if post else None
    if match is not None:
        written = match.group("label") or ""
        label = LABELS.get(written.rstrip(".").lower()) if written else "page"
        if label is not None:
            return _as_suffix(match.group("rest")), match.group("value").strip(), label
    return _as_suffix(post), "", ""


def unknown_label(post: str) -> str | None:
    """The label of a post-text that starts like a locator (``xyz. 5``) with a label
    :data:`LABELS` does not know; None otherwise."""
    if not _LOOKS_LIKE_LABEL.match(post):
        return None
    written = post.split(".", 1)[0]
    return None if written.lower() in LABELS else f"{written}."


def _as_suffix(text: str) -> str:
    text = text.rstrip()
    if not text:
        return ""
    return text if text[0] in ",.;:!?)]" or text[0].isspace() else f", {text}"
