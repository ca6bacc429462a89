"""Configuration ([tool.dvsa] / dvsa.toml) and the baseline: suppressions outside the solution."""

from __future__ import annotations

import json

from conftest import SOLUTIONS

SAMPLE = SOLUTIONS / "contoso_approvals"
DRAFT_STEP = "step:200c9d3d-bc13-4ca3-ae55-beca89530389"  # DV101, the sample's only error


def check_json(invoke, code, *args):
    return json.loads(invoke(code, ["check", SAMPLE, "--format", "json", *args]).output)


def test_baseline_accepts_todays_findings(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = check_json(invoke, 1)
    out = invoke(0, ["baseline", SAMPLE, "-o", "base.json"]).output
    doc = json.loads((tmp_path / "base.json").read_text())
    assert f"wrote {len(before['findings'])} finding(s)" in out
    assert {(e["rule"], e["component"]) for e in doc["entries"]} == {
        (f["rule"], f["component"]["key"]) for f in before["findings"]}
    after = check_json(invoke, 0, "--baseline", "base.json")
    assert after["summary"] == {"error": 0, "warning": 0, "note": 0}
    assert all(f["suppressed"] for f in after["findings"]) and len(after["findings"]) == len(before["findings"])


def test_stale_baseline_entries_are_reported(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    invoke(0, ["baseline", SAMPLE, "-o", "base.json"])
    doc = json.loads((tmp_path / "base.json").read_text())
    doc["entries"].append({"rule": "DV101", "component": "step:gone", "fingerprint": "x"})
    (tmp_path / "base.json").write_text(json.dumps(doc))
    result = check_json(invoke, 0, "--baseline", "base.json")
    assert result["stale_suppressions"] == ["baseline entry DV101 step:gone"]
    invoke(1, ["check", SAMPLE, "--baseline", "base.json", "--strict-baseline"])
    # A rule that did not run cannot make its entries stale.
    assert check_json(invoke, 0, "--baseline", "base.json", "--select", "DV102")["stale_suppressions"] == []


def test_config_ignore_fail_on_severity_and_suppress(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dvsa.toml").write_text(
        'ignore = ["DV108"]\nfail-on = "warning"\n[severity]\nDV103 = "note"\n'
        '[[suppress]]\nrule = "step-on-inactive-action"\ncomponent = "step:*"\nreason = "activated on deploy"\n')
    result = check_json(invoke, 1)  # warnings remain (DV104, DV402) and fail-on is warning
    rules = {f["rule"] for f in result["findings"]}
    assert "DV108" not in rules
    assert [f["severity"] for f in result["findings"] if f["rule"] == "DV103"] == ["note"]
    [suppressed] = [f for f in result["findings"] if f.get("suppressed")]
    assert suppressed["component"]["key"] == DRAFT_STEP
    assert result["summary"]["error"] == 0
    # The command line wins over the file.
    invoke(0, ["check", SAMPLE, "--fail-on", "error"])


def test_pyproject_tool_table(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.dvsa]\nselect = ["DV102"]\n')
    result = check_json(invoke, 0)
    assert {f["rule"] for f in result["findings"]} == {"DV102"}


def test_bad_configuration_is_a_clean_error(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dvsa.toml").write_text('selct = ["DV1"]\n')
    assert "did you mean 'select'?" in invoke(2, ["check", SAMPLE]).output
    (tmp_path / "dvsa.toml").write_text('[[suppress]]\nrule = "DV101"\ncomponent = "step:*"\n')
    assert "reason" in invoke(2, ["check", SAMPLE]).output
    (tmp_path / "dvsa.toml").unlink()
    (tmp_path / "base.json").write_text("[]")
    assert "not a dvsa baseline file" in invoke(2, ["check", SAMPLE, "--baseline", "base.json"]).output
