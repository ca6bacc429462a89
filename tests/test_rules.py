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

A case may be a version pair for the lifecycle rules (what `dvsa diff` compares): <case>/old/ and <case>/new/ each
hold solution folders, and an optional <case>/with/ holds solutions given with `--with PATH`. The rule runs over
NEW + WITH with OLD as ``previous``; expected.yaml keys may name a component of either side (a removed component
is only in OLD). Each side is converted to the other layout on its own.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import (
    FIXTURES,
    SOLUTIONS,
    comparable_components,
    folder_members,
    unpacked_to_zip,
    write_members,
    zip_folder,
    zip_to_unpacked,
)

from analyzer.code.sources import scan as scan_sources
from analyzer.engine import run_rules
from analyzer.graph import build_graph
from analyzer.reader import load
from analyzer.registry import discover
from analyzer.rule import Previous, Rule, Severity

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


SIDES = ("old", "new", "with")  # a version pair's folders; a case without old/ and new/ is a single side


def solution_folders(case: Path) -> list[Path]:
    """The case folder's solutions: unpacked folders (Other/Solution.xml) and extracted zips (solution.xml)."""
    return [sub for sub in sorted(p for p in case.iterdir() if p.is_dir())
            if (sub / "Other" / "Solution.xml").is_file() or (sub / "solution.xml").is_file()]


def is_pair(case: Path) -> bool:
    return (case / "old").is_dir() and (case / "new").is_dir()


def case_sides(case: Path) -> dict[str, list[Path]]:
    """Side -> its solution folders: "old", "new" and maybe "with" for a version pair, only "new" otherwise."""
    if not is_pair(case):
        return {"new": solution_folders(case)}
    return {side: solution_folders(case / side) for side in SIDES if (case / side).is_dir()}


def all_folders(case: Path) -> list[Path]:
    return [f for folders in case_sides(case).values() for f in folders]


def is_unpacked(folder: Path) -> bool:
    return (folder / "Other" / "Solution.xml").is_file()


def _scratch(folder: Path, tmp_path: Path) -> Path:
    """Where a built package goes: the two sides of a pair often hold folders with the same name."""
    side = folder.parent.name if folder.parent.name in SIDES else ""
    target = tmp_path / side
    target.mkdir(parents=True, exist_ok=True)
    return target


def native(folder: Path, tmp_path: Path) -> Path:
    """The fixture in its own layout: an unpacked folder as it is, an extracted folder as the real .zip."""
    return folder if is_unpacked(folder) else zip_folder(folder, _scratch(folder, tmp_path) / f"{folder.name}.zip")


def converted(folder: Path, tmp_path: Path) -> Path:
    """The fixture in the other layout: an unpacked folder as a .zip, an extracted folder unpacked."""
    where = _scratch(folder, tmp_path)
    if is_unpacked(folder):
        return write_members(unpacked_to_zip(folder_members(folder)), where / f"{folder.name}.converted.zip")
    return write_members(zip_to_unpacked(folder_members(folder)), where / f"{folder.name}.unpacked")


@dataclass
class Run:
    """One case analyzed: every solution read (OLD's too, for the snapshot's names), the graphs, the findings."""

    solutions: list
    analyzed: list  # NEW + WITH: the solutions the rule ran over, in the order the folders are listed
    graphs: list
    findings: list


def case_code(case: Path) -> list:
    """The case's ``sources/`` folder (code beside the solution, read as ``--sources`` reads it), its paths
    relative to the case folder so snapshots name ``sources/<file>:<line>``."""
    if not (case / "sources").is_dir():
        return []
    cwd = os.getcwd()
    os.chdir(case)
    try:
        return scan_sources(["sources"]).files
    finally:
        os.chdir(cwd)


def analyze_case(sides: dict[str, list[Path]], rule, options, code=()) -> Run:
    """Run ``rule`` over NEW + WITH (and ``code``, the case's sources), with OLD (when the case is a pair) as the
    previous side."""
    old = [load(str(p)) for p in sides.get("old", [])]
    analyzed = [load(str(p)) for p in [*sides["new"], *sides.get("with", [])]]
    graph = build_graph(analyzed, code)
    previous = Previous(old, build_graph(old)) if "old" in sides else None
    result = run_rules(analyzed, [rule], graph=graph, options=options, previous=previous)
    assert not result.errors, result.errors
    graphs = [graph, previous.graph] if previous else [graph]
    return Run([*old, *analyzed], analyzed, graphs, result.findings)


