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

A DOI is a key too. One that holds a character the syntax uses (a comma, a brace) is
written ``doi:{…}``: the braces hold the DOI as it is, up to the first ``}``
(``doi:{10.1002/(SICI)…;2-K}``). Percent-encoding after ``doi:`` works as well
(``doi:10.5555/a%2Cb``), in the role and in every option that takes keys.
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


#: Locator labels as authors write them (lower-cased, without the period), by CSL label.
_WRITTEN: dict[str, tuple[str, ...]] = {
    "act": ("act", "acts"),
    "appendix": ("app", "apps", "appendix", "appendices"),
    "article-locator": ("art", "arts", "article", "articles"),
    "book": ("bk", "bks", "book", "books"),
    "canon": ("c", "cc", "canon", "canons"),
    "chapter": ("ch", "chap", "chaps", "chapter", "chapters"),
    "column": ("col", "cols", "column", "columns"),
    "equation": ("eq", "eqs", "equation", "equations"),
    "figure": ("fig", "figs", "figure", "figures"),
    "folio": ("fol", "fols", "folio", "folios"),
    "issue": ("no", "nos", "number", "numbers", "issue", "issues"),
    "line": ("l", "ll", "line", "lines"),
    "note": ("n", "nn", "note", "notes"),
    "opus": ("op", "opp", "opus", "opera"),
    "page": ("p", "pp", "page", "pages"),
    "paragraph": ("para", "paras", "paragraph", "paragraphs", "¶", "¶¶"),
    "part": ("pt", "pts", "part", "parts"),
    "rule": ("r", "rr", "rule", "rules"),
    "scene": ("sc", "scs", "scene", "scenes"),
    "section": ("sec", "secs", "section", "sections", "§", "§§"),
    "sub-verbo": ("sub-verbo",),
    "supplement": ("supp", "suppl", "supplement", "supplements"),
    "table": ("tab", "tbl", "table", "tables"),
    "title-locator": ("tit", "title", "titles"),
    "verse": ("v", "vv", "verse", "verses"),
    "version": ("ver", "version", "versions"),
    "volume": ("vol", "vols", "volume", "volumes"),
}
#: Each way of writing a label, to its CSL label.
LABELS: dict[str, str] = {word: label for label, words in _WRITTEN.items() for word in words}

#: One locator value: a number, a roman numeral or a short code, maybe a range
#: (``5–7``, ``iv-vi``, ``3.2``) or an open one (``5-``: from page 5 on, a dash written
#: right after the number and followed by no word); then more of them after commas or
#: ``&`` (``5, 7``).
_VALUE = r"(?:\d[\w.:]*|[ivxlcdm]+\b|[IVXLCDM]+\b)(?:\s*[-–—]\s*\w[\w.:]*|[-–—](?!\w))?"
_LOCATOR = re.compile(
    rf"(?P<label>§§?|¶¶?|[A-Za-z][\w-]*\.|[A-Za-z][\w-]*(?=\s))?\s*(?P<value>{_VALUE}(?:\s*[,&]\s*{_VALUE})*)"
    r"(?P<rest>.*)",
    re.DOTALL,
)
_LOOKS_LIKE_LABEL = re.compile(r"[A-Za-z]+\.\s*\d")


#: The scheme whose braces hold a DOI as written: ``doi:{10.…}``.
_DOI_SCHEME = "doi:"


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
            closing = _closing_brace(text, position)
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
        if key.lower() == _DOI_SCHEME and text.startswith("{", position):
            closing = text.find("}", position)
            if closing < 0:
                problems.append(f"{text[position:]!r}: a '{{' without its '}}'")
                break
            key += text[position + 1 : closing].strip()
            position = closing + 1
        if not key:
            problems.append(f"{text!r}: a pre-text with no key after it")
            position += 1 if position < length and text[position] == "}" else 0
            continue
        post = ""
        if position < length and text[position] == "{":
            closing = _closing_brace(text, position)
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


def _closing_brace(text: str, opening: int) -> int:
    """Where the brace opened at ``opening`` closes, braces inside it matched in pairs
    (``{p. 5, \\emph{sic}}`` is one post-text, as LaTeX and sphinxcontrib-bibtex read
    it); -1 when it never does."""
    depth = 0
    for position in range(opening, len(text)):
        if text[position] == "{":
            depth += 1
        elif text[position] == "}":
            depth -= 1
            if depth == 0:
                return position
    return -1


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


def locator_problem(cited: CitedKey) -> str | None:
    """What is wrong with a key's post-text that starts with a locator label CSL does not
    know, as the build and ``sphinx-highlight check`` both say it; None if nothing is."""
    post = cited.suffix.removeprefix(", ")
    label = unknown_label(post) if not cited.locator else None
    if label is None:
        return None
    return (f"{label!r} is no locator label CSL knows (p., pp., chap., sec., fig., vol., "
            f"...); {post!r} is printed as written")


def _as_suffix(text: str) -> str:
    text = text.rstrip()
    if not text:
        return ""
    return text if text[0] in ",.;:!?)]" or text[0].isspace() else f", {text}"
