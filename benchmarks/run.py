"""Build each variant of a generated corpus and compare it with plain Sphinx.

Every build runs ``sys.executable -m sphinx`` in a fresh wrapper process that reports the
build's own wall time and peak memory (``ru_maxrss`` of its children, so each build is
measured alone). A repetition builds the variants in turn, scenario by scenario (plain's
full build, then each other variant's; plain's rebuild after touching a page, then each
other variant's; and so on), so the builds compared run seconds apart and a drift in the
machine's speed falls on them alike. Each ratio to plain is taken within one repetition,
and the medians over the repetitions are printed. After every incremental build the
runner counts the output pages whose mtime changed, so "only the pages whose output
changes are rewritten" is measured, not assumed.

Usage: ``python benchmarks/run.py --entries 2000 --pages 100 --cites 20 --repeat 3``.

``--without TRICK`` adds a variant: the highlight corpus built with that trick of the
speed layer turned off (``HIGHLIGHT_SPEEDUPS_OFF``, see ``speed/switch.py``; ``all`` sets
``highlight_speedups = False``), so each trick is measured against the same builds with
it, in the same run. Give it once per trick. ``--before DIR`` adds the variant
``before``: the highlight corpus built with the package found in DIR (a checkout of an
earlier commit, put first on ``PYTHONPATH``), for before-and-after ratios from one run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import VARIANTS, generate

SCENARIOS = ("full", "touch page", "touch .bib", "change entry", "full -j 2")

#: The project's target for a build's time against plain Sphinx's.
TARGET = 1.2

#: The confidence asked of the interval around a median ratio.
CONFIDENCE = 0.95

#: Runs one sphinx-build in this fresh process (from Sphinx's import on, as
#: ``sphinx-build`` runs) and prints as JSON its wall time, its peak RSS (the larger of
#: the build's process and its children, each build measured alone) and the CPU time
#: of the build's own process and of its children apart. On a machine that other work
#: shares, wall time follows the load; the build process's CPU time follows it much
#: less, so the runner prints both. The process's own peak is read from /proc
#: (``VmHWM``): ``ru_maxrss`` survives ``exec``, so it would report the runner's peak
#: (189 MiB after generating a 20,000-entry corpus) for every build.
_WRAPPER = """
import json, resource, sys, time
start = time.perf_counter()
from sphinx.cmd.build import main
code = main(sys.argv[1:])
seconds = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = own.ru_maxrss
print(json.dumps({"code": code, "seconds": seconds,
                  "rss_mib": max(peak, children.ru_maxrss) / 1024,
                  "cpu": own.ru_utime + own.ru_stime,
                  "children_cpu": children.ru_utime + children.ru_stime}))
"""


#: Builds run as users run them: with bytecode. A machine that sets
#: PYTHONDONTWRITEBYTECODE (this project's CI machines do) would otherwise compile an
#: editable install's modules from source in every build, 30 ms that installed packages,
#: compiled when pip installs them, never pay.
_BUILD_ENVIRONMENT = {
    name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
}


def compile_packages() -> None:
    """Write the bytecode of the package under test and of everything installed, once."""
    import sphinxcontrib_highlight

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(sphinxcontrib_highlight.__file__).parent)],
        check=True, env=_BUILD_ENVIRONMENT,
    )


@dataclass
class Result:
    seconds: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    rewritten: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    """CPU time of the build's own process (children apart)."""
    cpu_ratios: list[float] = field(default_factory=list)
    process: list[float] = field(default_factory=list)
    """Wall time of the whole ``sphinx-build`` process, as its user waits for it."""
    process_ratios: list[float] = field(default_factory=list)


#: Variants of the highlight corpus built with one trick of the speed layer off.
WITHOUT_PREFIX = "highlight-no-"

#: The folder holding the package the ``before`` variant is built with (``--before``).
_BEFORE: Path | None = None


