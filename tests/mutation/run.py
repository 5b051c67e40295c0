"""`make mutate`: mutation testing of the pure modules of core/ against their fast tests.

    python -m tests.mutation.run [core/paging.py ...] [--jobs 2] [--list] [--show PATH:INDEX]

The modules, the tests that reach each one and the survivors known to be equivalent are in
targets.toml. Each mutant (see mutants.py) runs the module's tests with `pytest -x` in a forked
child of this process, which has already imported pytest and the third-party libraries the tests
use: a mutant costs its tests' run, not a Python start. Exits 1 when a survivor is not noted as
equivalent, a module scores under the threshold, or a note matches no surviving mutant.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType

from tests.mutation.mutants import Mutant, install, mutants_of, mutated_code

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("targets.toml")
_OWN_PACKAGES = {"core", "adapters", "entrypoints", "tests"}
_PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-m", "not bench"]


@dataclass(frozen=True, slots=True)
class Target:
    path: str
    tests: tuple[str, ...]
    only: frozenset[str] | None = None  # top-level names to mutate; None: the whole module

    @property
    def module(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


@dataclass(frozen=True, slots=True)
class Equivalent:
    path: str
    code: str
    mutation: str
    reason: str
    line: int | None = None  # only where the same code is on two lines

    def matches(self, mutant: Mutant) -> bool:
        same = (self.path, self.code, self.mutation) == (mutant.path, mutant.code, mutant.mutation)
        return same and self.line in (None, mutant.line)


@dataclass(slots=True)
class Result:
    target: Target
    mutants: list[Mutant]
    killed: list[Mutant] = field(default_factory=list)
    timeouts: list[Mutant] = field(default_factory=list)
    equivalent: list[tuple[Mutant, Equivalent]] = field(default_factory=list)
    survived: list[Mutant] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Killed (timeouts included) over the mutants that can be killed: the usual mutation
        score, which leaves out the equivalent ones (each is listed, with why)."""
        killable = len(self.mutants) - len(self.equivalent)
        return 100.0 if not killable else 100.0 * (len(self.killed) + len(self.timeouts)) / killable


def load(config: Path) -> tuple[list[Target], list[Equivalent], float]:
    data = tomllib.loads(config.read_text())
    targets = [
        Target(m["path"], tuple(m["tests"]), frozenset(m["only"]) if "only" in m else None)
        for m in data["module"]
    ]
    equivalents = [
        Equivalent(e["path"], e["code"], e["mutation"], e["reason"], e.get("line"))
        for e in data.get("equivalent", [])
    ]
    return targets, equivalents, float(data.get("threshold", 95.0))


# Running pytest in forked children.


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Send this process's stdout and stderr (the file descriptors) to /dev/null."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


def warm_up(root: Path, tests: list[str]) -> None:
    """Import pytest, its plugins and every library the tests use, then forget our own modules:
    each child imports them afresh, after its mutant is in place."""
    import pytest

    with _quiet():
        pytest.main(["--collect-only", *_PYTEST_ARGS, *tests])
    venv = Path(sys.prefix).resolve()
    for name, module in list(sys.modules.items()):
        file = Path(getattr(module, "__file__", None) or "/").resolve()
        ours = file.is_relative_to(root) and not file.is_relative_to(venv)
        if (ours or name.split(".")[0] in _OWN_PACKAGES) and not name.startswith("tests.mutation"):
            del sys.modules[name]  # conftest and test modules too (pytest imports them by name)


def _child(module: str | None, code: CodeType | None, tests: tuple[str, ...], quiet: bool) -> int:
    import hypothesis
    import pytest

    # Reproducible: a property test kills a mutant every run or never; nothing is written.
    hypothesis.settings.register_profile("mutation", derandomize=True, database=None)
    hypothesis.settings.load_profile("mutation")
    with _quiet() if quiet else contextlib.nullcontext():
        if module is not None and code is not None:
            install(module, code)
        return int(pytest.main([*_PYTEST_ARGS, *tests]))


def run_forked(jobs: list[Callable[[], int]], parallel: int, timeout: float) -> list[int | None]:
    """Each job's exit code, run in a forked child, `parallel` at a time; None: timed out."""
    codes: list[int | None] = [None] * len(jobs)
    running: dict[int, tuple[int, float]] = {}  # pid -> (job, started)
    waiting = list(range(len(jobs)))
    try:
        _run_all(jobs, parallel, timeout, codes, running, waiting)
    finally:  # interrupted: no child outlives the runner
        for pid in running:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return codes


def _run_all(
    jobs: list[Callable[[], int]],
    parallel: int,
    timeout: float,
    codes: list[int | None],
    running: dict[int, tuple[int, float]],
    waiting: list[int],
) -> None:
    while waiting or running:
        while waiting and len(running) < parallel:
            job = waiting.pop(0)
            pid = os.fork()
            if pid == 0:  # the child: never returns into the runner
                code = 3
                try:
                    code = jobs[job]()
                except BaseException:  # the mutant broke the import of its module: killed
                    code = 1
                finally:
                    os._exit(code)
            running[pid] = (job, time.monotonic())
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid:
            job, _ = running.pop(pid)
            codes[job] = os.waitstatus_to_exitcode(status)
            continue
        now = time.monotonic()
        for pid, (job, started) in list(running.items()):
            if now - started > timeout:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                del running[pid]
                codes[job] = None
        time.sleep(0.005)


