"""Names: ``<names>``, ``<name>``, ``<name-part>``, ``<et-al>``, ``<substitute>``.

A name list goes through: the effective options (style, then citation/bibliography,
then the element), the et-al truncation (with disambiguation's added names), each name
in its form and order (particles, initials, sort order), the "and" and delimiters,
then the role label. Substitution marks what it rendered as suppressed for the rest
of the entry. The first names an entry prints are recorded on the context for
``subsequent-author-substitute``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, overload

from .decorate import decorate
from .formatted import (
    Node,
    Span,
    Text,
    affixed,
    is_empty,
    join,
    parse_markup,
    plain,
    with_affixes,
)
from .style import INHERITABLE_NAME_OPTIONS
from .textcase import apply_text_case

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .render import RenderContext
    from .style import Element

_ROMANESQUE = re.compile(
    r"^[\s\u0000-\u036f\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\u0590-\u05ff\u0600-\u06ff\u1e00-\u1fff\u2000-\u206f\u2018-\u201f'\"\-.,]*$"
)


@dataclass(frozen=True)
class NameOptions:
    """The effective attributes of one ``<name>`` rendering."""

    attrs: dict[str, str]

    @overload
    def get(self, key: str) -> str | None: ...
    @overload
    def get(self, key: str, default: str) -> str: ...
    def get(self, key: str, default: str | None = None) -> str | None:
        return self.attrs.get(key, default)

    def integer(self, key: str) -> int | None:
        value = self.attrs.get(key)
        return int(value) if value and value.strip().isdigit() else None


@dataclass
class RenderedNames:
    """The first names an entry printed (or what stood in for them), kept so that
    ``subsequent-author-substitute`` can replace them in place."""

    node: Span
    name_nodes: list[Span]
    name_texts: list[str]


def effective_options(name_el: Element | None, ctx: RenderContext) -> NameOptions:
    """The options inherited from the style and context, overridden by ``<name>``.

    Worked out once per context and ``<name>``: every names rendering asks."""
    cache = ctx.context.name_options
    found = cache.get(id(name_el))
    if found is None or found[0] is not name_el:
        found = cache[id(name_el)] = (name_el, _effective_options(name_el, ctx.context.options))
    return found[1]


def _effective_options(name_el: Element | None, inherited: dict[str, str]) -> NameOptions:
    # The inheritable options keep their names on <name>, except the three renamed ones.
    renamed = ("name-form", "name-delimiter", "names-delimiter")
    attrs = {
        k: inherited[k] for k in INHERITABLE_NAME_OPTIONS if k in inherited and k not in renamed
    }
    if "name-form" in inherited:
        attrs["form"] = inherited["name-form"]
    if "name-delimiter" in inherited:
        attrs["delimiter"] = inherited["name-delimiter"]
    if name_el is not None:
        attrs.update(name_el.attrs)
    return NameOptions(attrs)


# --------------------------------------------------------------------- name parts


#: A letter of a script that separates name parts with spaces (Latin, Greek, Cyrillic).
_ROMANESQUE_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f\u1e00-\u1fff]")


def is_romanesque(name: Mapping[str, Any]) -> bool:
    """Whether the name is written in a script whose parts are spaced and initialised.

    As citeproc-js decides: a family name holding such a letter (or, failing that, a
    given name starting with one) is; a name in Chinese or Japanese script is not. A
    character that is neither (a replacement character from a wrongly decoded file)
    does not make a Latin name non-romanesque.
    """
    family = name.get("family") or ""
    given = name.get("given") or ""
    if _ROMANESQUE.match(family + given):
        return True
    return bool(_ROMANESQUE_LETTER.search(family) or _ROMANESQUE_LETTER.match(given))


#: A lower-case particle before a family name ("van der Berg", "d’Wander", "al-Khwarizmi").
_FAMILY_PARTICLE = re.compile(
    r"^((?:[\u2019']?[a-z\u00e0-\u00ff][\w\u2019'.]*\s+|[a-z]+[\u2019']|[a-z]+-)+)(\S.*)$"
)
#: Lower-case words ending a given name: a dropping particle ("Ludwig van").
#: (Words separated by spaces, one way only: a nested "word, optional space" repeat
#: backtracked exponentially on a long run of lower-case letters.)
_GIVEN_PARTICLE = re.compile(
    r"^(.*?\S)\s+([a-z\u00e0-\u00ff][\w']*(?:\s+[a-z\u00e0-\u00ff][\w']*)*)\s*$"
)
#: A given name's words, a trailing period kept ("Ph.", "J.").
_GIVEN_TOKEN = re.compile(r"[^\s.]+\.?|\.")
#: The capitals that open the rest of a word ("TSerendorjiin" -> "S").
_CAPITALS = re.compile(r"[^\W\d_a-z]*")


def normalise_name(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """Split particles out of family and given names, as citeproc-js does.

    Every rendering of a name asks for it (the bibliography, each cite, each sort key
    and disambiguation form), so the outcome is kept per name, read-only."""
    try:
        return _normalised(tuple(raw.items()))
    except TypeError:  # a value that cannot be a key (a list): worked out each time
        return MappingProxyType(_normalise(raw))


@functools.lru_cache(maxsize=65536)
def _normalised(fields: tuple[tuple[str, Any], ...]) -> Mapping[str, Any]:
    return MappingProxyType(_normalise(dict(fields)))


def _normalise(raw: Mapping[str, Any]) -> dict[str, Any]:
    name = {k: v for k, v in raw.items() if v not in (None, "")}
    if "literal" in name or raw.get("parse-names") in (False, "false"):
        return name
    family = name.get("family")
    if isinstance(family, str) and len(family) > 2 and family[0] == family[-1] == '"':
        name["family"] = family[1:-1]  # a quoted family name is taken as it is
        family = None
    if isinstance(family, str) and "non-dropping-particle" not in name:
        match = _FAMILY_PARTICLE.match(family)
        if match and match.group(2).strip():
            particle = match.group(1).rstrip()
            if particle[-1] in "\u2019'" and match.group(1).endswith(" "):
                particle += " "  # "de’ Frinkle" keeps its space, "d’Wander" has none
            name["non-dropping-particle"] = particle
            name["family"] = match.group(2).strip()
    given = name.get("given")
    if isinstance(given, str) and "dropping-particle" not in name:
        match = _GIVEN_PARTICLE.match(given)
        if match and not match.group(2).strip().endswith("."):
            name["given"] = match.group(1)
            name["dropping-particle"] = match.group(2).strip()
    if isinstance(given, str) and "suffix" not in name and "," in name.get("given", ""):
        head, tail = (part.strip() for part in name["given"].split(",", 1))
        if tail:
            # "John, Jr." carries the suffix; "John, !Jr." asks for a comma before it.
            name["given"], name["suffix"] = head, tail.lstrip("!").strip()
            if tail.startswith("!"):
                name["comma-suffix"] = True
    return name


def initialize(given: str, initialize_with: str, do_initialize: bool, hyphen: bool) -> str:
    """Given names as initials, as citeproc-js writes them.

    A single letter is an initial; a longer word ending in a period ("Ph.") is an
    abbreviation kept whole; other words become their first letter unless
    ``initialize="false"``; lower-case words (particles) stay as they are."""
    # "X.-C." and "X. -C." are the hyphenated initials "X-C."
    tokens = _GIVEN_TOKEN.findall(re.sub(r"(?<=\w)\.\s*-", "-", given))
    pieces: list[tuple[str, str]] = []
    bare_terminator = initialize_with.rstrip()
    for token in tokens:
        if token == ".":
            continue
        bare = token.rstrip(".")
        parts = bare.split("-") if "-" in bare else [bare]
        if len(parts) > 1 and all(p and p[0].isupper() for p in parts):
            if not do_initialize and all(len(p) == 1 for p in parts):
                # Given names kept whole, hyphenated initials are initials apart:
                # citeproc-js prints "C-H." as "C. H." there.
                pieces.extend(("initial", p + initialize_with) for p in parts)
            elif do_initialize:
                joiner = "-" if hyphen else ""
                pieces.append(
                    (
                        "initial",
                        joiner.join(p[0] + bare_terminator for p in parts)
                        + initialize_with[len(bare_terminator) :],
                    )
                )
            else:
                pieces.append(("word", bare))
            continue
        if bare[:1].islower():
            pieces.append(("word", bare))
        elif bare and not bare[0].isalnum():
            # "–B." after "R. J." is no initial: citeproc-js keeps it as a word apart.
            pieces.append(("word", token))
        elif len(bare) == 1 or token.endswith("."):
            pieces.append(("initial", bare + initialize_with))
        elif do_initialize:
            # "TSerendorjiin" -> "Ts.": capitals after the first letter stay, lowered,
            # when lower-case letters follow them (citeproc-js).
            capitals = _CAPITALS.match(bare[1:]).group()  # type: ignore[union-attr]
            extra = (
                capitals.lower()
                if capitals and len(capitals) < len(bare) - 1 and capitals.isupper()
                else ""
            )
            pieces.append(("initial", bare[0] + extra + initialize_with))
        else:
            pieces.append(("word", bare))
    out = ""
    previous = ""
    for kind, text in pieces:
        if out and not out.endswith(" ") and (kind == "word" or previous == "word"):
            out += " "
        out += text
        previous = kind
    return out.strip()


_MARKED_WORD = re.compile(r"<(b|i|sc|sup|sub)>([^<]+)</\1>")


@functools.lru_cache(maxsize=65536)
def _initialize_marked_up(
    given: str, initialize_with: str, do_initialize: bool, hyphen: bool
) -> str:
    """Initials of a given name that may hold markup: a marked-up word's initial
    keeps the word's markup ("<b>John</b> Q." -> "<b>J.</b> Q.").

    Kept per name and options: each rendering of a name asks again."""
    if "<" not in given:
        return initialize(given, initialize_with, do_initialize, hyphen)
    result = initialize(re.sub(r"<[^>]+>", "", given), initialize_with, do_initialize, hyphen)
    for match in _MARKED_WORD.finditer(given):
        tag, word = match.group(1), match.group(2)
        initial = initialize(word, initialize_with, do_initialize, hyphen)
        result = result.replace(initial, f"<{tag}>{initial}</{tag}>", 1)
    return result


def _part_element(name_el: Element | None, part: str) -> Element | None:
    if name_el is None:
        return None
    return name_el.part("name-part", part)


def _space_join(parts: list[Node | None]) -> Node | None:
    if len(parts) == 1:
        # One name part, as most groups are: the part itself. A span around it alone
        # would print the same (it has no formatting) and only cost objects to make
        # and walk, two for each name an entry prints.
        return None if is_empty(parts[0]) else parts[0]
    kept = [p for p in parts if not is_empty(p)]
    out: list[Node] = []
    for p in kept:
        if out:
            previous = plain(out[-1])
            if previous and not (previous[-1] in "'\u2019-" or previous[-1].isspace()):
                out.append(Text(" "))
        out.append(p)  # type: ignore[arg-type]
    return Span(out) if out else None


def is_inverted(raw: dict[str, Any], options: NameOptions, index: int) -> bool:
    """Whether this name prints family name first (sort order, with a given name)."""
    order = options.get("name-as-sort-order")
    if not (order == "all" or (order == "first" and index == 0)):
        return False
    name = normalise_name(raw)
    return (
        "literal" not in name
        and bool(name.get("given"))
        and bool(name.get("family"))
        and is_romanesque(name)
    )


def _is_inverted_name(
    name: Mapping[str, Any], romanesque: bool, options: NameOptions, index: int
) -> bool:
    """:func:`is_inverted` of a name normalised already, whose script is known: a name
    that :func:`render_name` prints in full (a family and a given name, no literal)."""
    order = options.get("name-as-sort-order")
    return (order == "all" or (order == "first" and index == 0)) and romanesque


def _part_group(
    pieces: list[tuple[str | None, Element | None]],
    part_el: Element | None,
    ctx: RenderContext,
    tail: str = "",
) -> Node | None:
    """Name pieces joined by spaces, each with the formatting and text-case of the
    name-part it belongs to (a particle keeps its own part's look wherever it stands);
    ``part_el``'s affixes wrap the whole group."""
    nodes: list[Node | None] = []
    for text, style_el in pieces:
        if not text:
            continue
        node: Node = parse_markup(text)
        if style_el is not None:
            if style_el.text_case:
                # A name is title-cased whatever the item's language, as in citeproc-js.
                language = "en" if style_el.text_case == "title" else ctx.language
                apply_text_case(node, style_el.text_case, language)
            if style_el.formatting:
                node = Span([node], formatting=dict(style_el.formatting))
        nodes.append(node)
    group = _space_join(nodes)
    if group is None:
        return None
    if tail:
        group = Span([group, Text(tail)])
    if part_el is None:
        return group
    return with_affixes(group, part_el.prefix, part_el.suffix)  # never empty here


def render_name(
    raw: dict[str, Any],
    options: NameOptions,
    name_el: Element | None,
    ctx: RenderContext,
    index: int,
    level: int,
) -> Node | None:
    """One person or organisation, in the form and order the options ask for.

    ``level`` is the given-name expansion disambiguation chose: 1 shows initials (or
    the given name when the style does not initialise), 2 shows full given names."""
    name = normalise_name(raw)
    family_el = _part_element(name_el, "family")
    given_el = _part_element(name_el, "given")
    if "literal" in name:
        return _part_group([(str(name["literal"]), family_el)], family_el, ctx)
    family = name.get("family")
    given = name.get("given")
    if not family and not given:
        return None
    if not family:
        return _part_group([(given, given_el)], given_el, ctx)
    form = options.get("form", "long")
    if form == "short" and level >= 1:
        form = "long"
    initialize_with = options.get("initialize-with")
    if level >= 2:
        initialize_with = None
    romanesque = is_romanesque(name)
    given_text = given
    if given and initialize_with is not None and romanesque:
        hyphen = ctx.style.option("initialize-with-hyphen", "true") != "false"
        given_text = _initialize_marked_up(
            given, initialize_with, options.get("initialize", "true") != "false", hyphen
        )
    ndp = name.get("non-dropping-particle")
    dp = name.get("dropping-particle")
    suffix = name.get("suffix")
    if not romanesque:
        family_node = _part_group([(family, family_el)], family_el, ctx)
        if form == "short" or not given:
            return family_node
        given_node = _part_group([(given, given_el)], given_el, ctx)
        return Span([n for n in (family_node, given_node) if n is not None])
    if form == "short" or not given_text:
        tail = " " + suffix if suffix and form != "short" and not given_text else ""
        return _part_group([(ndp, family_el), (family, family_el)], family_el, ctx, tail)
    if not (_is_inverted_name(name, romanesque, options, index) or ctx.sorting is not None):
        given_part = _part_group([(given_text, given_el)], given_el, ctx)
        tail = ((", " if name.get("comma-suffix") else " ") + suffix) if suffix else ""
        family_part = _part_group(
            [(dp, None), (ndp, family_el), (family, family_el)], family_el, ctx, tail
        )
        return _space_join([given_part, family_part])
    separator = options.get("sort-separator", ", ")
    if ctx.style.option("demote-non-dropping-particle", "display-and-sort") == "display-and-sort":
        family_part = _part_group([(family, family_el)], family_el, ctx)
        given_part = _part_group(
            [(given_text, given_el), (dp, given_el), (ndp, family_el)], given_el, ctx
        )
    else:
        family_part = _part_group([(ndp, family_el), (family, family_el)], family_el, ctx)
        given_part = _part_group([(given_text, given_el), (dp, given_el)], given_el, ctx)
    pieces: list[Node] = [family_part] if family_part else []
    if given_part:
        pieces += [Text(separator), given_part]
    if suffix:
        pieces += [Text(separator + suffix)]
    return Span(pieces)


def name_sort_key(raw: dict[str, Any], ctx: RenderContext) -> str:
    name = normalise_name(raw)
    if "literal" in name:
        return str(name["literal"])
    demote = ctx.style.option("demote-non-dropping-particle", "display-and-sort")
    family = name.get("family", "")
    ndp = name.get("non-dropping-particle", "")
    dp = name.get("dropping-particle", "")
    given = name.get("given", "")
    if demote in ("sort-only", "display-and-sort"):
        parts = [family, dp, ndp, given]
        parts = [family, " ".join(p for p in (given, dp, ndp) if p)]
    else:
        parts = [" ".join(p for p in (ndp, family) if p), " ".join(p for p in (given, dp) if p)]
    return "\u0001".join(p for p in parts if p) + (
        "\u0001" + name["suffix"] if name.get("suffix") else ""
    )


# ----------------------------------------------------------------------- the list


def _et_al_limits(options: NameOptions, ctx: RenderContext, count: int) -> tuple[int, bool]:
    """How many names to show, and whether et-al-use-last applies."""
    et_al_min = options.integer("et-al-min")
    use_first = options.integer("et-al-use-first")
    cite = ctx.cite
    if ctx.mode == "citation" and cite is not None and cite.position >= 1:
        et_al_min = options.integer("et-al-subsequent-min") or et_al_min
        use_first = options.integer("et-al-subsequent-use-first") or use_first
    key = ctx.sorting
    if key is not None:
        if key.names_min is not None:
            et_al_min = key.names_min
        if key.names_use_first is not None:
            use_first = key.names_use_first
    if et_al_min is None or use_first is None or count < et_al_min:
        return count, False
    shown = use_first
    if ctx.disambiguation.et_al_use_first is not None:
        shown = max(shown, ctx.disambiguation.et_al_use_first)
    shown = min(shown, count)
    if shown >= count:
        return count, False
    use_last = options.get("et-al-use-last") == "true"
    if key is not None and key.names_use_last is not None:
        use_last = key.names_use_last
    return shown, use_last and count >= shown + 2


def _without_others(names_list: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """The names before a closing ``others``, and whether there was one.

    BibTeX's ``and others`` says a list goes on; Zotero's import and pandoc keep it as a
    last name whose literal is ``others``, which citeproc-js prints as a name. Here it
    means what its author meant: the list is cut there and ends in the style's et-al
    term (a deliberate difference, documented with the others).
    """
    if names_list and str(names_list[-1].get("literal", "")).strip().lower() == "others":
        return names_list[:-1], True
    return names_list, False


def render_name_list(
    names_list: list[dict[str, Any]],
    options: NameOptions,
    name_el: Element | None,
    et_al_el: Element | None,
    ctx: RenderContext,
    variable: str,
) -> tuple[Node | None, list[Span], list[str]]:
    names_list, more = _without_others(names_list)
    count = len(names_list)
    # A closing "others" stands for one name at least: the list is as long as that for
    # et-al-min (three names and others make four), as citeproc-js counts it.
    shown, use_last = _et_al_limits(options, ctx, count + more)
    shown = min(shown, count)
    truncated = shown < count or more
    use_last = use_last and not more
    if options.get("form") == "count":
        return (Text(str(shown)) if shown else None), [], []
    if ctx.sorting is not None:
        sorted_names = names_list[:shown] + (names_list[-1:] if use_last else [])
        keys = [
            plain(render_name(n, options, name_el, ctx, i, 0)) for i, n in enumerate(sorted_names)
        ]
        return Text("\u0002".join(keys)), [], keys
    delimiter = options.get("delimiter", ", ")
    and_option = options.get("and")
    and_word = None
    if and_option == "text":
        and_word = ctx.locale.term_text("and") or "and"
    elif and_option == "symbol":
        and_word = "&"
    rendered: list[Span] = []
    texts: list[str] = []
    levels = ctx.disambiguation.name_levels
    for index, raw in enumerate(names_list[:shown]):
        level = levels.get(index, ctx.disambiguation.givenname_level)
        node = render_name(raw, options, name_el, ctx, index, level)
        if node is None:
            continue
        holder = Span([node])
        rendered.append(holder)
        texts.append(plain(node))
    if not rendered:
        return None, [], []
    pieces: list[Node] = []
    for i, holder in enumerate(rendered):
        if i == 0:
            pieces.append(holder)
            continue
        is_last = i == len(rendered) - 1
        if is_last and and_word and not truncated:
            precedes = options.get("delimiter-precedes-last", "contextual")
            inverted_previous = is_inverted(names_list[i - 1], options, i - 1)
            use_delimiter = (
                precedes == "always"
                or (precedes == "contextual" and len(rendered) >= 3)
                or (precedes == "after-inverted-name" and inverted_previous)
            )
            pieces.append(Text((delimiter if use_delimiter else " ") + and_word + " "))
        else:
            pieces.append(Text(delimiter))
        pieces.append(holder)
    if truncated:
        if use_last:
            last = render_name(names_list[-1], options, name_el, ctx, count - 1, 0)
            if last is not None:
                pieces.append(Text(delimiter + "\u2026 "))
                pieces.append(last)
        else:
            term_name = et_al_el.get("term", "et-al") if et_al_el is not None else "et-al"
            term = ctx.locale.term_text(term_name or "et-al")
            if term:
                precedes = options.get("delimiter-precedes-et-al", "contextual")
                inverted_previous = is_inverted(names_list[shown - 1], options, shown - 1)
                use_delimiter = (
                    precedes == "always"
                    or (precedes == "contextual" and shown >= 2)
                    or (precedes == "after-inverted-name" and inverted_previous)
                )
                term_node: Node = Text(term)
                if et_al_el is not None and (
                    et_al_el.formatting or et_al_el.prefix or et_al_el.suffix
                ):
                    term_node = (
                        affixed(
                            Span([term_node], formatting=dict(et_al_el.formatting)),
                            et_al_el.prefix,
                            et_al_el.suffix,
                        )
                        or term_node
                    )
                # A CJK "et al." ("等") follows the last name without a space.
                spacer = " " if _ROMANESQUE.match(term[:1]) else ""
                pieces.append(Text(delimiter if use_delimiter else spacer))
                pieces.append(term_node)
    node = Span(pieces)
    if name_el is not None:
        content = Span([node], formatting=dict(name_el.formatting)) if name_el.formatting else node
        node = affixed(content, name_el.prefix, name_el.suffix)
    return node, rendered, texts


def _label_node(
    label_el: Element | None, term_name: str, plural: bool, ctx: RenderContext
) -> Node | None:
    if label_el is None:
        return None
    plural = {"always": True, "never": False}.get(
        label_el.get("plural", "contextual") or "", plural
    )
    term = ctx.locale.term_text(term_name, label_el.get("form", "long"), plural)
    return decorate(label_el, Text(term), ctx) if term else None


def render_names(
    element: Element, ctx: RenderContext, inherited: Element | None = None
) -> Node | None:
    """A ``<names>`` element, substituting when every variable is empty.

    Inside a ``<substitute>``, at any depth (in a ``<choose>``, a macro), a ``<names>``
    takes what it lacks of ``<name>``, ``<et-al>`` and ``<label>`` from the element it
    stands in for, as citeproc-js does."""

    first_names = inherited is None
    if inherited is None and ctx.substituted_for:
        inherited = ctx.substituted_for[-1]
    source = inherited if inherited is not None else element
    name_el = element.child("name") or (inherited.child("name") if inherited is not None else None)
    et_al_el = element.child("et-al") or (
        inherited.child("et-al") if inherited is not None else None
    )
    label_el = element.child("label") or (
        inherited.child("label") if inherited is not None else None
    )
    label_owner = element if element.child("label") is not None else source
    label_first = False
    if label_el is not None and name_el is not None:
        order = [c.tag for c in label_owner.children]
        label_first = (
            "label" in order and "name" in order and order.index("label") < order.index("name")
        )
    options = effective_options(name_el, ctx)
    variables = element.get("variable", "").split()
    ctx.called += 1
    if ctx.suppress_first_names and first_names:
        ctx.suppress_first_names = False
        return None
    present = [(v, ctx.value(v)) for v in variables]
    present = [(v, value) for v, value in present if isinstance(value, list) and value]
    if (
        len(present) == 2
        and {v for v, _ in present} == {"editor", "translator"}
        and present[0][1] == present[1][1]
        and ctx.locale.term_text("editortranslator")
    ):
        present = [("editortranslator", present[0][1])]
    outputs: list[Node] = []
    total_names = 0
    for variable, names_list in present:
        value = names_list
        node, holders, texts = render_name_list(value, options, name_el, et_al_el, ctx, variable)
        if node is None:
            continue
        if options.get("form") == "count":
            total_names += int(plain(node))
            continue
        if ctx.names_record is None:
            ctx.names_record = RenderedNames(Span([node]), holders, texts)
            node = ctx.names_record.node
        label = (
            _label_node(label_el, variable, len(value) > 1, ctx) if ctx.sorting is None else None
        )
        if label is not None:
            node = Span([label, node] if label_first else [node, label])
        outputs.append(node)
    if options.get("form") == "count":
        if total_names:
            ctx.rendered += 1
            return decorate(element, Text(str(total_names)), ctx)
        return _substitute(element, ctx, source)
    if outputs:
        ctx.rendered += 1
        if ctx.in_substitute:
            # Standing in for other names: printed once, even if the substitute's
            # macro names the variable again.
            ctx.suppressed.update(v for v, _ in present if v != "editortranslator")
        delimiter = element.get("delimiter") or ctx.context.options.get("names-delimiter", "")
        return decorate(element, join(outputs, delimiter), ctx)
    return _substitute(element, ctx, source)


def _substitute(element: Element, ctx: RenderContext, source: Element) -> Node | None:
    from .render import render

    substitute = element.child("substitute")
    if substitute is None:
        return None
    for child in substitute.children:
        before = set(ctx.touched)
        ctx.in_substitute += 1
        ctx.substituted_for.append(source)
        called, rendered_count = ctx.called, ctx.rendered
        if child.tag == "names":
            node = render_names(child, ctx, inherited=source)
        else:
            node = render(child, ctx)
        ctx.substituted_for.pop()
        ctx.in_substitute -= 1
        if child.tag == "text" and "term" in child.attrs and (node is None or is_empty(node)):
            return None  # citeproc-js: an empty term still ends the substitution
        if node is not None and not is_empty(node):
            ctx.suppressed |= ctx.touched - before
            ctx.rendered = max(ctx.rendered, rendered_count + 1)
            if ctx.names_record is None:
                # What stands in for the names counts as them for author substitution.
                holder = Span([node])
                ctx.names_record = RenderedNames(holder, [holder], [plain(node)])
                node = holder
            return decorate(element, node, ctx)
        ctx.called, ctx.rendered = called, rendered_count
    return None
