"""Generate seeded benchmark corpora: the same pages in three variants.

The variants differ only in how citations are written, so the difference between their
build times is the cost of citing:

``plain``
    Citations typed as plain text (``[3]``) and each page's list as a plain numbered list
    of the text this extension prints for each entry (its default reference style),
    typed in: the physical limit of a citation extension.
``bibtex``
    sphinxcontrib-bibtex: ``:cite:p:`` and a per-page ``.. bibliography::`` filtered to
    the keys cited on that page (``:filter: docname in docnames``).
``highlight``
    This extension: ``:hcite:`` and ``.. highlight-references:: :cited:``.

Usage: ``python benchmarks/generate.py OUT --entries 2000 --pages 100 --cites 20``.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

VARIANTS = ("plain", "bibtex", "highlight")

_GIVEN = ["Anna", "Bjørn", "Chloé", "Dmitri", "Élodie", "Fatima", "Günter", "Hiroshi",
          "Ingrid", "José", "Katarzyna", "Lars", "Mei", "Nikolai", "Olivia", "Pedro",
          "Quentin", "Rafael", "Søren", "Tomás", "Ulrike", "Vera", "Wei", "Xavier",
          "Yusuf", "Zoë"]
#: Family names as BibTeX writes them (LaTeX accents, braces) and as they print.
_FAMILY = [
    (r"M{\"u}ller", "Müller"), (r"Schr{\"o}dinger", "Schrödinger"),
    (r"Garc{\'\i}a", "García"), (r"Ng", "Ng"), (r"{\v{C}}ech", "Čech"),
    (r"Erd{\H{o}}s", "Erdős"), (r"Smith", "Smith"), (r"{van der Berg}", "van der Berg"),
    (r"Ol{\'a}h", "Oláh"), (r"Lef{\`e}vre", "Lefèvre"), (r"Johansson", "Johansson"),
    (r"Kowalczyk", "Kowalczyk"), (r"{\AA}str{\"o}m", "Åström"), (r"Zhang", "Zhang"),
    (r"Nakamura", "Nakamura"), (r"Gon{\c{c}}alves", "Gonçalves"), (r"Brown", "Brown"),
    (r"Dvo{\v{r}}{\'a}k", "Dvořák"), (r"O'Neill", "O'Neill"), (r"Wang", "Wang"),
]
_WORDS = ["neural", "circuits", "{DNA}", "dynamics", "of", "the", "in", "cortical",
          "plasticity", "{RNA}", "memory", "a", "model", "for", "signalling", "synaptic",
          "mouse", "{Drosophila}", "imaging", "large-scale", "inference", "protein",
          "structure", "evolution", "{C}a$^{2+}$", "network", "reward", "learning"]
_VENUES = ["Nature", "Neuron", "Cell", "Science", "eLife", "Journal of Neuroscience",
           "PLOS Computational Biology", "Neuroscience Bulletin", "Brain"]
_TYPES = ["article"] * 6 + ["book", "inproceedings", "incollection", "phdthesis",
                            "techreport", "misc"]


@dataclass(frozen=True)
class Entry:
    key: str
    bibtex: str


def _plain_latex(text: str) -> str:
    return text.replace("{", "").replace("}", "").replace("$^{2+}$", "²⁺").replace("$^2+$", "²⁺")


def make_entry(rng: random.Random, index: int) -> Entry:
    """One realistic entry: 1–30 authors (mostly few), accents, braces, a DOI."""
    kind = rng.choice(_TYPES)
    count = min(30, max(1, int(rng.expovariate(1 / 5)) + 1))
    people = [(rng.choice(_FAMILY), rng.choice(_GIVEN)) for _ in range(count)]
    authors_tex = " and ".join(f"{family[0]}, {given}" for family, given in people)
    title_words = [rng.choice(_WORDS) for _ in range(rng.randint(4, 14))]
    title_words[0] = title_words[0][:1].upper() + title_words[0][1:]
    title_tex = " ".join(title_words)
    year = rng.randint(1950, 2025)
    key = f"{_plain_latex(people[0][0][1]).split()[-1].lower()}{year}e{index}"
    key = "".join(ch for ch in key if ch.isascii() and ch.isalnum()) or f"e{index}"
    venue = rng.choice(_VENUES)
    fields = {"title": f"{{{title_tex}}}", "year": str(year)}
    if kind == "article":
        fields |= {"journal": venue, "volume": str(rng.randint(1, 600)),
                   "number": str(rng.randint(1, 12)),
                   "pages": f"{(p := rng.randint(1, 2000))}--{p + rng.randint(1, 30)}",
                   "doi": f"10.{rng.randint(1000, 9999)}/x{index:07d}"}
    elif kind in ("inproceedings", "incollection"):
        fields |= {"booktitle": f"Proceedings of {venue}", "publisher": "Springer",
                   "pages": f"{rng.randint(1, 300)}--{rng.randint(301, 600)}"}
    elif kind == "book":
        fields |= {"publisher": "MIT Press", "address": "Cambridge, MA"}
    elif kind == "phdthesis":
        fields |= {"school": "Universit{\\'e} de Gen{\\`e}ve"}
    elif kind == "techreport":
        fields |= {"institution": "Max-Planck-Institut f{\\\"u}r Hirnforschung",
                   "number": f"TR-{index}"}
    else:
        fields |= {"howpublished": f"\\url{{https://example.org/{index}}}", "note": "Preprint"}
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    bibtex = f"@{kind}{{{key},\n  author = {{{authors_tex}}},\n{body}\n}}\n"
    return Entry(key, bibtex)


def generate(out: Path, entries: int, pages: int, cites: int, seed: int = 6) -> None:
    """Write ``out/<variant>/`` for each variant: conf.py, index.rst, pages and refs.bib."""
    rng = random.Random(seed)
    corpus = [make_entry(rng, index) for index in range(entries)]
    page_keys = [rng.sample(range(entries), min(cites, entries)) for _ in range(pages)]
    bibtex = "".join(entry.bibtex + "\n" for entry in corpus)
    printed = _printed(bibtex)
    for variant in VARIANTS:
        root = out / variant
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        (root / "conf.py").write_text(_conf(variant), encoding="utf-8")
        if variant != "plain":
            (root / "refs.bib").write_text(bibtex, encoding="utf-8")
        toctree = "\n".join(f"   page{number:04d}" for number in range(pages))
        (root / "index.rst").write_text(
            f"Benchmark\n=========\n\n.. toctree::\n   :maxdepth: 1\n\n{toctree}\n", encoding="utf-8"
        )
        for number, keys in enumerate(page_keys):
            text = _page(variant, number, [corpus[index] for index in keys], printed,
                         rng_for(seed, number))
            (root / f"page{number:04d}.rst").write_text(text, encoding="utf-8")


def rng_for(seed: int, page: int) -> random.Random:
    """A generator per page, so every variant gets the same prose around its citations."""
    return random.Random(seed * 1_000_003 + page)


def _conf(variant: str) -> str:
    common = 'project = "bench"\nexclude_patterns = ["_build"]\n'
    if variant == "bibtex":
        return common + ('extensions = ["sphinxcontrib.bibtex"]\nbibtex_bibfiles = ["refs.bib"]\n'
                         'bibtex_default_style = "unsrt"\nbibtex_reference_style = "label"\n')
    if variant == "highlight":
        return common + ('extensions = ["sphinxcontrib_highlight"]\n'
                         'highlight_bibfiles = ["refs.bib"]\n')
    return common


def _printed(bibtex: str) -> dict[str, str]:
    """Each entry as this extension prints it in a reference list, by key, escaped for
    reST: what the plain variant types in, so that it shows the same text."""
    from sphinxcontrib_highlight.bibliography.database import load_bibliography
    from sphinxcontrib_highlight.sphinxext.formatting import plain, render_entry

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "refs.bib")
        path.write_text(bibtex, encoding="utf-8")
        bibliography = load_bibliography([path], "utf-8")
        entries = bibliography.entries
        return {
            entry.key: re.sub(r"([\\*`|_])", r"\\\1", plain(render_entry("neurosci-bull", entry).text))
            for entry in entries.values()
        }


def _page(
    variant: str, number: int, entries: list[Entry], printed: dict[str, str], rng: random.Random
) -> str:
    title = f"Page {number}"
    lines = [title, "=" * len(title), ""]
    for index, entry in enumerate(entries, start=1):
        prose = " ".join(rng.choice(["Results", "show", "that", "the", "network", "learns",
                                     "as", "reported", "previously", "in", "mice"])
                         for _ in range(rng.randint(8, 25)))
        if variant == "plain":
            cite = f"[{index}]"
        elif variant == "bibtex":
            cite = f":cite:p:`{entry.key}`"
        else:
            cite = f":hcite:`{entry.key}`"
        lines += [f"{prose.capitalize()} {cite}.", ""]
    lines += ["References", "----------", ""]
    if variant == "plain":
        lines += [f"{index}. {printed[entry.key]}" for index, entry in enumerate(entries, start=1)]
    elif variant == "bibtex":
        lines += [".. bibliography::", "   :filter: docname in docnames"]
    else:
        lines += [".. highlight-references::", "   :cited:"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--cites", type=int, default=20)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    generate(args.out, args.entries, args.pages, args.cites, args.seed)


if __name__ == "__main__":
    main()
