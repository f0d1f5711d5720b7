"""The shortcuts the main process takes for each page's reader tools give what the long
way gives: the page walk finds what docutils' ``findall`` finds, an entry's identity is
the same memoized or not (and a changed entry gets a new folder), and a writer that
hands its jobs to the child in batches writes every file the writer of a small build
writes."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from pybtex.database import Entry, Person

from sphinxcontrib_highlight.speed import switch
from sphinxcontrib_highlight.sphinxext.nodes import find_all
from sphinxcontrib_highlight.web import downloads, page_extras


def article(title: str = "A title", key: str = "smith2020") -> Entry:
    entry = Entry(
        "article",
        fields={"title": title, "journal": "Journal", "year": "2020", "doi": "10.1/x"},
        persons={"author": [Person("Smith, Jane"), Person("van der Berg, Jan")]},
    )
    entry.key = key
    return entry


def nested_page() -> nodes.document:
    document = nodes.document(None, None)  # type: ignore[arg-type]
    section = nodes.section()
    outer = nodes.container(classes=["highlight-references"])
    items = nodes.enumerated_list()
    for number in range(3):
        inner = nodes.container(classes=["highlight-citation"])
        inner += nodes.paragraph("", f"text {number}", nodes.emphasis("", "x"))
        items += nodes.list_item("", inner, nodes.list_item("", nodes.Text("nested")))
    outer += items
    section += [nodes.paragraph("", "before"), outer, nodes.container()]
    document += section
    return document


def test_the_page_walk_finds_what_findall_finds_in_the_same_order():
    document = nested_page()
    for root in (document, *document.findall(nodes.container)):
        for kind in (nodes.container, nodes.list_item, nodes.Element, nodes.Text, nodes.Node):
            assert find_all(root, kind) == list(root.findall(kind))
        both = (nodes.container, nodes.list_item)
        assert find_all(root, both) == [node for node in root.findall() if isinstance(node, both)]
    shown = page_extras._containers(document)
    assert shown == [
        node for node in document.findall(nodes.container)
        if {"highlight-citation", "highlight-references"} & set(node["classes"])
    ]
    assert len(shown) == 4


def test_an_entrys_identity_is_the_same_memoized_or_not(monkeypatch):
    first, same = article(), article()
    memoized = [downloads.identity(first), downloads.identity(same)]
    monkeypatch.setattr(switch, "_enabled", False)
    plain = downloads.identity(first)
    assert memoized == [plain, plain]
    assert plain == downloads._identity(first).encode("utf-8", "surrogatepass")


def test_a_changed_entry_gets_a_new_folder_after_its_old_self_was_memoized():
    old = downloads.folder_for([article("A title")], "stem", {})
    assert downloads.folder_for([article("A title")], "stem", {}) == old
    assert downloads.folder_for([article("Another title")], "stem", {}) != old
    assert downloads.folder_for([article(key="smith2021")], "stem", {}) != old


class Entries:
    """A bibliography of the test's entries, as :func:`.downloads.write_files` reads one."""

    def __init__(self, entries: list[Entry]) -> None:
        self._entries = {entry.key: entry for entry in entries}

    def read_ahead(self, keys: list[str]) -> None:
        pass

    def get(self, key: str) -> Entry | None:
        return self._entries.get(key)


def test_a_writer_expecting_many_sets_writes_them_in_batches_all_the_same(
    tmp_path, monkeypatch
):
    entries = Entries([article(f"Title {number}", f"key{number}") for number in range(23)])
    jobs = [
        downloads.DownloadJob(
            downloads.folder_for([entries.get(f"key{number}")], f"page{number}", {}),  # type: ignore[list-item]
            f"page{number}", ((("refs.bib",), f"key{number}"),), (),
        )
        for number in range(23)
    ]
    messages: list[int] = []
    real_submit = downloads.Worker.submit

    def counting(worker: downloads.Worker, job: tuple[downloads.DownloadJob, ...]) -> None:
        messages.append(len(job))
        real_submit(worker, job)

    monkeypatch.setattr(downloads.Worker, "submit", counting)
    written = {}
    for expected in (0, len(jobs)):
        outdir = tmp_path / str(expected)
        writer = downloads.DownloadWriter(lambda bibfiles: entries, str(outdir), expected)  # type: ignore[arg-type, return-value]
        for job in jobs:
            writer.request(job)
        writer.finish()
        written[expected] = {
            path.relative_to(outdir): path.read_bytes()
            for path in sorted(Path(outdir).rglob("*")) if path.is_file()
        }
    assert len(written[0]) == 3 * len(jobs)
    assert written[len(jobs)] == written[0]
    assert messages == [1] * len(jobs) + [10, 10, 3]
