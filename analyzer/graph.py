"""The dependency graph over every analyzed solution: "A requires B" edges between component keys.

Several solutions analyzed together form one graph, so a step in one solution resolves to
the action another solution defines. A reference that resolves to nothing analyzed becomes
an external node marked ``platform`` (a built-in message or system table), ``declared``
(listed in MissingDependencies) or ``unresolved``. The model knows nothing of networkx.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import pairwise

import networkx as nx

from analyzer import sdk_messages
from analyzer.messages import UNKNOWN, MessageRef, message_key, name_prefix, resolve
from analyzer.model import (
    MODELLED_ROOT_TYPES,
    Catalog,
    CatalogAssignment,
    CodeFile,
    CodeHandler,
    Component,
    CustomApi,
    CustomApiField,
    DataProvider,
    Entity,
    MessageCall,
    OtherComponent,
    PluginPackage,
    PluginType,
    Registration,
    Solution,
    Step,
    StepImage,
    WebResource,
    Workflow,
)
from analyzer.names import infer_message, split_qualified_name, type_identity
from analyzer.platform import ComponentType

# Edge types, read "source <type> target".
REGISTERED_ON = "registered_on"  # step -> message
HANDLER = "handler"  # step / Custom API -> plug-in type
IN_ASSEMBLY = "in_assembly"  # plug-in type -> assembly
PROVIDED_BY = "provided_by"  # plug-in type the export does not list -> plug-in package that may hold it
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
LOADS_LIBRARY = "loads_library"  # form -> web resource in its form libraries
HANDLES_EVENT = "handles_event"  # form -> web resource a function of which handles a form event
EMBEDS = "embeds"  # form -> web resource shown in a web resource control
RIBBON_SCRIPT = "ribbon_script"  # ribbon command -> web resource whose function it runs or asks (enable rule)
LOADS_DEPENDENCY = "loads_dependency"  # web resource -> web resource its DependencyXml declares
SHOWS_COLUMN = "shows_column"  # form -> column a control is bound to
LISTS_COLUMN = "lists_column"  # view -> column its fetchxml or layoutxml names
USES_COLUMN = "uses_column"  # web resource -> column its DependencyXml declares
WATCHES_COLUMN = "watches_column"  # classic workflow -> column whose change starts it (TriggerOnUpdateAttributeList)
FILTERS_ON = "filters_on"  # step -> column in its filtering attributes
IMAGE_COLUMN = "image_column"  # step image -> column it holds
IN_TABLE = "in_table"  # form / view / ribbon command / column -> its table
APP_RESOURCE = "app_resource"  # site map / model-driven app -> web resource it shows (an icon, a page)
CALLS_FROM_CODE = "calls_from_code"  # script web resource / source file -> message its code calls
IMPLEMENTS = "implements"  # source file -> plug-in type whose class (namespace + class name) it holds
RUNS_OPERATION = "runs_operation"  # virtual table data provider -> plug-in type that runs one of its operations
IN_CATALOG = "in_catalog"  # catalog assignment -> its catalog; catalog -> its parent catalog
ASSIGNS = "assigns"  # catalog assignment -> the table, Custom API or action it offers as a business event
REGISTERS_STEPS = "registers_steps"  # source file -> plug-in type whose steps its code creates at run time
CONTAINS = "contains"  # solution -> component

# Edges read from code (script web resources, --sources), not from the solution's own metadata. Dataverse tracks
# no dependency for them: they never block a delete, an upgrade or an import order, and a message that is gone
# makes the call fail at run time instead. Whatever judges what the platform refuses leaves them out (``tracked``);
# whatever lists them says they are run-time callers (``from_code``).
CODE_EDGES = frozenset({CALLS_FROM_CODE, IMPLEMENTS})

PLATFORM, DECLARED, UNRESOLVED = "platform", "declared", "unresolved"
# A plug-in type in no PluginAssemblies entry while a plug-in package ships: the package's types are not
# listed in the export, so the type is presumed to be one of them (never reported as missing).
PACKAGED = "package"

# "part of" edges: the source is deleted together with the target.
PART_EDGES = frozenset({IMAGE_OF, PARAMETER_OF, IN_ASSEMBLY, DEFINED_BY, PROVIDED_BY, IN_TABLE})

# What blocks deleting a component that the graph does not read, per node kind: `dvsa dependents` names
# these instead of answering "nothing". Everything else that can need a web resource or a column is linked
# above (forms, views, ribbon commands, web resource dependencies on web resources and columns, site maps and
# apps, step filtering attributes and images, classic workflows' trigger columns).
NOT_CHECKED = {
    "web_resource": ("ribbon button icons", "the application ribbon",
                     "dashboards", "custom controls (PCF)", "modern commands (Power Fx)",
                     "other web resources' code (HTML, JavaScript)"),
    "column": ("charts", "dashboards", "business rules' and processes' conditions and steps",
               "cloud flows", "calculated and rollup columns", "relationships", "field security profiles",
               "ribbon rules", "JavaScript and plug-in code"),
}

# MissingDependency node types that name a modelled component kind (numbers: solutioncomponent
# componenttype, https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/solutioncomponent).
# Root-component kinds, plus plug-in types and the node types modern exports write as names.
NODE_KINDS = {**MODELLED_ROOT_TYPES, ComponentType.PLUGIN_TYPE.code: "plugin_type", "customapi": "custom_api",
              "connectionreference": "connection_reference", "environmentvariabledefinition": "environment_variable"}


class DependencyGraph:
    """A wrapper over ``nx.DiGraph`` with the few queries rules need. ``.nx`` is there for the rest."""

    def __init__(self) -> None:
        self.nx = nx.DiGraph()
        self._call_graph: nx.DiGraph | None = None
        self._declared_needs: dict[tuple[str, str], set[str]] = {}
        # (caller node, call, its message or None when dynamic) for every message call found in code
        self._code_calls: list[tuple[str, MessageCall, MessageRef | None]] = []
        # (caller node, call) for each unbound Web API URL whose name is no analyzed definition, platform message
        # or table: a message that is gone or misspelt, or the entity set of a table not analyzed
        self._unknown_urls: list[tuple[str, MessageCall]] = []
        # plug-in type key -> the classes of that name in --sources, and their [CrmPluginRegistration] attributes
        self._classes: dict[str, list[CodeHandler]] = {}
        self._registrations: dict[str, list[Registration]] = {}
        # plug-in type key -> every analyzed type of its class and assembly (sorted keys, one tuple shared by the
        # group): an index, not edges, so N solutions shipping one assembly cost N entries, not N x N edges
        self._same_types: dict[str, tuple[str, ...]] = {}
        self._group_dependents: dict[tuple[str, frozenset[str] | None], list[str]] = {}

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

    def tracked(self, source: str, target: str) -> frozenset[str]:
        """The edge's types that Dataverse tracks as a dependency: those not read from code (``CODE_EDGES``), nor
        the solution's ``contains``."""
        return self.edge_types(source, target) - CODE_EDGES - {CONTAINS}

    def from_code(self, path: list[str]) -> bool:
        """A path (as ``trace`` gives it, the way the edges read) with a step known only from code: what it links is
        a run-time caller, not a dependency the platform tracks."""
        return any(not self.tracked(a, b) and self.edge_types(a, b) & CODE_EDGES for a, b in pairwise(path))

    def neighbourhood(self, key: str, depth: int) -> set[str]:
        """Keys within ``depth`` hops of ``key``, whichever way the edges point."""
        undirected = self.nx.to_undirected(as_view=True)
        return set(nx.single_source_shortest_path_length(undirected, key, cutoff=depth))

    def same_types(self, key: str) -> tuple[str, ...]:
        """``key`` and every other analyzed plug-in type of the same class and assembly, sorted. An old export
        keys its types by name (no ids) and a newer package of the same assembly by id; N solutions may ship one
        assembly: in an environment they are one plug-in type. A step or process links to one of them (its own
        solution's copy when it has one); a question about a type's users asks the whole group."""
        return self._same_types.get(key, (key,))

    def type_dependents(self, key: str, types: Iterable[str] | None = None) -> list[str]:
        """What needs the plug-in type ``key`` or another analyzed type of its name (``same_types``), sorted.
        Asked for every type of a group, so each group's answer is worked out once (linear, not N x N)."""
        group = self.same_types(key)
        if len(group) == 1:
            return self.dependents(key, types)
        wanted = frozenset(types) if types is not None else None
        cached = self._group_dependents.get((group[0], wanted))
        if cached is None:
            cached = sorted({d for same in group for d in self.dependents(same, wanted)})
            self._group_dependents[(group[0], wanted)] = cached
        return list(cached)

    def message_of(self, step_key: str) -> str | None:
        found = self.requires(step_key, [REGISTERED_ON])
        return found[0] if found else None

    def message_ref(self, step_key: str) -> MessageRef:
        """The message a step is registered on and how it was known (``analyzer.messages``)."""
        return self.nx.nodes[step_key].get("message") or MessageRef(None, None, UNKNOWN)

    def message_label(self, step: Step) -> str:
        """The message a step is on, as people name it: ``Update``, ``contoso_CheckStatus``, or
        ``message with SdkMessageId <id>`` when only the id is known."""
        return self.message_ref(step.key).label

    def event_label(self, step: Step) -> str:
        """The event a step runs on: ``Update of account``, or just the message for a global one."""
        label = self.message_label(step)
        return f"{label} of {step.primary_entity}" if step.primary_entity else label

    def settled_message(self, step: Step) -> str | None:
        """The message name when the step's own SdkMessageId settles it: a built-in message id, or
        the id of an analyzed action's message. A name implied by the step-name convention is not
        settled: rules that raise findings on the message kind should not trust it."""
        ref = self.message_ref(step.key)
        return ref.name if ref.settled else None

    def declares_message_need(self, component: Component) -> bool:
        """The export declared that ``component`` needs a message: a MissingDependency whose Required is
        something that can stand for one (an action's workflow, an SDK message, a Custom API)."""
        return self.declares_need(component, ("29", "201", "customapi", "sdkmessage"))

    def declares_need(self, component: Component, required_types: Iterable[str]) -> bool:
        """The component's solution lists it as the Dependent of a MissingDependency whose Required is
        of one of these types (``"29"``, ``"customapi"``…): the export declared the reference, even
        where the graph could not match the required component by key."""
        needs = self._declared_needs.get((component.solution, component.ident), set())
        return bool(needs & {t.lower() for t in required_types})

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

    def not_checked(self, key: str) -> tuple[str, ...]:
        """The kinds of reference that could block deleting ``key`` which the graph does not read (NOT_CHECKED)."""
        return NOT_CHECKED.get(self.nx.nodes[key].get("kind"), ()) if key in self.nx else ()

    def parts(self, key: str) -> set[str]:
        """``key`` and what is deleted with it: an action with its message, an assembly with its types, a
        step with its images, a Custom API with its message and parameters."""
        parts, stack = {key}, [key]
        while stack:
            for part in self.dependents(stack.pop(), PART_EDGES):
                if part not in parts:
                    parts.add(part)
                    stack.append(part)
        return parts

    def blockers(self, key: str) -> list[tuple[str, str, frozenset[str]]]:
        """What requires ``key`` or one of its ``parts`` from outside them: (dependent, the part it needs, edge
        types), sorted. The types tell a tracked dependency, which blocks deleting ``key``, from a call found in
        code (``CODE_EDGES``), which does not."""
        parts = self.parts(key)
        found = []
        for part in sorted(parts):
            for dependent in self.dependents(part):
                types = self.edge_types(dependent, part) - PART_EDGES - {CONTAINS}
                if dependent not in parts and types:
                    found.append((dependent, part, frozenset(types)))
        return found

    def find(self, text: str) -> list[str]:
        """The keys ``text`` names: a key, or (any case) a name, unique name, message name or display name.

        A message and the action or Custom API that defines it share a name; deleting the definition
        deletes the message, so the definition stands for both."""
        text = text.strip()
        if text in self.nx and self.nx.nodes[text].get("kind") != "solution":
            return [text]
        wanted = text.lower()
        found = {key for key, data in self.nx.nodes(data=True)
                 if data.get("kind") != "solution" and wanted in _names_of(key, data)}
        defined = {key for key in found if self.definition_of(key) is not None and self.definition_of(key).key in found}
        return sorted(found - defined)

    def trace(self, key: str, *, requires: bool = False, transitive: bool = False) -> list[tuple[str, list[str]]]:
        """What requires ``key`` (or, with ``requires``, what ``key`` requires): (component, path), in path
        length then key order. A path runs the way the edges read, "A requires B": from the dependent to
        ``key``, or from ``key`` to the requirement. Without ``transitive``, only the first step out, where
        the parts deleted with ``key`` (its message, types, images, parameters) count as ``key`` itself.
        Every whole path: for a long chain, ``trace_tree`` (the paths share their steps) answers in linear size."""
        via, found = self.trace_tree(key, requires=requires, transitive=transitive)
        answer = []
        for k in found:
            path = [k]
            while path[-1] != key:
                path.append(via[path[-1]])
            answer.append((k, path if not requires else path[::-1]))
        return answer

    def trace_tree(self, key: str, *, requires: bool = False,
                   transitive: bool = False) -> tuple[dict[str, str], list[str]]:
        """``trace`` as a tree: ``via`` maps each component reached (the parts of ``key`` too) to its neighbour
        on its path toward ``key``, and the list holds what ``trace`` lists, in the same order. Walking ``via``
        from one of them to ``key`` gives its path; the answer grows with the components, not the paths."""
        step = self.requires if requires else self.dependents
        via: dict[str, str] = {}
        depth = {key: 0}
        parts = {key}
        frontier = [key]
        while frontier:
            following = []
            for node in frontier:
                for other in step(node):
                    if other in depth or CONTAINS in self._types(node, other, requires):
                        continue
                    via[other], depth[other] = node, depth[node] + 1
                    part = not requires and node in parts and self._types(node, other, requires) <= PART_EDGES
                    if part:
                        parts.add(other)
                    if part or transitive:
                        following.append(other)
            frontier = sorted(following)
        return via, sorted((k for k in via if k not in parts), key=lambda k: (depth[k], k))

    def _types(self, node: str, other: str, requires: bool) -> frozenset[str]:
        return self.edge_types(node, other) if requires else self.edge_types(other, node)

    def plugin_classes(self, type_key: str) -> list[CodeHandler]:
        """The classes in source code whose full name is the plug-in type's (usually one)."""
        return self._classes.get(type_key, [])

    def plugin_registrations(self, type_key: str) -> list[Registration]:
        """The spkl ``[CrmPluginRegistration]`` attributes on those classes, in file order."""
        return self._registrations.get(type_key, [])

    def unknown_urls(self) -> list[tuple[str, MessageCall]]:
        """Unbound Web API URLs (``/api/data/v9.2/<name>``) whose name no analyzed Custom API, action, table or
        MissingDependency and no platform message has: (caller node, call), in file and line order. Not calls in
        ``code_calls``: the name may be the entity set of a table that is not analyzed."""
        return sorted(self._unknown_urls, key=lambda c: (c[1].source.path, c[1].source.line or 0, c[0]))

    def code_calls(self, message: str | None = None) -> list[tuple[str, MessageCall, MessageRef | None]]:
        """The calls found in code (scripts, source files): (caller node, call, message), in file and line
        order; only those of ``message`` (a node key) when given. A dynamic call's message is None."""
        found = [c for c in self._code_calls if message is None or (c[2] is not None and c[2].key == message)]
        return sorted(found, key=lambda c: (c[1].source.path, c[1].source.line or 0, c[0], c[1].message or ""))

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


