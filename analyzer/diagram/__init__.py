"""Dependency diagrams: what to draw (this module) and how each format writes it (one module per format).

``view(graph, findings, …)`` decides once which nodes and edges a diagram shows, what each node is
called and how it looks (its diagram kind, state, origin and worst finding); ``dot``, ``mermaid`` and
``data`` (GraphML, node-link JSON) only write that ``View`` out. Everything is sorted, so the same
input gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from analyzer.errors import SolutionError
from analyzer.graph import (
    APP_RESOURCE,
    CALLS,
    CALLS_FROM_CODE,
    CHILD_WORKFLOW,
    CONTAINS,
    DECLARED,
    DEFINED_BY,
    EMBEDS,
    FILTERS_ON,
    HANDLER,
    HANDLES_EVENT,
    IMAGE_COLUMN,
    IMAGE_OF,
    IN_ASSEMBLY,
    IN_TABLE,
    INVOKES,
    LISTS_COLUMN,
    LOADS_DEPENDENCY,
    LOADS_LIBRARY,
    ON_ENTITY,
    PACKAGED,
    PARAMETER_OF,
    PLATFORM,
    PROVIDED_BY,
    REGISTERED_ON,
    RIBBON_SCRIPT,
    SHOWS_COLUMN,
    TRIGGERED_BY,
    UNRESOLVED,
    USES_ACTIVITY,
    USES_COLUMN,
    USES_CONNECTION,
    WATCHES_COLUMN,
    DependencyGraph,
)
from analyzer.model import Entity, OtherComponent, PluginType, Step, StepImage, Workflow
from analyzer.platform import ComponentType, ProcessCategory, ProcessState
from analyzer.rule import Finding, Severity

DEFAULT_MAX_NODES = 300  # `max-diagram-nodes` in [tool.dvsa]; beyond it a picture is a hairball
DIRECTIONS = ("both", "requires", "required-by")

# Graph kinds drawn without --kinds: processes, plug-ins, messages and what they run on. Tables come
# with --tables or a focus on one; columns, Custom API parameters, roles and option sets only with --kinds
# or a focus. Web resources are drawn where something loads them, with the forms, ribbon commands, web
# resources, site maps and apps that do (SCRIPT_EDGES); an unreferenced web resource only with --kinds or a focus.
DEFAULT_KINDS = frozenset({"workflow", "step", "step_image", "plugin_type", "plugin_assembly", "plugin_package",
                           "custom_api", "sdk_message", "connection_reference"})
SCRIPT_EDGES = (LOADS_LIBRARY, HANDLES_EVENT, EMBEDS, RIBBON_SCRIPT, LOADS_DEPENDENCY, APP_RESOURCE, CALLS_FROM_CODE)
TABLE = "entity"


@dataclass(frozen=True)
class Look:
    """How one diagram kind is drawn: its legend text, Graphviz shape and fill colour."""

    legend: str
    shape: str
    fill: str


# Diagram kinds, in legend order. A process is drawn by its category; everything else by its graph kind.
LOOKS = {
    "action": Look("action", "box", "#cfe2ff"),
    "workflow": Look("classic workflow", "box", "#e2e3f3"),
    "cloud_flow": Look("cloud flow", "box", "#d1f0e0"),
    "business_rule": Look("business rule", "box", "#fff3c4"),
    "bpf": Look("business process flow", "box", "#f6dcef"),
    "sdk_message": Look("message", "ellipse", "#ffffff"),
    "step": Look("plug-in step", "component", "#fde2c8"),
    "step_image": Look("step image", "note", "#fdf0e2"),
    "plugin_type": Look("plug-in type", "cds", "#e8d9f5"),
    "plugin_assembly": Look("plug-in assembly", "folder", "#d9c2ef"),
    "plugin_package": Look("plug-in package", "folder", "#d9c2ef"),
    "custom_api": Look("Custom API", "hexagon", "#c7ecf2"),
    "entity": Look("table", "cylinder", "#eeeeee"),
    "web_resource": Look("web resource", "tab", "#f0ead6"),
    "form": Look("form", "box3d", "#f0ead6"),
    "ribbon_command": Look("ribbon command", "cds", "#f0ead6"),
    "source_file": Look("source file (--sources)", "note", "#f0ead6"),
    "view": Look("view", "box3d", "#eeeeee"),
    "column": Look("column", "cylinder", "#f8f8f8"),
    "connection_reference": Look("connection reference", "parallelogram", "#e4f1d3"),
    "site_map": Look("site map", "box3d", "#e3edf7"),
    "app_module": Look("model-driven app", "box3d", "#d6e4f5"),
    "other": Look("other component", "box", "#ffffff"),
    "external": Look("not in the analyzed solutions", "box", "#f2f2f2"),
}
_CATEGORY_KIND = {ProcessCategory.ACTION: "action", ProcessCategory.CLOUD_FLOW: "cloud_flow",
                  ProcessCategory.DESKTOP_FLOW: "cloud_flow", ProcessCategory.BUSINESS_RULE: "business_rule",
                  ProcessCategory.BPF: "bpf"}
# The root components the model keeps as OtherComponent that a diagram still names by their kind.
_OTHER_KIND = {ComponentType.SITE_MAP.code: "site_map", ComponentType.MODEL_DRIVEN_APP.code: "app_module"}
EXTERNAL_TEXT = {PLATFORM: "platform", DECLARED: "declared missing", UNRESOLVED: "unresolved",
                 PACKAGED: "in a plug-in package"}
SEVERITY_COLOUR = {Severity.ERROR: "#c62828", Severity.WARNING: "#e67e00", Severity.NOTE: "#1f6fb2"}

# Edge labels, read "source <label> target".
RELATION_TEXT = {REGISTERED_ON: "registered on", HANDLER: "handled by", IN_ASSEMBLY: "in assembly",
                 PROVIDED_BY: "provided by", IMAGE_OF: "image of", DEFINED_BY: "defined by",
                 PARAMETER_OF: "parameter of", USES_ACTIVITY: "runs activity", CHILD_WORKFLOW: "runs child",
                 INVOKES: "calls", CALLS: "calls", TRIGGERED_BY: "triggered by", ON_ENTITY: "on table",
                 USES_CONNECTION: "uses connection", LOADS_LIBRARY: "loads library",
                 HANDLES_EVENT: "runs event handlers from", EMBEDS: "embeds", RIBBON_SCRIPT: "runs script",
                 LOADS_DEPENDENCY: "loads", SHOWS_COLUMN: "shows column", FILTERS_ON: "filters on",
                 IMAGE_COLUMN: "image holds", IN_TABLE: "in table", APP_RESOURCE: "shows",
                 LISTS_COLUMN: "lists column", USES_COLUMN: "declares it uses",
                 WATCHES_COLUMN: "starts when it changes", CALLS_FROM_CODE: "calls"}


@dataclass(frozen=True)
class Node:
    key: str
    kind: str  # graph kind: workflow, step, sdk_message…
    look: str  # diagram kind, a key of LOOKS
    name: str  # what people call it: the message name, the step name with its stage and mode
    caption: str  # the second line: what it is and its state ("action · draft", "message (platform)")
    solution: str | None
    assembly: str | None  # the plug-in assembly key a plug-in type is drawn inside
    state: str | None  # active / draft, enabled / disabled; None where a component has none
    external: str | None  # platform / declared / unresolved / package
    severity: Severity | None  # worst unsuppressed finding
    focused: bool

    @property
    def dashed(self) -> bool:
        return self.state in (ProcessState.DRAFT.label, "disabled") or self.external is not None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relations: tuple[str, ...]  # edge types, sorted

    @property
    def label(self) -> str:
        return ", ".join(dict.fromkeys(RELATION_TEXT.get(r, r.replace("_", " ")) for r in self.relations))


@dataclass
class View:
    nodes: list[Node]
    edges: list[Edge]
    assemblies: dict[str, str] = field(default_factory=dict)  # assembly key -> name, for its cluster title

    def looks(self) -> list[str]:
        """The diagram kinds present, in legend order ("external" when any node is not analyzed)."""
        present = {n.look for n in self.nodes} | ({"external"} if any(n.external for n in self.nodes) else set())
        return [look for look in LOOKS if look in present]

    def severities(self) -> list[Severity]:
        present = {n.severity for n in self.nodes}
        return [s for s in SEVERITY_COLOUR if s in present]


class DiagramTooLarge(SolutionError):
    """More nodes than a person can read, and no focus."""


def view(graph: DependencyGraph, findings: Iterable[Finding] = (), *, focus: Iterable[str] = (),
         depth: int | None = None, direction: str = "both", kinds: Iterable[str] | None = None,
         tables: bool = False, max_nodes: int | None = None) -> View:
    """What a diagram shows. ``focus`` names keys or names (``graph.find``); ``max_nodes`` refuses an
    unfocused view larger than that, naming the components to focus on."""
    focus_keys = _focus_keys(graph, focus)
    shown = set(kinds) if kinds is not None else set(DEFAULT_KINDS)
    if tables:
        shown.add(TABLE)
    scripts = {k for s, t, _types in graph.edges(SCRIPT_EDGES) for k in (s, t)} if kinds is None else set()
    keys = _select(graph, shown, focus_keys, 2 if depth is None else depth, direction, scripts)
    if max_nodes is not None and not focus_keys and len(keys) > max_nodes:
        raise DiagramTooLarge(_too_large(graph, keys, max_nodes))
    worst = _worst(findings)
    nodes = [_node(graph, key, worst.get(key), key in focus_keys) for key in sorted(keys)]
    edges = [Edge(s, t, tuple(sorted(types - {CONTAINS}))) for s, t, types in graph.edges()
             if s in keys and t in keys and types - {CONTAINS}]
    assemblies = {n.assembly: graph.name(n.assembly) for n in nodes if n.assembly}
    return View(nodes, edges, assemblies)


def _focus_keys(graph: DependencyGraph, focus: Iterable[str]) -> set[str]:
    keys = set()
    for text in focus:
        keys.add(resolve_one(graph, text))
    return keys


def resolve_one(graph: DependencyGraph, text: str) -> str:
    """The one key ``text`` names, or a SolutionError listing the candidates."""
    found = graph.find(text)
    if not found:
        raise SolutionError(f"no component {text!r} in the analyzed solutions; `dvsa inventory` lists the keys")
    if len(found) > 1:
        listed = "; ".join(f"{describe(graph, k)} = {k}" for k in found[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        raise SolutionError(f"{text!r} names {len(found)} components: {listed}{more}; pass a key")
    return found[0]


def describe(graph: DependencyGraph, key: str) -> str:
    """A component as messages name it: ``action contoso_CheckStatus``, ``message Update``."""
    c = graph.component(key)
    if c is not None:
        return c.display
    kind = graph.node(key).get("kind", "")
    if kind == "column":
        tables = graph.requires(key, [IN_TABLE])
        return f"column {graph.name(key)} of {describe(graph, tables[0]) if tables else 'a table'}"
    noun = {"sdk_message": "message", "entity": "table"}.get(kind, kind.replace("_", " "))
    return f"{noun} {graph.name(key)}"


def _select(graph: DependencyGraph, shown: set[str], focus: set[str], depth: int, direction: str,
            also: set[str]) -> set[str]:
    visible = {k for k in graph.nodes() if graph.node(k).get("kind") in shown} | focus | also
    if not focus:
        return visible
    # Walk only through visible nodes: a hidden table would otherwise join everything on it.
    keys, frontier = set(focus), sorted(focus)
    for _hop in range(depth):
        following = []
        for key in frontier:
            for other in _neighbours(graph, key, direction):
                if other in visible and other not in keys and CONTAINS not in _either(graph, key, other):
                    keys.add(other)
                    if not _shared(graph, other):
                        following.append(other)
        frontier = sorted(following)
    return keys


def _shared(graph: DependencyGraph, key: str) -> bool:
    """Shared infrastructure a walk stops at: a table, a connection reference or a platform message joins
    everything that uses it (45 flows on one Dataverse connection), which says nothing about the focus."""
    return graph.node(key).get("kind") in ("entity", "connection_reference") or graph.external(key) == PLATFORM


def _neighbours(graph: DependencyGraph, key: str, direction: str) -> list[str]:
    if direction == "requires":
        return graph.requires(key)
    if direction == "required-by":
        return graph.dependents(key)
    return graph.requires(key) + graph.dependents(key)


def _either(graph: DependencyGraph, a: str, b: str) -> frozenset[str]:
    return graph.edge_types(a, b) | graph.edge_types(b, a)


def _too_large(graph: DependencyGraph, keys: set[str], max_nodes: int) -> str:
    def degree(key: str) -> int:
        return sum(1 for k in graph.requires(key) + graph.dependents(key) if k in keys)
    biggest = sorted(keys, key=lambda k: (-degree(k), k))[:5]
    named = "; ".join(f"{describe(graph, k)} ({degree(k)} links) = {k}" for k in biggest)
    return (f"the diagram would have {len(keys)} nodes, more than max-diagram-nodes ({max_nodes}): "
            f"draw part of it with --focus KEY_OR_NAME (--depth, --direction), or keep fewer --kinds; "
            f"the most connected: {named}")


def _worst(findings: Iterable[Finding]) -> dict[str, Severity]:
    worst: dict[str, Severity] = {}
    for f in findings:
        current = worst.get(f.component.key)
        if not f.suppressed and (current is None or f.severity.rank > current.rank):
            worst[f.component.key] = f.severity
    return worst


def _node(graph: DependencyGraph, key: str, severity: Severity | None, focused: bool) -> Node:
    data = graph.node(key)
    c = data.get("component")
    kind = data.get("kind") or key.split(":", 1)[0]
    external = data.get("external")
    look = _look(c, kind)  # an external node keeps its kind's shape; the renderers grey it
    state = _state(c)
    name, caption = _words(graph, key, c, look, state, external)
    assembly = c.assembly_key if isinstance(c, PluginType) and c.assembly_key in graph else None
    return Node(key, kind, look, name, caption, _solution(graph, key, c), assembly, state, external, severity,
                focused)


def _solution(graph: DependencyGraph, key: str, c) -> str | None:
    """The solution a node is drawn in: its own, or for a custom message the one that defines it."""
    if c is not None:
        return c.solution
    definition = graph.definition_of(key) if graph.node(key).get("kind") == "sdk_message" else None
    return definition.solution if definition is not None else None


def _look(c, kind: str) -> str:
    if isinstance(c, Workflow):
        category = ProcessCategory(c.category) if c.category is not None else None
        return _CATEGORY_KIND.get(category, "workflow")
    if isinstance(c, OtherComponent) and c.type_code in _OTHER_KIND:
        return _OTHER_KIND[c.type_code]
    return kind if kind in LOOKS else "other"


def _state(c) -> str | None:
    if isinstance(c, Workflow):
        return c.state
    if isinstance(c, Step):
        return "enabled" if c.enabled else "disabled"
    return None


def _words(graph: DependencyGraph, key: str, c, look: str, state: str | None, external: str | None) -> tuple[str, str]:
    """The two lines of a label: the name people know, then what it is (and its state or origin)."""
    kind = graph.node(key).get("kind", "")
    if external:
        noun = LOOKS.get(kind, LOOKS["other"]).legend if kind != "workflow" else "process"
        return graph.name(key), f"{noun} ({EXTERNAL_TEXT.get(external, external)})"
    noun = LOOKS[look].legend
    if isinstance(c, Workflow):
        name = c.message_name if c.is_action and c.message_name else c.name
        return name, f"{noun} · {state}" if state == ProcessState.DRAFT.label else noun
    if isinstance(c, Step):
        return f"{c.name} ({c.stage_name}, {c.mode_name})", f"{noun} · disabled" if state == "disabled" else noun
    if isinstance(c, StepImage):
        return c.name, f"{c.image_type_name} {noun}"
    if isinstance(c, PluginType):
        return c.type_name or c.name, "custom workflow activity" if c.is_workflow_activity else noun
    if isinstance(c, Entity):
        return f"{c.name} ({c.logical_name})" if c.logical_name and c.logical_name != c.name else c.name, noun
    if c is not None:
        return getattr(c, "unique_name", None) or c.name, noun
    return graph.name(key), noun


def wrap(text: str, width: int = 36) -> list[str]:
    """Long names broken where people would break them (after dots, spaces, colons), so a node stays narrow.
    A package's names may hold newlines and control characters: they become spaces or go."""
    text = "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in text)
    lines, line = [], ""
    for piece in _pieces(text):
        if line and len(line) + len(piece) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    lines.append(line.rstrip())
    return [part for part in lines if part] or [""]


