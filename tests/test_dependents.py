"""`dvsa dependents`: by key and by name, --transitive with paths, --requires, JSON, ambiguous names.
Expected keys come from reading fixtures/solutions/contoso_approvals and fixtures/rules/DV102-cross-solution."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, SOLUTIONS

from analyzer.engine import load_all
from analyzer.graph import build_graph
from analyzer.reader import Limits

CONTOSO = SOLUTIONS / "contoso_approvals"
CROSS = FIXTURES / "rules" / "DV102-cross-solution"
CHECK_STATUS_ACTION = "workflow:d459c2fa-6f3c-f011-a5d1-7c1e5201cb90"
CHECK_STATUS_STEP = "step:200c9d3d-bc13-4ca3-ae55-beca89530389"
DATA_PLUGIN = "plugin_type:603f84bb-8381-4cca-a388-d7dd5d71e987"  # ApprovalDataPlugin: three steps on Update
DATA_STEPS = {"step:7fb2f03a-d4a7-45f9-ad1c-8d7f6520f0a6", "step:87dcc48a-ccb6-45cb-9d5d-ef3f6bc996c6",
              "step:d60633a8-d250-462a-a70f-a548b5d0f9db"}
DATA_IMAGES = {"step_image:33e54a6f-6ab5-4ca8-ac57-1fd2b90aa79f": "step:7fb2f03a-d4a7-45f9-ad1c-8d7f6520f0a6",
               "step_image:5cda8707-38bc-424e-a917-206ca556ab25": "step:87dcc48a-ccb6-45cb-9d5d-ef3f6bc996c6",
               "step_image:dcf6c379-5596-4f98-b845-ba6dc6245c80": "step:d60633a8-d250-462a-a70f-a548b5d0f9db"}


def _json(invoke, paths, *args) -> dict:
    return json.loads(invoke(0, ["dependents", *paths, "--format", "json", *args]).output)


@pytest.mark.parametrize("of", [CHECK_STATUS_ACTION, "contoso_CheckStatus", "CONTOSO_CHECKSTATUS",
                                "action contoso_CheckStatus", "Check Status"])
def test_by_key_message_name_or_display_name(invoke, of):
    out = invoke(0, ["dependents", CONTOSO, "--of", of]).output
    assert out.startswith("1 component(s) block deleting action contoso_CheckStatus [ContosoApprovals]:")
    assert "step 'Post Check Status' (PostOperation, sync) [ContosoApprovals]: registered on" in out
    assert "(through message contoso_CheckStatus)" in out and CHECK_STATUS_STEP in out


def test_transitive_across_two_solutions(invoke):
    doc = _json(invoke, [CROSS / "solution_a", CROSS / "solution_b"], "--of", "contoso_ApproveOrder", "--transitive")
    action = "workflow:a1021000-0000-4000-8000-000000000001"
    assert doc["of"] == {"key": action, "kind": "workflow", "name": "Approve Order", "solution": "ContosoCore"}
    assert doc["direction"] == "required-by"
    step = next(d for d in doc["dependents"] if d["key"] == "step:b1021000-0000-4000-8000-000000000001")
    assert (step["solution"], step["relation"]) == ("ContosoExtensions", "registered_on")
    assert step["path"] == [step["key"], "sdk_message:contoso_approveorder", action]


def test_transitive_follows_requirements_to_the_end(invoke):
    direct = _json(invoke, [CONTOSO], "--of", DATA_PLUGIN)
    assert {d["key"] for d in direct["dependents"]} == DATA_STEPS
    deep = _json(invoke, [CONTOSO], "--of", DATA_PLUGIN, "--transitive")
    assert {d["key"] for d in deep["dependents"]} == DATA_STEPS | set(DATA_IMAGES)
    for d in deep["dependents"]:
        if d["key"] in DATA_IMAGES:
            assert d["path"] == [d["key"], DATA_IMAGES[d["key"]], DATA_PLUGIN] and d["relation"] == "image_of"


def test_every_path_runs_along_edges(invoke):
    graph = build_graph(load_all([str(CONTOSO)], Limits()))
    for args in ([], ["--requires"]):
        doc = _json(invoke, [CONTOSO], "--of", CHECK_STATUS_STEP, "--transitive", *args)
        for d in doc["dependents"]:
            assert all(graph.edge_types(a, b) for a, b in zip(d["path"], d["path"][1:], strict=False))


def test_requires_is_the_other_direction(invoke):
    doc = _json(invoke, [CONTOSO], "--of", CHECK_STATUS_STEP, "--requires")
    assert doc["direction"] == "requires"
    assert {d["key"] for d in doc["dependents"]} == {"sdk_message:contoso_checkstatus",
                                                      "plugin_type:5f664248-44a0-4e11-b7d3-f5ed523e1075"}
    deep = _json(invoke, [CONTOSO], "--of", CHECK_STATUS_STEP, "--requires", "--transitive")
    action = next(d for d in deep["dependents"] if d["key"] == CHECK_STATUS_ACTION)
    assert action["path"] == [CHECK_STATUS_STEP, "sdk_message:contoso_checkstatus", CHECK_STATUS_ACTION]
    assert "plugin_assembly:e9722f24-8461-4e80-8d1b-2bc8ba9df7e3" in {d["key"] for d in deep["dependents"]}
    text = invoke(0, ["dependents", CONTOSO, "--of", CHECK_STATUS_STEP, "--requires"]).output
    assert text.startswith("step 'Post Check Status' (PostOperation, sync) [ContosoApprovals] requires 2 component(s):")


def test_ambiguous_name_lists_the_candidates(invoke):
    result = invoke(2, ["dependents", CONTOSO, "--of", "PreImage"])
    assert result.output.startswith("error: 'PreImage' names 2 components:")
    assert "step_image:33e54a6f-6ab5-4ca8-ac57-1fd2b90aa79f" in result.output
    assert "step_image:dcf6c379-5596-4f98-b845-ba6dc6245c80" in result.output


def test_unknown_component_is_a_clean_error(invoke):
    result = invoke(2, ["dependents", CONTOSO, "--of", "contoso_Nothing"])
    assert result.output == ("error: no component 'contoso_Nothing' in the analyzed solutions; "
                             "`dvsa inventory` lists the keys\n")


# --- a long chain: the answer is bounded (issue 19: 1,000 actions wrote 49 MB, 10,000 ran out of memory) ----------

CHAIN = 1000


def _chain_action(i: int):
    """Action Step<i> invokes Step<i+1>'s message, so Step<i> requires Step<i+1> through it."""
    from analyzer import builder as b
    guid = f"00000004-0000-4000-8000-{i:012x}"
    call = (f'<mxswa:Workflow><mcwa:InvokeSdkMessageActivity DisplayName="InvokeSdkMessageStep1: next" '
            f'SdkMessageEntityName="" SdkMessageId="00000005-0000-4000-8000-{i + 1:012x}" '
            f'SdkMessageName="contoso_Step{i + 1:05d}" SdkMessageRequestSuffix="" /></mxswa:Workflow>')
    return b.action(guid, f"Step{i:05d}", f"Step{i:05d}", f"00000005-0000-4000-8000-{i:012x}",
                    xaml=call if i + 1 < CHAIN else None)


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    from analyzer import builder as b
    package = b.Package(b.Manifest("Chain"), workflows=tuple(_chain_action(i) for i in range(CHAIN)))
    return package.write_zip(tmp_path_factory.mktemp("chain") / "chain.zip")