def built(sides: dict[str, list[Path]], make, tmp_path: Path) -> dict[str, list[Path]]:
    return {side: [make(f, tmp_path) for f in folders] for side, folders in sides.items()}


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
    sides = case_sides(case)
    assert all(sides.values()), f"{case} holds no solution folder (or a pair side without one)"
    options = {rule_id: expected["options"]} if expected.get("options") else None
    return rule, expected, sides, options


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_fixture(case, tmp_path, snapshot):
    rule, expected, sides, options = case_setup(case)
    run = analyze_case(built(sides, native, tmp_path), rule, options, case_code(case))
    assert all(f.rule == rule.id for f in run.findings)
    failing = {f.component.key for f in run.findings}
    for key in [*expected.get("fail", []), *expected.get("pass", [])]:
        # a pair's removed component is only in OLD's graph
        assert any(key in graph for graph in run.graphs), f"expected.yaml names {key}, which is not in the fixture"
    assert failing == set(expected.get("fail", []))
    assert not failing & set(expected.get("pass", []))
    snapshot(case, snapshot_text(run.findings, run.solutions))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_fixture_in_the_other_layout(case, tmp_path):
    rule, expected, sides, options = case_setup(case)
    run = analyze_case(built(sides, native, tmp_path), rule, options, case_code(case))
    other = analyze_case(built(sides, converted, tmp_path), rule, options, case_code(case))
    folders = [f for side in sides.values() for f in side]
    assert [s.layout for s in other.solutions] == [("zip" if is_unpacked(f) else "unpacked") for f in folders]
    # the converter lost or changed nothing the reader sees (where each component was read from aside)
    assert [comparable_components(s) for s in other.solutions] == [comparable_components(s) for s in run.solutions]
    if case.name in LAYOUT_SPECIFIC:
        assert sorted((f.severity, f.component.key) for f in other.findings) == \
            sorted((f.severity, f.component.key) for f in run.findings)
        return
    assert snapshot_text(other.findings, other.solutions, with_location=False) == \
        snapshot_text(run.findings, run.solutions, with_location=False)


def test_a_pair_runs_the_rule_with_the_old_side(tmp_path):
    """The harness itself: a pair case gives the rule OLD as ``previous`` and NEW + WITH as the analyzed set."""
    seen = {}

    def spy(ctx):
        seen["analyzed"] = [s.unique_name for s in ctx.solutions]
        seen["old"] = [s.unique_name for s in ctx.previous.solutions] if ctx.previous else None
        return []

    probe = Rule(id="DV999", name="probe", title="probe", severity=Severity.NOTE, fix="", check=spy)
    base = SOLUTIONS / "contoso_approvals"
    run = analyze_case({"old": [base], "new": [base]}, probe, None)
    assert seen == {"analyzed": [run.analyzed[0].unique_name], "old": [run.analyzed[0].unique_name]}
    assert len(run.graphs) == 2 and len(run.solutions) == 2
    analyze_case({"new": [base]}, probe, None)
    assert seen["old"] is None


# Rules that compare two versions: in `dvsa check` (no OLD side) they have nothing to compare.
NEEDS_OLD = {"DV501", "DV502", "DV503", "DV507"}
PAIRS_NEEDING_OLD = [c for c in CASES if is_pair(c) and c.name.split("-")[0] in NEEDS_OLD]


@pytest.mark.parametrize("case", PAIRS_NEEDING_OLD, ids=[c.name for c in PAIRS_NEEDING_OLD])
def test_a_lifecycle_rule_finds_nothing_without_the_old_side(case, tmp_path):
    rule, expected, sides, options = case_setup(case)
    assert expected.get("fail"), "a pair case whose rule fails nothing proves nothing here"
    alone = {side: folders for side, folders in built(sides, native, tmp_path).items() if side != "old"}
    assert analyze_case(alone, rule, options).findings == []


def lifecycle_findings(old_path: Path, new_path: Path) -> list:
    rules = [discover().get(rule_id) for rule_id in sorted(NEEDS_OLD)]
    old = [load(str(old_path))]
    return run_rules([load(str(new_path))], rules, previous=Previous(old, build_graph(old))).findings


