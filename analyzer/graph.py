"""The dependency graph over every analyzed solution: "A requires B" edges between component keys.

Several solutions analyzed together form one graph, so a step in one solution resolves to
the action another solution defines. A reference that resolves to nothing analyzed becomes
an external node marked ``platform`` (a built-in message or system table), ``declared``
(listed in MissingDependencies) or ``unresolved``. The model knows nothing of networkx.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import networkx as nx

from analyzer import sdk_messages
from analyzer.model import Component, CustomApi, CustomApiField, Entity, PluginType, Solution, Step, StepImage, Workflow
from analyzer.names import infer_message, split_qualified_name, type_identity

# Edge types, read "source <type> target".
REGISTERED_ON = "registered_on"  # step -> message
HANDLER = "handler"  # step / Custom API -> plug-in type
IN_ASSEMBLY = "in_assembly"  # plug-in type -> assembly
IMAGE_OF = "image_of"  # step image -> step
DEFINED_BY = "defined_by"  # message -> action workflow / Custom API
PARAMETER_OF = "parameter_of"  # request parameter / response property -> Custom API
USES_ACTIVITY = "uses_activity"  # workflow -> custom workflow activity (plug-in type)
CHILD_WORKFLOW = "child_workflow"  # workflow -> workflow
INVOKES = "invokes"  # XAML process -> message
CALLS = "calls"  # cloud flow -> message
TRIGGERED_BY = "triggered_by"  # cloud flow -> message
ON_ENTITY = "on_entity"  # workflow / step / Custom API -> table
USES_CONNECTION = "uses_connection"  # cloud flow -> connection reference
CONTAINS = "contains"  # solution -> component

PLATFORM, DECLARED, UNRESOLVED = "platform", "declared", "unresolved"

# "part of" edges: the source is deleted together with the target.
PART_EDGES = frozenset({IMAGE_OF, PARAMETER_OF, IN_ASSEMBLY, DEFINED_BY})

# MissingDependency node types that name a modelled component kind (numbers: solutioncomponent
# componenttype, https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/solutioncomponent).
NODE_KINDS = {"1": "entity", "20": "security_role", "29": "workflow", "61": "web_resource", "90": "plugin_type",
              "91": "plugin_assembly", "92": "step", "customapi": "custom_api",
              "connectionreference": "connection_reference", "environmentvariabledefinition": "environment_variable"}


def message_key(name: str) -> str:
    return f"sdk_message:{name.lower()}"


class DependencyGraph:
    """A wrapper over ``nx.DiGraph`` with the few queries rules need. ``.nx`` is there for the rest."""

    def __init__(self) -> None:
        self.nx = nx.DiGraph()
        self._call_graph: nx.DiGraph | None = None

    # --- building ---------------------------------------------------------------------------
    def add_component(self, c: Component) -> None:
        if c.key in self.nx and self.nx.nodes[c.key].get("component") is not None:
            self.nx.nodes[c.key].setdefault("also_in", []).append(c.solution)
            return
        self.nx.add_node(c.key, component=c, kind=c.kind, name=c.name, solution=c.solution, external=None)

    def add_reference(self, key: str, external: str | None, name: str, kind: str | None = None) -> None:
        """A node that is not a component: a message, or something referenced but not analyzed.

        ``external`` is None for a message an analyzed action or Custom API defines."""
        if key in self.nx:
            return
        self.nx.add_node(key, component=None, kind=kind or key.split(":", 1)[0], name=name, solution=None,
                         external=external)

    def add_edge(self, source: str, target: str, type_: str) -> None:
        if self.nx.has_edge(source, target):
            self.nx.edges[source, target]["types"].add(type_)
        else:
            self.nx.add_edge(source, target, types={type_})

    # --- queries ----------------------------------------------------------------------------
    def __contains__(self, key: str) -> bool:
        return key in self.nx

    def node(self, key: str) -> dict:
        return self.nx.nodes[key]

    def component(self, key: str) -> Component | None:
        return self.nx.nodes[key].get("component") if key in self.nx else None

    def external(self, key: str) -> str | None:
        return self.nx.nodes[key].get("external") if key in self.nx else None

    def name(self, key: str) -> str:
        return self.nx.nodes[key].get("name") or key

    def _match(self, source: str, target: str, types: Iterable[str] | None) -> bool:
        return types is None or bool(self.nx.edges[source, target]["types"] & set(types))

    def requires(self, key: str, types: Iterable[str] | None = None) -> list[str]:
        """What ``key`` needs, sorted."""
        types = set(types) if types is not None else None
        return sorted(t for t in self.nx.successors(key) if self._match(key, t, types)) if key in self.nx else []

    def dependents(self, key: str, types: Iterable[str] | None = None) -> list[str]:
        """What needs ``key``, sorted."""
        types = set(types) if types is not None else None
        return sorted(s for s in self.nx.predecessors(key) if self._match(s, key, types)) if key in self.nx else []

    def edges(self, types: Iterable[str] | None = None) -> Iterator[tuple[str, str, frozenset[str]]]:
        """Edges (of the given types), sorted by source and target."""
        types = set(types) if types is not None else None
        chosen = [(s, t, data["types"]) for s, t, data in self.nx.edges(data=True)
                  if types is None or data["types"] & types]
        for s, t, found in sorted(chosen, key=lambda e: (e[0], e[1])):
            yield s, t, frozenset(found)

    def nodes(self, kind: str | None = None, external: str | None | bool = False) -> list[str]:
        """Node keys, sorted; ``external=None`` for analyzed components only, a string for that kind."""
        result = []
        for key, data in self.nx.nodes(data=True):
            if kind is not None and data.get("kind") != kind:
                continue
            if external is not False and data.get("external") != external:
                continue
            result.append(key)
        return sorted(result)

    def kinds(self) -> set[str]:
        """Every node kind in the graph (``step``, ``sdk_message``, ``solution``…)."""
        return {data.get("kind") for _key, data in self.nx.nodes(data=True)}

    def edge_types(self, source: str, target: str) -> frozenset[str]:
        """The reference types of the edge ``source`` -> ``target`` (empty when there is none)."""
        if not self.nx.has_edge(source, target):
            return frozenset()
        return frozenset(self.nx.edges[source, target]["types"])

    def neighbourhood(self, key: str, depth: int) -> set[str]:
        """Keys within ``depth`` hops of ``key``, whichever way the edges point."""
        undirected = self.nx.to_undirected(as_view=True)
        return set(nx.single_source_shortest_path_length(undirected, key, cutoff=depth))

    def message_of(self, step_key: str) -> str | None:
        found = self.requires(step_key, [REGISTERED_ON])
        return found[0] if found else None

    def message_label(self, step: Step) -> str:
        """The message a step is on, as people name it: ``Update``, ``contoso_CheckStatus``, or
        ``message <id>`` when only the id is known."""
        message = self.message_of(step.key)
        name = self.name(message) if message else None
        if name and name != step.message_id:
            return name
        return f"message {step.message_id}" if step.message_id else "an unknown message"

    def event_label(self, step: Step) -> str:
        """The event a step runs on: ``Update of account``, or just the message for a global one."""
        label = self.message_label(step)
        return f"{label} of {step.primary_entity}" if step.primary_entity else label

    def settled_message(self, step: Step) -> str | None:
        """The message name when the step's own SdkMessageId settles it: a built-in message id, or
        the id of an analyzed action's message. A name guessed from the step-name convention is not
        settled: rules that raise findings on the message kind should not trust it."""
        name = sdk_messages.message_name(step.message_id)
        if name or not step.message_id:
            return name
        message = self.message_of(step.key)
        definition = self.definition_of(message) if message else None
        if isinstance(definition, Workflow) and definition.sdk_message_id == step.message_id:
            return self.name(message)
        return None

    def definition_of(self, message: str) -> Component | None:
        """The action workflow or Custom API that defines a message, if analyzed."""
        for target in self.requires(message, [DEFINED_BY]):
            c = self.component(target)
            if c is not None:
                return c
        return None

    def steps_on(self, message: str) -> list[Step]:
        return [c for k in self.dependents(message, [REGISTERED_ON]) if isinstance(c := self.component(k), Step)]

    def steps_on_definition(self, key: str) -> list[Step]:
        """The steps registered on the message an action or Custom API defines, in key order."""
        steps = {step.key: step for message in self.dependents(key, [DEFINED_BY]) for step in self.steps_on(message)}
        return [steps[k] for k in sorted(steps)]

    def blockers(self, key: str) -> list[tuple[str, str, frozenset[str]]]:
        """What blocks deleting ``key``: (dependent, the part of ``key`` it needs, edge types), sorted.

        A component is deleted with its parts (an action with its message, an assembly with its
        types, a step with its images, a Custom API with its parameters); whatever else requires
        one of those parts blocks the deletion.
        """
        parts, stack = {key}, [key]
        while stack:
            for part in self.dependents(stack.pop(), PART_EDGES):
                if part not in parts:
                    parts.add(part)
                    stack.append(part)
        found = []
        for part in sorted(parts):
            for dependent in self.dependents(part):
                types = self.edge_types(dependent, part) - PART_EDGES - {CONTAINS}
                if dependent not in parts and types:
                    found.append((dependent, part, frozenset(types)))
        return found

    def call_graph(self) -> nx.DiGraph:
        """Who runs whom: process -> message it calls -> the action, flows and steps that run on it.

        Edge attribute ``via`` is the reference type (invokes, calls, child_workflow, defined_by,
        triggers, runs_step). Used for call cycles and depth; built once, so do not modify it.
        """
        if self._call_graph is not None:
            return self._call_graph
        calls = nx.DiGraph()
        for s, t, types in self.edges([INVOKES, CALLS, CHILD_WORKFLOW, DEFINED_BY]):
            calls.add_edge(s, t, via=sorted(types)[0])
        for s, t, _types in self.edges([TRIGGERED_BY]):
            calls.add_edge(t, s, via="triggers")
        for s, t, _types in self.edges([REGISTERED_ON]):
            calls.add_edge(t, s, via="runs_step")
        self._call_graph = calls
        return calls


# --- building the graph from solutions -------------------------------------------------------

class _Index:
    """Lookups across every analyzed solution, for resolving references."""

    def __init__(self, solutions: list[Solution]):
        self.actions_by_id: dict[str, Workflow] = {}
        self.actions_by_message: dict[str, Workflow] = {}
        self.apis: dict[str, CustomApi] = {}
        self.types_by_id: dict[str, PluginType] = {}
        self.types_by_identity: dict[str, PluginType] = {}
        self.entities: dict[str, str] = {}  # logical, schema or set name (lower) -> entity key
        self.declared: set[str] = set()
        for s in solutions:
            for c in s.components:
                self._add(c)
            for md in s.missing_dependencies:
                self.declared.update(node_keys(md.required))

    def _add(self, c: Component) -> None:
        if isinstance(c, Workflow):
            if c.is_action and c.sdk_message_id:
                self.actions_by_id.setdefault(c.sdk_message_id, c)
            if c.is_action and c.message_name:
                self.actions_by_message.setdefault(c.message_name.lower(), c)
        elif isinstance(c, CustomApi):
            self.apis.setdefault(c.unique_name.lower(), c)
        elif isinstance(c, PluginType):
            if c.ident and ":" not in c.ident and "," not in c.ident:
                self.types_by_id.setdefault(c.ident, c)
            if c.assembly_qualified_name:
                self.types_by_identity.setdefault(type_identity(c.assembly_qualified_name), c)
        elif isinstance(c, Entity):
            for name in (c.logical_name, c.schema_name, c.entity_set_name):
                if name:
                    self.entities.setdefault(name.lower(), c.key)

    def plugin_type(self, type_id: str | None, aqn: str | None) -> PluginType | None:
        if type_id and type_id in self.types_by_id:
            return self.types_by_id[type_id]
        if aqn:
            return self.types_by_identity.get(type_identity(aqn))
        return None

    def message_definition(self, name: str) -> Component | None:
        return self.apis.get(name.lower()) or self.actions_by_message.get(name.lower())


def node_keys(node) -> list[str]:
    """The component keys a MissingDependency node (Required or Dependent) may stand for."""
    kind = NODE_KINDS.get(node.type.lower())
    if kind is None:
        return []
    keys = [f"{kind}:{node.id}"] if node.id else []
    for name in [node.schema_name, *(value for _attr, value in node.ids)]:
        if not name:
            continue
        if kind == "plugin_type":
            keys.append(f"{kind}:{type_identity(name)}")
        elif kind == "plugin_assembly":  # schemaName is the assembly's full name
            keys.append(f"{kind}:{name.split(',')[0].strip().lower()}")
        else:
            keys.append(f"{kind}:{name.lower()}")
        if kind == "custom_api":  # a Custom API is also its message
            keys.append(message_key(name))
    return keys


def build_graph(solutions: list[Solution]) -> DependencyGraph:
    graph = DependencyGraph()
    index = _Index(solutions)
    for s in solutions:
        for c in s.components:
            graph.add_component(c)
    for s in solutions:
        sol_key = f"solution:{s.unique_name.lower()}"
        graph.nx.add_node(sol_key, component=None, kind="solution", name=s.unique_name, solution=s.unique_name,
                          external=None)
        for c in sorted(s.components, key=lambda c: c.key):
            graph.add_edge(sol_key, c.key, CONTAINS)
            _link(graph, index, c)
    return graph


def _link(graph: DependencyGraph, index: _Index, c: Component) -> None:
    if isinstance(c, Step):
        _link_step(graph, index, c)
    elif isinstance(c, StepImage):
        graph.add_edge(c.key, c.step_key, IMAGE_OF)
    elif isinstance(c, PluginType):
        graph.add_edge(c.key, c.assembly_key, IN_ASSEMBLY)
    elif isinstance(c, CustomApiField):
        graph.add_edge(c.key, c.api_key, PARAMETER_OF)
    elif isinstance(c, CustomApi):
        _link_custom_api(graph, index, c)
    elif isinstance(c, Workflow):
        _link_workflow(graph, index, c)


def _ref_type(graph: DependencyGraph, index: _Index, source: str, type_id: str | None, aqn: str | None,
              edge: str) -> None:
    found = index.plugin_type(type_id, aqn)
    if found is not None:
        graph.add_edge(source, found.key, edge)
        return
    if not type_id and not aqn:
        return
    key = f"plugin_type:{type_id}" if type_id else f"plugin_type:{type_identity(aqn)}"
    name = split_qualified_name(aqn)[0] if aqn else type_id
    alt = f"plugin_type:{type_identity(aqn)}" if aqn else None
    declared = key in index.declared or (alt is not None and alt in index.declared)
    graph.add_reference(key, DECLARED if declared else UNRESOLVED, name)
    graph.add_edge(source, key, edge)


def _message(graph: DependencyGraph, index: _Index, name: str | None, message_id: str | None) -> str | None:
    """The message node for a name and/or id, created (and linked to its definition) on first use."""
    action = index.actions_by_id.get(message_id) if message_id else None
    if action is not None and action.message_name:
        name = action.message_name
    platform_name = sdk_messages.message_name(message_id) if message_id else None
    if platform_name:
        name = platform_name
    if not name and not message_id:
        return None
    key = message_key(name) if name else f"sdk_message:{message_id}"
    if key in graph:
        return key
    definition = action or (index.message_definition(name) if name else None)
    if definition is not None:
        graph.add_reference(key, None, name, kind="sdk_message")
        graph.add_edge(key, definition.key, DEFINED_BY)
    elif platform_name or (name and _presumed_platform(name)):
        graph.add_reference(key, PLATFORM, name, kind="sdk_message")
    else:
        graph.add_reference(key, DECLARED if key in index.declared else UNRESOLVED, name or message_id,
                            kind="sdk_message")
    return key


# Publisher prefixes of Microsoft's own apps (Dynamics 365, Power Pages): their messages ship with
# the platform's first-party solutions, not with customer solutions.
FIRST_PARTY_PREFIXES = ("msdyn_", "mspp_", "adx_")


def _presumed_platform(name: str) -> bool:
    """A message known by name only: custom messages carry a publisher prefix (``contoso_x``);
    platform messages (``RetrieveEnvironmentVariableSecretValue``, ``PvaPublish``) have no underscore."""
    lower = name.lower()
    return bool(sdk_messages.message_id(name)) or "_" not in lower or lower.startswith(FIRST_PARTY_PREFIXES)


def _entity(graph: DependencyGraph, index: _Index, source: str, name: str | None) -> None:
    if not name:
        return
    key = index.entities.get(name.lower())
    if key is None:
        key = f"entity:{name.lower()}"
        # Custom tables carry a publisher prefix ("contoso_x"); system tables do not.
        if "_" not in name:
            external = PLATFORM
        else:
            external = DECLARED if key in index.declared else UNRESOLVED
        graph.add_reference(key, external, name.lower(), kind="entity")
    graph.add_edge(source, key, ON_ENTITY)


def _link_step(graph: DependencyGraph, index: _Index, step: Step) -> None:
    name = step.message_name
    if step.message_id and step.message_id in index.actions_by_id:
        name = None  # the id is authoritative
    elif step.message_inferred and name and (
            (index.message_definition(name) is None and not sdk_messages.message_id(name))
            or (step.message_id and sdk_messages.message_id(name) not in (None, step.message_id))):
        # An inferred name that matches nothing tells us nothing; one that names a built-in
        # message whose fixed id is not the step's id belongs to a renamed or copied step.
        name = None
    if step.message_id is None and name is None:
        name = infer_message(step.name)
    message = _message(graph, index, name, step.message_id)
    if message:
        graph.add_edge(step.key, message, REGISTERED_ON)
    _ref_type(graph, index, step.key, step.plugin_type_id, step.plugin_type_name, HANDLER)
    _entity(graph, index, step.key, step.primary_entity)


def _link_custom_api(graph: DependencyGraph, index: _Index, api: CustomApi) -> None:
    message = _message(graph, index, api.unique_name, None)
    if message and not graph.requires(message, [DEFINED_BY]):
        graph.add_edge(message, api.key, DEFINED_BY)
    _ref_type(graph, index, api.key, api.plugin_type_id, None, HANDLER)
    _entity(graph, index, api.key, api.bound_entity)


def _link_workflow(graph: DependencyGraph, index: _Index, wf: Workflow) -> None:
    if wf.is_action and (wf.message_name or wf.sdk_message_id):
        _message(graph, index, wf.message_name, wf.sdk_message_id)
    for aqn in wf.custom_activities:
        _ref_type(graph, index, wf.key, None, aqn, USES_ACTIVITY)
    for call in wf.invoked_messages:
        message = _message(graph, index, call.message_name, call.message_id)
        if message:
            graph.add_edge(wf.key, message, INVOKES)
    for child_id in wf.child_workflows:
        key = f"workflow:{child_id}"
        if key not in graph:
            graph.add_reference(key, DECLARED if key in index.declared else UNRESOLVED, child_id, kind="workflow")
        graph.add_edge(wf.key, key, CHILD_WORKFLOW)
    for call in wf.flow_calls:
        message = _message(graph, index, call.action_name, None)
        if message:
            graph.add_edge(wf.key, message, CALLS)
    for trigger in wf.flow_triggers:
        if trigger.kind == "message" and trigger.message:
            message = _message(graph, index, trigger.message, None)
            if message:
                graph.add_edge(wf.key, message, TRIGGERED_BY)
        if trigger.entity:
            _entity(graph, index, wf.key, trigger.entity)
    for ref in wf.connection_references:
        key = f"connection_reference:{ref}"
        if key not in graph:
            graph.add_reference(key, DECLARED if key in index.declared else UNRESOLVED, ref,
                               kind="connection_reference")
        graph.add_edge(wf.key, key, USES_CONNECTION)
    _entity(graph, index, wf.key, wf.primary_entity)
