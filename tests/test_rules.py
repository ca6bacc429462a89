"""Per-rule fixtures (STYLE.md 7.8): each fixtures/rules/<ID>[-case]/ holds one or more solutions with failing
and passing components side by side; expected.yaml lists the keys of each, and findings.txt is the snapshot of
every finding's severity, key, full message, location and related keys. Each case runs with only its rule.

Refresh every snapshot after a deliberate message change, then read the diff:

    python3 -m pytest -q tests/test_rules.py --update-snapshots

Each case runs in both layouts. The fixture's own layout is the snapshot's: an unpacked folder (Other/Solution.xml)
is read as it is, an extracted-zip folder (solution.xml) is zipped as 'Export solution' writes it. The other layout
is made by conftest's converters: unpacked -> .zip (components folded into customizations.xml, web resource content
under its flattened <FileName>), extracted -> unpacked folder (one file per component). Both must read into the
same components and give the same findings, keys and messages, ignoring where each is located.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import (
    FIXTURES,
    comparable_components,
    folder_members,
    unpacked_to_zip,
    write_members,
    zip_folder,
    zip_to_unpacked,
)

from analyzer.engine import run_rules
from analyzer.graph import build_graph
from analyzer.reader import load
from analyzer.registry import discover

RULES_DIR = FIXTURES / "rules"
CASES = sorted(p for p in RULES_DIR.iterdir() if p.is_dir()) if RULES_DIR.is_dir() else []
REFRESH = "python3 -m pytest -q tests/test_rules.py --update-snapshots"
MAX_RELATED = 6  # more related keys than this are summarised as a count: the snapshot is for reading

# Cases whose messages depend on the layout by nature: there the other layout must fail the same components with
# the same severities, and the messages may differ.
LAYOUT_SPECIFIC = {
    # DV403 says where the definition should have been: "no <SdkMessageProcessingStep> in customizations.xml"
    # in a zip, "no SdkMessageProcessingSteps/{<GUID>}.xml" in an unpacked folder.
    "DV403": "names the missing definition's place, which is layout-specific",
    "DV403-zip-layout": "names the missing definition's place, which is layout-specific",
    # DV405 names a missing web resource file as the layout does: a zip's flattened <FileName>
    # (WebResources/contoso_billinglogosvg<GUID>), a folder's file beside its .data.xml (WebResources/contoso_/...).
    "DV405": "names the missing web resource file by its layout-specific path",
    # DV406 names both definitions by member:line, and a zip holds both in customizations.xml.
    "DV406": "names the duplicate definitions by member and line",
}


def solution_folders(case: Path) -> list[Path]:
    """The case folder's solutions: unpacked folders (Other/Solution.xml) and extracted zips (solution.xml)."""
    return [sub for sub in sorted(p for p in case.iterdir() if p.is_dir())
            if (sub / "Other" / "Solution.xml").is_file() or (sub / "solution.xml").is_file()]


def is_unpacked(folder: Path) -> bool:
    return (folder / "Other" / "Solution.xml").is_file()


def native(folder: Path, tmp_path: Path) -> Path:
    """The fixture in its own layout: an unpacked folder as it is, an extracted folder as the real .zip."""
    return folder if is_unpacked(folder) else zip_folder(folder, tmp_path / f"{folder.name}.zip")


def converted(folder: Path, tmp_path: Path) -> Path:
    """The fixture in the other layout: an unpacked folder as a .zip, an extracted folder unpacked."""
    if is_unpacked(folder):
        return write_members(unpacked_to_zip(folder_members(folder)), tmp_path / f"{folder.name}.converted.zip")
    return write_members(zip_to_unpacked(folder_members(folder)), tmp_path / f"{folder.name}.unpacked")


def analyze_case(case: Path, paths: list[Path], rule, options):
    solutions = [load(str(p)) for p in paths]
    graph = build_graph(solutions)
    result = run_rules(solutions, [rule], graph=graph, options=options)
    assert not result.errors, result.errors
    return solutions, graph, result.findings


