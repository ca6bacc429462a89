from analyzer.model import CustomApi
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV302", name="function-without-response", severity=Severity.ERROR,
      title="Custom API function without a response property",
      fix="Add at least one response property, or create the Custom API as an action (Is Function: No).",
      tags={"custom-api", "web-api"})
def check(ctx: RuleContext):
    """## What it does
    Finds Custom APIs marked as a function (`<isfunction>1</isfunction>`) that define no response
    property (no `customapiresponseproperties/*/customapiresponseproperty.xml`).

    ## Why is this bad?
    A function is an OData operation called with HTTP `GET` that returns data without changing
    anything, so it must return something: a Custom API function needs at least one response
    property to be valid. Without one, the function does not appear in the Web API `$metadata`
    document and every call fails with `404 Not Found` ("Resource not found for the segment …").

    ## Example
    `customapis/contoso_GetQuota/customapi.xml` has `<isfunction>1</isfunction>` and the folder
    has a `customapirequestparameters/` folder but no `customapiresponseproperties/` folder.

    ## How to fix
    Add the response property the function returns. If the operation returns nothing, it should
    be an action: Is Function can't be changed after the Custom API is saved, so delete and
    re-create it with `<isfunction>0</isfunction>`.

    ## Severity
    An error: a function must return something (Learn, "Create and use custom APIs", when to
    create a function); without a response property every call fails with 404 Not Found.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api#when-to-create-a-function
      ("Functions must return some data. You must include at least one response property for the
      custom API to be valid.")
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#customapiresponseproperty-table-columns
      (a Custom API "must return a value if defined as a Function")
    """
    for api in ctx.components(CustomApi):
        if api.is_function and not api.response_properties:
            yield ctx.finding(
                api,
                f"{api.display} is a function (Is Function: Yes) but has no response property: a function must "
                f"return data, so it is left out of the Web API $metadata and calls to it fail with 404 Not Found")
