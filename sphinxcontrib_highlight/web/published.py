"""Which download files the pages link, and the removal of every other one.

Download files are named by a digest of what they hold (:mod:`.downloads`), so an edited
entry gets new files and the old ones would stay published beside them, linked from
nowhere. A clean build makes only the files its pages link; an incremental build must
leave the same, yet it rewrites only some pages. So the files each page links are
recorded, per output directory, in a small JSON file beside the doctrees: a build
replaces the record of each page it writes, keeps that of the others, forgets pages
that are gone, and removes from ``_downloads/highlight/`` every file no page links.

A build that stops halfway (an error, Ctrl-C, a kill) may have written pages without
recording them. The record is therefore marked incomplete as a build starts writing and
complete only once it finished: after an incomplete one, the pages this build does not
write are read for their links instead (once), and nothing a page links is removed.
"""

from __future__ import annotations

import hashlib
import json
import re
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.builders import Builder

#: A link to a download file in a written page: its path below the downloads folder.
_LINK = re.compile(r"_downloads/highlight/([0-9a-f]{16}/[A-Za-z0-9._-]+)")


class PublishedFiles:
    """The download files of one build's pages, by page, and what earlier builds recorded."""

    def __init__(self, builder: Builder, folder: str) -> None:
        self._builder = builder
        self._root = Path(builder.outdir, folder)
        digest = hashlib.sha1(str(builder.outdir).encode(), usedforsecurity=False).hexdigest()
        self._record = Path(builder.doctreedir, f"highlight-downloads-{digest[:12]}.json")
        self._earlier, self._complete = self._read_record()
        self._write_record(self._earlier, complete=False)  # complete again once finished
        self.pages: dict[str, set[str]] = {}
        """The files each page written in this build links, relative to the folder."""

    def page(self, docname: str) -> set[str]:
        """The files a page written in this build links (empty until it asks for some)."""
        return self.pages.setdefault(docname, set())

    def finish(self, succeeded: bool) -> None:
        """Record what every page links; if the build succeeded, remove every other file.

        After a complete record only the files it names and no page links any more are
        removed (no walk through thousands of files); after an incomplete one, or none,
        the whole folder is looked through once.
        """
        docnames = set(self._builder.env.all_docs)
        linked = {
            docname: (
                self.pages[docname] if docname in self.pages
                else self._earlier[docname] if self._complete and docname in self._earlier
                else self._read_links(docname)
            )
            for docname in docnames
            if docname in self.pages or docname in self._earlier or not self._complete
        }
        linked = {docname: files for docname, files in linked.items() if files}
        self._write_record(linked, complete=succeeded)
        if not succeeded:
            return
        kept: set[str] = set().union(*linked.values())
        if self._complete:
            self._remove(set().union(*self._earlier.values()) - kept)
        else:
            self._remove_all_but(kept)

    def _read_links(self, docname: str) -> set[str]:
        """The download files a page written by an earlier build links, read from it."""
        outfilename = getattr(self._builder, "get_outfilename", None)  # every HTML builder's
        if outfilename is None:
            return set()
        try:
            html = Path(outfilename(docname)).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return set()
        return set(_LINK.findall(html))

    def _remove(self, stale: set[str]) -> None:
        """Remove these files, and their folders once empty."""
        for name in sorted(stale):
            path = self._root / name
            with suppress(OSError):
                path.unlink(missing_ok=True)
                if not any(path.parent.iterdir()):
                    path.parent.rmdir()
        self._remove_if_empty(self._root)

    def _remove_all_but(self, linked: set[str]) -> None:
        if not self._root.is_dir():
            return
        for path in sorted(self._root.rglob("*"), reverse=True):  # files before folders
            with suppress(OSError):
                if path.is_dir():
                    if not any(path.iterdir()):
                        path.rmdir()
                elif path.relative_to(self._root).as_posix() not in linked:
                    path.unlink()
        self._remove_if_empty(self._root)

    @staticmethod
    def _remove_if_empty(root: Path) -> None:
        """Remove the downloads folder and ``_downloads`` above it if nothing is left in
        them, as a clean build without downloads has neither."""
        for folder in (root, root.parent):
            with suppress(OSError):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()

    def _read_record(self) -> tuple[dict[str, set[str]], bool]:
        try:
            record = json.loads(self._record.read_text(encoding="utf-8"))
            pages = {str(docname): set(map(str, files)) for docname, files in record["pages"].items()}
            return pages, record["complete"] is True
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}, False

    def _write_record(self, pages: dict[str, set[str]], *, complete: bool) -> None:
        record = {"complete": complete, "pages": {
            docname: sorted(files) for docname, files in sorted(pages.items())
        }}
        with suppress(OSError):
            self._record.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._record.with_name(self._record.name + ".tmp")
            temporary.write_text(json.dumps(record), encoding="utf-8")
            temporary.replace(self._record)