def _names_of(key: str, data: dict) -> set[str]:
    """Every name a node is known by, lower-case: its key, name, display, and the unique, message, logical,
    schema or type name its kind has."""
    c = data.get("component")
    names = {key, str(data.get("name") or "")}
    if c is not None:
        names.update({c.name, c.display})
        names.update(getattr(c, field, None) or "" for field in ("unique_name", "message_name", "logical_name",
                                                                 "schema_name", "type_name"))
    return {n.lower() for n in names if n}


# --- building the graph from solutions -------------------------------------------------------

class _Index:
    """Lookups across every analyzed solution, for resolving references."""

    def __init__(self, solutions: list[Solution]):
        self.actions_by_id: dict[str, Workflow] = {}
        self.actions_by_message: dict[str, Workflow] = {}
        self.apis: dict[str, CustomApi] = {}
        self.types_by_id: dict[str, PluginType] = {}
        self.types_by_identity: dict[str, PluginType] = {}
        self.types_named: dict[str, list[PluginType]] = {}  # "ns.type, assembly" -> every analyzed type of that name
        self.types_in: dict[tuple[str, str], PluginType] = {}  # ("ns.type, assembly", solution) -> its copy there
        self.entities: dict[str, str] = {}  # logical, schema or set name (lower) -> entity key
        self.columns: dict[str, set[str]] = {}  # table logical name -> the columns analyzed tables define
        self.web_resources: dict[str, str] = {}  # web resource name (lower) -> key
        self.web_resources_in: dict[tuple[str, str], str] = {}  # (name (lower), solution) -> its copy's key there
        self.packages: dict[str, list[PluginPackage]] = {}  # solution unique name -> its plug-in packages
        self.declared: set[str] = set()
        # (solution, dependent id or name) -> the Required types its MissingDependencies name: the export
        # declared that the component needs something of that type, even where no key matches.
        self.declared_needs: dict[tuple[str, str], set[str]] = {}
        for s in solutions:
            for c in s.components:
                self._add(c)
            for md in s.missing_dependencies:
                self.declared.update(node_keys(md.required))
                dep = md.dependent
                for ident in {dep.id, (dep.schema_name or "").lower() or None, *(v.lower() for _a, v in dep.ids)}:
                    if ident:
                        self.declared_needs.setdefault((s.unique_name, ident), set()).add(md.required.type.lower())

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
            self.types_named.setdefault(_type_name(c), []).append(c)
            self.types_in.setdefault((_type_name(c), c.solution), c)
        elif isinstance(c, PluginPackage):
            self.packages.setdefault(c.solution, []).append(c)
        elif isinstance(c, Entity):
            for name in (c.logical_name, c.schema_name, c.entity_set_name):
                if name:
                    self.entities.setdefault(name.lower(), c.key)
            self.columns.setdefault(c.logical_name, set()).update(c.attributes)
        elif isinstance(c, WebResource):
            self.web_resources.setdefault(c.name.lower(), c.key)
            self.web_resources_in.setdefault((c.name.lower(), c.solution), c.key)

    def plugin_type(self, type_id: str | None, aqn: str | None) -> PluginType | None:
        if type_id and type_id in self.types_by_id:
            return self.types_by_id[type_id]
        if aqn:
            return self.types_by_identity.get(type_identity(aqn))
        return None

    def own_copy(self, found: PluginType, solution: str | None) -> PluginType:
        """The type of ``found``'s class and assembly that ``solution`` ships, else ``found``: a step uses its own
        solution's copy of a type that several solutions ship (by id in one export, by name in an older one)."""
        if found.solution == solution or solution is None:
            return found
        return self.types_in.get((_type_name(found), solution), found)

    def same_type_groups(self) -> Iterator[tuple[str, ...]]:
        """The keys of each class and assembly that more than one analyzed type has, sorted."""
        for group in self.types_named.values():
            keys = tuple(sorted({t.key for t in group}))
            if len(keys) > 1:
                yield keys

    def packages_for(self, solution: str | None) -> list[PluginPackage]:
        """The plug-in packages that may hold a type ``solution`` refers to: its own, else any analyzed one."""
        own = self.packages.get(solution or "", [])
        return own or [p for found in self.packages.values() for p in found]

    def message_definition(self, name: str) -> Component | None:
        return self.apis.get(name.lower()) or self.actions_by_message.get(name.lower())

    # messages.Definitions: what the analyzed solutions define, for messages.resolve
    def action_message(self, message_id: str) -> tuple[str, str] | None:
        action = self.actions_by_id.get(message_id)
        return (action.message_name, action.key) if action is not None and action.message_name else None

    def definition(self, name: str) -> tuple[str, str] | None:
        found = self.message_definition(name)
        if isinstance(found, CustomApi):
            return found.unique_name, found.key
        if isinstance(found, Workflow) and found.message_name:
            return found.message_name, found.key
        return None


