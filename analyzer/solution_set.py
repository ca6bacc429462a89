"""Which analyzed solution needs which: the requirements between the solutions of a set, decided once.

Solution A needs solution B when a component A ships requires a component only B ships (a graph edge
other than "contains", through a message to the action or Custom API that defines it), or when A's
MissingDependencies name B (`solution="B (1.2.0.0)"`) or a component B ships. `dvsa order` sorts the
set by these requirements (`analyzer/order.py`) and DV506 reports the cycles that leave no order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx

from analyzer.graph import (
    CALLS,
    CHILD_WORKFLOW,
    CONTAINS,
    DEFINED_BY,
    HANDLER,
    IMAGE_OF,
    IN_ASSEMBLY,
    INVOKES,
    ON_ENTITY,
    PARAMETER_OF,
    PROVIDED_BY,
    REGISTERED_ON,
    TRIGGERED_BY,
    USES_ACTIVITY,
    USES_CONNECTION,
    DependencyGraph,
    candidate_keys,
)
from analyzer.model import DependencyNode, Entity, Solution, version_key
from analyzer.platform import component_type_label

# `solution="Name (version)"` on a MissingDependency's Required (FORMAT.md, MissingDependencies).
_NAMED = re.compile(r"^\s*(?P<name>[^()]+?)\s*\((?P<version>[^()]*)\)\s*$")
# "Active" is the unmanaged layer of the environment the solution was exported from, not a solution.
_NOT_SOLUTIONS = {"active"}
MISSING_DEPENDENCY = "missing_dependency"  # the requirement comes from solution.xml, not from a graph edge

# How a requirement reads, by edge type: "<source> <verb> <target>".
_VERBS = {REGISTERED_ON: "is registered on", HANDLER: "runs", IN_ASSEMBLY: "is in", PROVIDED_BY: "is provided by",
          IMAGE_OF: "is an image of", PARAMETER_OF: "belongs to", USES_ACTIVITY: "uses", CHILD_WORKFLOW: "runs",
          INVOKES: "calls", CALLS: "calls", TRIGGERED_BY: "is triggered by", ON_ENTITY: "is on",
          USES_CONNECTION: "uses"}


@dataclass(frozen=True, slots=True)
class Requirement:
    """One reason solution ``dependent`` needs solution ``required``, in words (``reason``)."""

    dependent: str
    required: str
    source: str  # key of the component (or MissingDependency dependent) that needs something
    target: str  # key of what it needs
    reason: str
    declared: bool = False  # from MissingDependencies rather than a reference the graph resolved


@dataclass(frozen=True, slots=True)
class MissingSolution:
    """A solution the set requires but does not contain, with the lowest version any requirement names."""

    name: str
    min_version: str
    required_by: tuple[str, ...]  # keys of the components that need it, sorted


@dataclass
class SolutionSet:
    names: list[str]  # the unique names in the set, sorted
    requirements: dict[tuple[str, str], list[Requirement]] = field(default_factory=dict)
    missing: list[MissingSolution] = field(default_factory=list)

    def digraph(self) -> nx.DiGraph:
        """Solution -> the solutions it needs."""
        g = nx.DiGraph()
        g.add_nodes_from(self.names)
        g.add_edges_from(self.requirements)
        return g

    def why(self, dependent: str, required: str) -> Requirement:
        """The first reason ``dependent`` needs ``required``: a resolved reference before a declared one, then
        by component key."""
        return self.requirements[(dependent, required)][0]

    def cycles(self) -> list[list[str]]:
        """Each cycle once, as [A, B, …] (A needs B needs … needs A), rotated to start at its smallest name."""
        g = self.digraph()
        found = set()
        for component in nx.strongly_connected_components(g):
            if len(component) < 2:
                continue
            for cycle in nx.simple_cycles(g.subgraph(component)):
                start = cycle.index(min(cycle, key=_name_key))
                found.add(tuple(cycle[start:] + cycle[:start]))
        return [list(c) for c in sorted(found, key=lambda c: [_name_key(n) for n in c])]

    def order(self) -> list[str] | None:
        """The import order (what a solution needs comes before it, ties by unique name); None with a cycle."""
        g = self.digraph()
        if not nx.is_directed_acyclic_graph(g):
            return None
        return list(nx.lexicographical_topological_sort(g.reverse(copy=True), key=_name_key))


def _name_key(name: str) -> tuple[str, str]:
    return (name.lower(), name)


def requirements(solutions: list[Solution], graph: DependencyGraph) -> SolutionSet:
    """The requirements between the solutions of ``solutions`` (as read), over their graph."""
    names = sorted({s.unique_name for s in solutions}, key=_name_key)
    found = SolutionSet(names=names)
    reasons: dict[tuple[str, str], dict[tuple[str, str], Requirement]] = {}
    # One solution cannot require another through the graph: skip the walk over every edge.
    from_graph = _from_graph(graph) if len(names) > 1 else []
    for r in [*from_graph, *_from_missing_dependencies(solutions, graph, names)]:
        if r.dependent != r.required:
            reasons.setdefault((r.dependent, r.required), {}).setdefault((r.source, r.target), r)
    found.requirements = {pair: sorted(by_key.values(), key=lambda r: (r.declared, r.source, r.target))
                          for pair, by_key in sorted(reasons.items())}
    found.missing = _missing(solutions, graph, names)
    return found


def _shipped_by(graph: DependencyGraph, key: str) -> set[str]:
    """The analyzed solutions that ship the component ``key`` (one shipped twice is in both). A system table
    (``account``, ``systemuser``) is in every environment: a solution that includes it to customize it is
    not what another solution's step or flow on that table needs."""
    c = graph.component(key)
    if c is None or (isinstance(c, Entity) and _is_system_table(c)):
        return set()
    node = graph.node(key)
    return {node["solution"], *node.get("also_in", [])}


