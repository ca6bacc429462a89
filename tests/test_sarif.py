"""SARIF for GitHub code scanning: the 2.1.0 schema with real URI format checking, locations GitHub can open,
fingerprints that survive a re-export, rule texts within GitHub's limits, accepted findings, the result cap.

The schema is vendored in tests/schemas (OASIS sarif-spec, its licence beside it), so this runs in a clean clone
with no network. ``format: uri-reference`` is checked by jsonschema's FormatChecker, which needs a URI parser:
``rfc3986-validator`` (the test extra; what jsonschema's own ``format-nongpl`` extra installs for it, MIT
licensed, unlike the GPL ``rfc3987``)."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from conftest import ROOT, SOLUTIONS

from analyzer.config import Suppression
from analyzer.engine import analyze
from analyzer.report import sarif

SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FOLDER = SOLUTIONS / "contoso_approvals"
SELECT = ["DV1", "DV2", "DV3", "DV4", "DV5"]  # the rule groups of today: a rule added later changes no count here


def validate(doc: dict) -> None:
    checker = jsonschema.FormatChecker()
    assert "uri-reference" in checker.checkers and "uri" in checker.checkers, "install the test extra"
    jsonschema.Draft4Validator(SCHEMA, format_checker=checker).validate(doc)


def render(result, **options) -> dict:
    out = io.StringIO()
    sarif.render(result, out, **options)
    return json.loads(out.getvalue())


def physical(res: dict) -> dict:
    return res["locations"][0]["physicalLocation"]


@pytest.fixture(scope="module")
def folder_result():
    return analyze([str(FOLDER)], select=SELECT)


@pytest.fixture
def zipped(zip_fixture, tmp_path):
    """The same solution exported as a zip, in a folder standing for a repository."""
    return zip_fixture(SOLUTIONS / "contoso_approvals_zip", "ContosoApprovals_1_4_0_2.zip")


def test_the_uri_checker_is_real():
    checker = jsonschema.FormatChecker()
    assert not checker.conforms("SdkMessageProcessingSteps/{200c9d3d}.xml", "uri-reference")  # RFC 3986: no braces
    assert not checker.conforms("Workflows/a b.xml", "uri-reference")
    assert checker.conforms("SdkMessageProcessingSteps/%7B200c9d3d%7D.xml", "uri-reference")


def test_folder_sarif_is_valid_and_every_path_exists_under_the_root(folder_result):
    doc = render(folder_result, project_root=ROOT)
    validate(doc)
    run = doc["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": ROOT.as_uri() + "/"}}
    results = run["results"]
    assert len(results) == sum(1 for f in folder_result.findings if not f.suppressed) > 0
    for res in results:
        location = physical(res)["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%"
        assert (ROOT / unquote(location["uri"])).is_file(), location["uri"]
    step = next(r for r in results if r["ruleId"] == "DV101")
    # the step's file name holds braces: percent-encoded, as RFC 3986 requires
    assert physical(step)["artifactLocation"]["uri"] == (
        "fixtures/solutions/contoso_approvals/SdkMessageProcessingSteps/%7B200c9d3d-bc13-4ca3-ae55-beca89530389%7D.xml")
    assert physical(step)["region"]["startLine"] >= 1


def test_the_unencoded_uri_of_old_would_be_refused(folder_result):
    doc = render(folder_result, project_root=ROOT)
    step = next(r for r in doc["runs"][0]["results"] if r["ruleId"] == "DV101")
    physical(step)["artifactLocation"]["uri"] = unquote(physical(step)["artifactLocation"]["uri"])
    with pytest.raises(jsonschema.ValidationError, match="uri-reference"):
        validate(doc)


def test_a_finding_in_a_zip_is_located_at_the_zip(zipped):
    result = analyze([str(zipped)], select=SELECT)
    doc = render(result, project_root=zipped.parent)
    validate(doc)
    results = doc["runs"][0]["results"]
    assert results
    for res in results:
        assert physical(res)["artifactLocation"] == {"uri": zipped.name, "uriBaseId": "%SRCROOT%"}
        # a line of customizations.xml is no line of the zip: the zip's line 1, as GitHub takes a whole file
        assert physical(res)["region"] == {"startLine": 1}
        member = res["properties"]["member"]
        assert member in {"customizations.xml", "solution.xml"} or member.startswith("Workflows/")
        assert f"(in {zipped}: {member}" in res["message"]["text"]
    step = next(r for r in results if r["ruleId"] == "DV101")
    finding = next(f for f in result.findings if f.rule == "DV101")
    assert step["properties"] == {"member": finding.location.path, "memberLine": finding.location.line}


def test_fingerprints_survive_a_re_export(folder_result, zipped):
    """The unpacked folder and the zip of the same solution: other files and lines, the same fingerprints."""
    def keyed(doc):
        return {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]):
                r["partialFingerprints"]["dvsaComponent/v1"] for r in doc["runs"][0]["results"]}
    from_folder = keyed(render(folder_result, project_root=ROOT))
    from_zip = keyed(render(analyze([str(zipped)], select=SELECT), project_root=zipped.parent))
    assert from_folder == from_zip
    from analyzer.baseline import fingerprint
    assert all(value == fingerprint(rule, key) for (rule, key), value in from_folder.items())


def _line_hashes(doc: dict) -> list:
    return sorted((r["ruleId"], sorted(r["partialFingerprints"].items())) for r in doc["runs"][0]["results"])


def test_every_fingerprint_survives_a_re_export(tmp_path):
    """GitHub tracks an alert by primaryLocationLineHash: the same solution exported as a zip, unpacked by
    SolutionPackager, and re-zipped under another name with its members in another order keeps every one."""
    from conftest import zip_folder

    from analyzer import builder as b
    from analyzer.builder import Package

    asm = b.PluginAssembly("c1900000-0000-4000-8000-000000000001", "Contoso.Plugins, Version=1.0.0.0, "
                           "Culture=neutral, PublicKeyToken=0123456789abcdef",
                           (b.PluginType("e1900000-0000-4000-8000-000000000001", "Contoso.Plugins.Audit"),))
    package = Package(b.Manifest("ContosoRelease", version="2.0.0.0"),
                      workflows=(b.action("a1900000-0000-4000-8000-000000000001", "Check Status", "CheckStatus",
                                          "d1900000-0000-4000-8000-000000000001", state=0),
                                 b.Workflow("a1900000-0000-4000-8000-000000000002", "Stamp Date", state=0)),
                      assemblies=(asm,),
                      steps=(b.Step("b1900000-0000-4000-8000-000000000001", "Post Check Status",
                                    "d1900000-0000-4000-8000-000000000001",
                                    asm.type_name("Contoso.Plugins.Audit"), plugin_type_id=asm.types[0].id),))
    exported = package.write_zip(tmp_path / "export" / "ContosoRelease_2_0_0_0.zip")
    unpacked = package.write_folder(tmp_path / "src" / "ContosoRelease")
    extracted = package.write_folder(tmp_path / "extracted", "zip")
    (tmp_path / "build").mkdir()
    rezipped = zip_folder(extracted, tmp_path / "build" / "release.zip")  # sorted members, another name
    docs = [render(analyze([str(p)]), project_root=tmp_path) for p in (exported, unpacked, rezipped)]
    for doc in docs:
        validate(doc)
    assert len(docs[0]["runs"][0]["results"]) >= 3  # DV101, DV108 twice: something to track
    assert _line_hashes(docs[0]) == _line_hashes(docs[1]) == _line_hashes(docs[2])
    for doc in docs:  # the zips' results on line 1 of the zip; the folder's on their own lines
        for r in doc["runs"][0]["results"]:
            assert re.fullmatch(r"[0-9a-f]{16}:1", r["partialFingerprints"]["primaryLocationLineHash"])
            assert physical(r)["region"]["startLine"] >= 1
    [zip_result, *_] = docs[0]["runs"][0]["results"]
    assert physical(zip_result)["region"] == {"startLine": 1}


def test_the_same_finding_twice_counts_its_occurrences(folder_result):
    twice = dataclasses.replace(folder_result, findings=folder_result.findings * 2)
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in render(twice)["runs"][0]["results"]]
    first = hashes[: len(hashes) // 2]
    assert [h.replace(":1", ":2") for h in first] == hashes[len(hashes) // 2:]
    assert len(set(hashes)) == len(hashes)


def test_rule_texts_fit_github(folder_result):
    run = render(folder_result, project_root=ROOT)["runs"][0]
    rules = {r.id: r for r in folder_result.rules}
    for descriptor in run["tool"]["driver"]["rules"]:
        text = descriptor["fullDescription"]["text"]
        assert 0 < len(text) <= 1024
        assert "##" not in text and "`" not in text and "\n" not in text
        rule = rules[descriptor["id"]]
        assert descriptor["help"]["markdown"].startswith(rule.rationale)
        assert rule.fix in descriptor["help"]["markdown"] and descriptor["help"]["text"] == rule.fix
        assert descriptor["properties"]["precision"] in {"very-high", "high", "medium", "low"}
        assert descriptor["properties"]["problem.severity"] == {"error": "error", "warning": "warning",
                                                                "note": "recommendation"}[rule.severity.value]
        assert "helpUri" not in descriptor
    longest = max(folder_result.rules, key=lambda r: len(r.rationale))
    assert len(longest.rationale) > 1024  # so the cut is exercised
    assert sarif.plain_description(longest.rationale).endswith("…")


def test_help_uri_and_category_when_given(folder_result):
    run = render(folder_result, project_root=ROOT, category="dvsa/contoso",
                 docs_url="https://example.org/rules/{id}.html")["runs"][0]
    assert run["automationDetails"] == {"id": "dvsa/contoso/"}
    assert {d["helpUri"] for d in run["tool"]["driver"]["rules"] if d["id"] == "DV101"} == {
        "https://example.org/rules/DV101.html"}
    anchored = render(folder_result, project_root=ROOT, docs_url="https://example.org/README.md")["runs"][0]
    assert anchored["tool"]["driver"]["rules"][0]["helpUri"] == "https://example.org/README.md#dv101"
    validate({"version": "2.1.0", "runs": [run]})


def test_accepted_findings_are_left_out_or_carry_their_reason():
    reason = "Draft on purpose until the approvals go live"
    result = analyze([str(FOLDER)], select=SELECT, suppress=[Suppression("DV101", "step:*", reason)],
                     baseline={("DV104", "workflow:6418df48-763c-f011-a5d1-7c1e5203467b")})
    accepted = {f.rule for f in result.findings if f.suppressed}
    assert accepted == {"DV101", "DV104"}
    omitted = render(result, project_root=ROOT)["runs"][0]["results"]
    assert not {r["ruleId"] for r in omitted} & accepted
    included = render(result, project_root=ROOT, suppressed="include")
    validate(included)
    by_rule = {r["ruleId"]: r for r in included["runs"][0]["results"]}
    assert by_rule["DV101"]["suppressions"] == [{"kind": "external", "status": "accepted", "justification": reason}]
    assert by_rule["DV104"]["suppressions"][0]["justification"] == "accepted in the baseline file"
    assert len(included["runs"][0]["results"]) == len(omitted) + 2


def test_more_than_github_takes_is_cut_by_severity(folder_result):
    """25,001 findings (the composite's, repeated): 25,000 results, the dropped ones of the lowest severity."""
    many = folder_result.findings * (sarif.MAX_RESULTS // len(folder_result.findings) + 1)
    assert len(many) > sarif.MAX_RESULTS
    result = dataclasses.replace(folder_result, findings=many)
    run = render(result, project_root=ROOT)["runs"][0]
    assert len(run["results"]) == sarif.MAX_RESULTS == 25_000
    dropped = len(many) - sarif.MAX_RESULTS
    kept_notes = sum(1 for r in run["results"] if r["level"] == "note")
    all_notes = sum(1 for f in many if f.severity.value == "note")
    assert kept_notes == all_notes - dropped  # only notes were dropped: every error and warning is kept
    [notice] = run["invocations"][0]["toolExecutionNotifications"]
    assert notice["level"] == "warning" and f"{dropped} of the lowest severity" in notice["message"]["text"]


def test_cli_sarif_with_the_options(invoke, tmp_path):
    target = tmp_path / "out" / "dvsa.sarif"
    result = invoke(1, ["check", FOLDER, "--select", ",".join(SELECT), "-o", target, "--category", "solutions", "--project-root", ROOT])
    doc = json.loads(target.read_text(encoding="utf-8"))
    validate(doc)
    assert doc["runs"][0]["automationDetails"]["id"] == "solutions/"
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and str(target) in result.stderr


def test_a_file_outside_the_root_gets_an_absolute_uri(folder_result, tmp_path):
    doc = render(folder_result, project_root=tmp_path)
    validate(doc)
    uri = physical(doc["runs"][0]["results"][0])["artifactLocation"]
    assert set(uri) == {"uri"} and uri["uri"].startswith("file:///")
    assert Path(unquote(uri["uri"][len("file://"):])).is_file()