def _type_name(c: PluginType) -> str:
    """How a plug-in type is known without its id: ``ns.type, assembly`` (lower-case)."""
    if c.assembly_qualified_name:
        return type_identity(c.assembly_qualified_name)
    return f"{c.type_name}, {c.assembly_name}".lower()


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



def candidate_keys(node) -> list[str]:
    """Component keys a MissingDependency node may stand for: ``node_keys``, and the key the reader gives a
    root component of a kind the model does not describe (``other:<type>:<id or schema name>``)."""
    others = [f"other:{node.type}:{v}" for v in (node.id, (node.schema_name or "").lower()) if v]
    return others + node_keys(node)

def build_graph(solutions: list[Solution], code: Iterable[CodeFile] = ()) -> DependencyGraph:
    """``code``: source files outside the solutions (``--sources``); each solution's own scripts are in
    ``Solution.code``."""
    graph = DependencyGraph()
    index = _Index(solutions)
    graph._declared_needs = index.declared_needs
    for s in solutions:
        for c in s.components:
            graph.add_component(c)
    for group in index.same_type_groups():
        graph._same_types.update(dict.fromkeys(group, group))
    for s in solutions:
        sol_key = f"solution:{s.unique_name.lower()}"
        graph.nx.add_node(sol_key, component=None, kind="solution", name=s.unique_name, solution=s.unique_name,
                          external=None)
        for c in sorted(s.components, key=lambda c: c.key):
            graph.add_edge(sol_key, c.key, CONTAINS)
            _link(graph, index, c)
    types = _plugin_types_by_name(graph)
    for f in [f for s in solutions for f in s.code] + list(code):
        _link_code(graph, index, f)
        _link_classes(graph, types, f)
        _link_step_types(graph, types, f)
    return graph


