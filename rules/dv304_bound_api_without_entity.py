from analyzer.model import CustomApi
from analyzer.platform import BindingType
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV304", name="bound-api-without-entity", severity=Severity.ERROR,
      title="Custom API bound to an entity or entity collection without a bound entity logical name",
      fix="Set boundentitylogicalname to the logical name of the table, or make the Custom API Global.",
      tags={"custom-api", "web-api"})
def check(ctx: RuleContext):
    """## What it does
    Finds Custom APIs with Binding Type 1 (Entity) or 2 (EntityCollection) that have no
    **Bound Entity Logical Name** (`<boundentitylogicalname>` missing or empty).

    ## Why is this bad?
    A bound Custom API is an OData operation bound to one table: Entity binding adds a `Target`
    request parameter that is a reference to a row of that table, and EntityCollection binding
    requires the call to be appended to that table's entity set. Without the table's logical name
    the binding has nothing to bind to. Binding type and bound entity can't be changed after the
    Custom API is saved, so a wrong definition can't be repaired in the target environment.

    ## Example
    `customapis/contoso_EscalateCase/customapi.xml` has `<bindingtype>1</bindingtype>` and
    `<boundentitylogicalname />`.

    ## How to fix
    Put the logical name of the bound table in `<boundentitylogicalname>` (e.g. `incident`). If
    the operation does not apply to one table, make it Global (`<bindingtype>0</bindingtype>`) and
    pass what it needs as request parameters.

    ## Severity
    An error: a bound Custom API without its table has nothing to bind to (Learn, "Custom API
    tables", Bound Entity Logical Name), so no call can reach it and every call fails; binding
    type and bound entity cannot be changed once saved.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#custom-api-table-columns
      (Bound Entity Logical Name: "The logical name of the table bound to the custom API if it is
      not Global"; Binding Type 0 Global, 1 Entity, 2 EntityCollection; neither can be changed after
      it is saved)
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api#select-a-binding-type
    - https://learn.microsoft.com/power-apps/developer/data-platform/create-custom-api-prt
      ("If you select Binding Type Entity or EntityCollection you should enter the logical name of
      the table representing that type.")
    """
    for api in ctx.components(CustomApi):
        binding = BindingType.parse(api.binding_type)
        if binding is not None and binding.is_bound and not api.bound_entity:
            yield ctx.finding(
                api,
                f"{api.display} has Binding Type {binding.label} but no bound entity logical name: "
                f"a bound Custom API must name the table it is bound to")