def build(root: Path, jobs: int = 1) -> dict[str, float]:
    """One sphinx-build of ``root`` into ``root/_build``, measured in its own wrapper."""
    command = [
        sys.executable, "-c", _WRAPPER, "-b", "html", "-q",
        "-j", str(jobs), "-d", str(root / "_build" / "doctrees"), str(root),
        str(root / "_build" / "html"),
    ]
    environment = dict(_BUILD_ENVIRONMENT)
    if root.name == "before":
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(_BEFORE), environment.get("PYTHONPATH", "")])
        )
    trick = root.name.removeprefix(WITHOUT_PREFIX) if root.name.startswith(WITHOUT_PREFIX) else ""
    if trick == "all":
        command += ["-D", "highlight_speedups=0"]
    elif trick:
        environment["HIGHLIGHT_SPEEDUPS_OFF"] = trick
    # In the corpus's folder: ``python -c`` puts the working directory first on
    # sys.path, ahead of PYTHONPATH, so run from a checkout's root the ``before``
    # variant would import that checkout's package instead of DIR's.
    started = time.perf_counter()
    completed = subprocess.run(
        command, capture_output=True, text=True, check=True, env=environment, cwd=root
    )
    process_seconds = time.perf_counter() - started
    report: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    # From the process's start to its end, the interpreter's start-up and exit included
    # (the exit's last collection of everything the process holds, for one).
    report["process_seconds"] = process_seconds
    if report["code"] != 0:
        raise SystemExit(f"sphinx-build failed on {root}:\n{completed.stderr}")
    return report


def page_mtimes(root: Path) -> dict[str, int]:
    """Output mtimes of the content pages (genindex and search are rewritten by every build)."""
    return {path.name: path.stat().st_mtime_ns for path in (root / "_build" / "html").glob("page*.html")}


def touch(path: Path) -> None:
    os.utime(path)


def change_entry(root: Path, variant: str, key: str, plain_text: str) -> None:
    """Change one cited entry's title: in refs.bib, or where the plain pages print it."""
    if variant == "plain":
        for page in root.glob("page*.rst"):
            text = page.read_text(encoding="utf-8")
            if plain_text in text:
                page.write_text(text.replace(plain_text, "Revised. " + plain_text), encoding="utf-8")
        return
    bib = root / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    start = text.index("{" + key + ",")
    title = text.index("title = {{", start) + len("title = {{")
    bib.write_text(text[:title] + "Revised " + text[title:], encoding="utf-8")


