"""CI-native outputs of `check` and `diff`: golden files for each new format, JUnit read by a JUnit reader,
the annotation escapes, --format/-o pairing, extension inference, and how report files are written.

Golden files (tests/golden/report.*) are rendered from the bundled sample analyzed from the repository root
with relative paths; the one absolute path (Azure's sourcepath) is redacted to ``[ROOT]``."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import stat
from xml.etree import ElementTree as ET

import junitparser
import pytest
from conftest import FIXTURES, ROOT, SOLUTIONS

from analyzer.config import Suppression
from analyzer.engine import analyze
from analyzer.report import FORMATS, azure, github, markdown, plan_outputs

FOLDER = "fixtures/solutions/contoso_approvals"
# the rule groups of today: a rule added later changes neither these goldens nor the counts below
SELECT = ["DV1", "DV2", "DV3", "DV4", "DV5"]
CLI_SELECT = ["--select", ",".join(SELECT)]
GOLDEN = {"concise": "report.concise.txt", "junit": "report.junit.xml", "github": "report.github.txt",
          "azure": "report.azure.txt", "markdown": "report.md"}


@pytest.fixture(scope="module")
def result():
    cwd = os.getcwd()
    os.chdir(ROOT)  # relative paths in, relative paths out
    try:
        return analyze([FOLDER], select=SELECT)
    finally:
        os.chdir(cwd)


def render(result, fmt: str, **options) -> str:
    out = io.StringIO()
    FORMATS[fmt](result, out, project_root=ROOT, **options)
    return out.getvalue()


@pytest.mark.parametrize("fmt", sorted(GOLDEN))
def test_golden(result, golden, fmt, monkeypatch):
    monkeypatch.chdir(ROOT)
    golden(GOLDEN[fmt], render(result, fmt).replace(ROOT.as_posix(), "[ROOT]"))


def test_concise_is_one_line_a_finding(result, monkeypatch):
    monkeypatch.chdir(ROOT)
    lines = render(result, "concise").splitlines()
    shown = [f for f in result.findings if not f.suppressed]
    assert len(lines) == len(shown) + 1  # and the summary
    for line, f in zip(lines, shown, strict=False):
        assert line == f"{FOLDER}/{f.location.path}:{f.location.line}: {f.rule} [{f.severity.value}] {f.message}"


def test_junit_read_by_a_junit_reader(result, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    reason = "Draft on purpose"
    accepted = analyze([FOLDER], select=SELECT, suppress=[Suppression("DV101", "step:*", reason)])
    path = tmp_path / "report.xml"
    path.write_text(render(accepted, "junit"), encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(path))
    [suite] = list(xml)
    shown = [f for f in accepted.findings if not f.suppressed]
    to_fix = [f for f in shown if f.severity.value != "note"]  # notes pass: Azure would show them as failed tests
    flagged = {f.rule for f in accepted.findings}
    assert suite.failures == len(to_fix) == 3 and suite.skipped == 1 and suite.errors == 0
    assert suite.tests == len(accepted.findings) + len([r for r in accepted.rules if r.id not in flagged])
    cases = list(suite)
    failed = [c for c in cases if c.result and isinstance(c.result[0], junitparser.Failure)]
    assert sorted(c.result[0].type for c in failed) == sorted(f.severity.value for f in to_fix)
    [skipped] = [c for c in cases if c.result and isinstance(c.result[0], junitparser.Skipped)]
    assert skipped.result[0].message == reason
    # named as people know the component, not by its GUID key
    assert skipped.name == "DV101 step-on-inactive-action: plug-in step 'Post Check Status'"
    notes = [c for c in cases if c.name.startswith(("DV102 ", "DV108 "))]
    assert len(notes) == 4 and all(not c.result and "(note)" in c.system_out for c in notes)
    assert not any(re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", c.name) for c in cases)
    # the shape Publish Test Results' JUnit mapping reads: testsuites > testsuite > testcase, one result each
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites" and int(root.get("tests")) == suite.tests
    for case in root.iter("testcase"):
        assert case.get("name") and case.get("classname", "").startswith("dvsa.ContosoApprovals.")
        assert len([c for c in case if c.tag in ("failure", "error", "skipped")]) <= 1


def test_github_escapes_per_the_runner():
    # actions/toolkit command.ts: data escapes %, CR, LF; properties also : and ,
    assert github.escape_data("100%\r\nnext: a, b") == "100%25%0D%0Anext: a, b"
    assert github.escape_property("Workflows/a:b,c%.xml") == "Workflows/a%3Ab%2Cc%25.xml"


def test_azure_escapes_per_the_task_lib():
    # azure-pipelines-task-lib taskcommand.ts: data escapes %, CR, LF; properties also ] and ;
    assert azure.escape_data("100%\r\n]") == "100%AZP25%0D%0A]"
    assert azure.escape_property("a;b]c%") == "a%3Bb%5Dc%AZP25"


def test_annotations_carry_file_and_line(result, monkeypatch):
    monkeypatch.chdir(ROOT)
    shown = [f for f in result.findings if not f.suppressed]
    lines = render(result, "github").splitlines()
    assert len(lines) == len(shown)
    words = {"error": "error", "warning": "warning", "note": "notice"}
    for line, f in zip(lines, shown, strict=True):
        assert line.startswith(f"::{words[f.severity.value]} file={FOLDER}/{github.escape_property(f.location.path)},"
                               f"line={f.location.line},title={f.rule} {f.name}::")
        assert "\n" not in line
    azure_lines = render(result, "azure").splitlines()
    issues = [line for line in azure_lines if line.startswith("##vso[task.logissue ")]
    assert len(issues) == sum(1 for f in shown if f.severity.value != "note")  # Azure has error and warning only
    first = next(f for f in shown if f.severity.value == "error")
    assert issues[0].startswith(f"##vso[task.logissue type=error;sourcepath={ROOT.as_posix()}/{FOLDER}/"
                                f"{first.location.path};linenumber={first.location.line};code={first.rule}]")


def test_zip_findings_are_annotated_on_the_zip(zip_fixture):
    package = zip_fixture(SOLUTIONS / "contoso_approvals_zip", "ContosoApprovals.zip")
    result = analyze([str(package)], select=SELECT)
    shown = [f for f in result.findings if not f.suppressed]
    out = io.StringIO()
    github.render(result, out, project_root=package.parent)
    for line, f in zip(out.getvalue().splitlines(), shown, strict=True):
        assert line.startswith(f"::{'notice' if f.severity.value == 'note' else f.severity.value} "
                               f"file=ContosoApprovals.zip,title=")  # no line: a line of a member is no zip line
        assert f"in {f.location.path} line {f.location.line}" in line
    out = io.StringIO()
    azure.render(result, out)
    issue = next(line for line in out.getvalue().splitlines() if line.startswith("##vso"))
    assert f"sourcepath={package.as_posix()};code=" in issue
    out = io.StringIO()
    FORMATS["concise"](result, out)
    assert out.getvalue().startswith(f"{package}!{shown[0].location.path}:{shown[0].location.line}: ")


def test_markdown_is_bounded(result, monkeypatch):
    monkeypatch.chdir(ROOT)
    many = dataclasses.replace(result, findings=result.findings * 100)
    text = render(many, "markdown")
    rows = [line for line in text.splitlines() if line.startswith("| ") and ("🔴" in line or "🟡" in line
                                                                            or "🔵" in line)]
    assert 0 < len(rows) <= markdown.MAX_ROWS
    assert sum(len((row + "\n").encode("utf-8")) for row in rows) <= markdown.MAX_BYTES
    left = len([f for f in many.findings if not f.suppressed]) - len(rows)
    assert text.rstrip().endswith(f"… and {left} more findings: see the full report (`dvsa check`, SARIF or JSON).")
    assert len(text.encode("utf-8")) < markdown.MAX_BYTES + 2_000


def test_markdown_cells_cannot_break_the_table():
    assert markdown.text("a | b\n<script>") == "a \\| b\\\\n\\<script\\>"
    assert markdown.code("x`|`y") == "``x`\\|`y``"


# --- pairing and files -------------------------------------------------------------------------------------------

def test_plan_pairs_in_order_and_infers_extensions():
    plan = plan_outputs(("sarif", "github"), ("dvsa.sarif",))
    assert [(o.fmt, o.path) for o in plan] == [("sarif", "dvsa.sarif"), ("github", None)]
    plan = plan_outputs((), ("a.sarif", "b.JSON", "c.xml", "d.md", "e.html", "f.txt"))
    assert [o.fmt for o in plan] == ["sarif", "json", "junit", "markdown", "html", "text"]
    assert [(o.fmt, o.path) for o in plan_outputs((), ())] == [("text", None)]


@pytest.mark.parametrize("outputs,message", [
    (("report.sarf",), "the extension '.sarf' names no report format"),
    (("report",), "no extension names no report format"),
])
def test_plan_refuses_an_unknown_extension(outputs, message):
    from analyzer.errors import SolutionError
    with pytest.raises(SolutionError, match=message):
        plan_outputs((), outputs)


def test_a_format_paired_with_another_formats_file_name_is_refused(invoke, tmp_path):
    # `-o dvsa.sarif --format github` pairs by position: annotations would land in a .sarif file and the
    # upload would fail later, far from the cause. A .txt name promises nothing and takes any format.
    run = invoke(2, ["check", SOLUTIONS / "contoso_approvals", "-o", tmp_path / "dvsa.sarif", "--format", "github"])
    assert "--format github is paired with this sarif file name" in run.stderr
    assert not (tmp_path / "dvsa.sarif").exists()
    assert [(o.fmt, o.path) for o in plan_outputs(("concise",), ("findings.txt",))] == [("concise", "findings.txt")]


def test_repeated_format_and_output_on_the_command_line(invoke, tmp_path):
    sarif_file = tmp_path / "dvsa.sarif"
    junit_file = tmp_path / "results.xml"
    run = invoke(1, ["check", SOLUTIONS / "contoso_approvals", *CLI_SELECT, "--format", "sarif", "-o", sarif_file,
                     "--format", "github", "--format", "junit", "-o", "-", "-o", junit_file])
    # in order: sarif to dvsa.sarif, github to the second -o (`-`, stdout), junit to results.xml
    assert json.loads(sarif_file.read_text())["version"] == "2.1.0"
    assert list(junitparser.JUnitXml.fromfile(str(junit_file)))[0].failures == 4  # 1 error and 3 warnings
    assert run.stdout.startswith("::error file=") and run.stdout.count("\n") == 8
    assert run.stderr.count("\n") == 1 and str(sarif_file) in run.stderr and str(junit_file) in run.stderr


def test_two_reports_on_stdout_are_refused(invoke):
    run = invoke(2, ["check", SOLUTIONS / "contoso_approvals", *CLI_SELECT, "--format", "text", "--format", "json"])
    assert run.stderr == "error: --format text and --format json would all go to stdout: give all but one an -o FILE\n"


def test_unknown_extension_on_the_command_line(invoke, tmp_path):
    run = invoke(2, ["check", SOLUTIONS / "contoso_approvals", *CLI_SELECT, "-o", tmp_path / "out.sarf"])
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1 and "'.sarf'" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_extension_decides_the_format(invoke, tmp_path):
    for name, probe in (("r.sarif", lambda t: json.loads(t)["version"] == "2.1.0"),
                        ("r.json", lambda t: "findings" in json.loads(t)),
                        ("r.xml", lambda t: t.startswith('<?xml') and "<testsuites" in t),
                        ("r.md", lambda t: t.startswith("## dvsa check")),
                        ("r.txt", lambda t: "ContosoApprovals 1.4.0.2" in t and "errors (1)" in t)):
        run = invoke(1, ["check", SOLUTIONS / "contoso_approvals", *CLI_SELECT, "-o", tmp_path / name])
        assert probe((tmp_path / name).read_text(encoding="utf-8")), name
        assert run.stdout == "" and run.stderr.startswith("8 findings: 1 error, 3 warnings, 4 notes")


def test_diff_takes_the_new_formats(invoke, tmp_path):
    release = FIXTURES / "diff" / "release"
    run = invoke(1, ["diff", release / "old", release / "new", *CLI_SELECT, "--format", "junit", "-o",
                     tmp_path / "new.xml", "--format", "github"])
    assert run.stdout.startswith("::error ") and (tmp_path / "new.xml").read_text().count("<testsuite ") == 1
    invoke(2, ["diff", release / "old", release / "new", *CLI_SELECT, "-o", tmp_path / "x.html"])  # diff has no HTML


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_output_files_get_the_umask_permissions(invoke, tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        target = tmp_path / "dvsa.sarif"
        invoke(1, ["check", SOLUTIONS / "contoso_approvals", *CLI_SELECT, "-o", target])
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_a_replaced_file_keeps_its_mode_and_missing_folders_are_made(invoke, tmp_path):
    target = tmp_path / "reports" / "ci" / "dvsa.md"
    invoke(1, ["check", SOLUTIONS / "contoso_approvals", *CLI_SELECT, "-o", target])
    assert target.read_text().startswith("## dvsa check")
    target.chmod(0o640)
    invoke(1, ["check", SOLUTIONS / "contoso_approvals", *CLI_SELECT, "-o", target])
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["dvsa.md"]  # no temporary file left


# --- the small traps ---------------------------------------------------------------------------------------------

def test_the_summary_line_is_printed_once(invoke, tmp_path):
    """A report on stdout that ends with the summary (concise, text): stderr says only what was written."""
    sarif_file = tmp_path / "dvsa.sarif"
    run = invoke(1, ["check", FOLDER, *CLI_SELECT, "--format", "sarif", "-o", sarif_file, "--format", "concise"])
    summary = run.stdout.splitlines()[-1]
    assert summary.startswith("8 findings: ") and summary not in run.stderr
    assert run.stderr == f"wrote {sarif_file} (sarif)\n"
    run = invoke(1, ["check", FOLDER, *CLI_SELECT, "-o", sarif_file])  # nothing on stdout: the summary on stderr
    assert run.stdout == "" and run.stderr == f"{summary}; wrote {sarif_file} (sarif)\n"


def test_rules_suggests_the_rule_meant(invoke):
    assert invoke(2, ["rules", "DV1O1"]).stderr == "error: no rule 'DV1O1'; did you mean 'DV101'?\n"
    assert invoke(2, ["rules", "step-on-inactiv-action"]).stderr.endswith("did you mean 'step-on-inactive-action'?\n")
    assert invoke(0, ["rules", "dv101"]).stdout.startswith("DV101 step-on-inactive-action (error)\n")


def test_config_help_says_the_search_walks_up(invoke):
    text = " ".join(invoke(0, ["check", "--help"]).stdout.split())
    assert "a folder above it, up to the repository root" in text

