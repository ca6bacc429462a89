"""The ready-made integrations, run for real on fixtures: the GitHub Action's scripts, the Azure Pipelines
template's script, the pre-commit hook's entry; the wheel installed into a fresh venv; one JSON vocabulary."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, SOLUTIONS, zip_folder

from analyzer.cli import main

UNPACKED = SOLUTIONS / "contoso_approvals"
EXTRACTED = SOLUTIONS / "contoso_approvals_zip"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
AZURE = yaml.safe_load((ROOT / "docs" / "azure-pipelines.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def dvsa(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def bin_dir(tmp_path):
    """A `dvsa` on PATH that runs this checkout's analyzer with this interpreter."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "dvsa"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m analyzer "$@"\n')
    script.chmod(0o755)
    return folder


def run_bash(script: str, env: dict[str, str], bin_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    # GitHub runs a composite step's `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`.
    full = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env=full, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


# --- the GitHub Action ---------------------------------------------------------------------------------------------

def _step(name: str) -> dict:
    [step] = [s for s in ACTION["runs"]["steps"] if s.get("name") == name]
    return step


def test_action_has_the_required_keys():
    assert ACTION["name"] and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["inputs"]["paths"]["required"] is True
    assert {"paths", "fail-on", "config"} <= set(ACTION["inputs"])
    for step in ACTION["runs"]["steps"]:
        assert ("run" in step) != ("uses" in step)
        if "run" in step:
            assert step["shell"] == "bash"  # required on every run step of a composite action
            assert "${{" not in step["run"]  # inputs come in through env, never pasted into the script
    used = {s["uses"].split("@")[0] for s in ACTION["runs"]["steps"] if "uses" in s}
    assert used == {"actions/setup-python", "github/codeql-action/upload-sarif"}


def test_action_expressions_name_declared_inputs_and_steps():
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    assert set(re.findall(r"inputs\.([a-z-]+)", text)) <= set(ACTION["inputs"])
    ids = {s.get("id") for s in ACTION["runs"]["steps"]}
    assert set(re.findall(r"steps\.([a-z-]+)\.outputs", text)) <= ids
    upload = _step("Upload SARIF to code scanning")
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif }}"
    assert upload["if"].startswith("${{ always()")  # the SARIF is uploaded when the gate fails too


def _env(step: dict, inputs: dict[str, str], runner_temp: Path) -> dict[str, str]:
    values = {f"inputs.{k}": str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    values.update({f"inputs.{k}": v for k, v in inputs.items()})
    values["runner.temp"] = str(runner_temp)
    return {k: re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: values[m.group(1)], v) for k, v in step["env"].items()}


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


@pytest.mark.parametrize("fail_on", ["error", "never"])
def test_action_check_step_runs_on_a_fixture(tmp_path, bin_dir, fail_on):
    build = tmp_path / "work" / "build"
    build.mkdir(parents=True)
    zip_folder(EXTRACTED, build / "release.zip")
    runner_temp, output, summary = tmp_path / "temp", tmp_path / "output", tmp_path / "summary.md"
    runner_temp.mkdir()
    github = {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    paths = f"build/*.zip\n{UNPACKED}"  # a glob the shell must leave alone, and a new line between paths
    step = _step("dvsa check")
    done = run_bash(step["run"], {**_env(step, {"paths": paths, "fail-on": fail_on}, runner_temp), **github},
                    bin_dir, cwd=tmp_path / "work")
    assert done.returncode == 0, done.stderr  # the gate is the last step's business

    direct = subprocess.run([sys.executable, "-m", "analyzer", "check", "build/release.zip", str(UNPACKED),
                             "--fail-on", fail_on, "--format", "markdown"], cwd=tmp_path / "work",
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    outputs = _outputs(output)
    assert outputs["exit-code"] == str(direct.returncode)
    assert direct.returncode == (0 if fail_on == "never" else 1)
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    assert summary.read_text() == direct.stdout  # the Markdown report, appended to the job summary

    gate = _step("Gate")
    assert run_bash(gate["run"], {"DVSA_EXIT": outputs["exit-code"]}, bin_dir, tmp_path).returncode == \
        direct.returncode


def test_action_reports_bad_input_and_fails_the_gate(tmp_path, bin_dir):
    runner_temp, output, summary = tmp_path / "temp", tmp_path / "output", tmp_path / "summary.md"
    runner_temp.mkdir()
    step = _step("dvsa check")
    env = {**_env(step, {"paths": "missing/*.zip"}, runner_temp), "GITHUB_OUTPUT": str(output),
           "GITHUB_STEP_SUMMARY": str(summary)}
    done = run_bash(step["run"], env, bin_dir, tmp_path)
    assert _outputs(output)["exit-code"] == "2"
    assert "error: missing/*.zip: no file or folder matches this pattern" in done.stderr


# --- Azure Pipelines -----------------------------------------------------------------------------------------------

def _azure_step(name: str) -> dict:
    [step] = [s for s in AZURE["steps"] if name in (s.get("task"), s.get("displayName"))]
    return step


def _macros(text: str, variables: dict[str, str]) -> str:
    for _ in range(3):  # variables may use variables
        text = re.sub(r"\$\(([\w.]+)\)", lambda m: variables.get(m.group(1), m.group(0)), text)
    return text


def test_azure_template_publishes_what_the_check_writes(tmp_path, bin_dir):
    staging = tmp_path / "staging"
    variables = {**AZURE["variables"], "solutions": str(UNPACKED), "Build.ArtifactStagingDirectory": str(staging)}
    done = run_bash(_macros(_azure_step("dvsa check")["script"], variables), {}, bin_dir, tmp_path)
    assert done.returncode == 1, done.stderr  # contoso_approvals has errors: the gate fails the step

    results = _azure_step("PublishTestResults@2")
    assert results["condition"] == "succeededOrFailed()"
    assert results["inputs"]["testResultsFormat"] == "JUnit"
    junit = ElementTree.parse(_macros(results["inputs"]["testResultsFiles"], variables)).getroot()
    assert junit.tag in ("testsuites", "testsuite") and list(junit.iter("failure"))

    artifact = _azure_step("PublishBuildArtifacts@1")
    assert artifact["inputs"]["ArtifactName"] == "CodeAnalysisLogs"
    sarif = json.loads(Path(_macros(artifact["inputs"]["PathtoPublish"], variables)).read_text())
    assert sarif["version"] == "2.1.0"

    issues = [line for line in done.stdout.splitlines() if line.startswith("##vso[task.logissue")]
    errors = sum(1 for r in sarif["runs"][0]["results"] if r["level"] == "error")
    assert sum(1 for line in issues if "type=error" in line) == errors > 0


# --- pre-commit ----------------------------------------------------------------------------------------------------

def test_pre_commit_hook_manifest():
    [hook] = HOOKS
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["pass_filenames"] is False and hook["language"] == "python"
    files = re.compile(hook["files"])
    for path in UNPACKED.rglob("*"):
        if path.is_file():
            assert files.search("solutions/ContosoApprovals/" + path.relative_to(UNPACKED).as_posix()), path
    assert files.search("build/ContosoApprovals_1_0_managed.zip")
    for unrelated in ("README.md", "src/Plugins/Approval.cs", "docs/other.md"):
        assert not files.search(unrelated)


def test_pre_commit_hook_entry_runs_on_a_fixture(tmp_path, bin_dir):
    [hook] = HOOKS
    repo = tmp_path / "repo"
    shutil.copytree(UNPACKED, repo / "solutions" / "ContosoApprovals")
    (repo / "README.md").write_text("not a solution\n")
    command = [*hook["entry"].split(), *hook["args"]]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                               "PYTHONPATH": str(ROOT)})
    direct = dvsa("check", UNPACKED)
    assert done.returncode == direct.exit_code == 1
    assert "ContosoApprovals" in done.stdout
    assert done.stdout.splitlines()[-1] == direct.stdout.splitlines()[-1]  # the same findings