def _plugin_types_by_name(graph: DependencyGraph) -> dict[str, list[str]]:
    """Full class name (lower-case) -> the analyzed plug-in types of that name."""
    types: dict[str, list[str]] = {}
    for key in graph.nodes("plugin_type"):
        component = graph.component(key)
        if isinstance(component, PluginType) and component.type_name:
            types.setdefault(component.type_name.lower(), []).append(key)
    return types


def _link_classes(graph: DependencyGraph, types: dict[str, list[str]], f: CodeFile) -> None:
    """A class whose namespace + class name is an analyzed plug-in type's name is that type's code: an edge from
    its file, and the class (its parameter keys) and its registration attributes kept for the rules."""
    caller = f.web_resource if f.web_resource in graph else f"source_file:{f.path}"
    for handler in f.handlers:
        for key in types.get(handler.type_name.lower(), []):
            if caller not in graph:
                graph.add_reference(caller, None, f.path, kind="source_file")
            graph.add_edge(caller, key, IMPLEMENTS)
            graph._classes.setdefault(key, []).append(handler)
            graph._registrations.setdefault(key, []).extend(
                r for r in f.registrations if r.type_name == handler.type_name)


def _link_code(graph: DependencyGraph, index: _Index, f: CodeFile) -> None:
    """A script or source file calls the messages its code names: an edge to each, and every call kept."""
    caller = f.web_resource if f.web_resource in graph else f"source_file:{f.path}"
    if caller not in graph:
        graph.add_reference(caller, None, f.path, kind="source_file")
    for call in f.calls:
        # An unbound URL names a message or a table alike; a relative path given to an HTTP helper
        # (analyzer.code.webapi) is a call only when a message has that name, never an unknown to judge.
        url = call.via in ("url", "relative url")
        kind = _url_kind(graph, index, call.message) if url and call.message else _MESSAGE
        if kind == _TABLE or (kind == _UNKNOWN_NAME and call.via == "relative url"):
            continue
        if kind == _UNKNOWN_NAME:
            graph._unknown_urls.append((caller, call))
            continue
        ref = None if call.dynamic or not call.message else _message(graph, index, call.message)
        graph._code_calls.append((caller, call, ref))
        if ref is not None and ref.key:
            graph.add_edge(caller, ref.key, CALLS_FROM_CODE)


