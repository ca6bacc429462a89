"""The rule scaffold (python -m analyzer.scaffold) and the package builder its fixtures use.

Everything is generated under tmp_path (``--root``); nothing is left in the repository."""

from __future__ import annotations

import importlib.util
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analyzer import builder
from analyzer.engine import run_rules
from analyzer.graph import build_graph
from analyzer.reader import load
from analyzer.registry import validate
from analyzer.rule import Rule, Severity
from analyzer.scaffold import main


@pytest.fixture
def root(tmp_path):
    (tmp_path / "rules").mkdir()
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def exit_code(argv: list[str]) -> int:
    """main()'s return value, or the code argparse exits with on a bad option."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def import_rule(path: Path) -> Rule:
    spec = importlib.util.spec_from_file_location(f"scaffolded_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rules = [v for v in vars(module).values() if isinstance(v, Rule)]
    assert len(rules) == 1, rules
    return rules[0]


def test_scaffolded_rule_imports_and_validates(root, capsys):
    assert main(["DV990", "step-on-something", "--severity", "error", "--title", 'Step on "something" & more',
                 "--root", str(root)]) == 0
    printed = capsys.readouterr().out.split()
    assert "rules/dv990_step_on_something.py" in printed and "fixtures/rules/DV990/expected.yaml" in printed
    rule = import_rule(root / "rules" / "dv990_step_on_something.py")
    validate(rule, "builtin")  # raises on a bad id, name or missing docstring section
    assert (rule.id, rule.name, rule.severity, rule.title) == ("DV990", "step-on-something", Severity.ERROR,
                                                               'Step on "something" & more')
    assert "TODO" in rule.rationale and "## References" in rule.rationale


def test_scaffolded_fixture_loads_in_both_layouts(root, tmp_path):
    assert main(["DV991", "step-on-something", "--root", str(root)]) == 0
    case = root / "fixtures" / "rules" / "DV991"
    expected = yaml.safe_load((case / "expected.yaml").read_text())
    named = {*expected["fail"], *expected["pass"]}
    assert len(expected["fail"]) == 1 and len(expected["pass"]) == 1
    package = runpy.run_path(str(case / "build.py"))["PACKAGE"]
    unpacked = load(str(case / "solution"))
    zipped = load(str(package.write_zip(tmp_path / "DV991.zip")))
    for solution in (unpacked, zipped):
        keys = {c.key for c in solution.components}
        assert named <= keys, (solution.source, named - keys)
        assert solution.unique_name == "RuleDV991"
        steps = {c.name for c in solution.of_kind("step")}
        assert steps == {"Post Create Order", "Post Create Invoice"}
    assert {c.key for c in unpacked.components} == {c.key for c in zipped.components}
    # The placeholder check finds nothing, so the fixture test stays red until the rule is written.
    rule = import_rule(root / "rules" / "dv991_step_on_something.py")
    result = run_rules([unpacked], [rule], graph=build_graph([unpacked]))
    assert not result.errors and not result.findings


@pytest.mark.parametrize("args, says", [
    (["DV101", "brand-new-rule"], "already exists: DV101 step-on-inactive-action"),
    (["DV992", "step-on-retrieve"], "already exists: DV206 step-on-retrieve"),
    (["DV12", "brand-new-rule"], "rule id 'DV12' is not DV + 3 digits"),
    (["XY123", "brand-new-rule"], "rule id 'XY123' is not DV + 3 digits"),
    (["DV992", "Brand_New"], "rule name 'Brand_New' is not kebab-case"),
    (["DV992", "brand-new-rule", "--severity", "fatal"], "invalid choice: 'fatal'"),
])
def test_refusals_are_one_line_and_write_nothing(root, capsys, args, says):
    before = snapshot(root)
    assert exit_code([*args, "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and says in err, err
    assert snapshot(root) == before


def test_a_second_scaffold_of_the_same_rule_is_refused(root):
    assert main(["DV993", "brand-new-rule", "--root", str(root)]) == 0
    before = snapshot(root)
    done = subprocess.run([sys.executable, "-m", "analyzer.scaffold", "DV993", "other-name", "--root", str(root)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: DV993 other-name already exists: dv993_brand_new_rule.py, fixtures/rules/DV993\n"
    assert snapshot(root) == before


# --- the builder ------------------------------------------------------------------------------------------------

ASSEMBLY = builder.PluginAssembly("c0000000-0000-4000-8000-000000000001",
                                  "Contoso.Plugins, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef",
                                  types=(builder.PluginType("e0000000-0000-4000-8000-000000000001", "Contoso.P"),))
TRICKY = 'Approve & "Close" <now>'
PACKAGE = builder.Package(
    builder.Manifest("BuilderTest", version="2.1.0.7", managed=1),
    workflows=(builder.action("a0000000-0000-4000-8000-000000000001", TRICKY, "Approve",
                              "d0000000-0000-4000-8000-000000000001"),
               builder.cloud_flow("a0000000-0000-4000-8000-000000000002", "Notify", {"properties": {}})),
    assemblies=(ASSEMBLY,),
    steps=(builder.Step("b0000000-0000-4000-8000-000000000001", "Post Approve", "d0000000-0000-4000-8000-000000000001",
                        ASSEMBLY.type_name("Contoso.P"), "e0000000-0000-4000-8000-000000000001", stage=20,
                        images=(builder.StepImage("f0000000-0000-4000-8000-000000000001", "Pre", 0, "name"),)),),
    custom_apis=(builder.CustomApi("contoso_GetQuota", is_function=True,
                                   request_parameters=(builder.ApiParameter("Period", is_optional=True),),
                                   response_properties=(builder.ApiParameter("Quota", type=12),)),),
    missing_dependencies=(builder.MissingDependency(
        (("type", "1"), ("schemaName", "account"), ("solution", "Active")),
        (("type", "29"), ("id", "{a0000000-0000-4000-8000-000000000001}"))),),
)


@pytest.mark.parametrize("layout", ["zip", "unpacked"])
def test_builder_output_reads_back(tmp_path, layout):
    path = PACKAGE.write_zip(tmp_path / "p.zip") if layout == "zip" else PACKAGE.write_folder(tmp_path / "p")
    solution = load(str(path))
    assert (solution.unique_name, solution.version, solution.managed) == ("BuilderTest", "2.1.0.7", True)
    action = next(c for c in solution.of_kind("workflow") if c.category == 3)
    assert action.name == TRICKY and action.message_name == "contoso_Approve" and action.state == "active"
    assert {c.category for c in solution.of_kind("workflow")} == {3, 5}
    step = next(iter(solution.of_kind("step")))
    assert (step.stage, step.mode, step.message_id) == (20, 0, "d0000000-0000-4000-8000-000000000001")
    assert [(i.alias, i.image_type, i.attributes) for i in step.images] == [("Pre", 0, ("name",))]
    api = next(iter(solution.of_kind("custom_api")))
    assert api.is_function and [p.is_optional for p in api.request_parameters] == [True]
    assert len(api.response_properties) == 1
    assert len(solution.missing_dependencies) == 1


def test_builder_is_deterministic(tmp_path):
    assert PACKAGE.members("zip") == PACKAGE.members("zip")
    first = PACKAGE.write_zip(tmp_path / "a.zip").read_bytes()
    assert first == PACKAGE.write_zip(tmp_path / "b.zip").read_bytes()
    members = dict(PACKAGE.members("zip"))
    assert members["solution.xml"].startswith(b"<ImportExportXml ") and b"\r\n" in members["solution.xml"]
    assert b"&amp; &quot;Close&quot; &lt;now&gt;" in members["customizations.xml"]
    unpacked = dict(PACKAGE.members("unpacked"))
    assert unpacked["Other/Solution.xml"].startswith('\ufeff<?xml version="1.0" encoding="utf-8"?>\n'.encode())
    assert "SdkMessageProcessingSteps/{b0000000-0000-4000-8000-000000000001}.xml" in unpacked
