"""PATH arguments: globs, folders of packages, --exclude, several bad paths, the Other/ hint; config found
walking up to the repository root; global options after the subcommand; a configured baseline not written yet."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SOLUTIONS, zip_folder

from analyzer.cli import main
from analyzer.errors import SolutionErrors
from analyzer.paths import expand

UNPACKED = SOLUTIONS / "contoso_approvals"
EXTRACTED = SOLUTIONS / "contoso_approvals_zip"
DV101 = FIXTURES / "rules" / "DV101" / "solution"


def dvsa(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def error_lines(result) -> list[str]:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


@pytest.fixture
def build(tmp_path):
    """build/ with two zips at different depths, an unpacked solution and a file that is no package."""
    root = tmp_path / "build"
    (root / "nested" / "deeper").mkdir(parents=True)
    zip_folder(EXTRACTED, root / "b_release.zip")
    zip_folder(EXTRACTED, root / "nested" / "deeper" / "a_old.zip")
    shutil.copytree(UNPACKED, root / "nested" / "src")
    (root / "notes.txt").write_text("not a package")
    return root


def test_a_glob_is_expanded_by_dvsa_and_sorted(build):
    found = expand([f"{build}/**/*.zip"])
    assert found == sorted(str(p) for p in build.rglob("*.zip"))
    assert len(found) == 2


def test_a_glob_on_the_command_line_reads_each_match(build):
    result = dvsa("inventory", f"{build}/**/*.zip", "--format", "json")
    assert result.exit_code == 0, result.output
    paths = [s["path"] for s in json.loads(result.stdout)["solutions"]]
    assert paths == sorted(str(p) for p in build.rglob("*.zip"))


def test_a_folder_stands_for_every_package_below_it(build):
    found = expand([str(build)])
    assert sorted(found) == sorted([*(str(p) for p in build.rglob("*.zip")), str(build / "nested" / "src")])


def test_a_folder_that_is_a_solution_stays_one():
    assert expand([str(UNPACKED)]) == [str(UNPACKED)]
    assert expand([str(EXTRACTED)]) == [str(EXTRACTED)]


def test_the_same_package_twice_is_read_once(build):
    zipped = str(build / "b_release.zip")
    assert expand([zipped, f"{build}/*.zip"]) == [zipped]


def test_exclude_leaves_out_matching_packages(build):
    found = expand([str(build)], exclude=["*_old.zip", "*/nested/src"])
    assert found == [str(build / "b_release.zip")]
    result = dvsa("inventory", build, "--exclude", "*_old.zip", "--exclude", "*/src", "--format", "json")
    assert [s["path"] for s in json.loads(result.stdout)["solutions"]] == [str(build / "b_release.zip")]


def test_excluding_everything_is_an_error(build):
    [line] = error_lines(dvsa("check", build, "--exclude", "*"))
    assert line.startswith("error: ") and "--exclude" in line


def test_every_bad_path_is_reported_one_line_each(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = [tmp_path / "missing.zip", f"{tmp_path}/nothing/*.zip", empty]
    lines = error_lines(dvsa("check", UNPACKED, *bad))
    assert len(lines) == len(bad)
    for line, path in zip(lines, bad, strict=True):
        assert line.startswith(f"error: {path}: ")


def test_packages_that_fail_to_read_are_all_reported(tmp_path):
    broken = [tmp_path / "one.zip", tmp_path / "two.zip"]
    for path in broken:
        path.write_bytes(b"PK\x03\x04 truncated")
    lines = error_lines(dvsa("check", broken[0], UNPACKED, broken[1]))
    assert [line.split(": ")[1] for line in lines] == [str(p) for p in broken]


@pytest.mark.parametrize("given", [UNPACKED / "Other", UNPACKED / "Other" / "Solution.xml"])
def test_the_other_folder_gets_a_hint(given):
    [line] = error_lines(dvsa("check", given))
    assert "this is the Other/ folder of an unpacked solution: pass its parent" in line
    assert str(UNPACKED) in line


def test_expand_raises_one_error_per_bad_path(tmp_path):
    with pytest.raises(SolutionErrors) as caught:
        expand([str(tmp_path / "a"), str(UNPACKED), str(tmp_path / "b")])
    assert [e.path for e in caught.value.errors] == [str(tmp_path / "a"), str(tmp_path / "b")]


# --- configuration -----------------------------------------------------------------------------------------------

def _findings(result) -> list[str]:
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_config_is_found_from_a_subfolder_up_to_the_repository_root(tmp_path, monkeypatch):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "dvsa.toml").write_text('ignore = ["DV101"]\n')
    (tmp_path / "repo" / "solutions" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo" / "solutions" / "deep")
    found = _findings(dvsa("check", DV101, "--select", "DV1", "--format", "json"))
    assert "DV101" not in found
    assert found  # the other rules still ran


def test_config_above_the_repository_root_is_not_used(tmp_path, monkeypatch):
    (tmp_path / "dvsa.toml").write_text('ignore = ["DV101"]\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    assert "DV101" in _findings(dvsa("check", DV101, "--select", "DV1", "--format", "json"))


def test_config_keys_are_case_insensitive_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "dvsa.toml").write_text('Fail-On = "never"\nSelect = ["DV1"]\nIGNORE = ["dv101"]\n')
    result = dvsa("check", DV101)
    assert result.exit_code == 0 and "step-on-inactive-action" not in result.stdout
    (tmp_path / "dvsa.toml").write_text('Ignroe = ["DV101"]\n')
    [line] = error_lines(dvsa("check", DV101))
    assert "did you mean 'ignore'" in line


def test_a_configured_baseline_not_written_yet_is_empty_with_a_note(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "dvsa.toml").write_text('select = ["DV1"]\nbaseline = ".dvsa-baseline.json"\n')
    result = dvsa("check", DV101, "--format", "json")
    without = dvsa("check", DV101, "--format", "json", "--config", _config(tmp_path, 'select = ["DV1"]'))
    assert result.exit_code == without.exit_code == 1
    assert _findings(result) == _findings(without)
    [note] = result.stderr.strip().splitlines()
    assert note.startswith("note: ") and ".dvsa-baseline.json" in note
    # once written, it is used: every finding is accepted
    assert dvsa("baseline", DV101, "-o", tmp_path / ".dvsa-baseline.json").exit_code == 0
    accepted = dvsa("check", DV101)
    assert accepted.exit_code == 0 and accepted.stderr == ""


def _config(folder, text: str):
    path = folder / "other.toml"
    path.write_text(text + "\n")
    return path


def test_a_baseline_given_on_the_command_line_must_exist(tmp_path):
    [line] = error_lines(dvsa("check", DV101, "--baseline", tmp_path / "nope.json"))
    assert str(tmp_path / "nope.json") in line


# --- global options after the subcommand ---------------------------------------------------------------------------

def test_global_options_work_after_the_subcommand(tmp_path):
    zipped = tmp_path / "padded.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:  # one member ~500:1, past the default 200:1
        zf.write(EXTRACTED / "solution.xml", "solution.xml")
        zf.writestr("customizations.xml", b"<ImportExportXml>" + b"<!-- padding -->" * 100_000 + b"</ImportExportXml>")
    refused = dvsa("check", zipped, "--select", "DV1")
    assert "compression ratio" in refused.stderr
    before = dvsa("--max-ratio", "1000", "check", zipped, "--select", "DV1")
    after = dvsa("check", zipped, "--select", "DV1", "--max-ratio", "1000")
    assert "compression ratio" not in after.stderr
    assert (before.exit_code, before.stdout, before.stderr) == (after.exit_code, after.stdout, after.stderr)
    assert "Traceback" in dvsa("check", tmp_path / "nope.zip", "--debug").stderr
    assert "Traceback" not in dvsa("check", tmp_path / "nope.zip").stderr


def test_diff_reads_its_paths_the_same_way(tmp_path):
    release = FIXTURES / "diff" / "release"
    [line] = error_lines(dvsa("diff", release / "old" / "Other", release / "new"))
    assert "this is the Other/ folder of an unpacked solution: pass its parent" in line
    shutil.copytree(release / "new", tmp_path / "releases" / "new")  # a folder holding the package
    by_folder = dvsa("diff", release / "old", tmp_path / "releases", "--select", "DV5", "--format", "json")
    direct = dvsa("diff", release / "old", release / "new", "--select", "DV5", "--format", "json")
    assert by_folder.exit_code == direct.exit_code
    assert json.loads(by_folder.stdout)["changed"] == json.loads(direct.stdout)["changed"]