LAST = f"contoso_Step{CHAIN - 1:05d}"


def test_a_long_chain_is_answered_in_bounded_size(invoke, chain):
    """Every action and message before the last action requires it: 2 × 999 components (its own message is a part
    of it). The default list holds the nearest 1,000 and counts the rest; each path holds at most PATH_KEYS keys."""
    from analyzer.diagram.dependents import PATH_KEYS
    result = invoke(0, ["dependents", chain, "--of", LAST, "--transitive", "--format", "json"])
    assert len(result.output) < 1_500_000  # was 49 MB with every whole path
    doc = json.loads(result.output)
    assert (doc["count"], doc["omitted"], len(doc["dependents"])) == (2 * (CHAIN - 1), CHAIN - 2, 1000)
    of = doc["of"]["key"]
    hops = {of: 0}
    for d in doc["dependents"]:
        assert d["path"][0] == d["key"] and d["path"][1] == d["next"] and len(d["path"]) <= PATH_KEYS
        assert (len(d["path"]) == d["hops"] + 1) == (d["path"][-1] == of)  # whole, or cut short of `of`
        if d["next"] in hops:  # the tree: the next step is `of` or a component listed before
            assert d["hops"] == hops[d["next"]] + 1
        else:  # `of`'s own message, a part of it: the path shows it whole
            assert d["path"] == [d["key"], d["next"], of] and d["next"] == f"sdk_message:{LAST.lower()}"
        hops[d["key"]] = d["hops"]
    farthest = doc["dependents"][-1]
    assert farthest["hops"] == 1001 and farthest["key"] == "sdk_message:contoso_step00499"


def test_a_long_chain_in_text_and_all_of_it(invoke, chain):
    from analyzer.diagram.dependents import PATH_KEYS
    text = invoke(0, ["dependents", chain, "--of", LAST, "--transitive"]).output
    assert text.startswith(f"{2 * (CHAIN - 1)} component(s) block deleting action {LAST} [Chain]:")
    assert text.endswith(f"  … and {CHAIN - 2} more, farther away (--limit 0 lists them all)\n")
    assert len(text) < 1_000_000
    doc = json.loads(invoke(0, ["dependents", chain, "--of", LAST, "--transitive", "--format", "json",
                                "--limit", "0"]).output)
    assert (len(doc["dependents"]), doc["omitted"]) == (2 * (CHAIN - 1), 0)
    first = doc["dependents"][-1]  # the chain head's message: Step00000's, defined by it, farthest away
    assert (first["key"], first["hops"]) == ("sdk_message:contoso_step00000", 2 * CHAIN - 1)
    assert len(first["path"]) == PATH_KEYS
    few = invoke(0, ["dependents", chain, "--of", LAST, "--transitive", "--limit", "2"]).output.splitlines()
    assert few[1] == f"  - action contoso_Step{CHAIN - 2:05d} [Chain]: calls (through message {LAST})"
    assert len(few) == 6 and few[-1] == f"  … and {2 * (CHAIN - 1) - 2} more, farther away (--limit 0 lists them all)"
