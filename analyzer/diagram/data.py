"""A ``View`` as data for other tools: GraphML (Gephi, yEd, Cytoscape) and node-link JSON (scripts).

Both carry every node's key, kind, name, label, solution, state, origin and worst finding, and every
edge's relation (the graph's edge types, comma-separated when one edge has several, plus the label
the pictures print).
"""

from __future__ import annotations

import json
from xml.sax.saxutils import quoteattr

from analyzer.diagram import Node, View

NODE_FIELDS = ("kind", "look", "name", "label", "solution", "state", "external", "severity")
EDGE_FIELDS = ("relation", "label")


def _node_fields(n: Node) -> dict[str, str | None]:
    return {"kind": n.kind, "look": n.look, "name": n.name, "label": f"{n.name}\n{n.caption}",
            "solution": n.solution, "state": n.state, "external": n.external,
            "severity": n.severity.value if n.severity is not None else None}


def to_json(v: View) -> str:
    doc = {"directed": True,
           "nodes": [{"key": n.key, **_node_fields(n)} for n in v.nodes],
           "edges": [{"source": e.source, "target": e.target, "relation": ",".join(e.relations), "label": e.label}
                     for e in v.edges]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_graphml(v: View) -> str:
    """GraphML written field by field (not through networkx), so the attribute ids never move."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    lines += [f'  <key id="{name}" for="node" attr.name="{name}" attr.type="string"/>' for name in NODE_FIELDS]
    lines += [f'  <key id="e_{name}" for="edge" attr.name="{name}" attr.type="string"/>' for name in EDGE_FIELDS]
    lines.append('  <graph id="dvsa" edgedefault="directed">')
    for n in v.nodes:
        lines.append(f"    <node id={_attr(n.key)}>")
        lines += [f'      <data key="{name}">{_text(value)}</data>'
                  for name, value in _node_fields(n).items() if value is not None]
        lines.append("    </node>")
    for e in v.edges:
        lines.append(f"    <edge source={_attr(e.source)} target={_attr(e.target)}>")
        lines.append(f'      <data key="e_relation">{_text(",".join(e.relations))}</data>')
        lines.append(f'      <data key="e_label">{_text(e.label)}</data>')
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>"]
    return "\n".join(lines) + "\n"


def _attr(value: str) -> str:
    return quoteattr(_printable(value))


def _text(value: str) -> str:
    return quoteattr(_printable(value))[1:-1]


def _printable(value: str) -> str:
    """XML 1.0 cannot hold most control characters, which a package's names may contain."""
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())
