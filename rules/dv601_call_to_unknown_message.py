from analyzer.graph import DECLARED
from analyzer.messages import FIRST_PARTY_PREFIXES
from analyzer.rule import RuleContext, Severity, rule

from ._code_calls import caller_of, resolved_calls, told


@rule(id="DV601", name="call-to-unknown-message", severity=Severity.ERROR,
      title="Code calls a custom message of an analyzed publisher that no analyzed solution defines",
      fix="Correct the message name in the code, or add the Custom API or custom process action that defines it "
          "(or the solution that does) to the analysis.",
      tags={"code", "action", "custom-api"},
      options={"trusted-prefixes": list(FIRST_PARTY_PREFIXES)})
def check(ctx: RuleContext):
    """## What it does
    Finds calls in code (script web resources, and the files of `--sources`) to a message whose
    name carries the customization prefix of an analyzed solution's publisher, when no analyzed
    solution defines that message (as a Custom API or a custom process action) and no analyzed
    solution declares it missing in its MissingDependencies.

    ## Why is this bad?
    Dataverse does not track calls written in code: deleting or renaming an action or Custom
    API imports cleanly, and the script or plug-in fails at run time with "Resource not found
    for the segment" (Web API) or "Request not supported" (SDK). A message with your own
    publisher's prefix is yours: if none of your solutions defines it, the name is wrong or the
    definition is gone.

    ## Example
    A form script calls `Xrm.WebApi.online.execute(request)` where `request.getMetadata()`
    returns `operationName: "contoso_ApproveRequst"`, while the solution (publisher prefix
    `contoso`) defines `contoso_ApproveRequest`.

    ## How to fix
    Correct the name in the code, or add the missing definition (or the solution that holds
    it) to the analysis.

    ## Options
    - `trusted-prefixes` (list, default `["msdyn", "mspp", "adx"]`): publisher prefixes of
      Microsoft first-party apps (as for DV401); calls to their messages are not reported.

    ## Known limitations
    An unbound Web API URL (`/api/data/v9.2/<name>`) names a message or a table's entity set
    alike, so it counts as a call only when an analyzed definition or a platform message has
    that name; a misspelt name in such a URL is not reported. A name computed at run time is
    "dynamic, not resolved" and never reported.

    ## References
    - https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/xrm-webapi/online/execute
    - https://learn.microsoft.com/power-apps/developer/data-platform/webapi/use-web-api-actions
    """
    prefixes: dict[str, str] = {}  # publisher prefix -> the first analyzed solution of that publisher
    for s in ctx.solutions:
        prefixes.setdefault((s.prefix or "").lower().rstrip("_"), s.unique_name)
    trusted = {p.lower().rstrip("_") for p in ctx.option("trusted-prefixes")}
    for key, call, ref in resolved_calls(ctx):
        prefix = ctx.graph.node(ref.key).get("prefix")
        if ref.definition is not None or ref.platform or not prefix or prefix not in prefixes or prefix in trusted:
            continue
        if ctx.graph.external(ref.key) == DECLARED:
            continue
        caller = caller_of(ctx, key, prefixes[prefix])
        yield ctx.finding(
            caller,
            f"{told(ctx, caller, call, ref.name)}, a message with the prefix {prefix} of an analyzed publisher that "
            f"no Custom API or custom process action in the analyzed solutions defines and that "
            f"MissingDependencies does not declare: the call fails at run time",
            related=[ref.key], location=call.source)
