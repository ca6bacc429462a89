"""`dvsa graph`: the diagram formats against golden files, Mermaid read back, what the picture shows,
focus and size limits. Expected keys and names come from fixtures/solutions/contoso_approvals."""

from __future__ import annotations

import html
import json
import os
import re
import shutil

import pytest
from conftest import FIXTURES, ROOT, SOLUTIONS
from lxml import etree

from analyzer.diagram import DEFAULT_KINDS, render, view
from analyzer.diagram.mermaid import escape
from analyzer.engine import analyze
from analyzer.graph import CONTAINS

CONTOSO = SOLUTIONS / "contoso_approvals"
CROSS = FIXTURES / "rules" / "DV102-cross-solution"
CHECK_STATUS_ACTION = "workflow:d459c2fa-6f3c-f011-a5d1-7c1e5201cb90"  # contoso_CheckStatus, Draft
CHECK_STATUS_STEP = "step:200c9d3d-bc13-4ca3-ae55-beca89530389"  # 'Post Check Status', DV101 error
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


@pytest.fixture(scope="module")
def result():
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return analyze(["fixtures/solutions/contoso_approvals"])
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize(("fmt", "name"), [("dot", "graph.dot"), ("mermaid", "graph.mmd"),
                                           ("graphml", "graph.graphml"), ("json", "graph.json")])
def test_golden_formats(result, golden, fmt, name):
    golden(name, render(view(result.graph, result.findings), fmt))


