from analyzer.model import Workflow
from analyzer.rule import RuleContext, Severity, bounded, rule


@rule(id="DV103", name="action-plugin-vehicle", severity=Severity.WARNING,
      title="Custom process action used only as a message for plug-in steps; a Custom API fits better",
      fix="Define the message as a Custom API with the plug-in as its main operation, and retire the action.",
      tags={"action", "step", "custom-api", "design"})
def check(ctx: RuleContext):
    """## What it does
    Finds custom process actions (processes of category 3) whose own workflow has no
    steps at all, while plug-in steps registered on the action's message carry the
    logic: the "action as a plug-in vehicle" pattern.

    ## Why is this bad?
    Microsoft documents this pattern (an action created only to get a message, with all the
    logic in plug-in steps) as the reason Custom APIs exist, and recommends moving it to a
    Custom API. The action carries costs a Custom API does not: its message exists only while
    its workflow is activated (a Draft action breaks the import of its steps, DV101), the
    steps pin the action so it cannot be deleted (DV102), and the workflow designer is the
    only supported way to edit it. A Custom API runs the plug-in as the message's main
    operation and can require a privilege, be private, be an OData function, bind to a table
    collection, restrict which steps others may register, and be edited as solution files.

    ## Example
    Action `contoso_CalculateQuote` with XAML whose `<mxswa:Workflow />` is empty, and step
    "Post Calculate Quote" (PostOperation, sync) on its message doing all the work.

    ## How to fix
    Create a Custom API with the same unique name, parameters and response properties, set
    its plug-in type to the code that the steps run, move callers to it, then remove the
    steps and the action.

    ## Known limitations
    "No logic of its own" means the action's XAML body has no activity at all (the empty
    `<mxswa:Workflow />` that real exports carry for such actions). Actions whose body file
    is missing are skipped.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
      (plug-in steps on an action's PreValidation, PreOperation and PostOperation stages,
      "frequently not defining any workflow logic at all"; tip: move to Custom API)
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-actions
      (compare custom process action and Custom API)
    """
    for action in ctx.components(Workflow):
        if not action.is_action or action.has_steps is not False:
            continue  # not an action, an action with logic, or no XAML to tell
        ordered = ctx.graph.steps_on_definition(action.key)
        if not ordered:
            continue
        names = bounded([step.display for step in ordered], sep="; ")
        yield ctx.finding(
            action,
            f"{action.display} has no workflow steps of its own, while the "
            f"plug-in step{'s' if len(ordered) != 1 else ''} on its message carr{'y' if len(ordered) != 1 else 'ies'} "
            f"its logic ({names}): define the message as a Custom API instead",
            related=[step.key for step in ordered])
