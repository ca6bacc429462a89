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
    assert ACTION["inputs"]["solutions"]["required"] is True
    assert {"solutions", "fail-on", "config", "sources", "map", "category", "args", "upload-sarif"} <= set(
        ACTION["inputs"])
    assert "deprecationMessage" in ACTION["inputs"]["paths"]  # the old name still works, with a warning
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
    assert upload["with"]["category"] == "${{ inputs.category }}"  # two uses in a workflow stay apart
    assert upload["if"].startswith("${{ always()")  # the SARIF is uploaded when the gate fails too


def _expand(value: str, values: dict[str, str]) -> str:
    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: values[m.group(1)], value)


class Runner:
    """A GitHub-hosted runner's environment for one job: a workspace, RUNNER_TEMP and the command files, and
    each step of the action run as GitHub runs it (`bash --noprofile --norc -eo pipefail`, in the workspace)."""

    def __init__(self, tmp_path: Path, bin_dir: Path):
        self.workspace, self.temp = tmp_path / "workspace", tmp_path / "runner_temp"
        self.workspace.mkdir()
        self.temp.mkdir()
        self.summary, self.bin_dir, self.files = tmp_path / "step_summary.md", bin_dir, tmp_path / "files"
        self.files.mkdir()
        self.uses = 0

    def check(self, **inputs: str) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
        self.uses += 1
        step = _step("dvsa check")
        values = {f"inputs.{k}": str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
        values.update({f"inputs.{k}": v for k, v in inputs.items()})
        output = self.files / f"output_{self.uses}"
        output.touch()
        github = {"CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_OS": "Linux", "GITHUB_WORKSPACE": str(self.workspace),
                  "RUNNER_TEMP": str(self.temp), "GITHUB_OUTPUT": str(output),
                  "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_ENV": str(self.files / "env"),
                  "GITHUB_PATH": str(self.files / "path"), "GITHUB_ACTION": f"__dvsa_{self.uses}",
                  "GITHUB_ACTION_PATH": str(ROOT)}
        env = {k: _expand(v, values) for k, v in step["env"].items()}
        done = run_bash(step["run"], {**github, **env}, self.bin_dir, self.workspace)
        return done, _outputs(output)

    def gate(self, outputs: dict[str, str]) -> int:
        return run_bash(_step("Gate")["run"], {"DVSA_EXIT": outputs.get("exit-code", "")}, self.bin_dir,
                        self.workspace).returncode


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def _suites(junit: str) -> list[str]:
    return [s.get("name") for s in ElementTree.fromstring(junit).iter("testsuite")]


@pytest.fixture
def job(tmp_path, bin_dir):
    """The same solution as a folder with a space in its name and as three zips, one nested two folders deep:
    `build/**/*.zip` is three packages to dvsa, and two to bash without globstar."""
    job = Runner(tmp_path, bin_dir)
    shutil.copytree(UNPACKED, job.workspace / "solutions" / "Contoso Approvals")
    for name in ("build/release 1.zip", "build/sub/b.zip", "build/sub/deeper/c.zip"):
        (job.workspace / name).parent.mkdir(parents=True, exist_ok=True)
        zip_folder(EXTRACTED, job.workspace / name)
    return job


def _direct(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", "check", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)


@pytest.mark.parametrize("fail_on", ["error", "never"])
def test_action_check_step_runs_each_line_as_one_solution(job, fail_on):
    solutions = "  solutions/Contoso Approvals\n\nbuild/**/*.zip  \n!*/deeper/*\n"  # blank and padded lines too
    done, outputs = job.check(solutions=solutions, **{"fail-on": fail_on})
    assert done.returncode == 0, done.stderr  # the gate is the last step's business

    named = ["solutions/Contoso Approvals", "build/release 1.zip", "build/sub/b.zip"]
    direct = _direct(job.workspace, *named, "--fail-on", fail_on, "--format", "markdown")
    assert outputs["exit-code"] == str(direct.returncode) == ("0" if fail_on == "never" else "1")
    assert job.summary.read_text() == direct.stdout  # exactly the named packages: c.zip excluded
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    assert sarif["runs"][0]["automationDetails"] == {"id": "dvsa/"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert {u.split("/")[0] for u in uris} == {"solutions", "build"} and not any("deeper" in u for u in uris)
    # the concise report ends with the summary; stderr says only what was written, not the summary again
    summary = direct.stdout.splitlines()[2].replace("\\", "")
    assert done.stdout.splitlines()[-1] == summary and "findings:" not in done.stderr
    assert done.stderr.startswith("wrote ")
    assert job.gate(outputs) == direct.returncode


def test_action_passes_patterns_to_dvsa_unexpanded(job):
    done, outputs = job.check(solutions="build/**/*.zip")
    junit = _direct(job.workspace, "build/**/*.zip", "--format", "junit").stdout
    assert len(_suites(junit)) == 3  # what dvsa finds; bash without globstar would give it two
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    zips = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert zips == {"build/release%201.zip", "build/sub/b.zip", "build/sub/deeper/c.zip"}


def test_action_inputs_reach_dvsa(job):
    code = FIXTURES / "code"
    shutil.copytree(code / "ContosoScripts", job.workspace / "ContosoScripts")
    shutil.copytree(code / "src", job.workspace / "src")
    done, outputs = job.check(solutions="ContosoScripts", sources="src\n", category="scripts",
                                 args="--select=DV6\n--option=DV107.max-depth=6\n")
    assert outputs["exit-code"] == "1", done.stderr
    assert "sources: " in done.stderr  # the folder was read
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    assert sarif["runs"][0]["automationDetails"] == {"id": "scripts/"}
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"DV603"}
    assert {r["id"][:3] for r in sarif["runs"][0]["tool"]["driver"]["rules"]} == {"DV6"}  # --select reached dvsa
    done, outputs = job.check(solutions="ContosoScripts", map="maps/missing map.xml")
    assert outputs["exit-code"] == "2" and "maps/missing map.xml" in done.stderr


def test_two_uses_in_one_job_keep_their_reports_apart(job):
    _, first = job.check(solutions="build/release 1.zip", category="release")
    _, second = job.check(solutions="solutions/Contoso Approvals", category="source")
    assert first["sarif"] != second["sarif"]
    ids = [json.loads(Path(o["sarif"]).read_text())["runs"][0]["automationDetails"]["id"] for o in (first, second)]
    assert ids == ["release/", "source/"]
    assert job.summary.read_text().count("## dvsa check") == 2  # both summaries appended


def test_the_deprecated_paths_input_still_works(job):
    done, outputs = job.check(solutions="", paths="build/release 1.zip")
    assert outputs["exit-code"] == "1", done.stderr


@pytest.mark.parametrize("solutions,message", [
    ("missing/*.zip", "error: missing/*.zip: no file or folder matches this pattern"),
    ("", "error: the solutions input names no solution: give one a line"),
    ('solutions/Contoso Approvals "build/**/*.zip"', "solutions/Contoso Approvals \"build/**/*.zip\": no file"),
])
def test_action_reports_bad_input_and_fails_the_gate(job, solutions, message):
    done, outputs = job.check(solutions=solutions)
    assert outputs["exit-code"] == "2" and job.gate(outputs) == 2
    assert message in done.stderr


# --- Azure Pipelines -----------------------------------------------------------------------------------------------

def _azure_step(name: str) -> dict:
    [step] = [s for s in AZURE["steps"] if name in (s.get("task"), s.get("displayName"))]
    return step


def _macros(text: str, variables: dict[str, str]) -> str:
    for _ in range(3):  # variables may use variables
        text = re.sub(r"\$\(([\w.]+)\)", lambda m: variables.get(m.group(1), m.group(0)), text)
    return text


def _azure_check(workspace: Path, solutions: str, staging: Path, bin_dir: Path):
    """The template's check step as the agent runs a `script` on Linux: bash, in the sources folder, its `env`
    with template expressions and macros expanded first."""
    step = _azure_step("dvsa check")
    variables = {**AZURE["variables"], "Build.ArtifactStagingDirectory": str(staging)}
    parameters = {f"parameters.{p['name']}": p.get("default", "") for p in AZURE["parameters"]}
    parameters["parameters.solutions"] = solutions
    env = {k: _macros(_expand(v, parameters), variables) for k, v in step["env"].items()}
    assert "$(" not in step["script"] and "${{" not in step["script"]  # values only through env
    env.update({"BUILD_SOURCESDIRECTORY": str(workspace), "TF_BUILD": "True"})
    return run_bash(step["script"], env, bin_dir, workspace), variables


def test_azure_template_checks_exactly_the_packages_it_names(job, tmp_path, bin_dir):
    staging = tmp_path / "staging"
    done, variables = _azure_check(job.workspace, "build/**/*.zip\nsolutions/Contoso Approvals\n", staging,
                                   bin_dir)
    assert done.returncode == 1, done.stderr  # contoso_approvals has errors: the gate fails the step
    results = _azure_step("PublishTestResults@2")
    junit = Path(_macros(results["inputs"]["testResultsFiles"], variables)).read_text()
    suites = _suites(junit)
    assert len(suites) == 4 and any("Contoso Approvals" in s for s in suites) and any("deeper/c.zip" in s
                                                                                       for s in suites)


def test_azure_template_publishes_what_the_check_writes(job, tmp_path, bin_dir):
    staging = tmp_path / "staging"
    done, variables = _azure_check(job.workspace, "solutions/Contoso Approvals", staging, bin_dir)
    assert done.returncode == 1, done.stderr

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
    assert len(list(junit.iter("failure"))) == sum(1 for r in sarif["runs"][0]["results"] if r["level"] != "note")


def test_the_pinned_version_is_the_project_version():
    from analyzer import __version__
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"rev: v{__version__}" in readme and "rev: main" not in readme
    assert AZURE["variables"]["dvsaPackage"].endswith(f"@v{__version__}")
    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"@v{__version__}" in readme


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
    python = _venv_with_these_dependencies(env_dir)
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
    # exit 1 is also what a crash at import gives: stderr tells findings (nothing said) from a traceback
    assert run.stderr == "" and run.returncode == here.exit_code == 1, run.stderr
    assert json.loads(run.stdout)["findings"] == json.loads(here.stdout)["findings"]
    drawn = subprocess.run([str(env_dir / "bin" / "dvsa"), "graph", str(UNPACKED), "--no-findings"],
                           capture_output=True, text=True, cwd=tmp_path, env=clean_env, timeout=300)
    assert drawn.returncode == 0 and drawn.stdout.startswith("digraph") and drawn.stderr == "", drawn.stderr
    version = subprocess.run([str(env_dir / "bin" / "dvsa"), "--version"], capture_output=True, text=True,
                             env=clean_env, timeout=60)
    from analyzer import __version__
    assert version.stdout == f"dvsa, version {__version__}\n" and version.stderr == ""


def _venv_with_these_dependencies(env_dir: Path) -> Path:
    """A fresh venv that sees the dependencies this test runs with, and nothing else: no download, and the same
    from a venv (where system_site_packages would mean the base interpreter, without lxml), a system install and
    CI. The site folders of this interpreter go on its path through a .pth file, after its own site-packages, so
    the wheel installed into it comes first; .pth files in those folders are not run (an editable install of
    this checkout stays out)."""
    import site
    venv.create(env_dir, system_site_packages=False, with_pip=True)
    python = env_dir / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    folders = [p for p in [*site.getsitepackages(), site.getusersitepackages()] if Path(p).is_dir()]
    (Path(own) / "dvsa_test_dependencies.pth").write_text("".join(f"{p}\n" for p in folders))
    return python
