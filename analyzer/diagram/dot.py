"""A ``View`` as Graphviz DOT (``graphviz.Digraph``), and SVG/PNG through Graphviz's ``dot`` program.

A cluster per solution, and inside it a cluster per plug-in assembly holding the assembly and its
types; external nodes stay outside every cluster. The legend is its own cluster, one sample node per
kind present, plus the outlines and the dashed border the picture uses.
"""

from __future__ import annotations

from collections import defaultdict

import graphviz

from analyzer.diagram import LOOKS, SEVERITY_COLOUR, Node, View, wrap
from analyzer.errors import SolutionError

INSTALL_HINT = ("Graphviz's `dot` program is not installed: install Graphviz (apt-get install graphviz, "
                "brew install graphviz, winget install graphviz); --format dot, mermaid, graphml and json "
                "work without it")


def node_id(key: str) -> str:
    """DOT would read ``kind:id`` as node:port in an edge, so the colon becomes a slash."""
    return key.replace(":", "/", 1)


def to_digraph(v: View) -> graphviz.Digraph:
    dot = graphviz.Digraph("dvsa", graph_attr={"rankdir": "LR", "fontname": "Helvetica", "fontsize": "11",
                                               "nodesep": "0.25", "ranksep": "0.6"},
                           node_attr={"fontname": "Helvetica", "fontsize": "10", "margin": "0.12,0.06"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "8", "color": "grey35",
                                      "fontcolor": "grey25"})
    by_solution: dict[str, list[Node]] = defaultdict(list)
    for n in v.nodes:
        by_solution[n.solution or ""].append(n)
    for solution in sorted(by_solution):
        if not solution:
            for n in by_solution[solution]:
                _node(dot, n)
            continue
        with dot.subgraph(name=f"cluster_{solution}") as sub:
            sub.attr(label=solution, style="rounded", color="grey60", fontsize="12")
            _solution_nodes(sub, by_solution[solution], v.assemblies)
    for e in v.edges:
        dot.edge(node_id(e.source), node_id(e.target), label=e.label)
    _legend(dot, v)
    return dot


def _solution_nodes(sub: graphviz.Digraph, nodes: list[Node], assemblies: dict[str, str]) -> None:
    by_assembly: dict[str, list[Node]] = defaultdict(list)
    for n in nodes:
        by_assembly[n.assembly or (n.key if n.key in assemblies else "")].append(n)
    for n in by_assembly.pop("", []):
        _node(sub, n)
    for assembly in sorted(by_assembly):
        with sub.subgraph(name=f"cluster_{node_id(assembly)}") as inner:
            inner.attr(label=f"assembly {assemblies.get(assembly, assembly)}", style="dashed", color="#9b7fc0")
            for n in by_assembly[assembly]:
                _node(inner, n)


def _node(dot: graphviz.Digraph, n: Node) -> None:
    look = LOOKS[n.look]
    styles = ["filled", "rounded" if look.shape == "box" else ""]
    if n.dashed:
        styles.append("dashed")
    attrs = {"shape": look.shape, "style": ",".join(s for s in styles if s), "fillcolor": look.fill,
             "color": "grey40", "tooltip": n.key}
    if n.external:
        attrs.update(fillcolor=LOOKS["external"].fill, color="grey55", fontcolor="grey30")
    if n.severity is not None:
        attrs.update(color=SEVERITY_COLOUR[n.severity], penwidth="2.5")
    if n.focused:  # a double border: the outline colour stays free for findings
        attrs["peripheries"] = "2"
    dot.node(node_id(n.key), _label(n), **attrs)


def _label(n: Node) -> str:
    # DOT's own line-break escape, so each node stays on one line of the source.
    return "\\n".join(line.replace("\\", "\\\\") for line in [*wrap(n.name), n.caption])


def _legend(dot: graphviz.Digraph, v: View) -> None:
    """One sample per kind present, then the outlines: the reader never has to guess a colour. One rank
    (a column, left to right) keeps the legend out of the picture's way."""
    with dot.subgraph(name="cluster_legend") as legend:
        legend.attr(label="legend", style="rounded", color="grey75", fontsize="10", rank="same")
        legend.node_attr.update(fontsize="9", height="0.3")
        for look in v.looks():
            sample = LOOKS[look]
            style = "filled,dashed" if look == "external" else "filled"
            legend.node(f"legend/{look}", sample.legend, shape=sample.shape, style=style, fillcolor=sample.fill,
                        color="grey55" if look == "external" else "grey40")
        if any(n.dashed and not n.external for n in v.nodes):
            legend.node("legend/dashed", "draft or disabled", shape="box", style="dashed", color="grey40")
        if any(n.focused for n in v.nodes):
            legend.node("legend/focus", "focus", shape="box", peripheries="2", color="grey40")
        for severity in v.severities():
            legend.node(f"legend/{severity.value}", f"has {severity.value} findings", shape="box",
                        color=SEVERITY_COLOUR[severity], penwidth="2.5")


def render(v: View, fmt: str) -> bytes:
    """SVG or PNG bytes; a missing ``dot`` program is a one-line error saying how to install it."""
    try:
        return to_digraph(v).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise SolutionError(INSTALL_HINT) from None
