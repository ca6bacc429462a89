from analyzer.graph import (
    CALLS,
    CHILD_WORKFLOW,
    HANDLER,
    INVOKES,
    REGISTERED_ON,
    TRIGGERED_BY,
    UNRESOLVED,
    USES_ACTIVITY,
)
from analyzer.messages import FIRST_PARTY_PREFIXES
from analyzer.model import CustomApi, Step, Workflow
from analyzer.names import split_qualified_name, type_identity
from analyzer.rule import RuleContext, Severity, rule

# The references this rule judges. Tables (on_entity) and connection references are other rules' business.
_REFERENCES = (REGISTERED_ON, HANDLER, USES_ACTIVITY, CHILD_WORKFLOW, INVOKES, CALLS, TRIGGERED_BY)
_KINDS = {"sdk_message", "plugin_type", "workflow", "custom_api"}

# MissingDependency Required types that can stand for a plug-in type (messages: graph.declares_message_need).
_TYPE_DECLARATIONS = {"90", "plugintype"}

_UNDEFINED = ("that no Custom API or custom process action in the analyzed solutions defines and that "
              "MissingDependencies does not declare")
_ABSENT = "which is in none of the analyzed solutions and is not declared in MissingDependencies"


def _custom_message(ctx: RuleContext, target: str) -> str | None:
    """The message a reference names when it is a custom one (``contoso_DoThing``), else None.

    The graph records each message's publisher prefix (none for platform messages); prefixes in
    ``trusted-prefixes`` belong to Microsoft's first-party apps, expected in every target
    environment. This option is the one place that judges a prefix."""
    prefix = ctx.graph.node(target).get("prefix")
    trusted = {p.lower().rstrip("_") for p in ctx.options.get("trusted-prefixes", ())}
    if prefix is None or prefix in trusted:
        return None
    return ctx.graph.name(target)


def _flow_detail(wf: Workflow, message: str) -> str:
    for call in wf.flow_calls:
        if call.action_name.lower() == message.lower():
            where = f" in flow action '{call.step_name}'" if call.step_name else ""
            return f"calls {message} ({call.operation}{where})"
    return f"is triggered when {message} is performed"


def _describe(ctx: RuleContext, comp, target: str, types: frozenset[str]) -> str | None:
    kind = ctx.graph.node(target)["kind"]
    if kind == "sdk_message":
        message = _custom_message(ctx, target)
        if message is None:
            return None
        # Steps and XAML "Perform Action" steps are dependencies the platform records at export; a flow's
        # actionName is not, so a flow's own MissingDependencies (child flows, tables) say nothing here.
        tracked = isinstance(comp, Step) or INVOKES in types
        if tracked and ctx.graph.declares_message_need(comp):
            return None
        if isinstance(comp, Step):
            ref = ctx.graph.message_ref(comp.key)
            shown = f"{message} (SdkMessageId {ref.message_id})" if ref.message_id else message
            return (f"{comp.display} is registered on message {shown}, a custom message {_UNDEFINED}: "
                    f"the import fails on the step")
        if isinstance(comp, Workflow) and CALLS in types:
            return (f"{comp.display} {_flow_detail(comp, message)}, a custom message {_UNDEFINED}: the platform "
                    f"does not track this reference, so the flow fails at run time")
        if isinstance(comp, Workflow) and TRIGGERED_BY in types:
            return (f"{comp.display} is triggered when {message} is performed, a custom message {_UNDEFINED}: "
                    f"the trigger never fires")
        return (f"{comp.display} runs the action {message}, a custom message {_UNDEFINED}: "
                f"the import fails on the process")
    if kind == "plugin_type":
        if ctx.graph.declares_need(comp, _TYPE_DECLARATIONS):
            return None
        if USES_ACTIVITY in types:
            aqn = next((a for a in getattr(comp, "custom_activities", ()) if type_identity(a) ==
                        target.split(":", 1)[1]), None)
            return (f"{comp.display} uses custom workflow activity {_type_label(ctx.graph.name(target), aqn)}, "
                    f"{_ABSENT}: the import fails on the process")
        if isinstance(comp, CustomApi):
            return (f"{comp.display} is implemented by plug-in type {ctx.graph.name(target)}, {_ABSENT}: "
                    f"the import fails on the Custom API")
        aqn = comp.plugin_type_name if isinstance(comp, Step) else None
        return (f"{comp.display} runs plug-in type {_type_label(ctx.graph.name(target), aqn)}, {_ABSENT}: "
                f"the import fails on the step")
    if kind == "workflow":
        return (f"{comp.display} starts child workflow {ctx.graph.name(target)}, {_ABSENT}: "
                f"the import fails on the process")
    return f"{comp.display} requires {ctx.graph.name(target)}, {_ABSENT}"


