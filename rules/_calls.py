"""Wording shared by the call-graph rules (DV106 cycles, DV107 depth): a path through
``DependencyGraph.call_graph()`` told in the words people use in the maker portal (lists of many components
are bounded by ``analyzer.rule.bounded``, as in every rule).

No rule lives here; the registry finds none and skips the module.
"""

from __future__ import annotations

from analyzer.graph import DependencyGraph

_VERBS = {
    "invokes": "invokes",
    "calls": "calls",
    "triggers": "triggers",
    "runs_step": "runs",
}


def label(graph: DependencyGraph, key: str) -> str:
    """``action contoso_X``, ``cloud flow 'A'``, ``Custom API contoso_Y`` or ``message Z``."""
    component = graph.component(key)
    if component is not None:
        return component.display
    if key in graph and graph.node(key).get("kind") == "sdk_message":
        definition = graph.definition_of(key)
        return definition.display if definition is not None else f"message {graph.name(key)}"
    return f"{key.split(':', 1)[0].replace('_', ' ')} {graph.name(key) if key in graph else key.split(':', 1)[-1]}"


def describe(graph: DependencyGraph, path: list[str], vias: list[str], *, closes: bool = False) -> str:
    """``path[0] <via[0]> path[1] …`` in words; ``vias[i]`` is the ``via`` of edge path[i] -> path[i+1].

    A message followed by its ``defined_by`` edge is told once, by the name of what defines it:
    "invokes action contoso_Y, whose workflow invokes …". ``closes`` marks a cycle whose last
    node is ``path[0]`` again.
    """
    text = label(graph, path[0])
    previous = None
    for i, via in enumerate(vias):
        if via == "defined_by":
            previous = via
            continue
        target = label(graph, path[i + 1])
        verb = _VERBS.get(via, via.replace("_", " "))
        phrase = f"{verb} {target}" if via != "child_workflow" else f"starts {target} as a child process"
        if i == 0:
            text += f" {phrase}"
        elif previous == "defined_by":
            text += f", whose workflow {phrase}"
        else:
            text += f", which {phrase}"
        previous = via
    if closes:
        text += " again"
    return text

