"""ESLint-style consistency checks over every discovered rule (STYLE.md 7.8).

What discovery already refuses at load time (analyzer/registry.py `validate`: id and name patterns, the
required docstring sections, duplicate ids and names) is not re-checked here; test_registry_rejects_bad_rules
checks that it is refused."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT

from analyzer.docs import current_table
from analyzer.registry import Registry, discover
from analyzer.report.catalogue import catalogue_markdown, section
from analyzer.rule import SEVERITY_POLICY, Severity

REGISTRY = discover()
RULES = list(REGISTRY.rules)


def test_builtin_rules_are_discovered_through_the_entry_point():
    ids = [r.id for r in RULES]
    assert "DV101" in ids
    assert all(r.module.startswith("analyzer.rules.") for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_metadata(rule):
    assert re.fullmatch(r"DV[1-6]\d\d", rule.id)
    assert isinstance(rule.severity, Severity)
    assert rule.title and not rule.title.endswith(".")
    assert rule.fix and rule.fix[0].isupper()
    assert "## References" in rule.rationale, "cite the documented fact the rule enforces"


ERRORS = [r for r in RULES if r.severity == Severity.ERROR]
# What the platform does when an error rule's finding is true: it refuses (an import, an upgrade, a delete, a
# registration) or something fails (the import, the upgrade, the call at run time).
PLATFORM_FAILURE = re.compile(r"\b(refuse[sd]?|fails?|failed)\b")


@pytest.mark.parametrize("rule", ERRORS, ids=[r.id for r in ERRORS])
def test_error_rule_states_the_platform_failure_and_cites_learn(rule):
    """The severity policy (README "Rules"): an error means the platform refuses or fails, on Learn's word."""
    severity = section(rule.rationale, "Severity")
    assert severity, f"{rule.id} is an error: say in a '## Severity' section what the platform refuses or fails"
    assert severity.startswith("An error:"), severity
    assert PLATFORM_FAILURE.search(severity), f"{rule.id}: the Severity section names no refusal or failure"
    assert "learn.microsoft.com" in section(rule.rationale, "References"), \
        f"{rule.id}: cite the Microsoft Learn page behind the error"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_a_stated_severity_matches_the_rule(rule):
    """A rule that explains its severity names the one it has ("A warning: …" on a warning rule)."""
    severity = section(rule.rationale, "Severity")
    if severity:
        article = "An" if rule.severity == Severity.ERROR else "A"
        assert severity.startswith(f"{article} {rule.severity.value}:"), f"{rule.id}: {severity[:40]}"


def test_severity_policy_covers_every_severity():
    assert set(SEVERITY_POLICY) == {s.value for s in Severity}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in SEVERITY_POLICY.values():
        assert text in readme.replace("\n", " ")


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_module_file_name(rule):
    module = importlib.import_module(rule.module)
    expected = f"dv{rule.id[2:]}_{rule.name.replace('-', '_')}.py"
    assert Path(module.__file__).name == expected


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_fixtures_with_fail_and_pass(rule):
    cases = [p for p in (FIXTURES / "rules").glob(f"{rule.id}*") if p.is_dir()
             and (p.name == rule.id or p.name.startswith(rule.id + "-"))]
    assert cases, f"no fixtures/rules/{rule.id}/"
    expected = [yaml.safe_load((c / "expected.yaml").read_text()) for c in cases]
    assert any(e.get("fail") for e in expected), "no failing example"
    assert any(e.get("pass") for e in expected), "no passing example"


def test_readme_rule_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert current_table(readme) == catalogue_markdown(REGISTRY), \
        "README rules table is stale: run `python -m analyzer.docs`"


def test_registry_rejects_bad_rules():
    from analyzer.registry import PluginLoadError
    good = REGISTRY.get("DV101")
    from dataclasses import replace
    with pytest.raises(PluginLoadError):
        Registry.from_rules([good, replace(good, name="other-name")])  # duplicate id
    with pytest.raises(PluginLoadError):
        Registry.from_rules([replace(good, id="DV1")])
    with pytest.raises(PluginLoadError):
        Registry.from_rules([replace(good, rationale="no sections")])


def test_select_and_ignore_by_prefix_and_name():
    assert [r.id for r in REGISTRY.select(["step-on-inactive-action"])] == ["DV101"]
    assert "DV101" not in [r.id for r in REGISTRY.select(["DV1"], ["DV101"])]
    assert all(r.id.startswith("DV1") for r in REGISTRY.select(["DV1"]))


def test_readme_example_is_real_output(runner, monkeypatch):
    """The README's example is what `dvsa check` prints on the bundled sample today."""
    from analyzer.cli import main
    from analyzer.docs import EXAMPLE_ARGS, EXAMPLE_END, EXAMPLE_START, between, example_block
    monkeypatch.chdir(ROOT)
    output = runner.invoke(main, EXAMPLE_ARGS).output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert between(readme, EXAMPLE_START, EXAMPLE_END) == example_block(output), \
        "README example is stale: run `python -m analyzer.docs`"
