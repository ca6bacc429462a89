"""Calls to Dataverse messages in JavaScript and TypeScript, found by parsing (tree-sitter), never by grep.

What counts as a call:

- ``Xrm.WebApi.online.execute(request)`` / ``Xrm.WebApi.execute`` / ``executeMultiple([...])`` (also through
  ``parent.`` or ``window.``) with a request whose ``getMetadata()`` returns ``operationName``,
  ``operationType`` (0 action, 1 function; 2 is a table operation, not a message call), ``boundParameter``
  and ``parameterTypes``. The request is an object literal, or ``new C(...)`` where ``C`` is a class with a
  ``getMetadata`` method or a constructor function with ``C.prototype.getMetadata`` (or ``C.prototype = {…}``).
- A Web API URL, in a string or template literal or a ``+`` concatenation of them, passed to ``fetch``, to an
  ``open`` call (``XMLHttpRequest.open(method, url)``) or as the ``url`` of an object given to a call (jQuery
  ``$.ajax({url})``, ``ajax({url})``, and the team helpers written the same way): ``/api/data/v9.x/<message>``,
  ``/api/data/v9.x/<function>(…)`` and the bound ``/<entityset>(<id>)/Microsoft.Dynamics.CRM.<message>``.
  A URL with query options (``?$select=…``), a record (``accounts(<id>)``) or a navigation is not a call.
- A Web API path passed to any other call, as a team's own helpers take it (``Sdk.request("POST",
  "/sample_CreateCustomer", parameters)``, ``Sdk.request("POST", contactUri +
  "/Microsoft.Dynamics.CRM.sample_AddNoteToContact", …)``): ``analyzer.code.webapi`` decides which strings
  are calls, for every language. Such a call's body is not known (the helper decides what it sends).

A body is known when every property is: an object literal, plus the properties the same function assigns to
the variable that holds it before the call (``parameters.MessageId = …``, ``parameters["User"] = …``,
``Object.assign(parameters, {…})``); a variable also passed to another function, aliased, or given properties
in a nested function or under a computed key is "parameters not all known", and DV603 does not judge them.
``xhr.open(method, url)`` takes its body from the next ``xhr.send(…)`` of the same function.

Identifiers are resolved within the file only: a name declared once in the nearest enclosing function (or the
file) and never reassigned. Anything else (a parameter, a member, a call's result) is unknown, so a message
name that depends on it is ``dynamic``: reported as "dynamic, not resolved", never guessed. Comments and strings
that are not passed to a call never count.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from analyzer.code import bounds, webapi
from analyzer.code.ranges import Nesting
from analyzer.model import MessageCall, SourceLocation

_MAX_DEPTH = 64  # identifiers followed and "+" parts joined before a value counts as unknown (a = b; b = a; …)
_EXECUTE = ("WebApi.online.execute", "WebApi.execute")
_EXECUTE_MULTIPLE = ("WebApi.online.executeMultiple", "WebApi.executeMultiple")
_FETCH = {"fetch", "window.fetch", "self.fetch", "globalThis.fetch"}
_SCOPES = ("program", "function_declaration", "function_expression", "arrow_function", "method_definition",
           "generator_function", "generator_function_declaration", "class_body")
_WRAPPERS = {"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression",
             "type_assertion"}
_UNKNOWN = webapi.UNKNOWN  # stands for a part of a string computed at run time

LANGUAGES = {".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
             ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx"}


# The nodes the resolver needs, found by tree-sitter's own query engine (a Python walk over every node costs
# four times the parse): declarations, assignments and calls.
_QUERY = ("(variable_declarator) @decl (function_declaration) @decl (class_declaration) @decl "
          "(generator_function_declaration) @decl (assignment_expression) @decl (call_expression) @call "
          + " ".join(f"({kind}) @scope" for kind in _SCOPES))


@cache
def _parser(language: str):
    """(parser, query) of a grammar. tree_sitter is imported when a script is parsed, not when dvsa starts."""
    import tree_sitter

    if language == "javascript":
        import tree_sitter_javascript

        grammar = tree_sitter_javascript.language()
    else:
        import tree_sitter_typescript

        grammar = (tree_sitter_typescript.language_tsx() if language == "tsx"
                   else tree_sitter_typescript.language_typescript())
    compiled = tree_sitter.Language(grammar)
    names = tree_sitter.Query(compiled, "(identifier) @name (shorthand_property_identifier) @name")
    return tree_sitter.Parser(compiled), tree_sitter.Query(compiled, _QUERY), names, tree_sitter.QueryCursor


def find_calls(data: bytes, path: str, caller: str, language: str = "javascript") -> tuple[MessageCall, ...]:
    """The message calls in one script. ``path`` is where findings point, ``caller`` the script's name."""
    parser, query, names, cursor = _parser(language)
    tree = bounds.parse(parser, data)  # NotParsed when binary, too big, too deep or too slow
    found = bounds.bounded_cursor(cursor(query)).captures(tree.root_node)

    def uses(scope, name: str) -> list:
        """The identifiers ``name`` inside ``scope`` (tree-sitter's query engine, over the scope's bytes)."""
        named = bounds.bounded_cursor(cursor(names))
        named.set_byte_range(scope.start_byte, scope.end_byte)
        text = name.encode()
        return [n for n in named.captures(scope).get("name", []) if n.text == text]

    calls = _File(found, path, caller, uses).calls()
    shown = "javascript" if language == "javascript" else "typescript"
    return tuple(replace(c, language=shown) for c in calls)


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _compact(node) -> str:
    return re.sub(r"\s+", "", _text(node))


