from analyzer import sdk_messages
from analyzer.graph import DEFINED_BY
from analyzer.model import Workflow
from analyzer.platform import ProcessCategory, ProcessMode, ProcessState
from analyzer.rule import Option, RuleContext, Severity, rule

from ._calls import describe

# Paths tried per starting process; enough for real solutions, bounded for hostile ones.
BUDGET = 20_000


@rule(id="DV107", name="call-chain-too-deep", severity=Severity.WARNING,
      title="Synchronous call chain deeper than the platform's depth limit",
      fix="Flatten the chain: call fewer actions from actions, or move part of it to an asynchronous process.",
      tags={"process", "action", "depth", "limit"},
      options=[Option("max-depth", int, sdk_messages.MAX_DEPTH, min=1,
                      help="the deepest allowed chain: the organisation's WorkflowSettings.MaxDepth")])
def check(ctx: RuleContext):
    """## What it does
    Follows synchronous calls between processes and reports a chain that nests more messages
    than the platform's depth limit. Synchronous links are: an action or a real-time
    workflow (classic workflow, Mode 1) invoking an action with `InvokeSdkMessageActivity`,
    and the action's message running the action's own real-time workflow. Each message in
    the chain is one level of depth; a real-time workflow at the start adds one for the
    event that runs it, an action at the start counts its own message.

    ## Why is this bad?
    Every time a running plug-in or workflow issues a request that runs another plug-in or
    workflow, the execution context's `Depth` goes up by one. When it runs into the maximum
    (8 by default) within the time limit (one hour), the platform treats the chain as an
    infinite loop and aborts it: the deepest call fails and the whole synchronous chain
    rolls back, every time, although nothing loops. The rule reports chains deeper than
    `max-depth`.

    ## Example
    Real-time workflow "On Order Create" invokes `contoso_A1`, whose workflow invokes
    `contoso_A2`, … down to `contoso_A8`: the eighth action runs at depth 9.

    ## How to fix
    Call the work directly instead of through layers of actions, merge actions, or hand off
    part of the chain to something asynchronous (a cloud flow or an asynchronous plug-in
    step), which starts a new request.

    ## Options
    - `max-depth` (default 8, `sdk_messages.MAX_DEPTH`): the deepest allowed chain. Set it
      to the organisation's `WorkflowSettings.MaxDepth` if an administrator changed it.

    ## Known limitations
    Only links the solution files show are followed: what plug-in code calls is invisible,
    and classic workflows started by record events are not linked to those events, so real
    chains can be deeper than reported. Cloud flows, background workflows, child workflows
    and asynchronous steps are treated as starting a new chain. Draft processes are skipped.
    A chain that loops is reported by DV106, not here.

    ## References
    - https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.iexecutioncontext.depth
      ("The maximum depth (8) and time limit (one hour) are configurable")
    - https://learn.microsoft.com/power-apps/developer/data-platform/workflow-custom-actions#watch-out-for-long-running-actions
    """
    limit = ctx.options["max-depth"]
    graph = ctx.graph
    calls = graph.call_graph()

    def runs(key: str) -> bool:
        """A process that runs synchronously in the request that starts it."""
        c = graph.component(key)
        return (isinstance(c, Workflow) and c.state_code != ProcessState.DRAFT
                and (c.is_action or (c.category == ProcessCategory.WORKFLOW and c.mode == ProcessMode.REAL_TIME)))

    def successors(key: str) -> list[tuple[str, str]]:
        if key not in calls:
            return []
        found = []
        for target in sorted(calls.successors(key)):
            via = calls.edges[key, target]["via"]
            if via == "invokes" and runs(key):
                found.append((target, via))
            elif via == "defined_by" and runs(target) and graph.component(target).is_action:
                found.append((target, via))
        return found

    def is_message(key: str) -> bool:
        return graph.node(key).get("kind") == "sdk_message"

    reached = {target for key in calls if runs(key) for target, via in successors(key) if via == "invokes"}

    def too_deep(root: str) -> tuple[list[str], list[str], int] | None:
        """The first chain from ``root`` (sorted order) deeper than the limit, depth-first."""
        budget = BUDGET
        stack = [(root, [root], [], 1)]
        while stack:
            key, path, vias, depth = stack.pop()
            if depth > limit:
                return path, vias, depth
            budget -= 1
            if budget <= 0:
                return None
            for target, via in reversed(successors(key)):
                if target in path:
                    continue  # a cycle: DV106
                stack.append((target, path + [target], vias + [via], depth + (1 if is_message(target) else 0)))
        return None

    for process in ctx.components(Workflow):
        if not runs(process.key):
            continue
        if process.is_action:
            if any(m in reached for m in graph.dependents(process.key, [DEFINED_BY])):
                continue  # a synchronous caller starts this chain: reported there
        found = too_deep(process.key)
        if found is None:
            continue
        path, vias, depth = found
        start = ("counting its own message" if process.is_action
                 else "counting the event that runs it")
        yield ctx.finding(
            process,
            f"{process.display} starts a synchronous call chain {depth} messages deep ({start}), past the "
            f"depth limit of {limit}, where the platform aborts it as an infinite loop: "
            f"{describe(graph, path, vias)}",
            related=[key for key in path[1:] if graph.component(key) is not None])