_MESSAGE, _TABLE, _UNKNOWN_NAME = "message", "table", "unknown"


def _url_kind(graph: DependencyGraph, index: _Index, name: str) -> str:
    """What an unbound URL (``/api/data/v9.2/<name>``) names: a message or a table's entity set alike. A message
    when an analyzed definition, a platform message or a MissingDependency has the name; a table when an analyzed,
    referenced or declared table has it as its logical name, schema name, entity set or plural; else unknown."""
    lower = name.lower()
    if (index.definition(name) is not None or sdk_messages.message_id(name) is not None
            or message_key(name) in index.declared):
        return _MESSAGE
    if lower in index.entities:
        return _TABLE
    for singular in _singulars(lower):
        key = f"entity:{singular}"
        if singular in index.entities or key in graph or key in index.declared:
            return _TABLE
    return _UNKNOWN_NAME


def _singulars(plural: str) -> list[str]:
    """The logical names whose default entity set is ``plural`` (contoso_requests, contoso_addresses,
    contoso_categories), and ``plural`` itself."""
    found = [plural]
    if plural.endswith("ies"):
        found.append(plural[:-3] + "y")
    if plural.endswith("es"):
        found.append(plural[:-2])
    if plural.endswith("s"):
        found.append(plural[:-1])
    return found


