from analyzer.contracts import Contract, contract_of
from analyzer.model import Entity, MessageCall
from analyzer.rule import RuleContext, Severity, rule

from ._code_calls import caller_of, resolved_calls, told


@rule(id="DV603", name="call-contract-mismatch", severity=Severity.ERROR,
      title="Code calls a custom message with parameters, binding or kind its definition does not have",
      fix="Change the call to match the message's contract (`dvsa inventory` lists it under Message contracts), "
          "or change the definition and every caller together.",
      tags={"code", "action", "custom-api", "contract"})
def check(ctx: RuleContext):
    """## What it does
    Compares each call in code (script web resources, and the files of `--sources`) to a
    Custom API or custom process action with the message's contract: a parameter the message
    does not declare, a required input the call omits, a call bound to a table when the
    message is global or bound to another table (or unbound when it is bound), and a function
    called as an action or an action as a function.

    ## Why is this bad?
    The platform checks none of this when the solution is imported; the call fails at run
    time ("Request message has unresolved parameters", "The parameter X is not found",
    "Resource not found for the segment"), usually after a parameter was renamed or made
    required.

    ## Example
    Custom API `contoso_Recalculate` declares the optional input `contoso_Force`; a script's
    request declares `parameterTypes: { contoso_Forced: … }`.

    ## How to fix
    Change the call to the contract `dvsa inventory` shows under "Message contracts", or change
    the definition and its callers in one release.

    ## Severity
    An error: the call fails at run time with an unresolved or unknown parameter (Learn, "execute
    (Client API reference)"); the import does not check calls in code.

    ## Known limitations
    Only what the code states is compared. A body counts as known when every property is: an
    object literal plus the properties the same function assigns to its variable before the
    call (`parameters.Reason = …`, `parameters["Reason"] = …`, `Object.assign`); a body also
    passed to another function, or given properties elsewhere, is "parameters not all known"
    and not judged. Not compared either: a request object whose metadata is not in the same
    file, the body a team's own helper sends (`Sdk.request("POST", "/contoso_X", body)`: the
    helper decides what goes out; the call's kind and binding are still compared), the binding
    of a path whose record part is computed (`recordUri + "/Microsoft.Dynamics.CRM.contoso_X"`),
    and an action whose XAML is not in the package (its arguments are unknown). Parameter names
    are compared without regard to case; OData annotations (`X@odata.bind`) name parameter `X`.

    ## References
    - https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/xrm-webapi/online/execute
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api
    """
    for key, call, ref in resolved_calls(ctx):
        definition = ctx.graph.component(ref.definition) if ref.definition else None
        contract = contract_of(definition) if definition is not None else None
        if contract is None:
            continue
        problems = _kind(call, contract) + _binding(ctx, call, contract) + _parameters(call, contract)
        if problems:
            caller = caller_of(ctx, key, definition.solution)
            yield ctx.finding(
                caller, f"{told(ctx, caller, call, definition.display)}, which does not match its contract: "
                        f"{'; '.join(problems)}",
                related=[definition.key, ref.key], location=call.source)


def _kind(call: MessageCall, contract: Contract) -> list[str]:
    if call.operation_type == "action" and contract.is_function:
        return ["it is a function (a GET with its parameters in the URL), called as an action"]
    if call.operation_type == "function" and not contract.is_function:
        return ["it is an action (a POST), called as a function"]
    return []


def _binding(ctx: RuleContext, call: MessageCall, contract: Contract) -> list[str]:
    bound_table = contract.binding.rsplit(" ", 1)[-1] if contract.binding != "global" else None
    if call.bound is None:
        return []
    if call.bound and bound_table is None:
        return ["the call is bound to a table but the message is global"]
    if not call.bound and bound_table is not None:
        return [f"the message is bound to {contract.binding.replace('entity', 'table', 1)} but the call is unbound"]
    if call.bound_entity and bound_table and call.bound_entity.lower() != bound_table.lower():
        return [f"the call is bound to table {call.bound_entity}, the message to {bound_table}"]
    entity_set = _entity_set(ctx, bound_table)
    if call.bound_entity_set and entity_set and call.bound_entity_set.lower() != entity_set.lower():
        return [f"the call is bound to entity set {call.bound_entity_set}, the message to table {bound_table} "
                f"(entity set {entity_set})"]
    return []


def _entity_set(ctx: RuleContext, table: str | None) -> str | None:
    """The analyzed table's entity set name; None when the table is not analyzed (never guessed from a plural)."""
    for entity in ctx.components(Entity):
        if table and entity.logical_name.lower() == table.lower():
            return entity.entity_set_name
    return None


def _parameters(call: MessageCall, contract: Contract) -> list[str]:
    if not call.parameters_known or not contract.parameters_known:
        return []
    passed = {p.lower() for p in call.parameters}
    # An SDK request names the record of a bound message "Target" (new OrganizationRequest("x") {["Target"] = …}):
    # the binding, not an argument (contracts leave a bound action's Target out).
    target = contract.binding != "global"
    problems = [f"it passes {p}, which the message does not declare" for p in call.parameters
                if contract.input(p) is None and not (target and p.lower() == "target")]
    problems += [f"it omits the required input {p.name} ({p.type})" for p in contract.inputs
                 if p.required and p.name.lower() not in passed]
    return problems