def _unwrap(node):
    while node is not None and node.type in _WRAPPERS:
        node = node.named_children[0] if node.named_children else None
    return node


class _File:
    def __init__(self, found: dict[str, list], path: str, caller: str, uses):
        self.path, self.caller, self.uses = path, caller, uses
        self.scopes = Nesting(found.get("scope", []))
        self.defs: dict[tuple[int | None, str], list] = {}  # (scope index, name or member chain) -> values
        self.reassigned: set[str] = set()  # plain identifiers assigned after their declaration
        self.call_nodes = sorted(found.get("call", []), key=lambda n: n.start_byte)
        for node in sorted(found.get("decl", []), key=lambda n: n.start_byte):
            self._index(node)

    # --- indexing --------------------------------------------------------------------------------
    def _define(self, at, name: str, value) -> None:
        if value is not None:
            self.defs.setdefault((self.scopes.around(at), name), []).append(value)

    def _index(self, node) -> None:
        kind = node.type
        if kind == "variable_declarator":
            name = node.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                self._define(node, _text(name), node.child_by_field_name("value"))
        elif kind in ("function_declaration", "class_declaration", "generator_function_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                self._define(node, _text(name), node)
        elif kind == "assignment_expression":
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                self.reassigned.add(_text(left))
            elif left is not None and left.type == "member_expression":
                self._define(node, _compact(left), node.child_by_field_name("right"))

    # --- values ----------------------------------------------------------------------------------
    def lookup(self, at, name: str):
        """The one value ``name`` (an identifier or a member chain) is given, seen from ``at``; None if unknown."""
        return self.declaration(at, name)[1]

    def declaration(self, at, name: str) -> tuple[int | None, object]:
        """(the scope that declares ``name`` seen from ``at``, its one value); (None, None) if unknown."""
        if "." not in name and name in self.reassigned:
            return None, None
        scope = self.scopes.at_or_around(at)
        while True:
            found = self.defs.get((scope, name))
            if found is not None:
                return (scope, found[0]) if len(found) == 1 else (None, None)
            if scope is None:
                return None, None
            scope = self.scopes.parent[scope]

    def value(self, node, depth: int = 0):
        """``node`` with wrappers removed and identifiers replaced by their one value (or None)."""
        node = _unwrap(node)
        while node is not None and node.type == "identifier" and depth < _MAX_DEPTH:
            node = _unwrap(self.lookup(node, _text(node)))
            depth += 1
        return None if node is None or node.type == "identifier" else node

    def string(self, node, depth: int = 0) -> str:
        """A string expression's value, with ``_UNKNOWN`` for each part computed at run time."""
        node = _unwrap(node)
        if node is None or depth > _MAX_DEPTH:
            return _UNKNOWN
        if node.type == "identifier":
            found = self.lookup(node, _text(node))
            return self.string(found, depth + 1) if found is not None else _UNKNOWN
        if node.type == "string":
            return "".join(_text(c) for c in node.named_children)
        if node.type == "template_string":
            return "".join(self.string(c.named_children[0] if c.named_children else None, depth + 1)
                           if c.type == "template_substitution" else _text(c) for c in node.named_children)
        if node.type == "binary_expression" and _text(node.child_by_field_name("operator")) == "+":
            return (self.string(node.child_by_field_name("left"), depth + 1)
                    + self.string(node.child_by_field_name("right"), depth + 1))
        if node.type == "call_expression":  # ["/GetTimeZoneCodeByLocalizedName", "(…)"].join("")
            return self._joined(node, depth)
        return _UNKNOWN

    def _joined(self, call, depth: int) -> str:
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if function is None or function.type != "member_expression" or arguments is None \
                or _text(function.child_by_field_name("property")) != "join":
            return _UNKNOWN
        array = self.value(function.child_by_field_name("object"))
        separator = [a for a in arguments.named_children if a.type != "comment"]
        if array is None or array.type != "array" or len(separator) != 1:
            return _UNKNOWN
        items = [self.string(item, depth + 1) for item in array.named_children if item.type != "comment"]
        return self.string(separator[0], depth + 1).join(items)

    def members(self, obj) -> dict[str, object] | None:
        """An object literal's properties (name -> value node, a method's node for a method); None when a
        spread or computed key makes the set unknown."""
        found: dict[str, object] = {}
        for child in obj.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                if key.type in ("property_identifier", "number"):
                    found[_text(key)] = child.child_by_field_name("value")
                elif key.type == "string":
                    found[self.string(key)] = child.child_by_field_name("value")
                else:
                    return None
            elif child.type == "shorthand_property_identifier":
                found[_text(child)] = child
            elif child.type == "method_definition":
                found[_text(child.child_by_field_name("name"))] = child
            elif child.type != "comment":
                return None
        return found

    def object(self, node) -> dict[str, object] | None:
        node = self.value(node)
        return self.members(node) if node is not None and node.type == "object" else None

    def returned(self, function) -> dict[str, object] | None:
        """The object literal a function returns (its first ``return {…}``, or an arrow's ``({…})`` body)."""
        function = function if function.type == "method_definition" else self.value(function)
        if function is None:
            return None
        body = function.child_by_field_name("body")
        if body is None:
            return None
        if body.type != "statement_block":
            return self.object(body)
        stack = list(reversed(body.named_children))
        while stack:
            node = stack.pop()
            if node.type == "return_statement":
                return self.object(node.named_children[0]) if node.named_children else None
            if node.type not in _SCOPES:
                stack.extend(reversed(node.named_children))
        return None

    # --- requests --------------------------------------------------------------------------------
    def metadata(self, request) -> tuple[dict | None, dict | None]:
        """(what the request's getMetadata() returns, the request object's own properties)."""
        raw = _unwrap(request)
        node = self.value(raw)
        if node is None:
            return None, None
        if node.type == "object":
            own = self.members(node) or {}
            method = own.get("getMetadata")
            if method is None and raw is not None and raw.type == "identifier":
                method = self.lookup(raw, f"{_text(raw)}.getMetadata")
            return (self.returned(method) if method is not None else None), own
        if node.type == "new_expression":
            constructor = node.child_by_field_name("constructor")
            name = _compact(constructor)
            method = self._method(constructor, name)
            return (self.returned(method) if method is not None else None), None
        return None, None

    def _method(self, at, name: str):
        """``getMetadata`` of the class or constructor function ``name``."""
        definition = self.lookup(at, name)
        if definition is not None:
            definition = _unwrap(definition)
            if definition.type in ("class_declaration", "class"):
                body = definition.child_by_field_name("body")
                for member in body.named_children if body is not None else ():
                    if member.type == "method_definition" and _text(member.child_by_field_name("name")) == \
                            "getMetadata":
                        return member
        method = self.lookup(at, f"{name}.prototype.getMetadata")
        if method is not None:
            return method
        prototype = self.lookup(at, f"{name}.prototype")  # C.prototype = { getMetadata: … }
        return (self.object(prototype) or {}).get("getMetadata") if prototype is not None else None

    def request_call(self, call, request) -> MessageCall | None:
        meta, own = self.metadata(request)
        where = SourceLocation(self.path, call.start_point[0] + 1)
        if meta is None:
            return MessageCall(None, True, (), where, self.caller)
        operation = _text(_unwrap(meta.get("operationType"))) if meta.get("operationType") is not None else ""
        if operation == "2":  # a table operation (Create, Retrieve…) through execute: not a message call
            return None
        name = self.string(meta["operationName"]) if "operationName" in meta else _UNKNOWN
        bound_node = self.value(meta.get("boundParameter")) if meta.get("boundParameter") is not None else None
        bound = None
        if bound_node is not None and bound_node.type in ("null", "undefined"):
            bound = False
        elif bound_node is not None and bound_node.type == "string":
            bound = True
        elif meta.get("boundParameter") is not None and _text(_unwrap(meta["boundParameter"])) == "undefined":
            bound = False
        types = self.object(meta["parameterTypes"]) if "parameterTypes" in meta else None
        bound_name = self.string(bound_node) if bound else None
        parameters = tuple(sorted(k for k in (types or {}) if k != bound_name))
        entity = self._bound_entity(types, own, bound_name) if bound else None
        return MessageCall(
            None if _UNKNOWN in name or not name else name, _UNKNOWN in name or not name, parameters, where,
            self.caller, via="execute", operation_type={"0": "action", "1": "function"}.get(operation), bound=bound,
            bound_entity=entity, parameters_known=types is not None)

    def _bound_entity(self, types: dict | None, own: dict | None, bound_name: str | None) -> str | None:
        """The table a bound request names: ``parameterTypes.entity.typeName`` "mscrm.account", or the request's
        ``entity.entityType``."""
        declared = self.object((types or {}).get(bound_name or "entity")) if types else None
        type_name = self.string(declared["typeName"]) if declared and "typeName" in declared else _UNKNOWN
        if _UNKNOWN not in type_name and type_name.startswith("mscrm."):
            return type_name[len("mscrm."):].lower()
        record = self.object((own or {}).get(bound_name or "entity")) if own else None
        entity = self.string(record["entityType"]) if record and "entityType" in record else _UNKNOWN
        return entity.lower() if _UNKNOWN not in entity and entity else None

    # --- calls -----------------------------------------------------------------------------------
    def calls(self) -> list[MessageCall]:
        found: list[MessageCall] = []
        for call in self.call_nodes:
            callee = _compact(call.child_by_field_name("function"))
            arguments = call.child_by_field_name("arguments")
            args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
            if callee.endswith(_EXECUTE) and args:
                found += [c for c in [self.request_call(call, args[0])] if c is not None]
            elif callee.endswith(_EXECUTE_MULTIPLE) and args:
                found += [c for r in self._requests(args[0]) if (c := self.request_call(call, r)) is not None]
            else:
                found += self._url_calls(call, callee, args)
        return found

    def _requests(self, node, depth: int = 0) -> list:
        node = self.value(node)
        if node is None or node.type != "array" or depth > _MAX_DEPTH:
            return [None]  # an array built at run time: one dynamic call
        requests = []
        for item in node.named_children:
            inner = self.value(item)
            if inner is not None and inner.type == "array":  # a change set
                requests += self._requests(inner, depth + 1)
            elif item.type != "comment":
                requests.append(item)
        return requests

    def _url_calls(self, call, callee: str, args: list) -> list[MessageCall]:
        """A Web API URL given to fetch, to an ``open(method, url)``, or as the ``url`` of an object argument;
        a Web API path given to any other call (``analyzer.code.webapi``)."""
        where = SourceLocation(self.path, call.start_point[0] + 1)
        if callee.startswith("console."):
            return []
        if callee in _FETCH and args:
            init = self.object(args[1]) if len(args) > 1 else None
            return self._url(args[0], where, self._body((init or {}).get("body"), call))
        if callee.endswith(".open") and len(args) >= 2:
            return self._url(args[1], where, self._sent(call, callee[:-len(".open")]))
        http = self._http(args)
        found = []
        for i, arg in enumerate(args):
            settings = self.object(arg)
            if settings and "url" in settings:
                found += self._url(settings["url"], where, self._body(settings.get("data"), call))
            elif i == 0 and callee.split(".")[-1] == "ajax" and (arg.type in ("string", "template_string")):
                options = self.object(args[1]) if len(args) > 1 else None
                found += self._url(arg, where, self._body((options or {}).get("data"), call))
            elif settings is None:
                found += self._url(arg, where, None, http=http)
        return found

    def _http(self, args: list) -> bool:
        """The call says it sends an HTTP request: a method ("POST") among its arguments. (A script's
        ``x.get("name")`` is a map's or a form's; jQuery's ``$.get`` and ``$.post`` take whole URLs.)"""
        return any(a.type == "string" and self.string(a) in webapi.HTTP_METHODS for a in args)

    def _sent(self, open_call, receiver: str) -> tuple[str, ...] | None:
        """The body of ``receiver.send(body)``, the first after ``open_call`` in the same function."""
        scope = self.scopes.around(open_call)
        for call in self.call_nodes:
            if call.start_byte > open_call.end_byte and self.scopes.around(call) == scope \
                    and _compact(call.child_by_field_name("function")) == f"{receiver}.send":
                arguments = call.child_by_field_name("arguments")
                args = [a for a in arguments.named_children if a.type != "comment"] if arguments else []
                return self._body(args[0], call) if args else None
        return None

    def _body(self, node, call) -> tuple[str, ...] | None:
        """The parameter names of a request body ``JSON.stringify(x)`` (or ``x`` itself) sent by ``call``; None
        when not all are known. Annotations (``"@odata.type"``, ``X@odata.bind``) are not parameters."""
        node = _unwrap(node)
        if node is not None and node.type == "call_expression" and \
                _compact(node.child_by_field_name("function")) == "JSON.stringify":
            args = [a for a in node.child_by_field_name("arguments").named_children if a.type != "comment"]
            node = _unwrap(args[0]) if args else None
        if node is None:
            return None
        names = self._built(node, call) if node.type == "identifier" else self._literal(self.value(node))
        if names is None:
            return None
        return tuple(sorted({n.split("@", 1)[0] for n in names} - {""}))

    def _literal(self, node) -> set[str] | None:
        members = self.members(node) if node is not None and node.type == "object" else None
        return set(members) if members is not None else None

    def _built(self, variable, call) -> set[str] | None:
        """An object literal in a variable, with the properties its function gives it before ``call``."""
        name = _text(variable)
        scope, value = self.declaration(variable, name)
        names = self._literal(_unwrap(value))
        if names is None or scope is None:
            return None
        for use in self.uses(self.scopes.nodes[scope], name):
            if self.declaration(use, name)[0] != scope:
                continue  # another variable of that name, declared in a nested function
            added = self._use(use, call)
            if added is None or added and self.scopes.around(use) != scope:
                return None  # passed on, aliased, computed key, or set in a nested function (when is unknown)
            if use.start_byte < call.start_byte:
                names |= added
        return names

    def _use(self, use, call) -> set[str] | None:
        """What one use of the body's variable adds: the property it assigns, nothing (a read, the declaration,
        the call itself), or None when it may add anything."""
        parent = use.parent
        if use.type == "shorthand_property_identifier" or parent is None:
            return set() if call.start_byte <= use.start_byte < call.end_byte else None
        if parent.type == "variable_declarator" and parent.child_by_field_name("name") == use:
            return set()
        if parent.type in ("member_expression", "subscript_expression") \
                and parent.child_by_field_name("object") == use:
            return self._member_use(parent)
        if parent.type == "arguments":
            return self._argument_use(use, parent.parent, call)
        if call.start_byte <= use.start_byte < call.end_byte:
            return set()  # {data: parameters} given to the call
        return None

    def _member_use(self, member) -> set[str] | None:
        outer = member.parent
        assigned = outer is not None and outer.type in ("assignment_expression", "augmented_assignment_expression") \
            and outer.child_by_field_name("left") == member
        if outer is not None and outer.type == "unary_expression" and _text(outer).startswith("delete"):
            return None
        if not assigned:
            return set()  # a read: parameters.Name, parameters.hasOwnProperty(…)
        if member.type == "member_expression":
            return {_text(member.child_by_field_name("property"))}
        key = self.string(member.child_by_field_name("index"))
        return {key} if _UNKNOWN not in key else None

    def _argument_use(self, use, invocation, call) -> set[str] | None:
        callee = _compact(invocation.child_by_field_name("function")) if invocation is not None else ""
        if callee == "JSON.stringify" or callee.startswith("console.") or invocation == call:
            return set()
        args = [a for a in invocation.child_by_field_name("arguments").named_children if a.type != "comment"]
        if callee == "Object.assign" and args and args[0] == use:
            added: set[str] = set()
            for source in args[1:]:
                members = self._literal(self.value(source))
                if members is None:
                    return None
                added |= members
            return added
        return None

    def _url(self, node, where: SourceLocation, body: tuple[str, ...] | None, *,
             http: bool = False) -> list[MessageCall]:
        if node is None:
            return []
        if node.type == "shorthand_property_identifier":  # {url}
            found = self.lookup(node, _text(node))
            text = self.string(found) if found is not None else _UNKNOWN
        else:
            text = self.string(node)
        if text == _UNKNOWN or text in webapi.HTTP_METHODS:
            return []
        call = webapi.parse(text, where, self.caller, body, http=http)
        return [call] if call is not None else []
