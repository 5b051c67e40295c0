"""The mutation runner of `make mutate` (tests/mutation), kept from rotting: what it mutates, and
a run over a tiny module whose test kills some mutants and misses others."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.mutation.mutants import mutants_of
from tests.mutation.run import CONFIG, ROOT, load


def mutations(source: str) -> list[str]:
    return [m.mutation for m in mutants_of(textwrap.dedent(source), "sample.py")]


def test_a_comparison_gets_its_boundary_and_its_negation() -> None:
    assert mutations("def f(x):\n    return x < 3\n") == [
        "`return …` → `return None`",
        "`<` → `<=`",
        "`<` → `>=`",
        "`3` → `4`",
        "`3` → `2`",
    ]
    assert mutations("y = a >= b\n") == ["`>=` → `>`", "`>=` → `<`"]


def test_a_raise_loses_its_field_but_keeps_its_message() -> None:
    source = """
        def f(x):
            '''Docstrings are not mutated.'''
            if x:
                raise Invalid("a message", field="limit")
    """
    assert mutations(source) == [
        "`if` condition negated",
        "`raise` removed",
        "`'limit'` → `'XX…XX'`",
    ]


def test_only_the_named_definitions_are_mutated() -> None:
    source = "A = 1\nB = 2\n\ndef f():\n    return A\n"
    found = mutants_of(source, "sample.py", only=["B"])
    assert [(m.line, m.code, m.mutation) for m in found] == [
        (2, "B = 2", "`2` → `3`"),
        (2, "B = 2", "`2` → `1`"),
    ]


def test_a_run_reports_what_its_tests_kill_and_what_survives(tmp_path: Path) -> None:
    (tmp_path / "sample.py").write_text("LIMIT = 10\n\n\ndef over(n):\n    return n > LIMIT\n")
    (tmp_path / "test_sample.py").write_text(
        "from sample import over\n\n\ndef test_over():\n    assert over(11) and not over(9)\n"
    )
    (tmp_path / "targets.toml").write_text(
        textwrap.dedent("""
            [[module]]
            path = "sample.py"
            tests = ["test_sample.py"]

            [[equivalent]]
            path = "sample.py"
            code = "return n > LIMIT"
            mutation = "`>` → `>=`"
            reason = "not really: the test never tries 10"
        """)
    )
    out = tmp_path / "out.json"
    args = ["--root", str(tmp_path), "--config", str(tmp_path / "targets.toml"), "--json", str(out)]
    run = subprocess.run(
        [sys.executable, "-m", "tests.mutation.run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    outcomes = {
        (row["line"], row["mutation"]): row["outcome"] for row in json.loads(out.read_text())
    }
    assert outcomes == {
        (1, "`10` → `11`"): "killed",
        (1, "`10` → `9`"): "survived",  # 9 > 9 is false too: nothing tries 10
        (5, "`return …` → `return None`"): "killed",
        (5, "`>` → `>=`"): "equivalent",
        (5, "`>` → `<=`"): "killed",
    }
    assert run.returncode == 1, run.stdout + run.stderr  # a survivor not noted as equivalent
    assert "| `sample.py` | 5 | 3 | 1 | 1 | 75.0 % |" in run.stdout


def test_every_module_of_the_config_exists_with_its_tests() -> None:
    targets, equivalents, threshold = load(CONFIG)
    assert threshold == 95.0
    for target in targets:
        assert (ROOT / target.path).is_file(), target.path
        assert all((ROOT / test).is_file() for test in target.tests), target.path
    assert {e.path for e in equivalents} <= {t.path for t in targets}