def _link(graph: DependencyGraph, index: _Index, c: Component) -> None:
    if isinstance(c, Step):
        _link_step(graph, index, c)
    elif isinstance(c, StepImage):
        graph.add_edge(c.key, c.step_key, IMAGE_OF)
        step = graph.component(c.step_key)
        table = step.primary_entity if isinstance(step, Step) else None
        for column in c.attributes:
            _column(graph, index, c.key, table, column, IMAGE_COLUMN)
    elif isinstance(c, Entity):
        _link_table(graph, index, c)
    elif isinstance(c, WebResource):
        for name in c.dependencies:
            _web_resource(graph, index, c.key, name, LOADS_DEPENDENCY)
        for table, column in c.column_dependencies:
            _column(graph, index, c.key, table, column, USES_COLUMN)
    elif isinstance(c, OtherComponent):
        for ref in c.web_resources:
            if not ref.startswith("id:"):
                _web_resource(graph, index, c.key, ref, APP_RESOURCE)
            elif f"web_resource:{ref[3:]}" in graph:  # an app icon by id; a platform icon is not analyzed
                graph.add_edge(c.key, f"web_resource:{ref[3:]}", APP_RESOURCE)
    elif isinstance(c, PluginType):
        graph.add_edge(c.key, c.assembly_key, IN_ASSEMBLY)
    elif isinstance(c, CustomApiField):
        graph.add_edge(c.key, c.api_key, PARAMETER_OF)
    elif isinstance(c, CustomApi):
        _link_custom_api(graph, index, c)
    elif isinstance(c, Workflow):
        _link_workflow(graph, index, c)
    elif isinstance(c, DataProvider):
        _link_data_provider(graph, index, c)
    elif isinstance(c, Catalog | CatalogAssignment):
        _link_catalog(graph, index, c)