def _mermaid(text: str) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Read a Mermaid flowchart back: node id -> key (from the comment above each node), and edges as keys."""
    ids, pending = {}, None
    edges = set()
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("%% "):
            pending = html.unescape(line[3:].replace("#", "&#").replace("&#quot;", "&quot;").replace("&#lt;", "&lt;")
                                    .replace("&#gt;", "&gt;").replace("&#amp;", "&amp;"))
        elif (m := re.match(r"^(n\d+)[\[\(\{]", line)) and pending:
            ids[m.group(1)] = pending
            pending = None
        elif m := re.match(r"^(n\d+) -->\|[^|]*\| (n\d+)$", line):
            edges.add((m.group(1), m.group(2)))
    return ids, {(ids[s], ids[t]) for s, t in edges}


def test_mermaid_reads_back_as_the_graph(result):
    graph = result.graph
    text = render(view(graph, result.findings), "mermaid")
    assert text.startswith("flowchart LR\n")
    ids, edges = _mermaid(text)
    expected_nodes = {k for k in graph.nodes() if graph.node(k)["kind"] in DEFAULT_KINDS}
    expected_edges = {(s, t) for s, t, types in graph.edges() if s in expected_nodes and t in expected_nodes
                      and types - {CONTAINS}}
    assert set(ids.values()) == expected_nodes
    assert edges == expected_edges
    assert text.count(" --> ") + text.count(" -->|") == len(expected_edges)


def test_mermaid_escapes_what_would_end_a_label():
    escaped = escape('Approvals | "Archive" [x] {y} <b> #1')
    assert not set('"|[]{}<>') & set(escaped.replace("#quot;", "").replace("#124;", ""))
    assert escaped == "Approvals #124; #quot;Archive#quot; #91;x#93; #123;y#125; #lt;b#gt; #35;1"


def test_labels_are_names_people_know(result):
    v = view(result.graph, result.findings)
    step = next(n for n in v.nodes if n.key == CHECK_STATUS_STEP)
    assert step.name == "Post Check Status (PostOperation, sync)"
    action = next(n for n in v.nodes if n.key == CHECK_STATUS_ACTION)
    assert (action.name, action.look, action.state, action.dashed) == ("contoso_CheckStatus", "action", "draft", True)
    dot = render(v, "dot")
    labels = re.findall(r'label="([^"]*)"', dot)
    assert "Post Check Status\\n(PostOperation, sync)\\nplug-in step" in labels
    assert not [label for label in labels if GUID.search(label)]


def test_dot_shows_state_origin_findings_and_clusters(result):
    dot = render(view(result.graph, result.findings), "dot")
    line = {m.group(1): m.group(0) for m in re.finditer(r'^\s*"([^"]+)" \[.*$', dot, re.MULTILINE)}
    assert "dashed" in line["workflow:d459c2fa-6f3c-f011-a5d1-7c1e5201cb90"]  # Draft action
    assert "dashed" not in line["workflow:a92d91b0-dc3c-f011-a5d1-7c1e52a97694"]  # contoso_SubmitRequest, active
    assert 'Update\\nmessage (platform)' in line["sdk_message:update"] and "grey" in line["sdk_message:update"]
    assert "declared missing" in line["connection_reference:contoso_sharedoffice365_9f2c1"]
    assert 'color="#c62828"' in line["step:200c9d3d-bc13-4ca3-ae55-beca89530389"]  # DV101 error outline
    assert 'subgraph cluster_s1 {\n\t\tgraph [label="ContosoApprovals"' in dot
    assert 'subgraph cluster_s1_a0 {\n\t\t\tgraph [label="assembly Contoso.Approvals.Plugins"' in dot
    assert 'label="registered on"' in dot and 'label="handled by"' in dot and 'label="runs activity"' in dot
    assert "subgraph cluster_legend" in dot and '"legend/action"' in dot and '"legend/error"' in dot


def test_output_does_not_depend_on_input_order():
    first = analyze([str(CROSS / "solution_a"), str(CROSS / "solution_b")])
    second = analyze([str(CROSS / "solution_b"), str(CROSS / "solution_a")])
    for fmt in ("dot", "mermaid", "graphml", "json"):
        assert render(view(first.graph, first.findings), fmt) == render(view(second.graph, second.findings), fmt)


def test_graphml_and_json_carry_every_node_and_edge(result):
    v = view(result.graph, result.findings)
    doc = json.loads(render(v, "json"))
    root = etree.fromstring(render(v, "graphml").encode())
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = root.findall(".//g:node", ns)
    assert [n.get("id") for n in nodes] == [n["key"] for n in doc["nodes"]] == [n.key for n in v.nodes]
    assert len(root.findall(".//g:edge", ns)) == len(doc["edges"]) == len(v.edges)
    step = next(n for n in doc["nodes"] if n["key"] == CHECK_STATUS_STEP)
    assert (step["kind"], step["solution"], step["state"], step["severity"]) == ("step", "ContosoApprovals",
                                                                               "enabled", "error")
    on = next(e for e in doc["edges"] if e["source"] == CHECK_STATUS_STEP and e["target"].startswith("sdk_message"))
    assert (on["target"], on["relation"]) == ("sdk_message:contoso_checkstatus", "registered_on")
    update = next(n for n in nodes if n.get("id") == "sdk_message:update")
    assert {d.get("key"): d.text for d in update}["external"] == "platform"


def _keys(invoke, *args) -> set[str]:
    doc = json.loads(invoke(0, ["graph", CONTOSO, "--format", "json", "--no-findings", *args]).output)
    return {n["key"] for n in doc["nodes"]}


def test_focus_depth_and_direction(invoke):
    message = "sdk_message:contoso_checkstatus"
    assert _keys(invoke, "--focus", "contoso_CheckStatus", "--depth", "1") == {CHECK_STATUS_ACTION, message}
    assert _keys(invoke, "--focus", "contoso_CheckStatus", "--depth", "2", "--direction", "required-by") == {
        CHECK_STATUS_ACTION, message, CHECK_STATUS_STEP}
    assert _keys(invoke, "--focus", CHECK_STATUS_STEP, "--depth", "1", "--direction", "requires") == {
        CHECK_STATUS_STEP, message, "plugin_type:5f664248-44a0-4e11-b7d3-f5ed523e1075"}
    assert _keys(invoke, "--focus", "contoso_CheckStatus", "--depth", "2", "--direction", "requires") == {
        CHECK_STATUS_ACTION}  # an action requires nothing drawn by default (its table is hidden)


def test_tables_hidden_unless_asked_or_focused(invoke):
    table = "entity:contoso_approvalrequest"
    assert table not in _keys(invoke)
    assert table in _keys(invoke, "--tables")
    assert table in _keys(invoke, "--focus", "contoso_approvalrequest", "--depth", "1")
    assert _keys(invoke, "--kinds", "step") == {k for k in _keys(invoke) if k.startswith("step:")}


def test_bad_kind_or_focus_is_one_line(invoke):
    result = invoke(2, ["graph", CONTOSO, "--kinds", "stepp"])
    assert result.output.startswith("error: --kinds: no stepp") and result.output.count("\n") == 1
    result = invoke(2, ["graph", CONTOSO, "--focus", "PreImage"])
    assert "'PreImage' names 2 components" in result.output


def test_oversize_diagram_is_refused_with_a_hint(invoke, tmp_path, monkeypatch):
    (tmp_path / "dvsa.toml").write_text("max-diagram-nodes = 5\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke(2, ["graph", CONTOSO])
    assert "more than max-diagram-nodes (5)" in result.output and "--focus" in result.output
    # Most links among the drawn nodes: the assembly (4 types) and ApprovalDataPlugin (3 steps + assembly), by key.
    assert "the most connected: plug-in assembly 'Contoso.Approvals.Plugins' (4 links)" in result.output
    invoke(0, ["graph", CONTOSO, "--focus", "contoso_CheckStatus"])
    invoke(0, ["graph", CONTOSO, "--format", "json"])  # data for tools is never refused


def test_bad_max_diagram_nodes_is_refused(invoke, tmp_path, monkeypatch):
    (tmp_path / "dvsa.toml").write_text('max-diagram-nodes = "many"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert "max-diagram-nodes must be a whole number" in invoke(2, ["graph", CONTOSO]).output


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_svg_render(invoke, tmp_path):
    target = tmp_path / "graph.svg"
    invoke(0, ["graph", CONTOSO, "--format", "svg", "-o", target])
    svg = etree.parse(str(target)).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Post Check Status", "contoso_CheckStatus", "legend"} <= texts


def test_missing_dot_says_how_to_install(invoke, monkeypatch):
    monkeypatch.setenv("PATH", "")
    result = invoke(2, ["graph", CONTOSO, "--format", "png"])
    assert result.output.startswith("error: Graphviz's `dot` program is not installed: install Graphviz")
    assert result.output.count("\n") == 1


def test_readme_diagram_is_the_tools_output(invoke):
    """The README's Mermaid block and docs/contoso_approvals.svg come from the command the README shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- diagram:start -->\n```mermaid\n", 1)[1].split("```\n<!-- diagram:end -->", 1)[0]
    args = ["graph", CONTOSO, "--focus", "contoso_CheckStatus", "--focus", "contoso_SubmitRequest", "--depth", "3"]
    assert block == invoke(0, [*args, "--format", "mermaid"]).output
    svg = etree.parse(str(ROOT / "docs" / "contoso_approvals.svg")).getroot()
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"contoso_CheckStatus", "contoso_SubmitRequest", "Post Check Status", "legend"} <= texts
    # Two actions, their messages, the step on each, the ActionPlugin type both run, the workflow calling one;
    # edges: 2 defined by, 2 registered on, 2 handled by, 1 calls.
    ids, edges = _mermaid(block)
    assert len(ids) == 8 and len(edges) == 7


