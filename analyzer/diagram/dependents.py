"""``dvsa dependents``: what requires a component (what blocks deleting it), or what it requires, as text or JSON.

The graph answers (``graph.find``, ``graph.trace``); this module only words the answer. JSON:
``{"of": {key, kind, name, solution}, "direction", "dependents": [{key, kind, name, solution, relation, path}]}``
(with ``--requires`` the list holds what ``of`` requires, and ``direction`` is ``requires``),
where ``path`` runs the way the edges read ("A requires B"), and ``relation`` is the edge type(s) of
the path's step next to the listed component.
"""

from __future__ import annotations

import json

from analyzer.diagram import RELATION_TEXT, describe
from analyzer.graph import CONTAINS, DependencyGraph


def _component(graph: DependencyGraph, key: str) -> dict:
    c = graph.component(key)
    return {"key": key, "kind": graph.node(key).get("kind"), "name": graph.name(key),
            "solution": c.solution if c is not None else None}


def _relation(graph: DependencyGraph, path: list[str], requires: bool) -> list[str]:
    """The edge types between the listed component and its neighbour on the path."""
    source, target = (path[-2], path[-1]) if requires else (path[0], path[1])
    return sorted(graph.edge_types(source, target) - {CONTAINS})


def to_json(graph: DependencyGraph, key: str, found: list[tuple[str, list[str]]], requires: bool) -> str:
    listed = [{**_component(graph, k), "relation": ",".join(_relation(graph, path, requires)), "path": path}
              for k, path in found]
    # One shape for scripts either way; "direction" says which way the list points.
    doc = {"of": _component(graph, key), "direction": "requires" if requires else "required-by", "dependents": listed}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_text(graph: DependencyGraph, key: str, found: list[tuple[str, list[str]]], requires: bool,
            transitive: bool) -> str:
    of = _where(graph, key)
    if not found:
        return (f"{of} requires nothing in the analyzed solutions.\n" if requires
                else f"Nothing in the analyzed solutions blocks deleting {of}.\n")
    count = len(found)
    head = (f"{of} requires {count} component(s){' (following requirements to the end)' if transitive else ''}:"
            if requires else f"{count} component(s) block deleting {of}:")
    lines = [head]
    for k, path in found:
        words = ", ".join(RELATION_TEXT.get(r, r.replace("_", " ")) for r in _relation(graph, path, requires))
        via = path[1:-1]
        through = f" (through {' → '.join(describe(graph, p) for p in via)})" if via else ""
        lines.append(f"  - {_where(graph, k)}: {words}{through}")
        lines.append(f"      {k}")
    return "\n".join(lines) + "\n"


def _where(graph: DependencyGraph, key: str) -> str:
    """``step 'Post Check Status' (PostOperation, sync) [ContosoExtensions]``, or ``message Update (platform)``."""
    c = graph.component(key)
    if c is not None:
        return f"{describe(graph, key)} [{c.solution}]"
    external = graph.external(key)
    return f"{describe(graph, key)} ({external})" if external else describe(graph, key)
