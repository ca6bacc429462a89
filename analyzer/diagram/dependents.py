"""``dvsa dependents``: what requires a component (what blocks deleting it), or what it requires, as text or JSON.

The graph answers (``graph.find``, ``graph.trace``); this module only words the answer. JSON:
``{"of": {key, kind, name, solution}, "direction", "dependents": [{key, kind, name, solution, relation, path}]}``
(with ``--requires`` the list holds what ``of`` requires, and ``direction`` is ``requires``),
where ``path`` runs the way the edges read ("A requires B"), and ``relation`` is the edge type(s) of
the path's step next to the listed component. A form or ribbon command that needs a web resource adds
``functions`` (the event handlers or command functions in it); for a web resource or a column,
``not_checked`` lists the kinds of reference the analyzer does not read (``graph.not_checked``), so an
empty list is never taken for "nothing blocks deleting it".
"""

from __future__ import annotations

import json

from analyzer.diagram import RELATION_TEXT, describe
from analyzer.graph import CALLS_FROM_CODE, CONTAINS, DependencyGraph
from analyzer.inventory import SCHEMA_VERSION, solution_identity
from analyzer.model import Form, RibbonCommand, Solution


def _component(graph: DependencyGraph, key: str) -> dict:
    c = graph.component(key)
    return {"key": key, "kind": graph.node(key).get("kind"), "name": graph.name(key),
            "solution": c.solution if c is not None else None}


def _relation(graph: DependencyGraph, path: list[str], requires: bool) -> list[str]:
    """The edge types between the listed component and its neighbour on the path."""
    source, target = (path[-2], path[-1]) if requires else (path[0], path[1])
    return sorted(graph.edge_types(source, target) - {CONTAINS})


def _functions(graph: DependencyGraph, path: list[str], requires: bool) -> list[str]:
    """The script functions behind the path's step next to the listed component, where a form or ribbon command
    needs a web resource: ``onload: Contoso.Form.onLoad``, ``Contoso.Ribbon.submit (enable rule X)``."""
    source, target = (path[-2], path[-1]) if requires else (path[0], path[1])
    c, wr = graph.component(source), graph.component(target)
    library = (wr.name if wr is not None else graph.name(target)).lower()
    if isinstance(c, Form):
        return [f"{h.event}{' of ' + h.control if h.control else ''}: {h.function}"
                for h in c.handlers if h.library == library]
    if isinstance(c, RibbonCommand):
        return list(dict.fromkeys(f"{f.function}{f' (rule {f.rule})' if f.rule else ''}"
                                  for f in c.functions if f.library == library))
    return []


def _calls(graph: DependencyGraph, path: list[str], requires: bool) -> list[str]:
    """Where the listed script or source file calls the message next to it on the path: ``file:line`` each."""
    source, target = (path[-2], path[-1]) if requires else (path[0], path[1])
    if CALLS_FROM_CODE not in graph.edge_types(source, target):
        return []
    return [str(call.source) for caller, call, _ref in graph.code_calls(target) if caller == source]


def to_json(graph: DependencyGraph, key: str, found: list[tuple[str, list[str]]], requires: bool,
            solutions: list[Solution] = ()) -> str:
    listed = []
    for k, path in found:
        entry = {**_component(graph, k), "relation": ",".join(_relation(graph, path, requires)), "path": path}
        if functions := _functions(graph, path, requires):
            entry["functions"] = functions
        if calls := _calls(graph, path, requires):
            entry["calls"] = calls
        listed.append(entry)
    # One shape for scripts either way; "direction" says which way the list points.
    doc = {"schema_version": SCHEMA_VERSION, "solutions": [solution_identity(s) for s in solutions],
           "of": _component(graph, key), "direction": "requires" if requires else "required-by", "dependents": listed}
    if not requires and (unknown := graph.not_checked(key)):
        doc["not_checked"] = list(unknown)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_text(graph: DependencyGraph, key: str, found: list[tuple[str, list[str]]], requires: bool,
            transitive: bool) -> str:
    of = _where(graph, key)
    unknown = () if requires else graph.not_checked(key)
    tail = f"Not checked (not read from the files): {', '.join(unknown)}.\n" if unknown else ""
    if not found:
        if requires:
            return f"{of} requires nothing in the analyzed solutions.\n"
        if unknown:
            return f"Nothing the analyzer reads blocks deleting {of}.\n{tail}"
        return f"Nothing in the analyzed solutions blocks deleting {of}.\n"
    count = len(found)
    head = (f"{of} requires {count} component(s){' (following requirements to the end)' if transitive else ''}:"
            if requires else f"{count} component(s) block deleting {of}:")
    lines = [head]
    for k, path in found:
        words = ", ".join(RELATION_TEXT.get(r, r.replace("_", " ")) for r in _relation(graph, path, requires))
        via = path[1:-1]
        through = f" (through {' → '.join(describe(graph, p) for p in via)})" if via else ""
        functions = _functions(graph, path, requires) + _calls(graph, path, requires)
        runs = f" ({'; '.join(functions)})" if functions else ""
        lines.append(f"  - {_where(graph, k)}: {words}{runs}{through}")
        lines.append(f"      {k}")
    return "\n".join(lines) + "\n" + tail


def _where(graph: DependencyGraph, key: str) -> str:
    """``step 'Post Check Status' (PostOperation, sync) [ContosoExtensions]``, or ``message Update (platform)``."""
    c = graph.component(key)
    if c is not None:
        return f"{describe(graph, key)} [{c.solution}]"
    external = graph.external(key)
    return f"{describe(graph, key)} ({external})" if external else describe(graph, key)
