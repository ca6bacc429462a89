"""Which analyzed solution needs which: the requirements between the solutions of a set, decided once.

Solution A needs solution B when a component A ships requires a component B ships and A does not (a
reference the platform tracks, through a message to the action or Custom API that defines it; never a call
found in code), or when A's MissingDependencies name B (`solution="B (1.2.0.0)"`: the named solution
decides, whoever else holds a copy) or, naming no solution, a component B ships. A component included only
as a shell (RootComponent behavior 1 or 2) is not shipped; one plug-in type exported by id in one solution and
by name in another is one type, so a solution that ships either copy needs neither. `dvsa order` sorts the
set by these requirements (`analyzer/order.py`) and DV506 reports the cycles that leave no order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx

from analyzer.graph import (
    CALLS,
    CHILD_WORKFLOW,
    CODE_EDGES,
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
from analyzer.messages import message_key
from analyzer.model import CustomApi, DependencyNode, Entity, Solution, Workflow, version_key
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
    shipped = _Shipped(graph, solutions)
    # One solution cannot require another through the graph: skip the walk over every edge.
    from_graph = _from_graph(graph, shipped) if len(names) > 1 else []
    for r in [*from_graph, *_from_missing_dependencies(solutions, graph, names, shipped)]:
        if r.dependent != r.required:
            reasons.setdefault((r.dependent, r.required), {}).setdefault((r.source, r.target), r)
    found.requirements = {pair: sorted(by_key.values(), key=lambda r: (r.declared, r.source, r.target))
                          for pair, by_key in sorted(reasons.items())}
    found.missing = _missing(solutions, graph, names)
    return found


# Root component behaviours that include a component without shipping it: 1 "do not include subcomponents" and
# 2 "include as shell only". #24's integrations include table msdynce_p2cautonumber with behavior="1" as an
# unmodified entity without columns, and name the solution that provides it in their MissingDependencies.
_SHELL_BEHAVIOURS = {1, 2}


class _Shipped:
    """Which analyzed solutions ship a component, asked once per key."""

    def __init__(self, graph: DependencyGraph, solutions: list[Solution]):
        self.graph = graph
        self.shells: dict[str, set[str]] = {}  # key -> the solutions that include it only as a shell
        for s in solutions:
            for rc in s.root_components:
                if rc.behavior in _SHELL_BEHAVIOURS:
                    for key in candidate_keys(DependencyNode(type=rc.type, id=rc.id, schema_name=rc.schema_name)):
                        self.shells.setdefault(key, set()).add(s.unique_name)
        # message key -> every analyzed action or Custom API that defines a message of that name: the graph links
        # a message to one definition, yet a solution that ships its own same-named one needs no other's
        self.definitions: dict[str, set[str]] = {}
        for s in solutions:
            for c in s.components:
                name = c.message_name if isinstance(c, Workflow) and c.is_action else (
                    c.unique_name if isinstance(c, CustomApi) else None)
                if name:
                    self.definitions.setdefault(message_key(name), set()).add(c.key)
        self._known: dict[str, set[str]] = {}
        self._groups: dict[str, set[str]] = {}

    def __call__(self, key: str) -> set[str]:
        """The analyzed solutions that ship ``key`` (one shipped twice is in both), shells left out: a table a
        solution includes as a shell is provided by another. A system table (``account``, ``systemuser``) is
        in every environment: a solution that includes it to customize it is not what another solution's step
        or flow on that table needs."""
        if key not in self._known:
            self._known[key] = _in_solutions(self.graph, key) - self.shells.get(key, set())
        return self._known[key]

    def any_of(self, group: tuple[str, ...]) -> set[str]:
        """The solutions that ship any of ``group`` (``graph.same_types``: one tuple per group, so asked by
        every member it is worked out once)."""
        if group[0] not in self._groups:
            self._groups[group[0]] = {solution for key in group for solution in self(key)}
        return self._groups[group[0]]


def _in_solutions(graph: DependencyGraph, key: str) -> set[str]:
    """The analyzed solutions that hold the component ``key`` in any way (a shell too); none for a system table."""
    c = graph.component(key)
    if c is None or (isinstance(c, Entity) and _is_system_table(c)):
        return set()
    node = graph.node(key)
    return {node["solution"], *node.get("also_in", [])}


def _is_system_table(table: Entity) -> bool:
    # Custom tables carry their publisher's prefix ("contoso_request"); system tables do not (as in the graph).
    return "_" not in table.logical_name


def _from_graph(graph: DependencyGraph, shipped_by: _Shipped):
    needed: dict[str, tuple[list[tuple[str, str | None]], set[str]]] = {}  # many edges share a target
    for source, target, types in graph.edges():
        # only what the platform tracks: a call found in code (CODE_EDGES) fails at run time, never at import
        tracked = types - CODE_EDGES - {CONTAINS}
        if not tracked:
            continue
        if target not in needed:
            needed[target] = _needed(graph, shipped_by, target)
        required, providers = needed[target]
        owners = shipped_by(source) if providers else set()
        if not owners or owners & providers:
            continue  # the requiring solution ships it (or a plug-in type or message definition of its name) itself
        edge = sorted(tracked)[0]
        for required_key, message in required:
            for dependent in sorted(owners):
                for provider in sorted(shipped_by(required_key)):
                    yield Requirement(dependent, provider, source, required_key,
                                      _edge_reason(graph, source, edge, required_key, message, provider))


def _needed(graph: DependencyGraph, shipped_by: _Shipped,
            target: str) -> tuple[list[tuple[str, str | None]], set[str]]:
    """What a reference to ``target`` requires (``_required_components``), and every solution that ships it or
    something that stands for it as well: a same-named plug-in type, another definition of the message."""
    required = _required_components(graph, target)
    if graph.component(target) is not None:  # itself, or its plug-in type group: shared by the group's members
        return required, shipped_by.any_of(graph.same_types(target))
    # another definition of the message's name of the same kind: an action beside a Custom API of one name is
    # a collision (DV308), not a copy
    kinds = {graph.node(key).get("kind") for key, _message in required}
    alike = {key for key, _message in required} | {
        key for key in shipped_by.definitions.get(target, set()) if graph.node(key).get("kind") in kinds}
    return required, {solution for key in alike for solution in shipped_by(key)}


def _required_components(graph: DependencyGraph, target: str) -> list[tuple[str, str | None]]:
    """The components ``target`` stands for: itself (for a plug-in type, every analyzed type of its class and
    assembly, one type in the environment), or for a message node the action or Custom API that defines it
    (with the message). References to nothing analyzed stand for nothing."""
    if graph.component(target) is not None:
        return [(key, None) for key in graph.same_types(target)]
    if graph.node(target).get("kind") != "sdk_message":  # a column, an unresolved reference: no definition
        return []
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
    held = [k for k in keys if solution.unique_name in _in_solutions(graph, k)]
    return (held or keys or [f"solution:{solution.unique_name.lower()}"])[0]


def _node_display(graph: DependencyGraph, key: str, node: DependencyNode) -> str:
    if graph.component(key) is not None:
        return graph.component(key).display
    return f"{component_type_label(node.type)} '{node.display_name or node.schema_name or node.id or key}'"


def _from_missing_dependencies(solutions: list[Solution], graph: DependencyGraph, names: list[str],
                               shipped_by: _Shipped):
    """A Required that names its solution is provided by that solution (in the set: a requirement on it; else
    the set lacks it, ``_missing``), whoever else holds a copy; one that names none (or "Active") by the
    analyzed solutions that ship it, unless the requiring solution ships it itself."""
    in_set = {n.lower(): n for n in names}
    for solution in solutions:
        for md in solution.missing_dependencies:
            source = _dependent_key(graph, solution, md.dependent)
            needer = _node_display(graph, source, md.dependent)
            keys = candidate_keys(md.required)
            named = named_solution(md.required)
            if named is not None:
                if named[0].lower() in in_set:
                    yield _named_requirement(graph, solution, md.required, source, needer, in_set[named[0].lower()],
                                             named[1], shipped_by)
                continue
            for key in [k for k in keys if shipped_by(k)][:1]:
                if solution.unique_name in shipped_by(key):
                    continue
                for provider in sorted(shipped_by(key)):
                    yield _shipped_requirement(graph, solution, source, needer, key, provider, shipped_by)


def _named_requirement(graph: DependencyGraph, solution: Solution, required_node: DependencyNode, source: str,
                       needer: str, provider: str, version: str, shipped_by: _Shipped) -> Requirement:
    keys = candidate_keys(required_node)
    shipped = [k for k in keys if provider in shipped_by(k)]
    if shipped:
        return _shipped_requirement(graph, solution, source, needer, shipped[0], provider, shipped_by)
    target = (keys or [f"solution:{provider.lower()}"])[0]
    return Requirement(solution.unique_name, provider, source, target,
                       f"{needer} needs {_node_display(graph, target, required_node)} from {provider} {version} "
                       f"(MissingDependencies of {solution.unique_name})", declared=True)


def _shipped_requirement(graph: DependencyGraph, solution: Solution, source: str, needer: str, key: str,
                         provider: str, shipped_by: _Shipped) -> Requirement:
    name = solution.unique_name
    if source == key and name in shipped_by.shells.get(key, ()):  # the shell needs the whole component
        reason = (f"{needer}, which {name} includes only as a shell, is provided by {provider} "
                  f"(MissingDependencies of {name})")
    else:
        reason = f"{needer} needs {_display(graph, key)} (MissingDependencies of {name}), which {provider} ships"
    return Requirement(name, provider, source, key, reason, declared=True)


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
