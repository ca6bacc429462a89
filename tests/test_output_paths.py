"""No output overwrites an input (issue 19, "Data loss"): every command that writes refuses an -o that is, or is
inside, a package, the --map file, a --sources folder, the configuration or the baseline, with one line and exit 2,
and leaves the input as it was. One function decides (analyzer.paths.refuse_writing_inputs); real paths are
compared, so a symbolic link or `..` does not hide an input."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SOLUTIONS, zip_folder

from analyzer.errors import SolutionError
from analyzer.paths import refuse_writing_inputs

CONTOSO = SOLUTIONS / "contoso_approvals"


def _digest(path: Path) -> str:
    """The bytes of a file, or of every file under a folder, as one hash."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.relative_to(path.parent)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A repository folder with the Contoso package unpacked and zipped, a mapping file, a sources folder and a
    baseline; the current folder, so relative -o paths read as a user types them."""
    shutil.copytree(CONTOSO, tmp_path / "pkg")
    zip_folder(CONTOSO, tmp_path / "in.zip")
    (tmp_path / "map.xml").write_text("<Mapping />\n", encoding="utf-8")
    shutil.copytree(ROOT / "fixtures" / "code" / "src", tmp_path / "src")
    (tmp_path / "base.json").write_text('{"version": 1, "entries": []}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _refused(invoke, work: Path, args: list[str], output: str, input_named: str, kept: str) -> None:
    before = _digest(work / kept)
    result = invoke(2, args)
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"error: {output}: the output is")
    assert f"an input ({input_named}), which dvsa never overwrites" in result.output
    assert _digest(work / kept) == before


def test_check_refuses_to_write_over_its_zip(invoke, work):
    _refused(invoke, work, ["check", "in.zip", "--format", "json", "-o", "in.zip"], "in.zip", "in.zip", "in.zip")


def test_baseline_refuses_to_write_into_the_package(invoke, work):
    target = "pkg/Other/Customizations.xml"
    _refused(invoke, work, ["baseline", "pkg", "-o", target], target, "pkg", "pkg")


def test_every_writing_command_refuses(invoke, work):
    inside = "pkg/Other/report.txt"
    _refused(invoke, work, ["check", "pkg", "-o", "report.json", "-o", inside], inside, "pkg", "pkg")
    _refused(invoke, work, ["diff", "in.zip", "pkg", "--format", "json", "-o", "in.zip"], "in.zip", "in.zip",
             "in.zip")
    _refused(invoke, work, ["graph", "pkg", "--no-findings", "-o", inside], inside, "pkg", "pkg")
    _refused(invoke, work, ["inventory", "in.zip", "-o", "in.zip"], "in.zip", "in.zip", "in.zip")
    _refused(invoke, work, ["order", "in.zip", "pkg", "-o", inside], inside, "pkg", "pkg")
    assert not (work / "report.json").exists()  # refused before any report is written


def test_the_other_inputs_are_kept_too(invoke, work):
    _refused(invoke, work, ["check", "pkg", "--map", "map.xml", "-o", "map.xml"], "map.xml", "map.xml", "map.xml")
    _refused(invoke, work, ["inventory", "pkg", "--sources", "src", "-o", "src/app/out.csv"], "src/app/out.csv",
             "src", "src")
    _refused(invoke, work, ["check", "pkg", "--baseline", "base.json", "-o", "base.json"], "base.json",
             "base.json", "base.json")
    (work / "dvsa.toml").write_text('sources = ["src"]\n', encoding="utf-8")
    _refused(invoke, work, ["check", "pkg", "--config", "dvsa.toml", "--format", "text", "-o", "dvsa.toml"], "dvsa.toml", "dvsa.toml",
             "dvsa.toml")
    # The configuration found in the current folder, and the folder it names as sources.
    _refused(invoke, work, ["check", "pkg", "-o", "src/x.sarif"], "src/x.sarif", str(work / "src"), "src")


def test_a_link_or_dots_do_not_hide_an_input(invoke, work):
    os.symlink(work / "pkg", work / "link")
    _refused(invoke, work, ["graph", "link", "--no-findings", "-o", "pkg/Other/g.dot"], "pkg/Other/g.dot", "link",
             "pkg")
    _refused(invoke, work, ["check", "pkg", "-o", "src/../link/Other/Solution.xml"],
             "src/../link/Other/Solution.xml", "pkg", "pkg")


def test_outputs_elsewhere_are_written(invoke, work):
    invoke(0, ["graph", "pkg", "--no-findings", "-o", "pkg.dot"])  # beside the folder, not in it
    assert (work / "pkg.dot").read_text(encoding="utf-8").startswith("digraph dvsa {")
    (work / "dvsa.toml").write_text('baseline = "base.json"\n', encoding="utf-8")
    invoke(0, ["baseline", "pkg", "-o", "base.json"])  # the baseline the configuration names is baseline's output
    assert '"entries"' in (work / "base.json").read_text(encoding="utf-8")
    invoke(0, ["check", "pkg", "--format", "json", "-o", "-"])  # stdout is no file; the new baseline accepts all


def test_the_rule_compares_whole_path_parts(tmp_path):
    (tmp_path / "pkg").mkdir()
    refuse_writing_inputs([str(tmp_path / "pkg2" / "x"), str(tmp_path / "pkg.zip"), None, "-"],
                          [str(tmp_path / "pkg"), None])
    with pytest.raises(SolutionError, match=r"is inside an input"):
        refuse_writing_inputs([str(tmp_path / "pkg" / "a" / "b.txt")], [str(tmp_path / "pkg")])
    with pytest.raises(SolutionError, match=r"is an input"):
        refuse_writing_inputs([str(tmp_path / "x" / ".." / "pkg")], [str(tmp_path / "pkg")])
