"""Dependency diagrams: DependencyGraph (+ findings) -> graphviz.Digraph, deterministic DOT source.

Nodes are clustered by solution, coloured by their worst finding; references that no analyzed
solution defines are drawn dashed (platform grey, declared blue, unresolved red).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import graphviz

from analyzer.graph import CONTAINS, DependencyGraph
from analyzer.rule import Finding, Severity

# Kinds drawn by default: the processes, plug-ins and messages this tool is about.
DEFAULT_KINDS = frozenset({"workflow", "step", "plugin_type", "plugin_assembly", "custom_api", "sdk_message"})
SHAPES = {"workflow": "box", "step": "component", "plugin_type": "cds", "plugin_assembly": "folder",
          "custom_api": "hexagon", "sdk_message": "ellipse", "entity": "cylinder", "step_image": "note",
          "connection_reference": "parallelogram"}
SEVERITY_FILL = {Severity.ERROR: "#f8c4c4", Severity.WARNING: "#fbe3b0", Severity.NOTE: "#d7e8f7"}
EXTERNAL_COLOR = {"platform": "grey50", "declared": "royalblue", "unresolved": "red"}


def node_id(key: str) -> str:
    """DOT would read ``kind:id`` as node:port in an edge, so the colon becomes a slash."""
    return key.replace(":", "/", 1)


def _label(graph: DependencyGraph, key: str) -> str:
    data = graph.node(key)
    component = data.get("component")
    kind = data.get("kind", "")
    noun = {"sdk_message": "message"}.get(kind, kind.replace("_", " "))
    text = component.display if component is not None else f"{noun} {data.get('name') or key}"
    if data.get("external"):
        text += f"\n({data['external']})"
    return text


def _selected(graph: DependencyGraph, kinds: frozenset[str], focus: str | None, depth: int | None) -> set[str]:
    keys = {k for k in graph.nodes() if graph.node(k).get("kind") in kinds}
    if focus is None:
        return keys
    if focus not in graph:
        raise KeyError(focus)
    near = graph.neighbourhood(focus, depth if depth is not None else 2)
    return {k for k in near if graph.node(k).get("kind") != "solution"} | {focus}


def to_digraph(graph: DependencyGraph, findings: Iterable[Finding] = (), *, focus: str | None = None,
               depth: int | None = None, kinds: Iterable[str] = DEFAULT_KINDS) -> graphviz.Digraph:
    worst: dict[str, Severity] = {}
    for f in findings:
        if f.suppressed:
            continue
        current = worst.get(f.component.key)
        if current is None or f.severity.rank > current.rank:
            worst[f.component.key] = f.severity
    keys = _selected(graph, frozenset(kinds), focus, depth)
    dot = graphviz.Digraph("dvsa", graph_attr={"rankdir": "LR", "fontname": "Helvetica", "fontsize": "10"},
                           node_attr={"fontname": "Helvetica", "fontsize": "10"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "8"})
    by_solution: dict[str, list[str]] = defaultdict(list)
    for key in sorted(keys):
        by_solution[graph.node(key).get("solution") or ""].append(key)
    for solution in sorted(by_solution):
        target = dot
        if solution:
            with dot.subgraph(name=f"cluster_{solution}") as sub:
                sub.attr(label=solution, style="rounded", color="grey70")
                for key in by_solution[solution]:
                    _node(sub, graph, key, worst, focus)
        else:
            for key in by_solution[solution]:
                _node(target, graph, key, worst, focus)
    for source, target, types in graph.edges():
        if source in keys and target in keys and CONTAINS not in types:
            dot.edge(node_id(source), node_id(target), label=",".join(sorted(types)).replace("_", " "))
    return dot


def _node(dot: graphviz.Digraph, graph: DependencyGraph, key: str, worst: dict[str, Severity],
          focus: str | None) -> None:
    data = graph.node(key)
    attrs = {"shape": SHAPES.get(data.get("kind", ""), "box"), "style": "filled", "fillcolor": "white"}
    if key in worst:
        attrs["fillcolor"] = SEVERITY_FILL[worst[key]]
    if data.get("external"):
        attrs.update(style="dashed", color=EXTERNAL_COLOR.get(data["external"], "black"),
                     fontcolor=EXTERNAL_COLOR.get(data["external"], "black"))
    if key == focus:
        attrs["penwidth"] = "2.5"
    dot.node(node_id(key), _label(graph, key), tooltip=key, **attrs)