def run_target(
    target: Target, root: Path, equivalents: list[Equivalent], parallel: int, quiet: bool = True
) -> Result:
    source = (root / target.path).read_text()
    mutants = mutants_of(source, target.path, target.only)
    result = Result(target, mutants)
    started = time.monotonic()
    [baseline] = run_forked([lambda: _child(None, None, target.tests, quiet)], 1, 600)
    if baseline != 0:
        raise SystemExit(f"{target.path}: its tests fail without a mutant (exit {baseline})")
    timeout = max(10.0, 5 * (time.monotonic() - started))
    filename = str(root / target.path)

    def job(mutant: Mutant) -> Callable[[], int]:
        code = mutated_code(source, filename, mutant.index, target.only)  # here: a bug shows
        return lambda: _child(target.module, code, target.tests, quiet)

    codes = run_forked([job(m) for m in mutants], parallel, timeout)
    for mutant, code in zip(mutants, codes, strict=True):
        if code is None:
            result.timeouts.append(mutant)
        elif code in (1, 2):  # tests failed, or collection did (the module would not import)
            result.killed.append(mutant)
        elif code == 0:
            note = next((e for e in equivalents if e.matches(mutant)), None)
            if note is None:
                result.survived.append(mutant)
            else:
                result.equivalent.append((mutant, note))
        else:
            raise SystemExit(f"{mutant}: pytest exited {code} (a usage or internal error)")
    return result


# Reporting.


def table(results: list[Result]) -> str:
    rows = [
        "| module | mutants | killed | equivalent | survived | score |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        killed = len(r.killed) + len(r.timeouts)
        rows.append(
            f"| `{r.target.path}` | {len(r.mutants)} | {killed} | {len(r.equivalent)} "
            f"| {len(r.survived)} | {r.score:.1f} % |"
        )
    total = sum(len(r.mutants) for r in results)
    killed = sum(len(r.killed) + len(r.timeouts) for r in results)
    equivalent = sum(len(r.equivalent) for r in results)
    survived = sum(len(r.survived) for r in results)
    score = 100.0 * killed / (total - equivalent) if total > equivalent else 100.0
    rows.append(f"| all | {total} | {killed} | {equivalent} | {survived} | {score:.1f} % |")
    return "\n".join(rows)


def report(results: list[Result], equivalents: list[Equivalent], threshold: float) -> int:
    print(table(results))
    failed = False
    survivors = [m for r in results for m in r.survived]
    if survivors:
        failed = True
        print(f"\nSurvivors ({len(survivors)}): no test noticed these")
        for mutant in survivors:
            print(f"  #{mutant.index:<4} {mutant}")
    noted = [pair for r in results for pair in r.equivalent]
    if noted:
        print(f"\nEquivalent survivors ({len(noted)}), as noted in targets.toml")
        for mutant, note in noted:
            print(f"  {mutant}\n      {note.reason}")
    paths = {r.target.path for r in results}
    used = {id(note) for _, note in noted}
    stale = [e for e in equivalents if e.path in paths and id(e) not in used]
    if stale:
        failed = True
        print(f"\nNotes that match no surviving mutant ({len(stale)}): update targets.toml")
        for note in stale:
            print(f"  {note.path}  {note.mutation}  in `{note.code}`")
    low = [r.target.path for r in results if r.score < threshold]
    if low:
        failed = True
        print(f"\nUnder {threshold:.0f} %: {', '.join(low)}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="only these modules (paths as in the config)")
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--root", type=Path, default=ROOT, help="the project the paths are in")
    parser.add_argument("--jobs", type=int, default=2, help="children at once (default 2)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--show", metavar="PATH:INDEX", help="run one mutant, with pytest output")
    parser.add_argument("--json", type=Path, help="also write the outcome of each mutant here")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    targets, equivalents, threshold = load(args.config)
    if args.show:
        path, _, index = args.show.rpartition(":")
        args.paths = [path]
    chosen = [t for t in targets if not args.paths or t.path in args.paths]
    if unknown := set(args.paths) - {t.path for t in chosen}:
        raise SystemExit(f"not in {args.config}: {', '.join(sorted(unknown))}")
    if args.list:
        for target in chosen:
            source = (root / target.path).read_text()
            for mutant in mutants_of(source, target.path, target.only):
                print(f"#{mutant.index:<4} {mutant}")
        return 0

    os.chdir(root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    warm_up(root, sorted({test for t in chosen for test in t.tests}))
    if args.show:
        [target] = chosen
        source = (root / target.path).read_text()
        mutant = mutants_of(source, target.path, target.only)[int(index)]
        print(mutant, flush=True)
        code = mutated_code(source, str(root / target.path), mutant.index, target.only)
        [exit_code] = run_forked([lambda: _child(target.module, code, target.tests, False)], 1, 600)
        print(f"pytest exit code: {exit_code} ({'killed' if exit_code else 'survived'})")
        return 0

    started = time.monotonic()
    results = []
    for target in chosen:
        result = run_target(target, root, equivalents, max(1, args.jobs))
        print(
            f"{target.path}: {len(result.mutants)} mutants, score {result.score:.1f} % "
            f"({time.monotonic() - started:.0f} s so far)",
            flush=True,
        )
        results.append(result)
    print(f"\n{len(results)} modules in {time.monotonic() - started:.0f} s\n")
    if args.json:
        outcomes = {
            "killed": lambda r: r.killed,
            "timeout": lambda r: r.timeouts,
            "equivalent": lambda r: [m for m, _ in r.equivalent],
            "survived": lambda r: r.survived,
        }
        rows = [
            {"path": m.path, "line": m.line, "mutation": m.mutation, "code": m.code, "outcome": k}
            for r in results
            for k, pick in outcomes.items()
            for m in pick(r)
        ]
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    return report(results, equivalents, threshold)


if __name__ == "__main__":
    sys.exit(main())