def _ref_type(graph: DependencyGraph, index: _Index, source: str, type_id: str | None, aqn: str | None,
              edge: str) -> None:
    found = index.plugin_type(type_id, aqn)
    if found is not None:  # one edge; the other types of its name are found through graph.same_types
        graph.add_edge(source, index.own_copy(found, graph.node(source).get("solution")).key, edge)
        return
    if not type_id and not aqn:
        return
    key = f"plugin_type:{type_id}" if type_id else f"plugin_type:{type_identity(aqn)}"
    name = split_qualified_name(aqn)[0] if aqn else type_id
    alt = f"plugin_type:{type_identity(aqn)}" if aqn else None
    declared = key in index.declared or (alt is not None and alt in index.declared)
    packages = [] if declared else index.packages_for(graph.node(source).get("solution"))
    graph.add_reference(key, DECLARED if declared else PACKAGED if packages else UNRESOLVED, name)
    graph.add_edge(source, key, edge)
    if packages and graph.external(key) == PACKAGED:
        _link_package(graph, key, packages)


def _link_package(graph: DependencyGraph, type_key: str, packages: list) -> None:
    """A plug-in type no PluginAssemblies entry lists, presumed to be in one of ``packages``.

    The export lists a package but not the assemblies and types inside its .nupkg, so the files cannot
    show the type is missing: the reference is provided by the package, not unresolved."""
    for package in packages:
        graph.add_edge(type_key, package.key, PROVIDED_BY)


def _message(graph: DependencyGraph, index: _Index, name: str | None, message_id: str | None = None, *,
             hint: bool = False) -> MessageRef:
    """Resolve a reference to a message (``messages.resolve``, the one place that decides) and make sure
    its node exists, linked to its definition."""
    ref = resolve(index, message_id=message_id, name=name, hint=hint)
    if ref.key is None or ref.key in graph:
        return ref
    if ref.definition is not None:
        graph.add_reference(ref.key, None, ref.name, kind="sdk_message")
        graph.add_edge(ref.key, ref.definition, DEFINED_BY)
    elif ref.platform:
        graph.add_reference(ref.key, PLATFORM, ref.name, kind="sdk_message")
    else:
        graph.add_reference(ref.key, DECLARED if ref.key in index.declared else UNRESOLVED,
                            ref.name or ref.message_id, kind="sdk_message")
    graph.node(ref.key)["prefix"] = name_prefix(ref.name)
    return ref


def _entity(graph: DependencyGraph, index: _Index, source: str, name: str | None, edge: str = ON_ENTITY) -> None:
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
    graph.add_edge(source, key, edge)


def _web_resource(graph: DependencyGraph, index: _Index, source: str, name: str, edge: str) -> None:
    """``source`` needs the web resource of that name (references are by name; keys by id)."""
    # by name, so the source's own solution's copy first: several solutions may ship one name with other ids
    solution = graph.node(source).get("solution") or ""
    key = index.web_resources_in.get((name.lower(), solution)) or index.web_resources.get(name.lower())
    if key is None:
        key = f"web_resource:{name.lower()}"
        graph.add_reference(key, DECLARED if key in index.declared else UNRESOLVED, name, kind="web_resource")
    graph.add_edge(source, key, edge)


def _column(graph: DependencyGraph, index: _Index, source: str, table: str | None, column: str, edge: str) -> None:
    """``source`` needs a column: node ``column:<table>.<column>``, part of its table's node. A column no
    analyzed table defines is a system column (no publisher prefix), or declared or unresolved."""
    if not table or not column:
        return
    table, column = table.lower(), column.lower()
    key = f"column:{table}.{column}"
    if key not in graph:
        if column in index.columns.get(table, ()):
            external = None
        elif "_" not in column:
            external = PLATFORM
        else:
            external = DECLARED if key in index.declared else UNRESOLVED
        graph.add_reference(key, external, column, kind="column")
        graph.node(key)["table"] = table
        _entity(graph, index, key, table, IN_TABLE)
    graph.add_edge(source, key, edge)


def _link_table(graph: DependencyGraph, index: _Index, table: Entity) -> None:
    """The table's forms, views and ribbon commands become nodes (part of the table), with what they need."""
    sol_key = f"solution:{table.solution.lower()}"
    for form in table.form_details:
        graph.add_component(form)
        graph.add_edge(sol_key, form.key, CONTAINS)
        graph.add_edge(form.key, table.key, IN_TABLE)
        for name in form.libraries:
            _web_resource(graph, index, form.key, name, LOADS_LIBRARY)
        for handler in form.handlers:
            _web_resource(graph, index, form.key, handler.library, HANDLES_EVENT)
        for name in form.web_resources:
            _web_resource(graph, index, form.key, name, EMBEDS)
        for column in form.columns:
            _column(graph, index, form.key, table.logical_name, column, SHOWS_COLUMN)
    for view in table.view_details:
        graph.add_component(view)
        graph.add_edge(sol_key, view.key, CONTAINS)
        graph.add_edge(view.key, table.key, IN_TABLE)
        for table_name, column in view.columns:
            _column(graph, index, view.key, table_name, column, LISTS_COLUMN)
    for command in table.ribbon_commands:
        graph.add_component(command)
        graph.add_edge(sol_key, command.key, CONTAINS)
        graph.add_edge(command.key, table.key, IN_TABLE)
        for function in command.functions:
            _web_resource(graph, index, command.key, function.library, RIBBON_SCRIPT)


