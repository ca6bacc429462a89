"""Gates that cannot pass by accident (no rule selected, an empty --select, thresholds) and the terminal:
colour, --quiet, --statistics, -V, rules --format json."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SOLUTIONS

from analyzer import __version__
from analyzer.cli import main
from analyzer.registry import discover
from analyzer.report.text import use_color

SOLUTION = SOLUTIONS / "contoso_approvals"
SELECT = ("--select", "DV1,DV4")  # the rules these fixtures were written for
ANSI = "\x1b["


def dvsa(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def one_error(result) -> str:
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


def findings(*extra) -> list[dict]:
    result = dvsa("check", SOLUTION, *SELECT, "--format", "json", *extra)
    return json.loads(result.stdout)["findings"]


def test_no_rule_selected_is_an_error():
    assert "no rule selected" in one_error(dvsa("check", SOLUTION, "--ignore", "DV"))
    assert "no rule selected" in one_error(dvsa("check", SOLUTION, "--select", "DV101", "--ignore", "DV1"))


def test_no_rule_selected_by_the_config_is_an_error(tmp_path):
    config = tmp_path / "dvsa.toml"
    config.write_text('ignore = ["DV"]\n')
    assert "no rule selected" in one_error(dvsa("check", SOLUTION, "--config", config))


@pytest.mark.parametrize("empty", ["", " ", ",", " , "])
def test_an_empty_select_is_an_error(empty):
    assert "--select is empty" in one_error(dvsa("check", SOLUTION, "--select", empty))


def test_a_misspelt_rule_gets_a_hint():
    assert "did you mean 'action-delete-blocked'" in one_error(dvsa("check", SOLUTION, "--select",
                                                                    "action-delete-blokced"))


def test_max_findings_allows_n_and_fails_on_one_more():
    total = len(findings())
    assert total > 1
    assert dvsa("check", SOLUTION, *SELECT, "--max-findings", total).exit_code == 0
    over = dvsa("check", SOLUTION, *SELECT, "--max-findings", total - 1)
    assert over.exit_code == 1
    assert f"{total} findings, more than --max-findings {total - 1}" in over.stderr


def test_max_errors_counts_errors_only():
    errors = sum(1 for f in findings() if f["severity"] == "error")
    assert errors >= 1
    assert dvsa("check", SOLUTION, *SELECT, "--max-errors", errors).exit_code == 0
    assert dvsa("check", SOLUTION, *SELECT, "--max-errors", errors - 1).exit_code == 1
    # --fail-on given explicitly still applies beside the threshold
    assert dvsa("check", SOLUTION, *SELECT, "--max-errors", errors, "--fail-on", "error").exit_code == 1


def test_accepted_findings_do_not_count_toward_a_threshold(tmp_path):
    baseline, config = tmp_path / "b.json", tmp_path / "dvsa.toml"
    config.write_text('select = ["DV1", "DV4"]\n')
    assert dvsa("baseline", SOLUTION, "-o", baseline, "--config", config).exit_code == 0
    assert dvsa("check", SOLUTION, *SELECT, "--baseline", baseline, "--max-findings", 0).exit_code == 0


# --- terminal ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("env,args,coloured", [
    ({}, [], False),  # not a terminal
    ({"FORCE_COLOR": "1"}, [], True),
    ({"FORCE_COLOR": "0"}, [], False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),
    ({"FORCE_COLOR": "1", "TERM": "dumb"}, [], False),
    ({"NO_COLOR": "1"}, ["--color", "always"], True),
    ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
])
def test_colour(env, args, coloured):
    result = dvsa("check", SOLUTION, *SELECT, *args, env={"NO_COLOR": None, "FORCE_COLOR": None, "TERM": None,
                                                         **env})
    assert (ANSI in result.stdout) is coloured


def test_colour_on_a_terminal_unless_no_color():
    assert use_color("auto", True, {}) is True
    assert use_color("auto", True, {"NO_COLOR": "1"}) is False
    assert use_color("auto", True, {"NO_COLOR": ""}) is True  # no-color.org: set and not empty
    assert use_color("auto", True, {"TERM": "dumb"}) is False
    assert use_color("auto", False, {}) is False


def test_quiet_prints_only_the_summary_line():
    full = dvsa("check", SOLUTION, *SELECT).stdout.strip().splitlines()
    quiet = dvsa("check", SOLUTION, *SELECT, "--quiet")
    assert quiet.exit_code == 1
    assert quiet.stdout.strip().splitlines() == [full[-1]]


def test_statistics_counts_findings_by_rule():
    expected = Counter(f["rule"] for f in findings())
    lines = dvsa("check", SOLUTION, *SELECT, "--statistics").stdout.strip().splitlines()
    counted = {line.split()[1]: int(line.split()[0]) for line in lines[:-1]}
    assert counted == expected
    assert [int(line.split()[0]) for line in lines[:-1]] == sorted(expected.values(), reverse=True)
    assert lines[-1] == dvsa("check", SOLUTION, *SELECT, "--quiet").stdout.strip()


def test_version_short_option():
    assert dvsa("-V").stdout.strip() == f"dvsa, version {__version__}"


def test_rules_as_json_lists_the_catalogue():
    doc = json.loads(dvsa("rules", "--format", "json").stdout)
    registry = discover()
    assert doc["schema_version"] == 1
    assert [r["id"] for r in doc["rules"]] == [r.id for r in registry.rules]
    [one] = json.loads(dvsa("rules", "DV107", "--format", "json").stdout)["rules"]
    rule = registry.get("DV107")
    assert one["name"] == rule.name and [o["name"] for o in one["options"]] == [o.name for o in rule.options]
    assert one["options"][0]["default"] == rule.options[0].default


def test_diff_refuses_no_rule_too():
    release = FIXTURES / "diff" / "release"
    assert "no rule selected" in one_error(dvsa("diff", release / "old", release / "new", "--ignore", "DV"))
