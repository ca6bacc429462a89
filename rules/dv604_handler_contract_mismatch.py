from analyzer.contracts import Contract, contract_of
from analyzer.graph import HANDLER
from analyzer.model import CustomApi, PluginType, Step
from analyzer.rule import RuleContext, Severity, rule


@rule(id="DV604", name="handler-contract-mismatch", severity=Severity.WARNING,
      title="Plug-in class reads an input or writes an output its custom message does not declare",
      fix="Use the parameter names the action or Custom API declares, or add the parameter to the message.",
      tags={"code", "step", "contract"})
def check(ctx: RuleContext):
    """## What it does
    Reads the C# source given with `--sources` and finds each plug-in class (namespace + class
    name = the plug-in type name in the solution) registered on a custom message, by a step on a
    custom process action's message or as a Custom API's main operation. It collects the literal
    keys the class reads from `InputParameters[...]` (indexer, `Contains`, `ContainsKey`,
    `TryGetValue`, or the team's own helper whose name says InputParameter, such as
    `context.GetInputParameter<EntityReference>("Target")`) and writes to `OutputParameters[...]`,
    and compares them with the message's contract: its declared inputs and outputs.

    ## Why is this bad?
    A key the message does not declare is never sent: the read finds nothing (null, or the
    default of the helper) and the plug-in carries on with a missing value, usually after a
    parameter was renamed in the action or Custom API and not in the code. An output the
    message does not declare never reaches the caller. Nothing checks this: the plug-in compiles,
    the solution imports, and the user finds the empty value.

    ## Example
    The action `contoso_CheckStatus` declares the input `Reason`; the class registered on it reads
    `context.InputParameters["Comment"]`.

    ## How to fix
    Rename the key in the code to the declared parameter, or add the parameter to the action
    (a XAML argument) or Custom API (a request parameter or response property).

    ## Known limitations
    Only literal keys count; a key computed at run time is not judged. Keys are compared as the
    contract compares names, ignoring case. `Target` of a message bound to a table is the platform's
    own input and always allowed. A class is judged only when every step and Custom API that
    runs it is on a custom message whose contract is known: a class also registered on `Update`
    or on an action whose XAML is not in the package reads keys meant for those, so it is not
    judged at all. Keys read in a base class or a helper class belong to that class, not to the
    registered one.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/understand-the-data-context
      (InputParameters holds the request's parameters, OutputParameters the response's)
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api#write-a-plug-in-for-your-custom-api
      (the main-operation plug-in reads the request parameters and sets the response properties by unique name)
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions
      (an action's input and output arguments are its request and response parameters)
    """
    by_group: dict[str, list[Contract]] = {}  # every type of one name has the same users: worked out once
    for plugin_type in ctx.components(PluginType):
        handlers = ctx.graph.plugin_classes(plugin_type.key)
        if not handlers:
            continue
        group = ctx.graph.same_types(plugin_type.key)[0]
        if group not in by_group:
            by_group[group] = _contracts(ctx, plugin_type)
        contracts = by_group[group]
        if not contracts:
            continue
        messages = " or ".join(c.message for c in contracts)
        inputs = _names([p.name for c in contracts for p in c.inputs], "inputs")
        outputs = _names([p.name for c in contracts for p in c.outputs], "outputs")
        related = sorted({c.definition for c in contracts})
        for handler in handlers:
            for key, where in handler.reads:
                if not any(c.input(key) or (key.lower() == "target" and c.binding != "global") for c in contracts):
                    yield ctx.finding(
                        plugin_type,
                        f"plug-in class {handler.type_name} reads input '{key}', which {messages} does not "
                        f"declare ({inputs}): the value is never sent, so the read finds nothing",
                        related=related, location=where)
            for key, where in handler.writes:
                if not any(c.output(key) for c in contracts):
                    yield ctx.finding(
                        plugin_type,
                        f"plug-in class {handler.type_name} writes output '{key}', which {messages} does not "
                        f"declare ({outputs}): callers never receive it",
                        related=related, location=where)


def _names(names: list[str], what: str) -> str:
    return f"its {what}: {', '.join(sorted(set(names), key=str.lower))}" if names else f"it has no {what}"


def _contracts(ctx: RuleContext, plugin_type: PluginType) -> list[Contract]:
    """The contracts of every message the type runs on; empty when any of them is not a known custom one."""
    contracts: dict[str, Contract] = {}
    for key in ctx.graph.type_dependents(plugin_type.key, [HANDLER]):
        user = ctx.graph.component(key)
        if isinstance(user, Step):
            definition_key = ctx.graph.message_ref(user.key).definition
            definition = ctx.graph.component(definition_key) if definition_key else None
        elif isinstance(user, CustomApi):
            definition = user
        else:
            continue
        contract = contract_of(definition) if definition is not None else None
        if contract is None or not contract.parameters_known:
            return []
        contracts[contract.definition] = contract
    return [contracts[k] for k in sorted(contracts)]