def test_hostile_names_stay_inside_their_labels():
    from analyzer.graph import DependencyGraph
    from analyzer.model import Workflow
    graph = DependencyGraph()
    name = 'Flow "A" | [B] {C} <D> #E\\F\nG\x07 & \ud800'
    graph.add_component(Workflow(ident="w1", name=name, solution='Sol"ution', category=5, state_code=1))
    graph.add_reference("sdk_message:x", "unresolved", "x]|y", kind="sdk_message")
    graph.add_edge("workflow:w1", "sdk_message:x", "calls")
    v = view(graph)
    ids, edges = _mermaid(render(v, "mermaid"))
    assert set(ids.values()) == {"workflow:w1", "sdk_message:x"} and len(edges) == 1
    node_line = next(line for line in render(v, "mermaid").splitlines() if line.strip().startswith("n1("))
    assert node_line.count('"') == 2  # the quotes that open and close the label, none from the name
    root = etree.fromstring(render(v, "graphml").encode("utf-8"))  # control characters and the lone surrogate dropped
    assert len(root.findall(".//{http://graphml.graphdrawing.org/xmlns}node")) == 2
    assert json.loads(render(v, "json"))["nodes"][1]["solution"] == 'Sol"ution'
    dot_line = next(line for line in render(v, "dot").splitlines() if line.strip().startswith('"workflow:w1" ['))
    assert '\\"A\\"' in dot_line and "\\\\F G" in dot_line  # quotes escaped, backslash literal, newline a space


def test_mermaid_past_what_github_renders_is_refused():
    from analyzer.errors import SolutionError
    from analyzer.graph import DependencyGraph
    graph = DependencyGraph()
    for i in range(501):  # Mermaid's maxEdges is 500
        graph.add_reference(f"sdk_message:m{i}", "platform", f"m{i}", kind="sdk_message")
        graph.add_reference(f"sdk_message:n{i}", "platform", f"n{i}", kind="sdk_message")
        graph.add_edge(f"sdk_message:m{i}", f"sdk_message:n{i}", "calls")
    v = view(graph)
    with pytest.raises(SolutionError, match="over what GitHub renders"):
        render(v, "mermaid")
    assert render(v, "dot").count(" -> ") == 501  # the other formats have no such limit
