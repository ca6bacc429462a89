"""Rule options and per-rule settings: every mistake is one line naming where it was written, exit 2,
before any package is read; valid options change what the rules find."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import FIXTURES, SOLUTIONS

from analyzer.errors import SolutionError
from analyzer.rule import Option, OptionValueError

CONTOSO = SOLUTIONS / "contoso_approvals"
DEEP = FIXTURES / "rules" / "DV107-max-depth"


def error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def refused(invoke, tmp_path):
    """Run `dvsa check` on the sample with a dvsa.toml holding ``toml``; return (config path, error line)."""
    def run(toml: str, *args: str, path=CONTOSO):
        config = tmp_path / "dvsa.toml"
        config.write_text(toml, encoding="utf-8")
        return config, error_line(invoke(2, ["check", path, "--config", config, *args]))
    return run


# --- one test per kind of mistake ---------------------------------------------------------------

def test_unknown_rule_in_rules_table(refused):
    config, line = refused("[rules.DV1O7]\nmax-depth = 6\n")
    assert line == f"error: {config}: [rules.DV1O7]: no rule 'DV1O7'; did you mean 'DV107'?"


def test_unknown_rule_without_a_near_miss_points_to_the_catalogue(refused):
    config, line = refused("[rules.DV999]\nmax-depth = 6\n")
    assert line == f"error: {config}: [rules.DV999]: no rule 'DV999'; `dvsa rules` lists them"


def test_unknown_rule_in_suppress_entry(refused):
    # Before, a misspelt rule suppressed nothing and was never reported stale: it did nothing in silence.
    _config, line = refused('[[suppress]]\nrule = "DV4O1"\ncomponent = "plugin_type:*"\nreason = "base first"\n')
    assert line == "error: suppress entry 'DV4O1': no rule 'DV4O1'; did you mean 'DV401'?"


def test_unknown_rule_in_severity(refused):
    config, line = refused('[severity]\nDV1O7 = "note"\n')
    assert line == f"error: {config}: [severity] DV1O7: no rule 'DV1O7'; did you mean 'DV107'?"


def test_unknown_rule_name_in_severity(refused):
    config, line = refused('[severity]\ncall-chain-to-deep = "note"\n')
    assert line == (f"error: {config}: [severity] call-chain-to-deep: no rule 'call-chain-to-deep'; "
                    "did you mean 'call-chain-too-deep'?")


def test_unknown_rule_in_option_flag(invoke):
    line = error_line(invoke(2, ["check", CONTOSO, "--option", "DV1O7.max-depth=6"]))
    assert line == "error: --option DV1O7.max-depth=6: no rule 'DV1O7'; did you mean 'DV107'?"


def test_unknown_option_key_with_hint(refused):
    config, line = refused("[rules.DV107]\nmax-dept = 6\n")
    assert line == f"error: {config}: [rules.DV107]: unknown option 'max-dept'; did you mean 'max-depth'?"


def test_unknown_option_key_in_option_flag(invoke):
    line = error_line(invoke(2, ["check", CONTOSO, "--option", "DV107.maxdepth=6"]))
    assert line == "error: --option DV107.maxdepth=6: unknown option 'maxdepth'; did you mean 'max-depth'?"


def test_option_of_a_rule_without_options(refused):
    config, line = refused("[rules.DV101]\nmax-depth = 6\n")
    assert line == f"error: {config}: [rules.DV101]: unknown option 'max-depth'; DV101 has no options"


def test_wrong_type_in_config(refused):
    config, line = refused('[rules.DV107]\nmax-depth = "six"\n')
    assert line == f'error: {config}: [rules.DV107] max-depth: expected an integer, got "six"'


def test_boolean_is_not_an_integer(refused):
    config, line = refused("[rules.DV107]\nmax-depth = true\n")
    assert line == f"error: {config}: [rules.DV107] max-depth: expected an integer, got true"


def test_string_where_a_list_is_expected(refused):
    config, line = refused('[rules.DV306]\nother-prefixes = "fabrikam"\n')
    assert line == f'error: {config}: [rules.DV306] other-prefixes: expected a list of strings, got "fabrikam"'


def test_wrong_type_in_option_flag(invoke):
    line = error_line(invoke(2, ["check", CONTOSO, "--option", "DV107.max-depth=six"]))
    assert line == 'error: --option DV107.max-depth=six: expected an integer, got "six"'


def test_out_of_range(refused):
    config, line = refused("[rules.DV107]\nmax-depth = 0\n")
    assert line == f"error: {config}: [rules.DV107] max-depth: must be at least 1, got 0"


def test_bad_severity_level(refused):
    config, line = refused('[severity]\nDV203 = "notice"\n')
    assert line == f"error: {config}: [severity] DV203: expected error, warning or note, got \"notice\"; did you mean 'note'?"


def test_rules_table_that_is_not_a_table(refused):
    config, line = refused("[rules]\nDV107 = 6\n")
    assert line == f"error: {config}: [rules.DV107]: expected a table of options, such as max-depth = 6"


def test_unknown_rule_in_select_names_the_file(refused):
    config, line = refused('ignore = ["DV108", "inactive-components"]\n')
    assert line == f"error: {config}: ignore: no rule matches 'inactive-components'; `dvsa rules` lists them"


def test_malformed_option_flag(invoke):
    line = error_line(invoke(2, ["check", CONTOSO, "--option", "DV107=6"]))
    assert line == "error: --option DV107=6: expected RULE.NAME=VALUE, such as DV107.max-depth=6"


def test_pyproject_sections_are_named_as_written(invoke, tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.dvsa.rules.DV107]\nmax-depth = 0\n", encoding="utf-8")
    line = error_line(invoke(2, ["check", CONTOSO, "--config", pyproject]))
    assert line == f"error: {pyproject}: [tool.dvsa.rules.DV107] max-depth: must be at least 1, got 0"


def test_mistakes_are_reported_before_any_package_is_read(refused, tmp_path):
    # the path does not exist: had it been read first, the error would be about the path
    config, line = refused("[rules.DV107]\nmax-depth = 0\n", path=tmp_path / "missing.zip")
    assert line == f"error: {config}: [rules.DV107] max-depth: must be at least 1, got 0"


def test_baseline_command_checks_option_flags(invoke, tmp_path):
    line = error_line(invoke(2, ["baseline", CONTOSO, "-o", tmp_path / "b.json", "--option", "DV107.max-depth=0"]))
    assert line == "error: --option DV107.max-depth=0: must be at least 1, got 0"
    assert not (tmp_path / "b.json").exists()


def test_engine_api_checks_options_too():
    from analyzer.engine import analyze
    with pytest.raises(SolutionError) as caught:
        analyze([str(CONTOSO)], options={"DV107": {"max-depth": "six"}})
    assert str(caught.value) == '[rules.DV107] max-depth: expected an integer, got "six"'


def test_max_depth_flag_is_gone(invoke):
    result = invoke(2, ["check", CONTOSO, "--max-depth", "6"])
    assert "No such option" in result.output and "--max-depth" in result.output


# --- valid options change what the rules find -------------------------------------------------

def deep_chain_findings(invoke, *args: str) -> list[tuple[str, str]]:
    result = invoke(0, ["check", DEEP / "solution", "--select", "DV107", "--format", "json",
                        "--fail-on", "never", *args])
    return [(f["component"]["key"], f["message"]) for f in json.loads(result.stdout)["findings"]]


def test_max_depth_from_config_and_from_option_flag_agree(invoke, tmp_path):
    config = tmp_path / "dvsa.toml"
    config.write_text("[rules.DV107]\nmax-depth = 3\n", encoding="utf-8")
    from_config = deep_chain_findings(invoke, "--config", config)
    from_flag = deep_chain_findings(invoke, "--option", "DV107.max-depth=3")
    by_name = deep_chain_findings(invoke, "--option", "call-chain-too-deep.max-depth=3")
    expected = yaml.safe_load((DEEP / "expected.yaml").read_text())["fail"]
    assert [key for key, _ in from_config] == expected  # the chain 4 messages deep
    assert "past the depth limit of 3" in from_config[0][1]
    assert from_flag == from_config == by_name
    assert deep_chain_findings(invoke) == []  # 4 deep is within the platform's default limit of 8


def test_option_flag_wins_over_config(invoke, tmp_path):
    config = tmp_path / "dvsa.toml"
    config.write_text("[rules.dv107]\nmax-depth = 3\n", encoding="utf-8")  # ids are case-insensitive
    assert deep_chain_findings(invoke, "--config", config) != []
    assert deep_chain_findings(invoke, "--config", config, "--option", "DV107.max-depth=8") == []


def test_bool_option_from_flag(invoke):
    case = FIXTURES / "rules" / "DV108-cloud-flows"
    off_flow = yaml.safe_load((case / "expected.yaml").read_text())["fail"][0]

    def keys(*args: str) -> set[str]:
        result = invoke(0, ["check", case / "solution", "--select", "DV108", "--format", "json", *args])
        return {f["component"]["key"] for f in json.loads(result.stdout)["findings"]}

    assert off_flow not in keys()
    assert off_flow in keys("--option", "DV108.include-cloud-flows=true")


@pytest.mark.parametrize("value", ["fabrikam_", "fabrikam_,contoso", '["fabrikam_"]'])
def test_list_option_from_flag(invoke, value):
    case = FIXTURES / "rules" / "DV306-other-prefixes"
    expected = yaml.safe_load((case / "expected.yaml").read_text())
    result = invoke(1, ["check", case / "solution", "--select", "DV306", "--format", "json", "--fail-on", "warning",
                        "--option", f"DV306.other-prefixes={value}"])
    keys = {f["component"]["key"] for f in json.loads(result.stdout)["findings"]}
    assert keys == set(expected["fail"])


def test_rules_command_shows_options(invoke):
    output = invoke(0, ["rules", "DV107"]).output
    lines = output.splitlines()
    option_line = next(line for line in lines if line.strip().startswith("max-depth"))
    # 8: IExecutionContext.Depth's documented maximum (sdk_messages.MAX_DEPTH)
    assert option_line.strip().startswith("max-depth (int, default 8, min 1): ")
    assert "MaxDepth" in option_line
    assert "Options:" in lines
    assert "Options:" not in invoke(0, ["rules", "DV101"]).output


# --- the declaration itself ---------------------------------------------------------------------

def test_declaration_refuses_what_its_type_refuses():
    option = Option("other-prefixes", list[str], ["msdyn"], choices=None)
    assert option.convert(["a", "b"]) == ["a", "b"]
    with pytest.raises(OptionValueError):
        option.convert(["a", 1])
    choice = Option("mode", str, "sync", choices=("sync", "async"))
    with pytest.raises(OptionValueError, match='must be one of sync, async, got "both"'):
        choice.convert("both")


def test_declaration_with_an_invalid_default_does_not_load():
    with pytest.raises(OptionValueError):
        Option("max-depth", int, 0, min=1)
    with pytest.raises(TypeError):
        Option("ratio", float, 0.5)


def test_registry_refuses_option_names_that_cannot_be_written_in_config():
    from analyzer.registry import PluginLoadError, Registry
    from analyzer.rule import Severity, rule

    @rule(id="XX001", name="two-depths", title="t", severity=Severity.NOTE, fix="f",
          options=[Option("depth", int, 1), Option("depth", int, 2)])
    def check(ctx):
        """## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## How to fix\nx"""
        return []

    with pytest.raises(PluginLoadError, match="option names must be kebab-case and distinct: depth, depth"):
        Registry.from_rules([check], plugin="test")
