from collections import deque

import networkx as nx

from analyzer.model import Workflow
from analyzer.platform import ProcessState
from analyzer.rule import RuleContext, Severity, bounded, rule

from ._calls import describe


@rule(id="DV106", name="process-call-cycle", severity=Severity.WARNING,
      title="Processes call each other in a cycle",
      fix="Break the cycle: remove one of the calls, or guard it with a condition that ends the recursion.",
      tags={"process", "action", "flow", "loop"})
def check(ctx: RuleContext):
    """## What it does
    Follows who runs whom across every analyzed solution: a workflow or action invoking an
    action (`InvokeSdkMessageActivity`), a workflow starting a child workflow, a cloud flow
    calling an action or Custom API (`PerformBoundAction`/`PerformUnboundAction`), a
    message starting the action workflow that defines it, and a message triggering a cloud
    flow ("When an action is performed"). It reports each loop once: each set of processes that
    can all reach each other (a strongly connected component), on its member with the smallest
    component key, and tells in words the shortest cycle through that member; other processes
    caught in the same loop are named after it (the first 10, then a count).

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

    ## Severity
    A warning: the platform accepts every process in the cycle, and a run fails only when the
    loop really repeats. Its depth check ends a synchronous chain that nests more than the
    `Depth` limit allows, with an error that rolls the chain back; a condition on a field the
    chain sets (which dvsa does not evaluate) may end the recursion first, by design.

    ## Known limitations
    Conditions inside XAML and flows are not evaluated, so a cycle that a condition breaks
    at run time is still reported. What plug-in code calls is invisible, so cycles through
    plug-in steps are not found. Classic workflows triggered by record events (create,
    update) are not linked to the messages that trigger them. Processes that loop together in
    several cycles are one finding, not one per cycle.

    ## References
    - https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.iexecutioncontext.depth
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions#watch-out-for-long-running-actions
      (the Depth checks keep an action from looping forever)
    """
    graph = ctx.graph
    calls = graph.call_graph()
    # Tarjan's components: linear in the call graph, where enumerating every cycle is exponential.
    loops = [loop for loop in nx.strongly_connected_components(calls)
             if len(loop) > 1 or any(calls.has_edge(k, k) for k in loop)]
    for loop in loops:
        members = sorted(key for key in loop if graph.component(key) is not None)
        if not members:
            continue
        anchor = members[0]
        ordered = _shortest_cycle(calls, anchor, loop)
        vias = [calls.edges[ordered[i], ordered[(i + 1) % len(ordered)]]["via"] for i in range(len(ordered))]
        text = describe(graph, ordered + [anchor], vias, closes=True)
        inactive = [f"{c.display} is shipped {'Off' if c.is_flow else 'Draft'}" for key in ordered
                    if isinstance(c := graph.component(key), Workflow) and c.state_code == ProcessState.DRAFT]
        note = f" ({'; '.join(inactive)}: the loop starts once it is activated)" if inactive else ""
        besides = [graph.component(key).display for key in members if key not in ordered]
        also = f"; the same loop also takes in {bounded(besides)}" if besides else ""
        yield ctx.finding(
            graph.component(anchor),
            f"processes call each other in a cycle: {text}{note}{also}",
            related=[key for key in ordered if key != anchor] + [key for key in members if key not in ordered])


def _shortest_cycle(calls: nx.DiGraph, anchor: str, loop: set[str]) -> list[str]:
    """The shortest cycle from ``anchor`` back to it inside ``loop`` (breadth-first, successors in sorted
    order, so the same package always tells the same cycle): ``[anchor, …]`` without the closing anchor."""
    parent: dict[str, str] = {}
    queue = deque([anchor])
    while queue:
        key = queue.popleft()
        for target in sorted(calls.successors(key)):
            if target == anchor:
                path = [key]
                while path[-1] != anchor:
                    path.append(parent[path[-1]])
                return path[::-1]
            if target in loop and target not in parent:
                parent[target] = key
                queue.append(target)
    raise AssertionError("a strongly connected component always closes a cycle")
