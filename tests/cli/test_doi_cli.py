"""``sphinx-highlight check --verify``: entries against their DOIs, from the command line.

The resolver is a server on 127.0.0.1 (:mod:`doi_server`); the command runs in a new
process, as a user runs it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from doi_server import BAD_JSON, UNKNOWN

ROOT = Path(__file__).parents[1] / "roots" / "test-doi-verify"


def check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_highlight", "check", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=cwd, check=False, timeout=120,
    )



def test_verify_reports_at_the_entries_and_runs_offline_from_the_cache(tmp_path, resolver):
    """Each mismatch and the DOI that does not resolve, as path:line: warning lines; the
    cache it fills makes a second run with no resolver and no fetching give the same
    report, but for the DOI that never resolved."""
    shutil.copy(ROOT / "refs.bib", tmp_path / "refs.bib")
    first = check("refs.bib", "--verify", "--doi-resolver", resolver.url, cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    lines = first.stdout.splitlines()
    assert lines == [
        ("refs.bib:17: warning: entry 'mogil2020qualitative': title 'Qualitative sex "
        "differences in pain processing: Emerging evidence of a biased literature' differs "
        "from its DOI's (10.1038/nrn.2018.2): 'Microglia in neuropathic pain: Cellular and "
        "molecular mechanisms and therapeutic potential' [highlight.doi_mismatch]"),
        ("refs.bib:17: warning: entry 'mogil2020qualitative': first author 'Mogil' differs "
        "from its DOI's (10.1038/nrn.2018.2): 'Inoue' [highlight.doi_mismatch]"),
        ("refs.bib:17: warning: entry 'mogil2020qualitative': year '2020' differs from its "
        "DOI's (10.1038/nrn.2018.2): '2018' [highlight.doi_mismatch]"),
        (f"refs.bib:29: warning: entry 'rothhammer2018microglial': DOI {UNKNOWN} cannot be "
        f"checked: {resolver.url}/{UNKNOWN} answered 404: the resolver knows no such DOI "
        "[highlight.doi]"),
    ]
    assert (tmp_path / "highlight-dois.json").is_file()  # the default cache, here
    resolver.stop()
    offline = check("refs.bib", "--verify", "--doi-fetch", "never",
                    "--doi-resolver", resolver.url, cwd=tmp_path)
    assert offline.stdout.splitlines()[:3] == lines[:3]
    assert offline.stdout.splitlines()[3] == (
        f"refs.bib:29: warning: entry 'rothhammer2018microglial': DOI {UNKNOWN} cannot be "
        "checked: not in the DOI cache highlight-dois.json, and fetching is off [highlight.doi]"
    )


def test_without_verify_no_doi_is_asked_for(tmp_path, resolver):
    shutil.copy(ROOT / "refs.bib", tmp_path / "refs.bib")
    result = check("refs.bib", "--doi-resolver", resolver.url, cwd=tmp_path)
    assert "[highlight.doi" not in result.stdout
    assert not resolver.requests
    assert not (tmp_path / "highlight-dois.json").exists()


def test_a_project_verifies_with_its_own_cache_and_knows_dois_cited_alone(tmp_path, resolver):
    """In a project, ``check`` reads highlight_doi_cache and highlight_doi_resolver from
    conf.py; a DOI cited alone is fetched into the cache as a build would, and one that
    cannot be is a DOI problem at the page, not an unknown key."""
    project = tmp_path / "docs"
    shutil.copytree(ROOT, project)
    (project / "conf.py").write_text(
        (ROOT / "conf.py").read_text(encoding="utf-8")
        + f"highlight_doi_resolver = {resolver.url!r}\n"
        + "highlight_doi_cache = 'refs/dois.json'\n",
        encoding="utf-8",
    )
    (project / "cited.rst").write_text(
        f"Cited\n=====\n\nBy DOI :hcite:`doi:10.1038/nrn.2018.2`.\n\nNot JSON :hcite:`{BAD_JSON}`.\n",
        encoding="utf-8",
    )
    result = check("--conf", "docs", cwd=tmp_path)
    assert result.returncode == 1
    assert "docs/refs.bib:17: warning: entry 'mogil2020qualitative': year" in result.stdout
    assert (project / "refs" / "dois.json").is_file()
    assert "not in the bibliography" not in result.stdout, result.stdout
    assert f"docs/cited.rst:6: warning: DOI {BAD_JSON} cannot be shown: " in result.stdout


def test_a_project_gives_its_doi_timeout_to_check(tmp_path):
    """``highlight_doi_timeout`` is read from conf.py as a build reads it; a value that is
    no number of seconds is a problem at conf.py, and the default serves."""
    from sphinxcontrib_highlight.cli.project import read_project
    from sphinxcontrib_highlight.sphinxext.config import config_fields, default_of

    # The default as the config module took it from doi_fetch.TIMEOUT when imported
    # (under the resolver fixture's shorter timeout, if a test imported it there).
    default = default_of(next(f for f in config_fields() if f.name == "doi_timeout"))

    conf = tmp_path / "conf.py"
    conf.write_text("highlight_doi_timeout = 2.5\n", encoding="utf-8")
    assert read_project(tmp_path).doi_timeout == 2.5
    conf.write_text("highlight_doi_timeout = -1\n", encoding="utf-8")
    project = read_project(tmp_path)
    assert project.doi_timeout == default != -1
    assert ["highlight_doi_timeout" in problem.message for problem in project.problems] == [True]


def test_check_reports_a_cited_doi_two_entries_hold(tmp_path, resolver):
    """As a build warns: a DOI the pages cite that two entries hold is a problem at the
    second entry; a DOI an entry holds is not fetched."""
    project = tmp_path / "docs"
    shutil.copytree(Path(__file__).parents[1] / "roots" / "test-doi-held", project)
    with (project / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"highlight_doi_resolver = {resolver.url!r}\n")
    result = check("--conf", "docs", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        ("docs/refs.bib:28: warning: entry 'finnerup2021review' holds DOI "
        "10.1152/physrev.00045.2019, as entry 'finnerup2021neuropathic' (refs.bib:16) does; "
        "a citation of the DOI shows 'finnerup2021neuropathic' [highlight.doi]"),
    ], result.stdout + result.stderr
    assert not resolver.requests
