from __future__ import annotations

from collections.abc import Iterator

from analyzer.graph import (
    CALLS,
    CHILD_WORKFLOW,
    DEFINED_BY,
    HANDLER,
    INVOKES,
    PART_EDGES,
    REGISTERED_ON,
    TRIGGERED_BY,
    UNRESOLVED,
    USES_ACTIVITY,
    DependencyGraph,
)
from analyzer.model import Component, PluginType, Workflow
from analyzer.names import type_identity
from analyzer.rule import RuleContext, Severity, rule

from ._versions import solution_pairs

# How the message says each way of requiring something; any other edge "still requires" it.
_VERBS = {REGISTERED_ON: "is still registered on {}", HANDLER: "still names {} as its handler",
          CALLS: "still calls {}", INVOKES: "still invokes {}", TRIGGERED_BY: "is still triggered by {}",
          USES_ACTIVITY: "still uses the custom workflow activity {}", CHILD_WORKFLOW: "still starts {}"}
_MESSAGE_EDGES = {REGISTERED_ON, CALLS, INVOKES, TRIGGERED_BY}
_TYPE_EDGES = {HANDLER, USES_ACTIVITY}


def removed(ctx: RuleContext) -> Iterator[Component]:
    """OLD's components of the solutions NEW also holds that no solution in NEW (or given with --with) has, in
    key order. A part whose whole is removed too (a type of a removed assembly) is reported with its whole."""
    graph = ctx.graph
    gone = {c.key: c for old, _new in solution_pairs(ctx) for c in old.components if graph.component(c.key) is None}
    for key in sorted(gone):
        wholes = ctx.previous.graph.requires(key, PART_EDGES)
        if not any(whole in gone for whole in wholes):
            yield gone[key]


def new_names(graph: DependencyGraph, key: str) -> set[str]:
    """The keys NEW's graph may give an OLD node that is gone: its own, and the one a reference to it gets once
    nothing defines it (an action's message by the action's SdkMessageId, a plug-in type by its name)."""
    names = {key}
    for definition in graph.requires(key, [DEFINED_BY]):
        action = graph.component(definition)
        if isinstance(action, Workflow) and action.sdk_message_id:
            names.add(f"sdk_message:{action.sdk_message_id}")
    c = graph.component(key)
    if isinstance(c, PluginType) and c.assembly_qualified_name:
        names.add(f"plugin_type:{type_identity(c.assembly_qualified_name)}")
    return names


def declared(ctx: RuleContext, requirer: Component, types: frozenset[str]) -> bool:
    """NEW's export lists the need as a MissingDependency: the component moved to a solution imported first."""
    return bool(types & _MESSAGE_EDGES and ctx.graph.declares_message_need(requirer)
                or types & _TYPE_EDGES and ctx.graph.declares_need(requirer, ("90",)))


def requirers(ctx: RuleContext, gone: Component) -> Iterator[tuple[Component, str, str, frozenset[str]]]:
    """(NEW component, OLD part it needs, NEW node it needs it by, edge types) for each need of ``gone``."""
    old, new = ctx.previous.graph, ctx.graph
    for part in sorted(old.parts(gone.key)):
        for node in sorted(new_names(old, part)):
            # Only a node nothing in NEW provides: a definition in NEW (the same message from a Custom API),
            # a declared dependency or a plug-in package that may hold the type all mean it is still there.
            if node not in new or new.external(node) != UNRESOLVED:
                continue
            for dependent in new.dependents(node):
                requirer = new.component(dependent)
                # a call in code is no dependency: the upgrade deletes the message and the call fails (DV601)
                types = new.tracked(dependent, node) - PART_EDGES
                if requirer is not None and types and not declared(ctx, requirer, types):
                    yield requirer, part, node, types


def what(graph: DependencyGraph, gone: Component, part: str) -> str:
    """The part as the message names it: ``contoso_Approve, the message of action contoso_Approve``."""
    if part == gone.key:
        return gone.display
    c = graph.component(part)
    label = c.display if c is not None else graph.name(part)
    relation = "the message of" if graph.node(part).get("kind") == "sdk_message" else "part of"
    return f"{label}, {relation} {gone.display}"


@rule(id="DV501", name="removed-component-still-required", severity=Severity.ERROR,
      title="The new version removes a component that something in the new version still requires",
      fix="Keep the component in the new version, or remove (or repoint) what still requires it in the same release.",
      tags={"lifecycle", "dependency", "upgrade", "delete"})
def check(ctx: RuleContext):
    """## What it does
    In `dvsa diff`, finds each component of OLD that NEW no longer ships (no solution of NEW,
    nor one given with `--with PATH`, has it) while a component of NEW or of a `--with`
    solution still requires it or one of its parts: a step still registered on the message of
    a removed action or Custom API, a step or Custom API still naming a removed plug-in type
    as its handler, a flow or workflow still calling a removed message, a workflow still
    using a removed custom workflow activity. The finding is on the component that still
    requires it and names the path.

    ## Why is this bad?
    Importing a managed solution as an upgrade (the default when a version is installed)
    deletes the components the new version no longer contains. Dataverse refuses to delete a
    component others depend on: the upgrade fails on the dependency (or the delete stays
    blocked). Registering a plug-in step on a custom process action, for instance, creates a
    dependency that prevents deleting the action. Imported as an update instead, nothing is
    deleted: the component stays behind in the environment, no longer shipped by anyone,
    and the next upgrade meets the same dependency.

    ## Example
    OLD ships action `contoso_Approve` and step 'Post Approve' (PostOperation, sync) on its
    message. NEW drops the action from the solution but keeps the step: the step is still
    registered on `contoso_Approve`, the message of the removed action.

    ## How to fix
    Keep the component in NEW, or remove (or re-register) the requirers in the same
    release. When the component moves to another solution, ship that solution first: NEW's
    export then lists it under MissingDependencies, and it is no longer reported.

    Calls written in code (script web resources, `--sources`) are not dependencies: Dataverse
    does not track them, so the upgrade succeeds and the call fails at run time. DV601 reports
    those, naming the version that still defined the message.

    ## Severity
    An error: an upgrade deletes what the new version no longer contains, and the platform
    refuses to delete a component others depend on (Learn, "Update solutions" and "Use Custom
    Process Actions with code": a step on an action prevents deleting it), so the upgrade fails.

    ## Known limitations
    Only the analyzed solutions are seen: give the solutions that extend this one with
    `--with PATH`. A need NEW's export declares as a MissingDependency, and a plug-in type a
    shipped plug-in package may hold, count as provided. Requirers registered directly in the
    target environment also block the deletion and are not seen.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
    - https://learn.microsoft.com/power-platform/alm/update-solutions-alm
    - https://learn.microsoft.com/power-apps/maker/data-platform/update-solutions
    """
    if ctx.previous is None:
        return
    for gone in removed(ctx):
        for requirer, part, node, types in requirers(ctx, gone):
            verb = next((v for t, v in _VERBS.items() if t in types), "still requires {}")
            yield ctx.finding(
                requirer,
                f"{requirer.display} {verb.format(what(ctx.previous.graph, gone, part))}, which the new version of "
                f"{gone.solution} removes: the upgrade that deletes it fails on this dependency",
                related=[gone.key, part, node])
