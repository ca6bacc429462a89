from __future__ import annotations

from analyzer.graph import DECLARED
from analyzer.messages import FIRST_PARTY_PREFIXES, name_prefix
from analyzer.model import Component, CustomApi, Workflow
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
    solution declares it missing in its MissingDependencies. In `dvsa diff`, also every call in
    NEW to a message that OLD defined and NEW no longer does, whatever its prefix: the message
    then says which version defined it.

    ## Why is this bad?
    Dataverse does not track calls written in code: deleting or renaming an action or Custom
    API imports cleanly (an upgrade that removes it succeeds too), and the script or plug-in
    fails at run time with "Resource not found for the segment" (Web API) or "Request not
    supported" (SDK). A message with your own publisher's prefix is yours: if none of your
    solutions defines it, the name is wrong or the definition is gone.

    ## Example
    A form script calls `Xrm.WebApi.online.execute(request)` where `request.getMetadata()`
    returns `operationName: "contoso_ApproveRequst"`, while the solution (publisher prefix
    `contoso`) defines `contoso_ApproveRequest`. Or version 1.1 removes Custom API
    `contoso_GetSummary` while its script still POSTs to `/api/data/v9.2/contoso_GetSummary`.

    ## How to fix
    Correct the name in the code, or add the missing definition (or the solution that holds
    it) to the analysis.

    ## Severity
    An error: the call fails at run time ("Resource not found for the segment", "Request not
    supported"), since the platform does not track calls in code (Learn, "execute (Client API
    reference)" and "Use Web API actions").

    ## Options
    - `trusted-prefixes` (list, default `["msdyn", "mspp", "adx"]`): publisher prefixes of
      Microsoft first-party apps (as for DV401); calls to their messages are not reported.

    ## Known limitations
    An unbound Web API URL (`/api/data/v9.2/<name>`) names a message or a table's entity set
    alike. A name that an analyzed table has (logical name, entity set, or the plural of a
    table that is analyzed, referenced or declared missing) is a table, never reported. Any
    other name with an analyzed publisher's prefix is judged: with a capital letter it is no
    default entity set (those are the lower-case logical collection names) and is reported as
    an error (a custom table whose entity set was renamed with capitals, in a solution that is
    not analyzed, would be taken for a message); in lower case it may still be the entity set
    of a table in a solution that is not analyzed, so it is a warning, unless the previous
    version defined that message (then it is certain). A name computed at run time is
    "dynamic, not resolved" and never reported.

    ## References
    - https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/xrm-webapi/online/execute
    - https://learn.microsoft.com/power-apps/developer/data-platform/webapi/use-web-api-actions
    - https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.metadata.entitymetadata.entitysetname
      (the entity set name is by default the table's `LogicalCollectionName`; a custom table's can be changed)
    """
    prefixes: dict[str, str] = {}  # publisher prefix -> the first analyzed solution of that publisher
    for s in ctx.solutions:
        prefixes.setdefault((s.prefix or "").lower().rstrip("_"), s.unique_name)
    trusted = {p.lower().rstrip("_") for p in ctx.option("trusted-prefixes")}
    gone = _removed_definitions(ctx)

    def ours(name: str) -> str | None:
        """The analyzed solution whose publisher's prefix ``name`` has (not a trusted one), or None."""
        prefix = name_prefix(name)
        return prefixes.get(prefix) if prefix and prefix not in trusted else None

    for key, call, ref in resolved_calls(ctx):
        if ref.definition is not None or ref.platform or ctx.graph.external(ref.key) == DECLARED:
            continue
        old = gone.get(ref.name.lower())
        solution = old.solution if old is not None else ours(ref.name)
        if solution is None:
            continue
        caller = caller_of(ctx, key, solution)
        yield ctx.finding(caller, f"{told(ctx, caller, call, ref.name)}, {_why(ctx, ref.name, old)}",
                          related=[ref.key], location=call.source)
    for key, call in ctx.graph.unknown_urls():
        old = gone.get(call.message.lower())
        solution = old.solution if old is not None else ours(call.message)
        if solution is None:
            continue
        caller = caller_of(ctx, key, solution)
        if old is not None or not call.message.islower():
            yield ctx.finding(caller, f"{told(ctx, caller, call, call.message)}, {_why(ctx, call.message, old)}",
                              location=call.source)
            continue
        yield ctx.finding(
            caller,
            f"{told(ctx, caller, call, call.message)}, a name with the prefix {name_prefix(call.message)} of an "
            f"analyzed publisher that is no Custom API, custom process action or table in the analyzed solutions: "
            f"a misspelt or removed message makes the call fail at run time; if it is the entity set of a table in "
            f"another solution, analyze that solution too",
            severity=_at_most_warning(ctx.severity), location=call.source)


def _why(ctx: RuleContext, name: str, old: Component | None) -> str:
    if old is not None:
        return (f"a message that the previous version ({_version(ctx, old.solution)}) defined as {old.display} "
                f"and this version removes: the upgrade succeeds, since Dataverse does not track calls in code, and "
                f"the call fails at run time")
    return (f"a message with the prefix {name_prefix(name)} of an analyzed publisher that no Custom API or custom "
            f"process action in the analyzed solutions defines and that MissingDependencies does not declare: the "
            f"call fails at run time")


def _removed_definitions(ctx: RuleContext) -> dict[str, Component]:
    """In ``dvsa diff``: message name (lower case) -> OLD's Custom API or action that defined it, for the
    messages no analyzed solution of NEW defines any more."""
    if ctx.previous is None:
        return {}
    defined = {name.lower() for c in ctx.components() if (name := _message_name(c))}
    found: dict[str, Component] = {}
    for s in ctx.previous.solutions:
        for c in s.components:
            name = _message_name(c)
            if name and name.lower() not in defined:
                found.setdefault(name.lower(), c)
    return found


def _message_name(c: Component) -> str | None:
    if isinstance(c, CustomApi):
        return c.unique_name
    if isinstance(c, Workflow) and c.is_action:
        return c.message_name
    return None


def _version(ctx: RuleContext, solution: str) -> str:
    versions = [s.version for s in ctx.previous.solutions if s.unique_name == solution] if ctx.previous else []
    return f"{solution} {versions[0]}" if versions else solution


def _at_most_warning(configured: Severity) -> Severity:
    return configured if configured.rank <= Severity.WARNING.rank else Severity.WARNING
