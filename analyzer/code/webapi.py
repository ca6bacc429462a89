"""Which strings in code are Web API calls of a message: one place for JavaScript, TypeScript and C#.

A string value is read by each language's reader with ``UNKNOWN`` for every part computed at run time, then
``parse`` says which message call it makes, if any:

- an absolute URL ``…/api/data/v9.x/<message>``, ``…/<function>(…)`` or the bound
  ``…/<entityset>(<id>)/Microsoft.Dynamics.CRM.<message>``, wherever it is passed: via ``url`` (an unbound
  name is a message or a table's entity set alike: the graph keeps it only when an analyzed definition or a
  platform message has that name) or ``qualified url``;
- a relative path ending in ``/Microsoft.Dynamics.CRM.<message>`` (``contactUri +
  "/Microsoft.Dynamics.CRM.sample_AddNoteToContact"``), wherever it is passed: the namespace says it is a
  message (``qualified url``); bound when a record segment precedes it, unbound when nothing does, and not
  said (``bound`` None) when the part before it is computed;
- a relative path ``/<name>``, ``<name>`` or ``/<function>(…)`` given to a call that says it is an HTTP request
  (``http``: a method such as "POST" among its arguments, or in C# a method named Get, Post, Patch, Put or
  Delete, as a team's ``Sdk.request("POST", "/sample_CreateCustomer", …)`` or ``svc.Post("sample_CreateCustomer",
  …)``):
  via ``relative url``, kept by the graph, like ``url``, only when the name is an analyzed or platform
  message's. A relative path whose name is computed is not recorded: it may as well be a table's.

A URL with query options (``?$select=…``), a record (``accounts(<id>)``) or a navigation is not a call.
"""

from __future__ import annotations

import re

from analyzer.model import MessageCall, SourceLocation

UNKNOWN = "\x00"  # stands for a part of a string computed at run time
NAMESPACE = "Microsoft.Dynamics.CRM."
HTTP_METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"})
# a C# method that sends a request by its name: svc.Post(path, body), client.GetAsync(path), svc.PostCreate(…)
HTTP_METHOD_NAME = re.compile(r"(?i)(get|post|patch|put|delete)(async|create|createasync)?")
_API = re.compile(r"/api/data/v\d+(?:\.\d+)?/")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_PATH = re.compile(r"[^\s\"'<>{}|\\^`]*")  # no blank, quote or bracket of text: a path, not a sentence


def parse(text: str, where: SourceLocation, caller: str, body: tuple[str, ...] | None = None, *,
          http: bool = False) -> MessageCall | None:
    """The message call the string ``text`` makes, or None when it is not one (see the module's docstring)."""
    match = _API.search(text)
    if match is not None:
        return _absolute(text[match.end():], where, caller, body)
    parts = re.split(r"[?#]", text, maxsplit=1)
    path, query = parts[0], len(parts) > 1
    if not path or not _PATH.fullmatch(path.replace(UNKNOWN, "")) or "//" in path:
        return None
    at = path.find("/" + NAMESPACE)
    if at >= 0:
        return _qualified(path[:at], path[at + 1 + len(NAMESPACE):], where, caller, body)
    if not http:
        return None
    relative = path[1:] if path.startswith("/") else path
    first, _, after = _segment(relative)
    if after or UNKNOWN in first or first.startswith("$"):
        return None  # a navigation, a computed name, $batch
    return _unbound(first, query, where, caller, body, via="relative url")


def _absolute(rest: str, where: SourceLocation, caller: str, body: tuple[str, ...] | None) -> MessageCall | None:
    """What follows ``/api/data/v9.x/``."""
    parts = re.split(r"[?#]", rest, maxsplit=1)
    path, query = parts[0], len(parts) > 1
    first, _, after = _segment(path)
    if first.startswith("$"):  # $batch, $metadata
        return None
    if after:  # /<entityset>(<id>)/<something>: a bound message, or a navigation or column (not a call)
        if not after.startswith(NAMESPACE):
            return None
        entity_set = first.split("(", 1)[0]
        segment, args, _ = _segment(after[len(NAMESPACE):])
        return _call(segment.split("(", 1)[0], args, where, caller, body, via="qualified url", bound=True,
                     entity_set=None if UNKNOWN in entity_set else entity_set)
    return _unbound(first, query, where, caller, body, via="url")


def _unbound(first: str, query: bool, where: SourceLocation, caller: str, body: tuple[str, ...] | None, *,
             via: str) -> MessageCall | None:
    qualified = first.startswith(NAMESPACE)
    first = first[len(NAMESPACE):] if qualified else first
    name = first.split("(", 1)[0]
    args = first[len(name):]
    if args and not _function_args(args):  # accounts(<id>): a record, not a message
        return None
    if query and not args and not qualified:  # accounts?$select=…: a query of a table, not a message
        return None
    return _call(name, args, where, caller, body, via="qualified url" if qualified else via, bound=False)


def _qualified(before: str, after: str, where: SourceLocation, caller: str,
               body: tuple[str, ...] | None) -> MessageCall | None:
    """``<before>/Microsoft.Dynamics.CRM.<after>`` in a relative path."""
    segment, args, _ = _segment(after)
    record = before.rsplit("/", 1)[-1]
    if not before.strip("/"):
        bound, entity_set = False, None  # /Microsoft.Dynamics.CRM.WinOpportunity: unbound
    elif record.endswith(")") and "(" in record and UNKNOWN not in record.split("(", 1)[0]:
        bound, entity_set = True, record.split("(", 1)[0] or None  # contacts(<id>)/…
    else:
        bound, entity_set = None, None  # contactUri + "/…": a record's URL, or the service root: not said
    return _call(segment.split("(", 1)[0], args, where, caller, body, via="qualified url", bound=bound,
                 entity_set=entity_set)


def _segment(path: str) -> tuple[str, str, str]:
    """The first path segment (with its parentheses, which may hold '/'), its argument text, the rest."""
    depth = 0
    for i, ch in enumerate(path):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "/" and depth <= 0:
            segment = path[:i]
            return segment, segment[segment.find("("):] if "(" in segment else "", path[i + 1:]
    return path, path[path.find("("):] if "(" in path else "", ""


def _function_args(args: str) -> bool:
    """``()`` or ``(A=@a,B=1)``: a function's arguments, not a record key."""
    inner = args.strip()[1:-1] if args.strip().endswith(")") else args.strip()[1:]
    return not inner.strip() or "=" in inner


def _call(name: str, args: str, where: SourceLocation, caller: str, body: tuple[str, ...] | None, *, via: str,
          bound: bool | None, entity_set: str | None = None) -> MessageCall:
    dynamic = UNKNOWN in name or not _NAME.fullmatch(name or "")
    function = bool(args) and _function_args(args)
    parameters, known = body, body is not None
    if function:
        names = [p.split("=", 1)[0].strip() for p in args.strip()[1:-1].split(",") if p.strip()]
        known = all(_NAME.fullmatch(n) for n in names)
        parameters = tuple(sorted(names)) if known else ()
    return MessageCall(None if dynamic else name, dynamic, parameters or (), where, caller, via=via,
                       operation_type="function" if function else None, bound=bound,
                       bound_entity_set=entity_set, parameters_known=known)