def test_lifecycle_rules_on_the_real_release_pair(corpus):
    """#22 -> #5, December 2025 and January 2026 releases of one solution: #22 is the 0.0.0.0 build placeholder,
    both are pac "Both" folders (Managed 2), and nothing NEW drops is still required."""
    kit = corpus / "microsoft__Power-CAT-Copilot-Studio-Kit"
    old, new = kit / "CopilotStudioAccelerator-2025-12/SolutionPackage/src", kit / "CopilotStudioAccelerator/SolutionPackage/src"
    assert "<Version>0.0.0.0</Version>" in (old / "Other/Solution.xml").read_text(encoding="utf-8-sig")
    assert lifecycle_findings(old, new) == []


def _field(text: str, tag: str) -> str:
    found = re.search(rf"<{tag}>\{{?([^<}}]+)\}}?</{tag}>", text)
    assert found, tag
    return found.group(1).lower()


def test_dv501_and_dv502_on_a_real_solution_edited_into_a_new_version(corpus, tmp_path):
    """#1 (FedBizApps_RequestManagement) as OLD; NEW is a copy with one action's files deleted and another action
    set to Draft. The expected keys are read from the files: the steps whose SdkMessageId is each action's
    message id, and the workflow whose XAML invokes the deleted action's message."""
    old = corpus / "carltoncolter__dyn-req-mgmt/SolutionPackage/package"
    new = tmp_path / "package"
    shutil.copytree(old, new)
    removed = next((new / "Workflows").glob("ApplyTemplateGroup-*.xaml.data.xml"))
    deactivated = next((new / "Workflows").glob("CheckApprovalStatus-*.xaml.data.xml"))
    removed_text, deactivated_text = removed.read_text(encoding="utf-8-sig"), deactivated.read_text(encoding="utf-8-sig")
    assert _field(deactivated_text, "StateCode") == "1"
    for path in new.glob(f"Workflows/{removed.name.removesuffix('.data.xml')}*"):
        path.unlink()
    deactivated.write_text(deactivated_text.replace("<StateCode>1</StateCode>", "<StateCode>0</StateCode>")
                           .replace("<StatusCode>2</StatusCode>", "<StatusCode>1</StatusCode>"), encoding="utf-8")

    def steps_on(message_id: str) -> set[str]:
        steps = [p.read_text(encoding="utf-8-sig") for p in (old / "SdkMessageProcessingSteps").glob("*.xml")]
        return {"step:" + re.search(r'SdkMessageProcessingStepId="\{?([^"}]+)', text).group(1).lower()
                for text in steps if _field(text, "SdkMessageId") == message_id}

    message = "fdbzap_" + _field(removed_text, "UniqueName")
    invokers = {f"workflow:{p.name.split('-', 1)[1].split('.')[0].lower()}"
                for p in (old / "Workflows").glob("*.xaml") if f'SdkMessageName="{message}"' in p.read_text("utf-8")}
    found = {(f.rule, f.component.key) for f in lifecycle_findings(old, new)}
    expected_dv501 = {("DV501", key) for key in steps_on(_field(removed_text, "SdkMessageId")) | invokers}
    deactivated_key = "workflow:" + deactivated.name.split("-", 1)[1].split(".")[0].lower()
    assert steps_on(_field(deactivated_text, "SdkMessageId")), "the deactivated action has a step on its message"
    assert len(expected_dv501) == 2  # one step and one workflow, by reading the files
    assert found == expected_dv501 | {("DV502", deactivated_key), ("DV503", "solution:fedbizapps_requestmanagement")}


UNPACKED = [f for c in CASES for f in all_folders(c) if is_unpacked(f)]


def _folder_id(folder: Path) -> str:
    return "/".join(folder.relative_to(RULES_DIR).parts)


@pytest.mark.parametrize("folder", UNPACKED, ids=[_folder_id(f) for f in UNPACKED])
def test_layout_converters_round_trip(folder, tmp_path):
    """unpacked -> zip -> unpacked reads alike, so zip_to_unpacked also meets what only unpacked fixtures carry
    (forms and views beside Entity.xml, OptionSets/). A folder with duplicate ids is left out: which copy is read
    first depends on file names, and the round trip renames the second copy."""
    original = load(str(folder))
    if original.duplicates:
        pytest.skip("duplicate ids: the kept copy depends on file names")
    back = write_members(zip_to_unpacked(unpacked_to_zip(folder_members(folder))), tmp_path / "round-trip")
    assert comparable_components(load(str(back))) == comparable_components(original)
