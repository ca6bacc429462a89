import networkx as nx

from analyzer import sdk_messages
from analyzer.graph import DEFINED_BY
from analyzer.model import Workflow
from analyzer.platform import ProcessCategory, ProcessMode, ProcessState
from analyzer.rule import Option, RuleContext, Severity, rule

from ._calls import describe


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
    A chain that loops is reported by DV106, not here: calls between processes of one loop are
    not followed. The deepest chain from every process is computed once over the whole call
    graph, so the rule's time grows with the graph's size, not with the number of paths.

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

    sync = {key: successors(key) for key in calls}
    reached = {target for key in calls if runs(key) for target, via in sync[key] if via == "invokes"}
    deepest = _deepest(sync, is_message)

    def too_deep(root: str) -> tuple[list[str], list[str], int] | None:
        """The first chain from ``root`` (successors in sorted order) deeper than the limit: at each step the
        first successor whose deepest chain still gets past it, the chain a sorted depth-first search finds."""
        path, vias, depth = [root], [], 1
        while depth <= limit:
            step = next(((t, v) for t, v in deepest.edges.get(path[-1], ()) if depth + deepest.depth[t] > limit), None)
            if step is None:
                return None
            path.append(step[0])
            vias.append(step[1])
            depth += 1 if is_message(step[0]) else 0
        return path, vias, depth

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


class _Deepest:
    def __init__(self, edges: dict[str, list[tuple[str, str]]], depth: dict[str, int]):
        self.edges = edges  # key -> its synchronous successors, calls inside a loop left out
        self.depth = depth  # key -> messages on the deepest chain starting at key, key included


def _deepest(sync: dict[str, list[tuple[str, str]]], is_message) -> _Deepest:
    """Longest chains by dynamic programming over the loop-free graph (each loop's inner calls left out, as
    DV106 reports them): every node is finished once, after its successors, in an iterative post-order."""
    loops = nx.DiGraph((key, target) for key, targets in sync.items() for target, _via in targets)
    loops.add_nodes_from(sync)
    loop_of = {key: i for i, loop in enumerate(nx.strongly_connected_components(loops)) for key in loop}
    edges = {key: [(t, v) for t, v in targets if loop_of[t] != loop_of[key]] for key, targets in sync.items()}
    depth: dict[str, int] = {}
    for start in edges:
        stack = [start]
        while stack:
            key = stack[-1]
            if key in depth:
                stack.pop()
                continue
            pending = [t for t, _v in edges[key] if t not in depth]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            depth[key] = (1 if is_message(key) else 0) + max((depth[t] for t, _v in edges[key]), default=0)
    return _Deepest(edges, depth)