# --- one JSON vocabulary -------------------------------------------------------------------------------------------

SOLUTION_RECORD = {"unique_name", "version", "managed", "managed_label", "publisher", "path"}


def test_every_json_output_shares_the_solution_record_and_schema_version():
    release = FIXTURES / "diff" / "release"
    inventory = json.loads(dvsa("inventory", UNPACKED, "--format", "json").stdout)
    check = json.loads(dvsa("check", UNPACKED, "--select", "DV1,DV4", "--format", "json").stdout)
    dependents = json.loads(dvsa("dependents", UNPACKED, "--of", inventory["components"][0]["key"],
                                 "--format", "json").stdout)
    diff = json.loads(dvsa("diff", release / "old", release / "new", "--select", "DV5", "--format", "json").stdout)
    rules = json.loads(dvsa("rules", "--format", "json").stdout)
    for doc in (inventory, check, dependents, diff, rules):
        assert doc["schema_version"] == 1
    records = [inventory["solutions"][0], check["solutions"][0], dependents["solutions"][0]]
    for record in records:
        assert {k: record[k] for k in SOLUTION_RECORD} == {k: records[0][k] for k in SOLUTION_RECORD}
    assert records[0]["managed"] is False and records[0]["managed_label"] == "unmanaged"
    for side in (diff["old"], diff["new"]):
        assert SOLUTION_RECORD <= set(side) and isinstance(side["managed"], bool)
    documented = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    for field in SOLUTION_RECORD | {"schema_version"}:
        assert f"`{field}`" in documented


# --- the wheel -----------------------------------------------------------------------------------------------------

def test_the_wheel_installs_and_runs_in_a_fresh_venv(tmp_path):
    pytest.importorskip("wheel", reason="setuptools before 70.1 needs the wheel package to build one")
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--disable-pip-version-check", "--quiet", "-w", str(wheels), str(ROOT)],
                           capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    [wheel] = wheels.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"analyzer/data/{p.name}" for p in (ROOT / "analyzer" / "data").glob("*.csv")} <= names
    packages = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "analyzer").rglob("__init__.py")}
    assert {f"{p}/__init__.py" for p in packages} <= names
    assert {f"analyzer/rules/{p.name}" for p in (ROOT / "rules").glob("*.py")} <= names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)  # dependencies from the system: no download
    python = env_dir / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                                "--disable-pip-version-check", str(wheel)], capture_output=True, text=True,
                               timeout=600)
    assert installed.returncode == 0, installed.stderr
    where = subprocess.run([str(python), "-c", "import analyzer; print(analyzer.__file__)"], capture_output=True,
                           text=True, cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(env_dir)  # the installed copy, not this checkout

    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([str(env_dir / "bin" / "dvsa"), "check", str(UNPACKED), "--select", "DV1,DV4",
                          "--format", "json"], capture_output=True, text=True, cwd=tmp_path, env=clean_env,
                         timeout=300)
    here = dvsa("check", UNPACKED, "--select", "DV1,DV4", "--format", "json")
    assert run.returncode == here.exit_code == 1, run.stderr
    assert json.loads(run.stdout)["findings"] == json.loads(here.stdout)["findings"]
    drawn = subprocess.run([str(env_dir / "bin" / "dvsa"), "graph", str(UNPACKED), "--no-findings"],
                           capture_output=True, text=True, cwd=tmp_path, env=clean_env, timeout=300)
    assert drawn.returncode == 0 and drawn.stdout.startswith("digraph"), drawn.stderr