def finding_block(finding, solutions, *, with_location: bool = True) -> str:
    """One finding as the snapshot shows it; solution paths (temporary folders) become the solution's name."""
    message = finding.message
    for s in solutions:
        message = message.replace(str(s.path), f"<{s.unique_name}>")
    lines = [f"{finding.severity} {finding.rule} {finding.component.key} (in {finding.component.solution})",
             f"  {message}"]
    if with_location and finding.location:
        lines.append(f"  at {finding.location}")
    if finding.related and len(finding.related) <= MAX_RELATED:
        # one line each: name keys such as `plugin_type:contoso.audit, contoso` hold commas themselves
        lines += [f"  related: {key}" for key in finding.related]
    elif finding.related:
        lines.append(f"  related: {len(finding.related)} keys")
    return "\n".join(lines)


def snapshot_text(findings, solutions, *, with_location: bool = True) -> str:
    ordered = sorted(findings, key=lambda f: (*f.sort_key, str(f.location or "")))
    return "".join(finding_block(f, solutions, with_location=with_location) + "\n\n" for f in ordered)


@pytest.fixture
def snapshot(request):
    """Compare text with fixtures/rules/<case>/findings.txt, or rewrite it with --update-snapshots."""
    update = request.config.getoption("--update-snapshots")

    def check(case: Path, text: str) -> None:
        path = case / "findings.txt"
        if update:
            path.write_text(text, encoding="utf-8")
            return
        assert path.is_file(), f"{path.relative_to(FIXTURES.parent)} is missing; create it with `{REFRESH}`"
        assert text == path.read_text(encoding="utf-8"), f"findings changed; if intended, run `{REFRESH}`"
    return check


def case_setup(case: Path):
    rule_id = case.name.split("-")[0]
    rule = discover().get(rule_id)
    assert rule is not None, f"no rule {rule_id} for fixture {case.name}"
    expected = yaml.safe_load((case / "expected.yaml").read_text())
    folders = solution_folders(case)
    assert folders, f"{case} holds no solution folder"
    options = {rule_id: expected["options"]} if expected.get("options") else None
    return rule, expected, folders, options


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_fixture(case, tmp_path, snapshot):
    rule, expected, folders, options = case_setup(case)
    solutions, graph, findings = analyze_case(case, [native(f, tmp_path) for f in folders], rule, options)
    assert all(f.rule == rule.id for f in findings)
    failing = {f.component.key for f in findings}
    for key in [*expected.get("fail", []), *expected.get("pass", [])]:
        assert key in graph, f"expected.yaml names {key}, which is not in the fixture"
    assert failing == set(expected.get("fail", []))
    assert not failing & set(expected.get("pass", []))
    snapshot(case, snapshot_text(findings, solutions))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_fixture_in_the_other_layout(case, tmp_path):
    rule, expected, folders, options = case_setup(case)
    solutions, _, findings = analyze_case(case, [native(f, tmp_path) for f in folders], rule, options)
    other_solutions, _, other_findings = analyze_case(case, [converted(f, tmp_path) for f in folders], rule, options)
    assert [s.layout for s in other_solutions] == [("zip" if is_unpacked(f) else "unpacked") for f in folders]
    # the converter lost or changed nothing the reader sees (where each component was read from aside)
    assert [comparable_components(s) for s in other_solutions] == [comparable_components(s) for s in solutions]
    if case.name in LAYOUT_SPECIFIC:
        assert sorted((f.severity, f.component.key) for f in other_findings) == \
            sorted((f.severity, f.component.key) for f in findings)
        return
    assert snapshot_text(other_findings, other_solutions, with_location=False) == \
        snapshot_text(findings, solutions, with_location=False)


UNPACKED = [f for c in CASES for f in solution_folders(c) if is_unpacked(f)]


@pytest.mark.parametrize("folder", UNPACKED, ids=[f"{f.parent.name}/{f.name}" for f in UNPACKED])
def test_layout_converters_round_trip(folder, tmp_path):
    """unpacked -> zip -> unpacked reads alike, so zip_to_unpacked also meets what only unpacked fixtures carry
    (forms and views beside Entity.xml, OptionSets/). A folder with duplicate ids is left out: which copy is read
    first depends on file names, and the round trip renames the second copy."""
    original = load(str(folder))
    if original.duplicates:
        pytest.skip("duplicate ids: the kept copy depends on file names")
    back = write_members(zip_to_unpacked(unpacked_to_zip(folder_members(folder))), tmp_path / "round-trip")
    assert comparable_components(load(str(back))) == comparable_components(original)
