"""How Zotero reads a page, written down for the tests (Zotero itself cannot run here).

``parse_context_object`` follows Zotero's OpenURL reader (``parseContextObject``, which
its COinS translator calls on each ``span.Z3988``): values are URI-decoded after ``+``
becomes a space; ``rft.aulast``/``rft.aufirst`` build one "complex" creator that is
dropped when a plain ``rft.au`` creator has the same last name and a first name that
starts the same way; ``rft.spage`` and ``rft.epage`` make the pages. ``embedded_metadata``
reads Highwire ``citation_*`` tags as Zotero's Embedded Metadata translator does, one
creator per ``citation_author`` split at its comma.
"""

from __future__ import annotations

from urllib.parse import unquote


def _creator(text: str) -> dict[str, str]:
    if "," in text:
        last, _, first = text.partition(",")
        return {"lastName": last.strip(), "firstName": first.strip()}
    *first, last = text.split()
    return {"lastName": last, "firstName": " ".join(first)}


def parse_context_object(kev: str) -> dict[str, object]:
    """The item Zotero makes of a COinS ``title``."""
    item: dict[str, object] = {"creators": [], "DOI": None}
    creators: list[dict[str, str]] = []
    complex_first: dict[str, str] = {}
    spage = epage = ""
    for part in kev.split("&"):
        key, _, raw = part.partition("=")
        value = unquote(raw.replace("+", " ").replace("%2B", " ").replace("%2b", " "))
        if key == "rft_val_fmt":
            item["itemType"] = {
                "info:ofi/fmt:kev:mtx:journal": "journalArticle",
                "info:ofi/fmt:kev:mtx:book": "book",
            }.get(value)
        elif key == "rft_id" and value.startswith("info:doi/"):
            item["DOI"] = value[len("info:doi/"):]
        elif key in ("rft.atitle", "rft.btitle") and "title" not in item:
            item["title"] = value
        elif key == "rft.jtitle":
            item["publicationTitle"] = value
        elif key == "rft.stitle":
            item["journalAbbreviation"] = value
        elif key in ("rft.volume", "rft.issue", "rft.date", "rft.genre"):
            item[key[4:]] = value
        elif key == "rft.spage":
            spage = value
        elif key == "rft.epage":
            epage = value
        elif key == "rft.aulast":
            complex_first["lastName"] = value
        elif key == "rft.aufirst":
            complex_first["firstName"] = value
        elif key == "rft.au":
            creators.append(_creator(value))
    if complex_first:
        duplicate = any(
            creator["lastName"] == complex_first.get("lastName")
            and creator["firstName"].startswith(complex_first.get("firstName", ""))
            for creator in creators
        )
        if not duplicate:
            creators.insert(0, complex_first)
    item["creators"] = creators
    item["pages"] = f"{spage}-{epage}" if spage and epage else spage
    return item


def embedded_metadata(tags: list[tuple[str, str]]) -> dict[str, object]:
    """The item Zotero's Embedded Metadata translator makes of a page's ``citation_*`` tags."""
    item: dict[str, object] = {"creators": [], "references": []}
    first = last = ""
    for name, content in tags:
        if name == "citation_author":
            item["creators"].append(_creator(content))  # type: ignore[attr-defined]
        elif name == "citation_reference":
            item["references"].append(content)  # type: ignore[attr-defined]
        elif name == "citation_firstpage":
            first = content
        elif name == "citation_lastpage":
            last = content
        else:
            item.setdefault(name.removeprefix("citation_"), content)
    item["pages"] = f"{first}-{last}" if first and last else first
    return item