def _is_system_table(table: Entity) -> bool:
    # Custom tables carry their publisher's prefix ("contoso_request"); system tables do not (as in the graph).
    return "_" not in table.logical_name


def _from_graph(graph: DependencyGraph):
    shipped: dict[str, set[str]] = {}

    def shipped_by(key: str) -> set[str]:  # asked once per edge end: remember the answer
        if key not in shipped:
            shipped[key] = _shipped_by(graph, key)
        return shipped[key]

    for source, target, types in graph.edges():
        kinds = types - {CONTAINS}
        if not kinds:
            continue
        owners = shipped_by(source)
        if not owners:
            continue
        edge = sorted(kinds)[0]
        for required_key, message in _required_components(graph, target):
            shippers = shipped_by(required_key)
            if shippers & owners:
                continue  # the requiring solution ships it itself
            for dependent in sorted(owners):
                for required in sorted(shippers):
                    yield Requirement(dependent, required, source, required_key,
                                      _edge_reason(graph, source, edge, required_key, message, required))


def _required_components(graph: DependencyGraph, target: str) -> list[tuple[str, str | None]]:
    """The components ``target`` stands for: itself, or for a message node the action or Custom API that
    defines it (with the message). References to nothing analyzed stand for nothing."""
    if graph.component(target) is not None:
        return [(target, None)]
    return [(d, target) for d in graph.requires(target, [DEFINED_BY]) if graph.component(d) is not None]


def _display(graph: DependencyGraph, key: str) -> str:
    c = graph.component(key)
    return c.display if c is not None else graph.name(key)


def _edge_reason(graph: DependencyGraph, source: str, edge: str, target: str, message: str | None,
                 required: str) -> str:
    verb = _VERBS.get(edge, "needs")
    if message is not None:
        return (f"{_display(graph, source)} {verb} {graph.name(message)}, defined by {_display(graph, target)} "
                f"in {required}")
    return f"{_display(graph, source)} {verb} {_display(graph, target)} in {required}"


# --- MissingDependencies ---------------------------------------------------------------------------

def named_solution(node: DependencyNode) -> tuple[str, str] | None:
    """(name, version) of the solution a Required names, None for "Active" or no solution."""
    match = _NAMED.match(node.solution or "")
    if match is None or match["name"].lower() in _NOT_SOLUTIONS:
        return None
    return match["name"], match["version"].strip()


def _dependent_key(graph: DependencyGraph, solution: Solution, node: DependencyNode) -> str:
    """The key of a MissingDependency's dependent: the analyzed component of that solution it names, else
    the first key it could have, else the solution."""
    keys = candidate_keys(node)
    shipped = [k for k in keys if solution.unique_name in _shipped_by(graph, k)]
    return (shipped or keys or [f"solution:{solution.unique_name.lower()}"])[0]


def _node_display(graph: DependencyGraph, key: str, node: DependencyNode) -> str:
    if graph.component(key) is not None:
        return graph.component(key).display
    return f"{component_type_label(node.type)} '{node.display_name or node.schema_name or node.id or key}'"


def _from_missing_dependencies(solutions: list[Solution], graph: DependencyGraph, names: list[str]):
    in_set = {n.lower(): n for n in names}
    for solution in solutions:
        for md in solution.missing_dependencies:
            source = _dependent_key(graph, solution, md.dependent)
            needer = _node_display(graph, source, md.dependent)
            shipped = [k for k in candidate_keys(md.required) if _shipped_by(graph, k)]
            for key in shipped[:1]:
                for required in sorted(_shipped_by(graph, key)):
                    yield Requirement(solution.unique_name, required, source, key,
                                      f"{needer} needs {_display(graph, key)} (MissingDependencies of "
                                      f"{solution.unique_name}), which {required} ships", declared=True)
            named = named_solution(md.required)
            if named is not None and named[0].lower() in in_set and not shipped:
                required = in_set[named[0].lower()]
                target = (candidate_keys(md.required) or [f"solution:{required.lower()}"])[0]
                yield Requirement(solution.unique_name, required, source, target,
                                  f"{needer} needs {_node_display(graph, target, md.required)} from {required} "
                                  f"{named[1]} (MissingDependencies of {solution.unique_name})", declared=True)


def _missing(solutions: list[Solution], graph: DependencyGraph, names: list[str]) -> list[MissingSolution]:
    in_set = {n.lower() for n in names}
    versions: dict[str, str] = {}
    needers: dict[str, set[str]] = {}
    for solution in solutions:
        for md in solution.missing_dependencies:
            named = named_solution(md.required)
            if named is None or named[0].lower() in in_set:
                continue
            name, version = named
            if name not in versions or (version_key(version) or ()) < (version_key(versions[name]) or ()):
                versions[name] = version
            needers.setdefault(name, set()).add(_dependent_key(graph, solution, md.dependent))
    return [MissingSolution(n, versions[n], tuple(sorted(needers[n]))) for n in sorted(versions, key=_name_key)]
