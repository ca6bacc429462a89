"""Per-rule fixtures (STYLE.md 7.8): each fixtures/rules/<ID>[-case]/ holds one or more solutions with failing
and passing components side by side, and expected.yaml lists the keys of each. Run with only that rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, zip_folder

from analyzer.engine import run_rules
from analyzer.graph import build_graph
from analyzer.reader import load
from analyzer.registry import discover

CASES = sorted(p for p in (FIXTURES / "rules").iterdir() if p.is_dir()) if (FIXTURES / "rules").is_dir() else []


def solution_folders(case: Path) -> list[Path]:
    """The case folder's solutions: unpacked folders (Other/Solution.xml) and extracted zips (solution.xml)."""
    found = []
    for sub in sorted(p for p in case.iterdir() if p.is_dir()):
        if (sub / "Other" / "Solution.xml").is_file() or (sub / "solution.xml").is_file():
            found.append(sub)
    return found


def load_case(case: Path, tmp_path: Path):
    solutions = []
    for folder in solution_folders(case):
        if (folder / "solution.xml").is_file():  # extracted-zip layout: analyze it as the real .zip
            solutions.append(load(str(zip_folder(folder, tmp_path / f"{folder.name}.zip"))))
        else:
            solutions.append(load(str(folder)))
    return solutions


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_fixture(case, tmp_path):
    rule_id = case.name.split("-")[0]
    registry = discover()
    rule = registry.get(rule_id)
    assert rule is not None, f"no rule {rule_id} for fixture {case.name}"
    expected = yaml.safe_load((case / "expected.yaml").read_text())
    solutions = load_case(case, tmp_path)
    assert solutions, f"{case} holds no solution folder"
    graph = build_graph(solutions)
    options = {rule_id: expected["options"]} if expected.get("options") else None
    result = run_rules(solutions, [rule], graph=graph, options=options)
    assert not result.errors, result.errors
    assert all(f.rule == rule_id for f in result.findings)
    failing = {f.component.key for f in result.findings}
    for key in [*expected.get("fail", []), *expected.get("pass", [])]:
        assert key in graph, f"expected.yaml names {key}, which is not in the fixture"
    assert failing == set(expected.get("fail", []))
    assert not failing & set(expected.get("pass", []))
