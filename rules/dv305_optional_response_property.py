from analyzer.model import CustomApiResponseProperty
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV305", name="optional-response-property", severity=Severity.ERROR,
      title="Custom API response property marked optional",
      fix="Delete the isoptional element from customapiresponseproperty.xml.",
      tags={"custom-api", "import"})
def check(ctx: RuleContext):
    """## What it does
    Finds Custom API response properties whose `customapiresponseproperty.xml` carries an
    `<isoptional>` element at all (`1` or `0`).

    ## Why is this bad?
    Only request parameters have an **Is Optional** column; the CustomAPIResponseProperty table
    has none. The element is typically copied from a `customapirequestparameter.xml` while the
    Custom API is written by hand in a solution project, and the solution import then fails.

    ## Example
    `customapis/contoso_GetQuota/customapiresponseproperties/Remaining/customapiresponseproperty.xml`:
    ```xml
    <customapiresponseproperty uniquename="Remaining">
      …
      <isoptional>1</isoptional>
      <name>contoso_GetQuota.Remaining</name>
      <type>7</type>
    </customapiresponseproperty>
    ```

    ## How to fix
    Remove the `<isoptional>` element from the response property. A caller always receives every
    response property (with the type's default value when the plug-in sets none).

    ## Severity
    An error: the Custom API Response Property table has no Is Optional column (Learn, "Custom
    API tables"), so the import of the response property fails.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#customapiresponseproperty-table-columns
    - https://learn.microsoft.com/power-apps/developer/data-platform/create-custom-api-solution
      ("isoptional is not valid for a response property and will cause an error when you try to
      import the solution")
    - https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/customapiresponseproperty
      (no IsOptional column)
    """
    for prop in ctx.components(CustomApiResponseProperty):
        if prop.is_optional is not None:  # any <isoptional> element, 0 included
            api = ctx.graph.component(prop.api_key)
            owner = api.display if api is not None else prop.api_key
            written = f"<isoptional>{int(prop.is_optional)}</isoptional>"
            yield ctx.finding(
                prop,
                f"{prop.display} of {owner} carries {written}: isoptional is not valid for a response "
                f"property and the solution import fails",
                related=[prop.api_key])