def scenario_builds(root: Path, variant: str, key: str, plain_text: str,
                    scenarios: tuple[str, ...] = SCENARIOS):
    """Yield (scenario, measurement, pages rewritten) for one variant, in order, for the
    ``scenarios`` asked for (an incremental one is measured after a full build it needs,
    measured or not)."""
    steps = {
        "touch page": lambda: touch(root / "page0000.rst"),
        "touch .bib": lambda: (root / "refs.bib").exists() and touch(root / "refs.bib"),
        "change entry": lambda: change_entry(root, variant, key, plain_text),
    }
    incremental = [name for name in steps if name in scenarios]
    if "full" in scenarios or incremental:
        shutil.rmtree(root / "_build", ignore_errors=True)
        report = build(root)
        if "full" in scenarios:
            yield "full", report, None
    for name in incremental:
        before = page_mtimes(root)
        steps[name]()
        report = build(root)
        after = page_mtimes(root)
        yield name, report, sum(1 for page, mtime in after.items() if before.get(page) != mtime)
    if "full -j 2" in scenarios:
        shutil.rmtree(root / "_build", ignore_errors=True)
        yield "full -j 2", build(root, jobs=2), None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--cites", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="comma-separated, from: " + ", ".join(VARIANTS))
    parser.add_argument("--skip-bibtex", action="store_true",
                        help="leave out sphinxcontrib-bibtex (very slow at scale)")
    parser.add_argument("--workdir", type=Path, help="keep the corpora here (default: a temp dir)")
    parser.add_argument("--without", action="append", default=[], metavar="TRICK",
                        help="also build the highlight corpus with this trick off "
                             "(a name of speed/switch.py's TRICKS, or all); repeatable")
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="also build the highlight corpus with the package in DIR")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, metavar="NAME",
                        help="measure only this scenario (repeatable; default: all of "
                             + ", ".join(repr(name) for name in SCENARIOS) + ")")
    args = parser.parse_args()
    scenarios = tuple(name for name in SCENARIOS if name in (args.scenario or SCENARIOS))
    variants = [name for name in args.variants.split(",") if name]
    variants += [WITHOUT_PREFIX + trick for trick in args.without]
    if args.before is not None:
        global _BEFORE  # read by build(), as the runner's one setting of the kind
        _BEFORE = args.before.resolve()
        variants.append("before")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(_BEFORE / "sphinxcontrib_highlight")],
                       check=True, env=_BUILD_ENVIRONMENT)
    if args.skip_bibtex and "bibtex" in variants:
        variants.remove("bibtex")
    if "plain" not in variants:
        variants.insert(0, "plain")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="highlight-bench-"))
    compile_packages()
    results = {(variant, scenario): Result() for variant in variants for scenario in scenarios}
    for repetition in range(args.repeat):
        generate(workdir, args.entries, args.pages, args.cites)
        for variant in variants:
            if variant.startswith(WITHOUT_PREFIX) or variant == "before":
                shutil.rmtree(workdir / variant, ignore_errors=True)
                shutil.copytree(workdir / "highlight", workdir / variant)
        key, plain_text = _changed_entry(workdir)
        seconds: dict[tuple[str, str], float] = {}
        cpu: dict[tuple[str, str], float] = {}
        process: dict[tuple[str, str], float] = {}
        # The variants take turns, build by build: each scenario of every variant runs
        # back to back, so a drift in the machine's speed falls on all of them alike,
        # and in a shuffled order each turn (seeded by the repetition, so a run can be
        # repeated): in a fixed order the variant built second was slower in every
        # repetition of a run on 2026-12-08, where randomly ordered pairs of the same
        # two packages showed the opposite.
        streams = {
            variant: scenario_builds(workdir / variant, variant, key, plain_text, scenarios)
            for variant in variants
        }
        shuffler = random.Random(repetition)
        for _ in scenarios:
            turn = list(variants)
            shuffler.shuffle(turn)
            for variant in turn:
                scenario, report, rewritten = next(streams[variant])
                result = results[(variant, scenario)]
                result.seconds.append(report["seconds"])
                result.rss_mib.append(report["rss_mib"])
                if rewritten is not None:
                    result.rewritten.append(rewritten)
                seconds[(variant, scenario)] = report["seconds"]
                cpu[(variant, scenario)] = report["cpu"]
                result.cpu.append(report["cpu"])
                process[(variant, scenario)] = report["process_seconds"]
                result.process.append(report["process_seconds"])
                print(f"[{repetition + 1}/{args.repeat}] {variant:9} {scenario:12} "
                      f"{report['seconds']:7.2f} s {report['rss_mib']:7.0f} MiB "
                      f"CPU {report['cpu']:5.2f} s + children {report['children_cpu']:5.2f} s"
                      + (f"  {rewritten} pages written" if rewritten is not None else ""),
                      file=sys.stderr, flush=True)
        for (variant, scenario), result in results.items():
            result.ratios.append(seconds[(variant, scenario)] / seconds[("plain", scenario)])
            result.cpu_ratios.append(cpu[(variant, scenario)] / cpu[("plain", scenario)])
            result.process_ratios.append(
                process[(variant, scenario)] / process[("plain", scenario)]
            )
    _print_table(args, variants, scenarios, results)


def _changed_entry(workdir: Path) -> tuple[str, str]:
    """The first key cited on page 0, and its pre-formatted text in the plain variant."""
    highlight = (workdir / "highlight" / "page0000.rst").read_text(encoding="utf-8")
    key = highlight.split(":hcite:`", 1)[1].split("`", 1)[0]
    plain = (workdir / "plain" / "page0000.rst").read_text(encoding="utf-8")
    first_item = next(line for line in plain.splitlines() if line.startswith("1. "))
    return key, first_item[3:]