def _pieces(text: str) -> list[str]:
    head, paren, tail = text.rpartition(" (")
    if paren and tail.endswith(")"):  # "(PostOperation, sync)" stays whole
        return [*_pieces(head), paren + tail]
    pieces, current = [], ""
    for char in text:
        current += char
        if char in " .:|/":
            pieces.append(current)
            current = ""
    return [*pieces, current] if current else pieces


FORMATS = ("dot", "svg", "png", "mermaid", "graphml", "json")
PICTURES = frozenset({"dot", "svg", "png", "mermaid"})  # formats a person reads: the size limit applies


def render(v: View, fmt: str) -> str | bytes:
    """The view in one of FORMATS: text, or bytes for SVG and PNG (drawn by Graphviz's ``dot``)."""
    from analyzer.diagram import data, dot, mermaid  # the format modules build on this one
    if fmt == "dot":
        return dot.to_source(v)
    if fmt in ("svg", "png"):
        return dot.render(v, fmt)
    if fmt == "mermaid":
        return mermaid.render(v)
    if fmt == "graphml":
        return data.to_graphml(v)
    if fmt == "json":
        return data.to_json(v)
    raise ValueError(f"unknown diagram format {fmt!r}")


def to_digraph(graph: DependencyGraph, findings: Iterable[Finding] = (), *, focus: str | Iterable[str] | None = None,
               **selection):
    """The DOT diagram (``graphviz.Digraph``) of ``view(graph, findings, …)``; ``focus`` may be one key."""
    from analyzer.diagram import dot
    focus = [focus] if isinstance(focus, str) else list(focus or ())
    return dot.to_digraph(view(graph, findings, focus=focus, **selection))
