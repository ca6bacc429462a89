"""``dvsa dependents``: what requires a component (what blocks deleting it), or what it requires, as text or JSON.

The graph answers (``graph.find``, ``graph.trace``); this module only words the answer. JSON:
``{"of": {key, kind, name, solution}, "direction", "dependents": [{key, kind, name, solution, relation, path}]}``
(with ``--requires`` the list holds what ``of`` requires, and ``direction`` is ``requires``),
where ``path`` runs the way the edges read ("A requires B"), and ``relation`` is the edge type(s) of
the path's step next to the listed component. Each entry also has ``next`` (its neighbour on the path toward
``of``) and ``hops`` (the path's steps); ``count`` is how many were found and ``omitted`` how many of them the
list leaves out. An entry whose path runs through code (a run-time caller, or the class of a plug-in type: an
edge of ``graph.CODE_EDGES``) has ``"from_code": true``: Dataverse does not track it, so it blocks no delete (the
delete succeeds and a call fails at run time); the text lists those apart. A form or ribbon command that needs a
web resource adds ``functions`` (the event handlers or command functions in it); for a web resource or a column,
``not_checked`` lists the kinds of reference the analyzer does not read (``graph.not_checked``), so an
empty list is never taken for "nothing blocks deleting it".

The answer is bounded, because a chain of 1,000 actions has 500,000 path steps (49 MB written) and 10,000 ran
out of memory: the list holds at most ``limit`` components, nearest first (``--limit``, 0 for all), and a
``path`` at most ``PATH_KEYS`` keys, those nearest the listed component (a shorter path is whole: ``hops`` + 1
keys). The paths share their steps as a tree, so the whole path of a listed component is its ``next``, then
that one's ``next``, … to ``of``; every ``next`` is ``of``, one of its parts, or a component listed before it.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from analyzer.diagram import RELATION_TEXT, describe
from analyzer.graph import CALLS_FROM_CODE, CONTAINS, DependencyGraph
from analyzer.inventory import SCHEMA_VERSION, solution_identity
from analyzer.model import Form, RibbonCommand, Solution

PATH_KEYS = 12  # a longer path is cut to the keys nearest the listed component
LIMIT = 1000  # components listed by default; `dvsa dependents --limit 0` lists them all


class Dependent(NamedTuple):
    key: str
    path: list[str]  # at most PATH_KEYS keys, running the way the edges read; it holds the step next to `key`
    hops: int  # the whole path's steps
    next: str  # the neighbour on the path toward `of`
    from_code: bool = False  # a step of the whole path is known only from code: no dependency Dataverse tracks


def find(graph: DependencyGraph, of: str, *, requires: bool, transitive: bool,
         limit: int | None = LIMIT) -> tuple[list[Dependent], int]:
    """The first ``limit`` (None: all) components ``graph.trace`` answers, each with its bounded path, and how
    many there are in all."""
    via, found = graph.trace_tree(of, requires=requires, transitive=transitive)
    depths = {of: 0}
    code = {of: False}
    listed = []
    for k in found if limit is None else found[:limit]:
        walk = [k]
        while walk[-1] != of and len(walk) < PATH_KEYS:
            walk.append(via[walk[-1]])
        listed.append(Dependent(k, walk[::-1] if requires else walk, _depth(via, depths, k), via[k],
                                _from_code(graph, via, code, k, requires)))
    return listed, len(found)


def _from_code(graph: DependencyGraph, via: dict[str, str], code: dict[str, bool], key: str, requires: bool) -> bool:
    """Whether the whole path from ``key`` to ``of`` has a step known only from code (``graph.from_code`` on the
    path, which a cut path may not hold whole), remembered on the way like ``_depth``."""
    chain = []
    while key not in code:
        chain.append(key)
        key = via[key]
    found = code[key]
    for node in reversed(chain):
        step = [via[node], node] if requires else [node, via[node]]  # the way the edge reads
        found = found or graph.from_code(step)
        code[node] = found
    return found


def _depth(via: dict[str, str], depths: dict[str, int], key: str) -> int:
    """The steps from ``key`` to ``of``, remembered on the way, so a long chain is walked once."""
    chain = []
    while key not in depths:
        chain.append(key)
        key = via[key]
    depth = depths[key]
    for node in reversed(chain):
        depth += 1
        depths[node] = depth
    return depth


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


def to_json(graph: DependencyGraph, key: str, found: list[Dependent], requires: bool,
            solutions: list[Solution] = (), count: int | None = None) -> str:
    """``count``: how many components were found in all (``find``), when ``found`` lists fewer."""
    listed = []
    for d in found:
        entry = {**_component(graph, d.key), "relation": ",".join(_relation(graph, d.path, requires)),
                 "path": d.path, "next": d.next, "hops": d.hops}
        if functions := _functions(graph, d.path, requires):
            entry["functions"] = functions
        if calls := _calls(graph, d.path, requires):
            entry["calls"] = calls
        if d.from_code:
            entry["from_code"] = True
        listed.append(entry)
    # One shape for scripts either way; "direction" says which way the list points.
    doc = {"schema_version": SCHEMA_VERSION, "solutions": [solution_identity(s) for s in solutions],
           "of": _component(graph, key), "direction": "requires" if requires else "required-by", "dependents": listed,
           "count": len(found) if count is None else count, "omitted": 0 if count is None else count - len(found)}
    if not requires and (unknown := graph.not_checked(key)):
        doc["not_checked"] = list(unknown)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_text(graph: DependencyGraph, key: str, found: list[Dependent], requires: bool,
            transitive: bool, count: int | None = None) -> str:
    of = _where(graph, key)
    unknown = () if requires else graph.not_checked(key)
    tail = f"Not checked (not read from the files): {', '.join(unknown)}.\n" if unknown else ""
    count = len(found) if count is None else count
    more = [f"  … and {count - len(found)} more, farther away (--limit 0 lists them all)"] if count > len(found) else []
    if requires:
        if not found:
            return f"{of} requires nothing in the analyzed solutions.\n"
        head = f"{of} requires {count} component(s){' (following requirements to the end)' if transitive else ''}:"
        return "\n".join([head, *_entries(graph, found, requires), *more]) + "\n"
    # A call found in code is no dependency Dataverse tracks: it is told apart, never as blocking the delete.
    blocking = [d for d in found if not d.from_code]
    callers = [d for d in found if d.from_code]
    if blocks := count - len(callers):  # the ones --limit leaves out are counted here, unclassified
        lines = [f"{blocks} component(s) block deleting {of}:", *_entries(graph, blocking, requires)]
    elif unknown:
        lines = [f"Nothing the analyzer reads blocks deleting {of}."]
    else:
        lines = [f"Nothing in the analyzed solutions blocks deleting {of}."]
    if callers:
        lines += [f"{len(callers)} found in code, which Dataverse does not track (deleting succeeds; a call to it "
                  f"fails at run time):", *_entries(graph, callers, requires)]
    return "\n".join(lines + more) + "\n" + tail


def _entries(graph: DependencyGraph, found: list[Dependent], requires: bool) -> list[str]:
    """Two lines per listed component: where it is and how it needs (or is needed by) ``of``, then its key."""
    lines = []
    for d in found:
        words = ", ".join(RELATION_TEXT.get(r, r.replace("_", " ")) for r in _relation(graph, d.path, requires))
        through = _through(graph, d.path, d.hops, requires)
        functions = _functions(graph, d.path, requires) + _calls(graph, d.path, requires)
        runs = f" ({'; '.join(functions)})" if functions else ""
        lines.append(f"  - {_where(graph, d.key)}: {words}{runs}{through}")
        lines.append(f"      {d.key}")
    return lines


def _through(graph: DependencyGraph, path: list[str], hops: int, requires: bool) -> str:
    """`` (through A → B)``: the components between the listed one and ``of``; on a cut path, the shown ones and
    how many more steps lead to ``of``."""
    left = hops + 1 - len(path)  # keys of the whole path not on the cut one (``of`` among them)
    between = (path[1:-1] if not left else path[1:]) if not requires else (path[1:-1] if not left else path[:-1])
    names = [describe(graph, p) for p in between]
    if left:
        more = f"… {left - 1} more" if left > 1 else None
        names = [*names, *([more] if more else [])] if not requires else [*([more] if more else []), *names]
    return f" (through {' → '.join(names)})" if names else ""


def _where(graph: DependencyGraph, key: str) -> str:
    """``step 'Post Check Status' (PostOperation, sync) [ContosoExtensions]``, or ``message Update (platform)``."""
    c = graph.component(key)
    if c is not None:
        return f"{describe(graph, key)} [{c.solution}]"
    external = graph.external(key)
    return f"{describe(graph, key)} ({external})" if external else describe(graph, key)