def _type_label(name: str, aqn: str | None) -> str:
    """``Contoso.Plugins.Audit (assembly Contoso.Plugins)`` when the assembly-qualified name is known."""
    assembly = split_qualified_name(aqn)[1] if aqn else ""
    return f"{name} (assembly {assembly})" if assembly else name


@rule(id="DV401", name="unresolved-reference", severity=Severity.ERROR,
      title="A step, process, flow or Custom API refers to a custom message, plug-in type or process that is neither "
            "shipped nor declared",
      fix="Add the referenced component to the solution, import the solution that contains it first and declare "
          "it, or fix the reference.",
      tags={"dependency", "import", "step", "flow", "custom-api"},
      options={"trusted-prefixes": list(FIRST_PARTY_PREFIXES)})
def check(ctx: RuleContext):
    """## What it does
    Finds references that resolve to nothing: a plug-in step on a custom message, a cloud flow
    calling or triggered by a custom message, a classic process invoking a custom action, a
    step or Custom API whose plug-in type, or a process whose custom workflow activity or child
    workflow, is in none of the analyzed solutions, is not a platform component, and is not
    declared in solution.xml `MissingDependencies`. The finding is on the component that holds
    the reference. Table and connection-reference targets are left to other rules.

    A message counts as custom when its name carries a publisher prefix (`contoso_DoThing`):
    Custom API unique names and custom action messages always do, platform messages
    (`Create`, `QualifyLead`, `RetrieveEnvironmentVariableSecretValue`, `PvaPublish`,
    `UpdatePreExportStepStatus`) never contain `_`. A step whose `SdkMessageId` is unknown is
    judged by its generated name ("Contoso.Plugins.X: QualifyLead of lead"): a platform name
    there is not a broken reference.

    ## Why is this bad?
    Import of a solution fails when a required component is neither in the solution nor in
    the target environment. A step, a Custom API and a process record their dependencies, so
    the import stops on them. A cloud flow's `actionName` is not tracked at all: the export and
    the import succeed, and the flow fails the first time it runs.

    ## Example
    Flow "Sync orders" has a "Perform an unbound action" with `actionName` `contoso_SyncOrders`,
    and no analyzed solution has a Custom API `contoso_SyncOrders` or an action with that
    message. Step "Contoso.Plugins.Audit: contoso_Approve of account" has an `SdkMessageId`
    that no analyzed action owns.

    ## How to fix
    Add the Custom API, action, plug-in type or workflow to the solution; or, when it ships in
    a base solution, analyze both together (`dvsa check base.zip app.zip`) and let the
    dependency be declared at export; or correct the name.

    ## Severity
    An error: the import fails when a required component is neither in the solution nor in the
    target environment (Learn, "Dependency tracking for solution components"); a flow's action
    name is not tracked, and the flow fails when it runs.

    ## Options
    - `trusted-prefixes` (list, default `["msdyn", "mspp", "adx"]`): publisher prefixes of
      Microsoft first-party apps (Dynamics 365, Power Pages) whose messages are expected to
      exist in the target environment; references to them are not reported.

    ## Known limitations
    - A step whose `SdkMessageId` names no known message and whose name does not follow the
      generated "Type: Message of table" pattern is not judged here: it may be a platform message
      newer than the analyzer's table of 581 ids. DV408 reports it as a warning.
    - A custom message without `_` would pass as a platform message; Dataverse requires the
      prefix on Custom API unique names and adds it to action messages, so this needs a
      hand-made message.
    - A plug-in type that no PluginAssemblies entry lists is not reported while an analyzed
      solution ships a plug-in package (`pluginpackages/<name>/pluginpackage.xml`): the export
      does not list the assemblies and types inside the package's NuGet file, so the type is
      taken as provided by the package, which the files cannot confirm or rule out.

    ## References
    - https://learn.microsoft.com/power-platform/alm/dependency-tracking-solution-components
      ("Import of a solution fails if all required components aren't included in the solution
      and also don't exist in the target environment")
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables
      (Custom API unique name: "must include a customization prefix that matches the prefix set
      for your solution publisher")
    - https://learn.microsoft.com/power-automate/dataverse/bound-unbound
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow/workflow-extensions
    """
    graph = ctx.graph
    for comp in ctx.components():
        for target in graph.requires(comp.key, _REFERENCES):
            if graph.external(target) != UNRESOLVED or graph.node(target).get("kind") not in _KINDS:
                continue
            message = _describe(ctx, comp, target, graph.edge_types(comp.key, target))
            if message:
                yield ctx.finding(comp, message, related=[target])
