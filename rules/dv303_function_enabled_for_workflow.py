from analyzer.model import CustomApi
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV303", name="function-enabled-for-workflow", severity=Severity.ERROR,
      title="Custom API function enabled for workflow",
      fix="Create the Custom API as an action (Is Function: No), or turn off Enabled for Workflow.",
      tags={"custom-api", "workflow"})
def check(ctx: RuleContext):
    """## What it does
    Finds Custom APIs that are a function (`<isfunction>1</isfunction>`) and are also enabled for
    workflow (`<workflowsdkstepenabled>1</workflowsdkstepenabled>`).

    ## Why is this bad?
    Enabled for Workflow makes the Custom API callable as a step in the classic workflow designer,
    and that is only possible for actions: a Custom API enabled for workflow can't be a function.
    The combination is invalid, and both columns are fixed once the Custom API is saved, so it
    can't be corrected in the target environment.

    ## Example
    `customapis/contoso_GetQuota/customapi.xml` has `<isfunction>1</isfunction>` and
    `<workflowsdkstepenabled>1</workflowsdkstepenabled>`.

    ## How to fix
    Decide what the Custom API is for. To call it from workflows, re-create it as an action
    (`<isfunction>0</isfunction>`); to keep it a `GET` function, re-create it with
    `<workflowsdkstepenabled>0</workflowsdkstepenabled>`. Neither column can be changed after
    the Custom API is saved.

    ## Severity
    An error: only an action can be enabled for workflow (Learn, "Create and use custom APIs",
    use a custom API in a workflow), so the definition is one the platform does not accept, and
    both columns being fixed once saved, it cannot be corrected in the target: the import fails.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api#use-a-custom-api-in-a-workflow
      ("The custom API can't be a function. Is Function must be false.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api#when-to-create-a-function
      ("You can't use a Function when you select the Enabled for Workflow option.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#custom-api-table-columns
    """
    for api in ctx.components(CustomApi):
        if api.is_function and api.enabled_for_workflow:
            yield ctx.finding(
                api,
                f"{api.display} is a function (Is Function: Yes) and is enabled for workflow (Enabled for "
                f"Workflow: Yes): only an action can be called from a workflow")
