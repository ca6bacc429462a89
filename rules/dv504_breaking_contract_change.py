from __future__ import annotations

from analyzer.contracts import Contract, breaking_changes, contract_of
from analyzer.graph import CALLS, DEFINED_BY, INVOKES, REGISTERED_ON, TRIGGERED_BY, DependencyGraph
from analyzer.model import Component, Step, Workflow
from analyzer.platform import ProcessState
from analyzer.rule import RuleContext, Severity, bounded, rule

# Edges from something that sends a message (flow, XAML process) or runs on it (plug-in step, flow trigger).
_CALLER_EDGES = (CALLS, INVOKES, TRIGGERED_BY, REGISTERED_ON)


@rule(id="DV504", name="breaking-contract-change", severity=Severity.ERROR,
      title="Action or Custom API keeps its name but changes its contract in a way that breaks callers",
      fix="Keep the old contract and add a new message (a new action or Custom API name) for the new one, "
          "then move the callers to it; or change every listed caller in the same release.",
      tags={"lifecycle", "action", "custom-api", "contract", "alm"})
def check(ctx: RuleContext):
    """## What it does
    In `dvsa diff`, compares the contract of every custom process action and Custom API in NEW
    with the action or Custom API that defined the same message (by name) in OLD, and reports a
    change that breaks a caller written against OLD: another binding (global, entity, entity
    collection, or another bound table), a Custom API that became a function or stopped being
    one, an input removed, retyped or made required, a new required input, an output removed or
    retyped. It lists the cloud flows, workflows and plug-in steps in the analyzed solutions that
    call the message, are triggered by it or are registered on it, and the scripts (web resources)
    and `--sources` files whose code calls it (the first 10 of each, then a count).

    ## Why is this bad?
    A message's name is its identity: flows, scripts, plug-ins and integrations call it by name
    with the parameters they were written for. After the upgrade, a call that omits a new required
    input, sends a removed or retyped one, or reads a removed output fails at run time (or a
    plug-in step reads a parameter that is no longer there), and nothing fails at import. For a
    Custom API, the binding type, the bound table and whether it is a function cannot be changed
    after the API is saved: the new contract is a new API that happens to reuse the name.

    ## Example
    OLD: action `contoso_CheckStatus` with input `Reason` (String, optional). NEW: `Reason` is
    required and output `Status` is gone. Cloud flow 'Check request' (a "Perform an unbound
    action" on `contoso_CheckStatus`) sends no `Reason` and reads `Status`: it fails after the
    upgrade.

    ## How to fix
    Keep the old message working: add optional inputs and new outputs only, or publish the new
    contract under a new name and retire the old one after its callers have moved. When the
    change is intended, change every listed caller in the same release, and look for callers
    outside the analyzed solutions (JavaScript, integrations, other environments).

    An action that is Draft in OLD is not compared: its message did not exist while it was
    deactivated, so no caller can rely on its old contract.

    ## Severity
    An error: nothing fails at import, but every call written against the old contract fails at
    run time (Learn, "Custom API tables": binding, bound table and function cannot be changed
    once saved; parameters are identified by name).

    ## Known limitations
    Only callers in the analyzed solutions and their code (web resources, `--sources`) are listed;
    a call whose message name the code computes at run time is not counted. An action whose XAML body is missing on
    either side has unknown arguments: only its binding is compared. An action's argument that is
    renamed shows as one input removed and one added. Case is ignored in names.

    ## References
    - https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables
      (binding type, bound entity logical name and is function: "cannot be changed after it is
      saved")
    - https://learn.microsoft.com/power-apps/developer/data-platform/customapirequestparameter-table-columns
      (parameters have no order; they are identified by name)
    - https://learn.microsoft.com/power-apps/maker/data-platform/configure-actions
      (an action's input and output arguments: "Define process arguments")
    """
    if ctx.previous is None:
        return
    before = _contracts(ctx.previous.solutions)
    for component in ctx.components():
        contract = contract_of(component)
        if contract is None:
            continue
        old = before.get(contract.message.lower())
        changes = breaking_changes(old, contract) if old is not None else []
        if not changes:
            continue
        callers = _callers(ctx.graph, component)
        in_code = _code_callers(ctx.graph, component)
        yield ctx.finding(
            component,
            f"{component.display} keeps its name but breaks callers of the previous version: "
            f"{'; '.join(changes)}; {_callers_text(callers, in_code, component)}",
            related=[c.key for c in callers] + [key for key in in_code if ctx.graph.component(key) is not None])


def _contracts(solutions) -> dict[str, Contract]:
    """OLD's contracts by message name (lower-case); the first definition of a name wins, as in the graph.
    A Draft action is left out: its message did not exist, so no caller can depend on its contract."""
    found: dict[str, Contract] = {}
    for solution in solutions:
        for component in solution.components:
            if isinstance(component, Workflow) and component.state_code != ProcessState.ACTIVATED:
                continue
            contract = contract_of(component)
            if contract is not None:
                found.setdefault(contract.message.lower(), contract)
    return found


def _callers(graph: DependencyGraph, definition: Component) -> list[Component]:
    """Flows, processes and steps in NEW that call, are triggered by or are registered on the message."""
    keys = {caller for message in graph.dependents(definition.key, [DEFINED_BY])
            for caller in graph.dependents(message, _CALLER_EDGES)}
    found = [graph.component(k) for k in sorted(keys)]
    return [c for c in found if isinstance(c, (Workflow, Step))]


def _code_callers(graph: DependencyGraph, definition: Component) -> dict[str, str]:
    """The scripts and source files whose code calls the message, by node key, each told with the line of its
    first call (``graph.code_calls``, what `dvsa inventory` lists as callers)."""
    found: dict[str, str] = {}
    for message in graph.dependents(definition.key, [DEFINED_BY]):
        for caller, call, _ref in graph.code_calls(message):
            if caller not in found:
                component = graph.component(caller)
                name = component.display if component is not None else f"source file {graph.name(caller)}"
                found[caller] = name + (f" (line {call.source.line})" if call.source.line else "")
    return found


def _callers_text(callers: list[Component], in_code: dict[str, str], definition: Component) -> str:
    if not callers and not in_code:
        return ("nothing in the analyzed solutions or their code calls or handles it (callers elsewhere still "
                "send the old request)")
    names = [c.display + (f" [solution {c.solution}]" if c.solution != definition.solution else "") for c in callers]
    told = [f"called or handled by {bounded(names)}"] if names else []
    told += [f"called in code by {bounded(list(in_code.values()))}"] if in_code else []
    return "; ".join(told)