def _print_table(args: argparse.Namespace, variants: list[str], scenarios: tuple[str, ...],
                 results: dict[tuple[str, str], Result]) -> None:
    print(f"\n{args.entries} entries, {args.pages} pages, {args.cites} cites a page; "
          f"median of {args.repeat}\n")
    print("| build | " + " | ".join(variants) + " |")
    print("|---|" + "---|" * len(variants))
    for scenario in scenarios:
        cells = []
        for variant in variants:
            result = results[(variant, scenario)]
            cell = f"{statistics.median(result.seconds):.2f} s"
            if variant != "plain":
                cell += f" ({statistics.median(result.ratios):.2f}×)"
            if result.rewritten:
                cell += f", {statistics.median(result.rewritten):g} written"
            cells.append(cell)
        print(f"| {scenario} | " + " | ".join(cells) + " |")
    memory_scenario = "full" if "full" in scenarios else scenarios[0]
    cells = []
    plain_rss = statistics.median(results[("plain", memory_scenario)].rss_mib)
    for variant in variants:
        rss = statistics.median(results[(variant, memory_scenario)].rss_mib)
        cells.append(f"{rss:.0f} MiB" + ("" if variant == "plain" else f" ({rss / plain_rss:.2f}×)"))
    print(f"| peak memory, {memory_scenario} | " + " | ".join(cells) + " |")
    _print_measure(
        "CPU time of the build's own process (its children apart), median, and its ratio "
        "to plain's", variants, scenarios, results, "cpu", "cpu_ratios",
    )
    _print_measure(
        "Wall time of the whole sphinx-build process (the interpreter's start-up and exit "
        "included), median, and its ratio to plain's", variants, scenarios, results,
        "process", "process_ratios",
    )
    _print_confidence(variants, scenarios, results)


def _print_measure(title: str, variants: list[str], scenarios: tuple[str, ...],
                   results: dict[tuple[str, str], Result], values: str, ratios: str) -> None:
    print(f"\n{title}\n")
    print("| build | " + " | ".join(variants) + " |")
    print("|---|" + "---|" * len(variants))
    for scenario in scenarios:
        cells = []
        for variant in variants:
            result = results[(variant, scenario)]
            cell = f"{statistics.median(getattr(result, values)):.2f} s"
            if variant != "plain":
                cell += f" ({statistics.median(getattr(result, ratios)):.2f}×)"
            cells.append(cell)
        print(f"| {scenario} | " + " | ".join(cells) + " |")



def median_interval(values: list[float], confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """A distribution-free interval holding the median of what ``values`` sample with at
    least ``confidence`` (order statistics: the median lies between the k-th smallest and
    the k-th largest of n values unless at least n - k + 1 of them fall on one side of it,
    which a fair coin's binomial bounds); None if n is too small for any such interval.

    A build's time is not normally distributed (a busy moment adds a long tail), so no
    mean and standard error: this is the interval for the median that assumes nothing
    but independent repetitions."""
    ordered = sorted(values)
    count = len(ordered)
    tail = (1 - confidence) / 2
    k = 0  # the largest k whose lower tail P(X <= k - 1), X ~ Binomial(n, 1/2), is <= tail
    cumulative = 0.0
    while k < count // 2:
        cumulative += math.comb(count, k) / 2**count
        if cumulative > tail:
            break
        k += 1
    if k == 0:
        return None
    return ordered[k - 1], ordered[count - k]


def _print_confidence(variants: list[str], scenarios: tuple[str, ...],
                      results: dict[tuple[str, str], Result]) -> None:
    """Each variant's ratio to plain, in-process and whole-process: the median over the
    repetitions, the interval holding the true median with 95 % confidence, and in how
    many repetitions the ratio was at most 1.2, the project's target."""
    print(f"\nRatio to plain: median, its {CONFIDENCE * 100:.0f} % interval (distribution-free; none "
          "below 6 repetitions), repetitions at most 1.2×\n")
    print("| build | variant | in the process | whole process |")
    print("|---|---|---|---|")
    for scenario in scenarios:
        for variant in variants:
            if variant == "plain":
                continue
            result = results[(variant, scenario)]
            cells = []
            for ratios in (result.ratios, result.process_ratios):
                interval = median_interval(ratios)
                span = f" [{interval[0]:.2f}–{interval[1]:.2f}]" if interval else ""
                within = sum(1 for ratio in ratios if ratio <= TARGET)
                cells.append(f"{statistics.median(ratios):.2f}×{span}, {within}/{len(ratios)}")
            print(f"| {scenario} | {variant} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
