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


# --- hostile names through every writer (issue 19) and the corpus through Graphviz (issue 18) ---------------------

HTML_LABEL = '<<TABLE><TR><TD HREF="javascript:alert(1)">x</TD></TR></TABLE>>'  # a Graphviz HTML-like label
IMAGE_LABEL = '<<IMG SRC="/etc/hostname"/>>'  # makes `dot` open a local file
MERMAID_STATEMENTS = 'Sol\nclick n0 call alert(1)\n%%{init: {"securityLevel":"loose"}}%%\nstyle n0 fill:#f00'
TOKEN = "Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef"


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _hostile_package():
    """A package whose every name is an attack on a diagram syntax: the solution's unique name an HTML-like label
    ending in a backslash, an action's message holding ':' and ending in '\\', a step name that starts Mermaid
    statements on new lines, an image label in a plug-in type, and a site map and an app whose names hold
    ``kind:id`` colons (their keys are other:62:… and other:80:…)."""
    from analyzer import builder as b
    plugin = b.PluginType("e0190000-0000-4000-8000-000000000001", f"Contoso.{IMAGE_LABEL}", name=IMAGE_LABEL)
    assembly = b.PluginAssembly("c0190000-0000-4000-8000-000000000001", f"Contoso.Plugins{HTML_LABEL}, {TOKEN}",
                                (plugin,))
    message = "d0190000-0000-4000-8000-000000000001"
    action = b.action("a0190000-0000-4000-8000-000000000001", HTML_LABEL, "Do:It\\", message)
    step = b.Step("b0190000-0000-4000-8000-000000000001", MERMAID_STATEMENTS + "\\", message,
                  assembly.type_name(plugin.class_name), plugin_type_id=plugin.id)
    site_map = (f'<?xml version="1.0" encoding="utf-8"?>\n<AppModuleSiteMap><SiteMapUniqueName>other:62:x'
                f'{_xml_text(HTML_LABEL)}</SiteMapUniqueName><SiteMap><Area Id="a"><Group Id="g"><SubArea Id="s" '
                f'Url="$webresource:contoso_/help.html"/></Group></Area></SiteMap></AppModuleSiteMap>\n')
    app = (f'<?xml version="1.0" encoding="utf-8"?>\n<AppModule><UniqueName>app:80:{_xml_text(IMAGE_LABEL)}'
           f'</UniqueName></AppModule>\n')
    return b.Package(b.Manifest(HTML_LABEL + "\\"), workflows=(action,), assemblies=(assembly,), steps=(step,),
                     files=(("AppModuleSiteMaps/x/AppModuleSiteMap.xml", site_map.encode()),
                            ("AppModules/x/AppModule.xml", app.encode())))


@pytest.fixture(scope="module", params=["zip", "unpacked"])
def hostile(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"hostile_{request.param}")
    package = _hostile_package()
    return package.write_zip(folder / "hostile.zip") if request.param == "zip" else package.write_folder(folder / "p")


def _graph(invoke, path, fmt: str, *args) -> str:
    return invoke(0, ["graph", path, "--format", fmt, "--all-kinds", *args]).output


def test_hostile_names_are_read_as_written(invoke, hostile):
    """The attack reaches the writers: the names are in the data as the package spells them."""
    doc = json.loads(_graph(invoke, hostile, "json"))
    names = {n["name"] for n in doc["nodes"]}
    assert {f"Contoso.Plugins{HTML_LABEL}", f"Contoso.{IMAGE_LABEL}", "contoso_Do:It\\", f"other:62:x{HTML_LABEL}",
            f"{MERMAID_STATEMENTS}\\ (PostOperation, sync)"} <= names
    assert {n["solution"] for n in doc["nodes"]} >= {HTML_LABEL + "\\"}
    looks = {n["key"]: n["look"] for n in doc["nodes"] if n["kind"] == "other"}
    assert looks == {f"other:62:other:62:x{HTML_LABEL.lower()}": "site_map",
                     f"other:80:app:80:{IMAGE_LABEL.lower()}": "app_module"}


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_hostile_dot_parses_as_plain_labels(invoke, hostile):
    """Graphviz reads the DOT without a word, and draws one node per component: no node:port phantom, and
    every name as text (SVG <text>), never an HTML table, a link or an image."""
    import subprocess
    source = _graph(invoke, hostile, "dot")
    drawn = subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, check=True)
    assert drawn.stderr == b""
    svg = drawn.stdout.decode()
    assert "<a" not in svg and "xlink:href" not in svg and "<image" not in svg
    root = etree.fromstring(drawn.stdout)
    ns = {"s": "http://www.w3.org/2000/svg"}
    keys = {n["key"] for n in json.loads(_graph(invoke, hostile, "json"))["nodes"]}
    titles = {t.text for t in root.findall(".//s:g[@class='node']/s:title", ns)}
    assert {t for t in titles if not t.startswith("legend/")} == {k.replace("\\", "\\\\") for k in keys}
    texts = "\n".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert 'HREF="javascript:alert(1)"' in texts and "site map" in texts and "model-driven app" in texts


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_hostile_svg_and_html_report_have_no_active_content(invoke, hostile, tmp_path):
    """`graph --format svg` and the HTML report used to end in "internal error: CalledProcessError" on these
    names; now they draw them, and neither holds a link, an image or a script from the package."""
    invoke(0, ["graph", hostile, "--format", "svg", "-o", tmp_path / "g.svg"])
    svg = (tmp_path / "g.svg").read_text(encoding="utf-8")
    assert "<a" not in svg and "xlink:href" not in svg and "<image" not in svg and "contoso_Do:It\\" in svg
    invoke(0, ["check", hostile, "--format", "html", "-o", tmp_path / "r.html"])
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    figure = page[page.index('<figure class="diagram"'):page.index("</figure>")]
    assert "<svg" in figure and "xlink:href" not in figure and "<image" not in figure and "<a " not in figure
    assert "javascript:alert(1)" in figure  # as text in a <text> element, HTML-escaped by Graphviz


