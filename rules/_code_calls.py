"""Wording and walking shared by the rules on calls written in code (DV601-DV603): each call the graph keeps
(``DependencyGraph.code_calls``), the script or source file that makes it, and how it is told.

No rule lives here; the registry finds none and skips the module.
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.messages import MessageRef
from analyzer.model import MessageCall
from analyzer.rule import ComponentSummary, RuleContext

_HOW = {"execute": "an Xrm.WebApi execute request", "url": "a Web API URL", "qualified url": "a Web API URL",
        "relative url": "a Web API path", "request": "an OrganizationRequest"}


def resolved_calls(ctx: RuleContext) -> Iterator[tuple[str, MessageCall, MessageRef]]:
    """(the caller's node, the call, its message) for every call whose message the code names."""
    for caller, call, ref in ctx.graph.code_calls():
        if ref is not None and ref.key is not None:
            yield caller, call, ref


def caller_of(ctx: RuleContext, key: str, solution: str | None):
    """The web resource component; a file of --sources belongs to no solution, so its finding is reported with
    ``solution``, the one the call concerns (the message's definition, or the publisher whose prefix it has)."""
    component = ctx.graph.component(key)
    if component is not None:
        return component
    return ComponentSummary(key, ctx.graph.node(key).get("kind") or "source_file", ctx.graph.name(key), solution)


def told(ctx: RuleContext, caller, call: MessageCall, what: str) -> str:
    """``web resource 'contoso_/x.js' calls contoso_X (an Xrm.WebApi execute request, line 12)``."""
    name = caller.display if hasattr(caller, "display") else f"source file {caller.name}"
    line = f", line {call.source.line}" if call.source.line else ""
    return f"{name} calls {what} ({_HOW.get(call.via, 'a call')}{line})"
