from itertools import islice

import networkx as nx

from analyzer.model import Workflow
from analyzer.platform import ProcessState
from analyzer.rule import RuleContext, Severity, rule

from ._calls import describe

# Enough for any real solution; a hostile package cannot make the rule enumerate forever.
MAX_CYCLES = 1000


@rule(id="DV106", name="process-call-cycle", severity=Severity.ERROR,
      title="Processes call each other in a cycle",
      fix="Break the cycle: remove one of the calls, or guard it with a condition that ends the recursion.",
      tags={"process", "action", "flow", "loop"})
def check(ctx: RuleContext):
    """## What it does
    Follows who runs whom across every analyzed solution: a workflow or action invoking an
    action (`InvokeSdkMessageActivity`), a workflow starting a child workflow, a cloud flow
    calling an action or Custom API (`PerformBoundAction`/`PerformUnboundAction`), a
    message starting the action workflow that defines it, and a message triggering a cloud
    flow ("When an action is performed"). It reports every cycle in that graph once, on the
    cycle member with the smallest component key, and tells the cycle in words.

    ## Why is this bad?
    A cycle makes each run start the next one. Synchronous parts (actions, real-time
    workflows) nest inside one request until the platform's depth check aborts the whole
    chain as an infinite loop and rolls it back. A cloud flow starts a new request for each
    run, so the depth check that stops synchronous loops may not see a loop through a flow:
    it can keep queuing runs, consuming API requests and flow runs.

    ## Example
    Cloud flow "Sync Order" calls `contoso_PriceOrder`; the action's workflow invokes
    `contoso_NotifyOrder`; and "Sync Order" is triggered by "When an action is performed" on
    `contoso_NotifyOrder`. Message: "cloud flow 'Sync Order' calls action contoso_PriceOrder,
    whose workflow invokes action contoso_NotifyOrder, which triggers cloud flow 'Sync Order'
    again".

    ## How to fix
    Remove the call that closes the loop, or make the recursion end by design (a condition
    on a field the chain sets, a flow trigger condition). Prefer one direction of calls
    between a set of processes.

    ## Known limitations
    Conditions inside XAML and flows are not evaluated, so a cycle that a condition breaks
    at run time is still reported. What plug-in code calls is invisible, so cycles through
    plug-in steps are not found. Classic workflows triggered by record events (create,
    update) are not linked to the messages that trigger them. At most 1,000 cycles are
    enumerated.

    ## References
    - https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.iexecutioncontext.depth
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions#watch-out-for-long-running-actions
      (the Depth checks keep an action from looping forever)
    """
    graph = ctx.graph
    calls = graph.call_graph()
    for cycle in islice(nx.simple_cycles(calls), MAX_CYCLES):
        members = [key for key in cycle if graph.component(key) is not None]
        if not members:
            continue
        anchor = min(members)
        start = cycle.index(anchor)
        ordered = cycle[start:] + cycle[:start]
        vias = [calls.edges[ordered[i], ordered[(i + 1) % len(ordered)]]["via"] for i in range(len(ordered))]
        text = describe(graph, ordered + [anchor], vias, closes=True)
        inactive = [f"{c.display} is shipped {'Off' if c.is_flow else 'Draft'}" for key in members
                    if isinstance(c := graph.component(key), Workflow) and c.state_code == ProcessState.DRAFT]
        note = f" ({'; '.join(inactive)}: the loop starts once it is activated)" if inactive else ""
        yield ctx.finding(
            graph.component(anchor),
            f"processes call each other in a cycle: {text}{note}",
            related=[key for key in ordered if key != anchor])
