"""Findings about many components name the first 10 and count the rest (README "Speed, scale and robustness";
``analyzer.rule.bounded``): 200 steps on one action's message, checked alone and as a release that breaks it."""

from __future__ import annotations

import re

import pytest

from analyzer import builder as b
from analyzer.engine import run_rules
from analyzer.graph import build_graph
from analyzer.reader import load
from analyzer.registry import discover
from analyzer.rule import MAX_LISTED, Previous, bounded

STEPS = 200
MESSAGE = "d0000000-0000-4000-8000-000000000001"
TYPE = b.PluginType("e0000000-0000-4000-8000-000000000001", "Contoso.Plugins.Handler")
ASSEMBLY = b.PluginAssembly("c0000000-0000-4000-8000-000000000001",
                            "Contoso.Plugins, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef",
                            (TYPE,))
MXSW = ('xmlns:mxsw="clr-namespace:Microsoft.Xrm.Sdk.Workflow;assembly=Microsoft.Xrm.Sdk.Workflow, '
        'Version=9.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35"')


def reason(required: bool) -> str:
    """The action's one input argument, as the workflow designer writes it in the XAML's x:Members."""
    return (f"  <x:Members {MXSW}>\n"
            '    <x:Property Name="Reason" Type="InArgument(x:String)">\n'
            '      <x:Property.Attributes>\n'
            f'        <mxsw:ArgumentRequiredAttribute Value="{required}" />\n'
            '        <mxsw:ArgumentTargetAttribute Value="False" />\n'
            '        <mxsw:ArgumentDirectionAttribute Value="Input" />\n'
            '        <mxsw:ArgumentEntityAttribute Value="" />\n'
            '      </x:Property.Attributes>\n'
            '    </x:Property>\n'
            "  </x:Members>\n  <mxswa:Workflow />")


def package(version: str, state: int, required: bool) -> b.Package:
    action = b.action("a0000000-0000-4000-8000-000000000001", "Check Status", "CheckStatus", MESSAGE,
                      xaml=reason(required), state=state)
    steps = tuple(b.Step(f"b0000000-0000-4000-8000-{n:012d}", f"Step {n:03d}", MESSAGE,
                         ASSEMBLY.type_name(TYPE.class_name), plugin_type_id=TYPE.id) for n in range(STEPS))
    return b.Package(b.Manifest("ContosoBulk", version=version), workflows=(action,), assemblies=(ASSEMBLY,),
                     steps=steps)


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    """Every rule over NEW (the action Draft, its input now required) with OLD (activated, optional) before it."""
    root = tmp_path_factory.mktemp("bulk")
    old = load(str(package("1.0.0.0", 1, False).write_folder(root / "old" / "ContosoBulk", "zip")))
    new = load(str(package("1.1.0.0", 0, True).write_folder(root / "new" / "ContosoBulk", "zip")))
    result = run_rules([new], discover().rules, previous=Previous([old], build_graph([old])))
    assert not result.errors, result.errors
    return result.findings


def test_every_message_names_at_most_ten_steps(findings):
    """Besides the ten listed: the finding's own step, and the one it is compared with (DV204's step to keep)."""
    for f in findings:
        named = set(re.findall(r"Step \d{3}", f.message))
        assert len(named) <= MAX_LISTED + 2, f"{f.rule} names {len(named)} steps in {len(f.message)} characters"


@pytest.mark.parametrize("rule_id", ["DV102", "DV103", "DV502", "DV504"])
def test_listing_rules_name_ten_and_count_the_rest(findings, rule_id):
    found = [f for f in findings if f.rule == rule_id]
    assert len(found) == 1, [f.message for f in findings]
    message = found[0].message
    assert "Step 000" in message and "Step 009" in message and "Step 010" not in message
    assert f"and {STEPS - MAX_LISTED} more" in message
    assert len(found[0].related) >= STEPS  # the related keys still hold every step


def test_bounded_counts_past_the_limit():
    assert bounded(["a", "b"]) == "a, b"
    assert bounded([str(n) for n in range(12)], sep="; ") == "0; 1; 2; 3; 4; 5; 6; 7; 8; 9 and 2 more"
    assert bounded([str(n) for n in range(1012)]).endswith("9 and 1,002 more")
