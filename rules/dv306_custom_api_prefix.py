from analyzer.model import CustomApi
from analyzer.rule import Option, RuleContext, Severity, rule


@rule(id="DV306", name="custom-api-prefix", severity=Severity.WARNING,
      title="Custom API unique name without the solution publisher's customization prefix",
      fix="Re-create the Custom API with a unique name that starts with the publisher's prefix and an underscore.",
      tags={"custom-api", "naming"},
      options=[Option("other-prefixes", list[str], ["msdyn"],
                      help="prefixes accepted besides the publisher's; replaces the default")])
def check(ctx: RuleContext):
    """## What it does
    Finds Custom APIs whose unique name (the name of the message they create) does not start
    with the customization prefix of the solution's publisher followed by `_`
    (`<CustomizationPrefix>` in solution.xml), compared without regard to case.

    ## Why is this bad?
    The unique name of a Custom API must include a customization prefix that matches the prefix of
    the solution publisher. The prefix is what keeps your message name from colliding with
    Microsoft's messages and other publishers' messages, and it tells everyone who owns the
    message. The unique name can't be changed after the Custom API is saved, so every caller
    (code, flows, other plug-ins) binds to the wrong name for good.

    ## Example
    Solution publisher prefix `contoso`, and `customapis/CalculateDiscount/customapi.xml` has
    `<customapi uniquename="CalculateDiscount">` (or `uniquename="new_CalculateDiscount"`).

    ## How to fix
    Create the Custom API in a solution of your publisher, so the tools put the prefix in front of
    the unique name (`contoso_CalculateDiscount`), move the plug-in, parameters and callers to the
    new name, and delete the old Custom API.

    ## Severity
    A warning: the platform imports such a Custom API and runs it. Microsoft's own sample
    `ExportDataUsingFetchXmlToAnnotation` (publisher prefix `cr81c`) ships
    `sample_ExportDataUsingFetchXmlToAnnotation` and imports fine; Learn states the prefix as a
    rule for makers creating the API, not as a check the import makes.

    ## Options
    - `other-prefixes` (default `["msdyn"]`): prefixes accepted besides the publisher's, with or
      without the trailing `_`; setting it replaces the default. Microsoft features create
      Custom APIs inside your solution under their own prefix: an AI Builder prompt adds
      `msdyn_aibdpt…` (seen in a real export whose publisher prefix is `cat`). Add the
      prefixes of other publishers whose Custom APIs you ship on purpose.

    ## Known limitations
    A solution may legitimately contain a Custom API created by another publisher (added as an
    existing component); the export does not say who created a component, so such an API is
    reported unless its prefix is listed in `other-prefixes`. Solutions without a publisher
    prefix are not checked.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables#custom-api-table-columns
      (Unique Name: "This value must include a customization prefix that matches the prefix set for
      your solution publisher"; cannot be changed after it is saved)
    - https://learn.microsoft.com/power-apps/developer/data-platform/create-custom-api-maker-portal
      ("You must use a customization prefix when creating a custom API and this prefix should be the
      same used by the publisher of your solution.")
    - https://learn.microsoft.com/power-platform/alm/solution-concepts-alm#solution-publisher-prefix
      ("The publisher prefix is a mechanism to help avoid naming collisions"; the publisher of the
      solution where a component is created owns it)
    """
    configured = ctx.options["other-prefixes"]
    if isinstance(configured, str):
        configured = [configured]
    others = [p.strip().rstrip("_").lower() for p in configured if p and p.strip().rstrip("_")]
    for solution in ctx.solutions:
        prefix = (solution.prefix or "").strip().lower()
        if not prefix:
            continue
        accepted = [f"{p}_" for p in [prefix, *others]]
        for api in sorted(solution.of_kind(CustomApi.KIND), key=lambda c: c.key):
            name = api.unique_name.lower()
            if any(name.startswith(p) and len(name) > len(p) for p in accepted):
                continue
            yield ctx.finding(
                api,
                f"{api.display} does not start with '{prefix}_', the customization prefix of publisher "
                f"{solution.publisher} of solution {solution.unique_name}: the unique name is the message name "
                f"and can't be changed after the Custom API is saved")