def test_hostile_mermaid_keeps_each_name_in_one_label(invoke, hostile):
    text = _graph(invoke, hostile, "mermaid")
    lines = text.splitlines()
    assert not [line for line in lines if re.match(r"\s*(click|%%\{|%%\s*\{)", line)]
    assert "%%{" not in text and "<TABLE" not in text and "<IMG" not in text and "\\" not in text
    ours = re.compile(r"\s*style n\d+ (stroke|stroke-width|stroke-dasharray)[-:#0-9a-z ,]*$")
    assert all(ours.match(line) for line in lines if line.strip().startswith("style"))
    for line in lines:  # a label opens and closes on its line; a comment holds no quote
        assert line.count('"') in (0, 2), line
    step = next(line for line in lines if "click n0 call alert(1)" in line)
    assert step.strip().startswith("n") and step.count('"') == 2  # the whole step name inside one label
    ids, _edges = _mermaid(text)
    assert len(ids) == len(json.loads(_graph(invoke, hostile, "json"))["nodes"])


def test_hostile_graphml_and_json_are_valid(invoke, hostile):
    doc = json.loads(_graph(invoke, hostile, "json"))
    root = etree.fromstring(_graph(invoke, hostile, "graphml").encode("utf-8"))
    nodes = root.findall(".//{http://graphml.graphdrawing.org/xmlns}node")
    assert [n.get("id") for n in nodes] == [n["key"] for n in doc["nodes"]]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_png_is_refused_on_a_terminal_and_written_to_a_pipe(tmp_path):
    """Binary on a terminal: one line and exit 2; stdout redirected to a file: the PNG."""
    import pty
    import subprocess
    import sys
    command = [sys.executable, "-m", "analyzer", "graph", str(CONTOSO), "--format", "png", "--no-findings"]
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(command, stdout=follower, stderr=subprocess.PIPE, cwd=ROOT, timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert done.stderr.decode() == ("error: --format png writes binary data: give -o FILE or redirect stdout "
                                    "to a file\n")
    with (tmp_path / "g.png").open("wb") as fh:
        subprocess.run(command, stdout=fh, check=True, cwd=ROOT, timeout=120)
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")


def _corpus_packages() -> list[str]:
    from benchmarks.ecosystem import _packages
    return _packages()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_every_corpus_item_draws_without_a_graphviz_warning(corpus):
    """`dvsa graph` of each real package, as the HTML report draws it, read by Graphviz: no warning (the
    `other:62:…` keys of #1 and #5 were node:port edges to a phantom `other/62` node) and one SVG node per key."""
    import subprocess

    from analyzer.engine import load_all
    from analyzer.graph import build_graph
    from analyzer.reader import Limits
    checked = 0
    for package in _corpus_packages():
        v = view(build_graph(load_all([str(corpus / package)], Limits())))
        drawn = subprocess.run(["dot", "-Tsvg"], input=render(v, "dot").encode(), capture_output=True, timeout=120)
        assert (drawn.returncode, drawn.stderr.decode()) == (0, ""), package
        titles = re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]*)</title>', drawn.stdout.decode())
        assert len([t for t in titles if not t.startswith("legend/")]) == len(v.nodes), package
        checked += 1
    assert checked >= 40


@pytest.mark.parametrize(("body", "placed"), [
    ('<g class="node"><title>k</title><text x="1" y="2">javascript:alert(1) &lt;IMG SRC=x&gt;</text></g>', True),
    ('<a xlink:href="javascript:alert(1)"><text>x</text></a>', False),  # what an HTML-like label used to make
    ('<image xlink:href="/etc/hostname" width="1" height="1"/>', False),
    ('<g onload="alert(1)"><text>x</text></g>', False),
    ('<polygon fill="url(https://example.com/x)" points="0,0"/>', False),
    ('<text style="fill:red">x</text>', False),
    ('<foreignObject><p>x</p></foreignObject>', False),
])
def test_the_html_report_places_only_shapes_and_text(body, placed):
    from analyzer.report.html import _inline_svg
    svg = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- Generated by graphviz -->\n'
           '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8pt">'
           f"{body}</svg>")
    inline = _inline_svg(svg)
    assert (inline is not None) == placed
    if placed:
        assert inline.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "Generated" not in inline
        assert "javascript:alert(1) &lt;IMG SRC=x&gt;" in inline