def _link_step(graph: DependencyGraph, index: _Index, step: Step) -> None:
    ref = _message(graph, index, infer_message(step.name), step.message_id, hint=True)
    graph.node(step.key)["message"] = ref
    if ref.key:
        graph.add_edge(step.key, ref.key, REGISTERED_ON)
    _ref_type(graph, index, step.key, step.plugin_type_id, step.plugin_type_name, HANDLER)
    _entity(graph, index, step.key, step.primary_entity)
    for column in step.filtering_attributes:
        _column(graph, index, step.key, step.primary_entity, column, FILTERS_ON)


def _link_custom_api(graph: DependencyGraph, index: _Index, api: CustomApi) -> None:
    message = _message(graph, index, api.unique_name).key
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
        message = _message(graph, index, call.message_name, call.message_id).key
        if message:
            graph.add_edge(wf.key, message, INVOKES)
    for child_id in wf.child_workflows:
        key = f"workflow:{child_id}"
        if key not in graph:
            graph.add_reference(key, DECLARED if key in index.declared else UNRESOLVED, child_id, kind="workflow")
        graph.add_edge(wf.key, key, CHILD_WORKFLOW)
    for call in wf.flow_calls:
        message = _message(graph, index, call.action_name).key
        if message:
            graph.add_edge(wf.key, message, CALLS)
    for trigger in wf.flow_triggers:
        if trigger.kind == "message" and trigger.message:
            message = _message(graph, index, trigger.message).key
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
    for column in wf.trigger_on_update_attributes:
        _column(graph, index, wf.key, wf.primary_entity, column, WATCHES_COLUMN)


def _link_data_provider(graph: DependencyGraph, index: _Index, provider: DataProvider) -> None:
    """A data provider needs the plug-in type of each operation it implements (by id, or by the full class name
    the importer resolves it by), and its data source table."""
    named = None
    for _operation, type_id, type_name in provider.plugin_types:
        if type_id:
            _ref_type(graph, index, provider.key, type_id, None, RUNS_OPERATION)
            continue
        named = named if named is not None else _plugin_types_by_name(graph)
        found = named.get((type_name or "").lower(), [])
        for key in found:
            graph.add_edge(provider.key, key, RUNS_OPERATION)
        if not found:
            _ref_type(graph, index, provider.key, None, type_name, RUNS_OPERATION)
    _entity(graph, index, provider.key, provider.data_source)


def _link_catalog(graph: DependencyGraph, index: _Index, c: Catalog | CatalogAssignment) -> None:
    """A category needs its parent catalog; an assignment its catalog and the table, Custom API or action
    (workflow id) it offers as a business event."""
    catalog = c.parent if isinstance(c, Catalog) else c.catalog
    if catalog:
        key = f"catalog:{catalog}"
        if key not in graph:
            graph.add_reference(key, DECLARED if key in index.declared else UNRESOLVED, catalog, kind="catalog")
        graph.add_edge(c.key, key, IN_CATALOG)
    if not isinstance(c, CatalogAssignment) or not c.object:
        return
    if c.object_type == "entity":
        _entity(graph, index, c.key, c.object, ASSIGNS)
        return
    kind = {"customapi": "custom_api", "workflow": "workflow"}.get(c.object_type)
    if kind is None:
        return
    key = f"{kind}:{c.object}"
    if key not in graph:
        graph.add_reference(key, DECLARED if key in index.declared else UNRESOLVED, c.object, kind=kind)
    graph.add_edge(c.key, key, ASSIGNS)


def _link_step_types(graph: DependencyGraph, types: dict[str, list[str]], f: CodeFile) -> None:
    """Code that creates ``sdkmessageprocessingstep`` records registers steps at run time for the plug-in types
    it names: a full class name as a string, or a ``typeof`` operand (a class name, matched to the types of that
    last name when the operand is not qualified)."""
    if not f.step_types:
        return
    caller = f.web_resource if f.web_resource in graph else f"source_file:{f.path}"
    by_last: dict[str, list[str]] = {}
    for name, keys in types.items():
        by_last.setdefault(name.rsplit(".", 1)[-1], []).extend(keys)
    for name, _where in f.step_types:
        name = name.lower()
        for key in types.get(name) or ([] if "." in name else by_last.get(name, [])):
            if caller not in graph:
                graph.add_reference(caller, None, f.path, kind="source_file")
            graph.add_edge(caller, key, REGISTERS_STEPS)
