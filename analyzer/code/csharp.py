"""C# source -> the messages it calls, the plug-in classes it holds and their spkl registrations.

Parsed with tree-sitter-c-sharp, never matched with a regular expression: a call written in a comment
is a comment node and never counts, and a string that merely looks like a message name counts only
where the syntax makes it one. What is read:

- calls: ``new OrganizationRequest("name")``; ``RequestName = "name"`` in its object initializer or
  assigned to the variable that holds it (or to any ``x.RequestName`` outside a request class); an
  early-bound request class (``[RequestProxy("name")]`` or a constructor setting ``RequestName``, as
  CrmSvcUtil and ``pac modelbuilder`` generate them) wherever it is instantiated. The parameters are
  the literal keys set with ``request["Key"] = …``, ``["Key"] = …`` in the initializer,
  ``request.Parameters["Key"] = …``, ``Parameters.Add("Key", …)``, ``Parameters = { {"Key", …} }``, and
  the early-bound properties whose setter writes ``Parameters["Key"]``. A name that is not a literal
  string is ``dynamic``: the call is kept, its message is None, never guessed. An interpolated string
  with no hole (``$"mppce_OnPublish"``) is a literal.
- Web API calls: a string that is a Web API path (``analyzer.code.webapi``) given to any call or ``new``:
  ``svc.Post("sample_CreateCustomer", …)``, ``new HttpRequestMessage(HttpMethod.Post, uri)``,
  ``RequestUri = new Uri($"systemusers({id})/Microsoft.Dynamics.CRM.sample_IsSystemAdmin", …)``. A string is
  read through literals, interpolations (a hole is computed), ``+`` and a local declared once in the same
  member and never assigned again; a relative path without the namespace counts only where the call says it
  is an HTTP request (a method named Get, Post…, an ``HttpMethod``, a ``RequestUri``). Their bodies are not read.
- handlers: every class, by its .NET full name (namespace + class, ``Outer+Inner`` when nested: the
  plug-in type name in a solution), with the literal keys it reads from ``InputParameters[...]`` and
  writes to ``OutputParameters[...]`` (indexers, ``Add``, ``Contains``, ``ContainsKey``,
  ``TryGetValue``…; not ``ParentContext.InputParameters``, another message's), also through the team's own
  helpers: a method whose name contains
  ``InputParameter`` or ``OutputParameter`` (``context.GetInputParameter<EntityReference>("Target")``)
  called with a literal first argument.
- registrations: spkl's ``[CrmPluginRegistration(...)]`` on a class, with its constructor's positional
  arguments in spkl's order (message, entityLogicalName, stage, executionMode, filteringAttributes,
  stepName, executionOrder, isolationModel) or named (``stepName: …``), and its named properties
  (``Id``, ``Image1Name``…). The five-argument form registers a custom workflow activity, not a step.

The early-bound classes of one file are often instantiated in another, so ``read_files`` reads every
file first and resolves instantiations after; ``read`` (the ``analyzer.code.READERS`` entry) reads one file
on its own.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from analyzer.code import bounds, webapi
from analyzer.code.ranges import Nesting
from analyzer.model import CodeFile, CodeHandler, MessageCall, Registration, RegistrationImage, SourceLocation

if TYPE_CHECKING:
    from tree_sitter import Node

# spkl's CrmPluginRegistrationAttribute constructors, parameter names as spkl writes them.
STEP_ARGUMENTS = ("message", "entityLogicalName", "stage", "executionMode", "filteringAttributes", "stepName",
                  "executionOrder", "isolationModel")
ACTIVITY_ARGUMENTS = ("name", "friendlyName", "description", "groupName", "isolationModel")
SPKL_ENUMS = frozenset({"MessageNameEnum", "StageEnum", "ExecutionModeEnum", "ImageTypeEnum", "IsolationModeEnum"})
STAGES = {"PreValidation": 10, "PreOperation": 20, "PostOperation": 40}
MODES = {"Synchronous": 0, "Asynchronous": 1}  # spkl's ExecutionModeEnum -> the step's Mode
IMAGE_TYPES = {"PreImage": 0, "PostImage": 1, "Both": 2}
COLLECTION_METHODS = frozenset({"Add", "Contains", "ContainsKey", "TryGetValue", "Remove", "Item"})
TYPE_DECLARATIONS = frozenset({"class_declaration", "struct_declaration", "record_declaration"})
NAMESPACES = frozenset({"namespace_declaration", "file_scoped_namespace_declaration"})
INDEXED = ("object_creation_expression", "assignment_expression", "element_access_expression",
           "invocation_expression", "variable_declarator")
BODIES = frozenset({"method_declaration", "constructor_declaration", "accessor_declaration", "local_function_statement",
                    "property_declaration", "operator_declaration", "destructor_declaration"})


@dataclass(frozen=True, slots=True)
class RequestClass:
    """An early-bound request class: its message and the parameter key each property sets."""

    type_name: str
    message: str
    properties: dict[str, str] = field(hash=False, compare=False)
    source: SourceLocation | None = None


@cache
def _language():
    import tree_sitter  # imported when a file is parsed, not when the analyzer starts
    import tree_sitter_c_sharp

    return tree_sitter.Language(tree_sitter_c_sharp.language())


def parser():
    import tree_sitter

    return tree_sitter.Parser(_language())


@cache
def _index_query():
    """The nodes the passes look at, found by tree-sitter's query engine (in C) instead of a Python walk."""
    import tree_sitter

    patterns = " ".join(f"({kind}) @{kind}" for kind in (*INDEXED, *sorted(TYPE_DECLARATIONS), *sorted(NAMESPACES)))
    return tree_sitter.Query(_language(), patterns)


@cache
def _identifier_query():
    import tree_sitter

    return tree_sitter.Query(_language(), "(identifier) @identifier")


def _identifiers(scope: Node, after: int) -> list[Node]:
    import tree_sitter

    cursor = bounds.bounded_cursor(tree_sitter.QueryCursor(_identifier_query()))
    cursor.set_byte_range(after, scope.end_byte)
    return [n for n in cursor.captures(scope).get("identifier", []) if n.start_byte >= after]


def _captures(node: Node) -> dict[str, list[Node]]:
    import tree_sitter

    return bounds.bounded_cursor(tree_sitter.QueryCursor(_index_query())).captures(node)


def read(data: bytes, path: str, caller: str) -> CodeFile:
    """One file on its own (``analyzer.code.READERS``): early-bound classes of other files are not known."""
    return _read([(path, data, caller)])[0]


def read_files(files: Iterable[tuple[str, bytes]]) -> list[CodeFile]:
    """Every file (path, data), then the instantiations of the early-bound request classes any of them
    defines (``analyzer.code.BATCH_READERS``). A call in a class is the class's; in top-level statements, the
    file's."""
    return _read([(path, data, path) for path, data in files])


def _read(files: list[tuple[str, bytes, str]]) -> list[CodeFile]:
    p = parser()
    parsed: list[_File] = []
    skipped: list[CodeFile] = []
    for path, data, caller in files:
        try:
            parsed.append(_File(path, bounds.parse(p, data).root_node, caller))
        except bounds.NotParsed as e:  # binary, too big, too deep or too slow: counted, not parsed
            skipped.append(CodeFile(path, "csharp", skipped=e.reason))
    request_classes: dict[str, RequestClass] = {}
    for f in parsed:
        for rc in f.request_classes():
            request_classes.setdefault(rc.type_name.rsplit(".", 1)[-1], rc)
    from analyzer.code.steps import step_types  # it builds on this module's syntax helpers

    return [CodeFile(f.path, "csharp", calls=tuple(f.calls(request_classes)), handlers=tuple(f.handlers()),
                     registrations=tuple(f.registrations()), step_types=step_types(f.root, f.path))
            for f in parsed] + skipped


# --- syntax helpers -----------------------------------------------------------------------------------

def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def literal(node: Node | None) -> str | None:
    """The value of a string literal (regular, verbatim or raw), else None: anything computed is not one."""
    while node is not None and node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]  # ("name"), however deep: a loop, not a recursion
    if node is None:
        return None
    if node.type == "string_literal":
        parts = []
        for c in node.named_children:
            if c.type == "string_literal_content":
                parts.append(_text(c))
            elif c.type == "escape_sequence":
                t = _text(c)
                parts.append(_ESCAPES.get(t[1:], t) if len(t) == 2 else t)
        return "".join(parts)
    if node.type == "verbatim_string_literal":
        return _text(node)[2:-1].replace('""', '"')
    if node.type == "raw_string_literal":
        return _text(node).strip('"').strip("\n")
    if node.type == "interpolated_string_expression" and not any(c.type == "interpolation"
                                                                 for c in node.named_children):
        return _interpolated(node)  # $"mppce_OnPublish": no hole, a literal
    return None


def _interpolated(node: Node) -> str:
    """An interpolated string's text, ``webapi.UNKNOWN`` for each hole."""
    verbatim = "@" in _text(node)[:3]
    parts = []
    for c in node.named_children:
        if c.type == "interpolation":
            parts.append(webapi.UNKNOWN)
        elif c.type == "escape_sequence" and not verbatim:
            t = _text(c)
            parts.append(_ESCAPES.get(t[1:], t) if len(t) == 2 else t)
        elif c.type in ("string_content", "escape_sequence"):
            parts.append(_text(c).replace("{{", "{").replace("}}", "}"))
    return "".join(parts)


def _value(node: Node | None) -> str | int | None:
    """A literal string or integer, or the member of one of spkl's enums (``StageEnum.PostOperation``)."""
    if node is None:
        return None
    if (s := literal(node)) is not None:
        return s
    if node.type == "integer_literal":
        try:
            return int(_text(node).rstrip("uUlL"), 0)
        except ValueError:
            return None
    if node.type == "member_access_expression" and _last_name(node.child_by_field_name("expression")) in SPKL_ENUMS:
        return _text(node.child_by_field_name("name"))
    return None  # a constant or anything computed: not guessed


def _last_name(node: Node | None) -> str:
    """``OrganizationRequest`` of ``Microsoft.Xrm.Sdk.OrganizationRequest``, ``GetX`` of ``GetX<T>``."""
    if node is None:
        return ""
    if node.type in ("qualified_name", "member_access_expression"):
        return _last_name(node.child_by_field_name("name") or node.named_children[-1])
    if node.type == "generic_name":
        return _text(node.named_children[0])
    if node.type == "alias_qualified_name":
        return _last_name(node.named_children[-1])
    return _text(node) if node.type == "identifier" else ""


def _arguments(node: Node | None) -> list[Node]:
    """The expressions of an argument list, in order (``ref``/``out`` and names set aside)."""
    if node is None:
        return []
    return [a.named_children[-1] for a in node.named_children if a.type == "argument" and a.named_children]


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _attributes(decl: Node) -> Iterator[Node]:
    for child in decl.named_children:
        if child.type == "attribute_list":
            yield from (a for a in child.named_children if a.type == "attribute")


def _attribute_name(attr: Node) -> str:
    name = _last_name(attr.child_by_field_name("name") or attr.named_children[0])
    return name[:-len("Attribute")] if name.endswith("Attribute") else name


def _split_names(value: str | int | None) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    return tuple(sorted({a.strip().lower() for a in value.split(",") if a.strip()}))


def _first(keys: list[tuple[str, SourceLocation]]) -> tuple[tuple[str, SourceLocation], ...]:
    """Each key once, where it is first used."""
    seen: dict[str, SourceLocation] = {}
    for key, where in keys:
        seen.setdefault(key, where)
    return tuple(seen.items())


class _File:
    def __init__(self, path: str, root: Node, caller: str) -> None:
        self.path = path
        self.root = root
        self.file_caller = caller
        # one walk of the tree: the nodes every later pass looks at, in document order
        found = _captures(root)
        self.nodes: dict[str, list[Node]] = {
            kind: sorted(found.get(kind, []), key=lambda n: n.start_byte) for kind in INDEXED}
        self._types = sorted((n for kind in TYPE_DECLARATIONS for n in found.get(kind, [])),
                             key=lambda n: n.start_byte)
        # types and namespaces, nested by byte range: who holds what without climbing Node.parent
        self._nesting = Nesting(self._types + [n for kind in NAMESPACES for n in found.get(kind, [])])
        self._names: dict[tuple[int, int], str] = {}

    def at(self, node: Node) -> SourceLocation:
        return SourceLocation(self.path, _line(node))

    # --- names ----------------------------------------------------------------------------------------

    def type_name(self, decl: Node) -> str:
        """The .NET full name: ``Ns.Outer+Inner`` (what a plug-in type's TypeName holds)."""
        span = (decl.start_byte, decl.end_byte)
        if span not in self._names:
            classes: list[str] = []
            namespaces: list[str] = []
            for n in self._nesting.chain(self._nesting.at_or_around(decl)):
                if n.type in TYPE_DECLARATIONS:
                    classes.append(_text(n.child_by_field_name("name")))
                elif n.type == "namespace_declaration":
                    namespaces.append(_text(n.child_by_field_name("name")))
            # a file-scoped namespace is a sibling of the types it holds, not their parent
            scoped = next((c for c in self.root.named_children if c.type == "file_scoped_namespace_declaration"),
                          None)
            if scoped is not None:
                namespaces.append(_text(scoped.child_by_field_name("name")))
            prefix = ".".join(reversed(namespaces))
            name = "+".join(reversed(classes))
            self._names[span] = f"{prefix}.{name}" if prefix else name
        return self._names[span]

    def enclosing_type(self, node: Node) -> Node | None:
        for n in self._nesting.chain(self._nesting.around(node)):
            if n.type in TYPE_DECLARATIONS:
                return n
        return None

    def caller(self, node: Node) -> str:
        decl = self.enclosing_type(node)
        return self.type_name(decl) if decl is not None else self.file_caller

    # --- early-bound request classes -------------------------------------------------------------------

    def request_classes(self) -> Iterator[RequestClass]:
        for decl in self._types:
            message = self._request_message(decl)
            if message is not None:
                yield RequestClass(self.type_name(decl), message, self._request_properties(decl), self.at(decl))

    def _request_message(self, decl: Node) -> str | None:
        for attr in _attributes(decl):
            if _attribute_name(attr) == "RequestProxy":
                args = attr.child_by_field_name("arguments") or next(
                    (c for c in attr.named_children if c.type == "attribute_argument_list"), None)
                values = [literal(a.named_children[-1]) for a in (args.named_children if args else [])
                          if a.named_children]
                if values and values[0]:
                    return values[0]
        for ctor in self._members(decl, "constructor_declaration"):
            for n in _walk(ctor):
                if n.type == "assignment_expression" and _last_name(n.child_by_field_name("left")) == "RequestName":
                    if (name := literal(n.child_by_field_name("right"))) is not None:
                        return name
        return None

    @staticmethod
    def _members(decl: Node, kind: str) -> Iterator[Node]:
        body = decl.child_by_field_name("body")
        for member in body.named_children if body is not None else []:
            if member.type == kind:
                yield member

    def _request_properties(self, decl: Node) -> dict[str, str]:
        """Property name -> the key its setter writes: ``set { this.Parameters["Key"] = value; }``."""
        found: dict[str, str] = {}
        for prop in self._members(decl, "property_declaration"):
            for n in _walk(prop):
                if n.type == "accessor_declaration" and _text(n.child_by_field_name("name")) == "set":
                    for key, _node, _kind in self._collection_keys(_walk(n), ("Parameters",)):
                        if key:
                            found[_text(prop.child_by_field_name("name"))] = key
        return found

    # --- keys of a parameter collection ---------------------------------------------------------------

    @staticmethod
    def _collection_keys(nodes: Iterable[Node], collections: tuple[str, ...]
                         ) -> Iterator[tuple[str | None, Node, str]]:
        """(key or None when not a literal, node, collection) for every ``X.<collection>["k"]`` and
        ``X.<collection>.Add/ContainsKey…("k")`` among ``nodes``."""
        for n in nodes:
            if n.type == "element_access_expression":
                target = n.child_by_field_name("expression") or n.named_children[0]
                if (name := _last_name(target)) in collections:
                    args = _arguments(n.child_by_field_name("subscript") or n.named_children[-1])
                    yield (literal(args[0]) if args else None), n, name
            elif n.type == "invocation_expression":
                fn = n.child_by_field_name("function")
                if fn is None or fn.type != "member_access_expression" or _last_name(fn) not in COLLECTION_METHODS:
                    continue
                receiver = fn.child_by_field_name("expression")
                if receiver is not None and _last_name(receiver) == "Keys":
                    receiver = receiver.child_by_field_name("expression")
                if (name := _last_name(receiver)) in collections:
                    args = _arguments(n.child_by_field_name("arguments"))
                    yield (literal(args[0]) if args else None), n, name

    # --- handlers -------------------------------------------------------------------------------------

    def handlers(self) -> Iterator[CodeHandler]:
        uses: dict[Node, list[tuple[int, bool, str, SourceLocation]]] = {decl: [] for decl in self._types}
        for key, node, collection in self._collection_keys(
                self.nodes["element_access_expression"] + self.nodes["invocation_expression"],
                ("InputParameters", "OutputParameters")):
            decl = self.enclosing_type(node)
            if key is not None and decl is not None and b"ParentContext" not in (node.text or b""):
                uses[decl].append((node.start_byte, collection == "InputParameters", key, self.at(node)))
        for n in self.nodes["invocation_expression"]:  # the team's helpers: GetInputParameter<T>("key")…
            name = _last_name(n.child_by_field_name("function")).lower()
            if ("inputparameter" in name or "outputparameter" in name) and (decl := self.enclosing_type(n)):
                args = _arguments(n.child_by_field_name("arguments"))
                if args and (key := literal(args[0])) is not None:
                    uses[decl].append((n.start_byte, "inputparameter" in name, key, self.at(n)))
        for decl in self._types:
            found = sorted(uses[decl], key=lambda u: u[0])
            yield CodeHandler(self.type_name(decl), _first([(k, w) for _, read, k, w in found if read]),
                              _first([(k, w) for _, read, k, w in found if not read]),
                              self.at(decl.child_by_field_name("name") or decl))

    # --- registrations --------------------------------------------------------------------------------

    def registrations(self) -> Iterator[Registration]:
        for decl in self._types:
            for attr in _attributes(decl):
                if _attribute_name(attr) == "CrmPluginRegistration":
                    yield self._registration(self.type_name(decl), attr)

    def _registration(self, type_name: str, attr: Node) -> Registration:
        args = next((c for c in attr.named_children if c.type == "attribute_argument_list"), None)
        positional: list[Node] = []
        named: dict[str, Node] = {}  # Name = value (properties), name: value (parameters)
        for arg in args.named_children if args is not None else []:
            if arg.type != "attribute_argument" or not arg.named_children:
                continue
            first = arg.named_children[0]
            if len(arg.named_children) > 1 and first.type in ("identifier", "name_equals", "name_colon"):
                named[_text(first.named_children[0] if first.named_children else first)] = arg.named_children[-1]
            else:
                positional.append(arg.named_children[-1])
        form = ACTIVITY_ARGUMENTS if len(positional) == len(ACTIVITY_ARGUMENTS) and "message" not in named \
            else STEP_ARGUMENTS
        values = {name: _value(node) for name, node in zip(form, positional, strict=False)}
        values.update({name: _value(node) for name, node in named.items()})

        def text(name: str) -> str | None:
            v = values.get(name)
            return v if isinstance(v, str) else None

        if form is ACTIVITY_ARGUMENTS:
            return Registration(type_name, self.at(attr), workflow_activity=True, name=text("name"),
                                friendly_name=text("friendlyName"), group_name=text("groupName"))
        images = []
        for i in (1, 2):
            if image := text(f"Image{i}Name"):
                kind = values.get(f"Image{i}Type")
                images.append(RegistrationImage(image, _split_names(values.get(f"Image{i}Attributes")),
                                                IMAGE_TYPES.get(kind) if isinstance(kind, str) else kind))
        stage, mode, order = values.get("stage"), values.get("executionMode"), values.get("executionOrder")
        ident = text("Id")
        return Registration(
            type_name, self.at(attr), message=text("message"), entity_logical_name=text("entityLogicalName"),
            stage=STAGES.get(stage) if isinstance(stage, str) else stage,
            execution_mode=MODES.get(mode) if isinstance(mode, str) else None,
            filtering_attributes=_split_names(values.get("filteringAttributes")), name=text("stepName"),
            execution_order=order if isinstance(order, int) else None,
            id=ident.strip("{}").lower() if ident else None, images=tuple(images),
            friendly_name=text("FriendlyName"), group_name=text("GroupName"))

    # --- calls ----------------------------------------------------------------------------------------

    def calls(self, request_classes: dict[str, RequestClass]) -> Iterator[MessageCall]:
        yield from self._organization_requests(request_classes)
        yield from self._web_api_calls()

    # --- Web API paths ----------------------------------------------------------------------------------

    def _web_api_calls(self) -> Iterator[MessageCall]:
        """Every argument of a call or ``new`` whose value is a Web API path (``analyzer.code.webapi``)."""
        sends = sorted(self.nodes["invocation_expression"] + self.nodes["object_creation_expression"],
                       key=lambda n: n.start_byte)
        for n in sends:
            if n.type == "object_creation_expression" and \
                    _last_name(n.child_by_field_name("type")) == "OrganizationRequest":
                continue  # its argument is a message name, read as one
            http = self._http(n)
            for arg in _arguments(n.child_by_field_name("arguments")):
                text = self._string(arg)
                if text == webapi.UNKNOWN or text in webapi.HTTP_METHODS:
                    continue
                call = webapi.parse(text, self.at(n), self.caller(n), http=http)
                if call is not None:
                    yield MessageCall(call.message, call.dynamic, call.parameters, call.source, call.caller,
                                      language="csharp", via=call.via, operation_type=call.operation_type,
                                      bound=call.bound, bound_entity_set=call.bound_entity_set,
                                      parameters_known=call.parameters_known)

    def _http(self, n: Node) -> bool:
        """The call or ``new`` says it sends an HTTP request: a method named Get, Post… (``svc.Post(path, body)``,
        ``client.GetAsync(path)``), an ``HttpMethod`` or "POST" among its arguments, or a ``new Uri(…)`` that
        is a request's ``RequestUri`` or an argument of such a call."""
        if n.type == "invocation_expression" and \
                webapi.HTTP_METHOD_NAME.fullmatch(method := _last_name(n.child_by_field_name("function"))):
            # IOrganizationService.Delete(entityName, id) names a table, not a path
            return not (method == "Delete" and len(_arguments(n.child_by_field_name("arguments"))) == 2)
        for arg in _arguments(n.child_by_field_name("arguments")):
            if arg.type == "member_access_expression" and _last_name(arg.child_by_field_name("expression")) \
                    == "HttpMethod" or literal(arg) in webapi.HTTP_METHODS:
                return True
        if n.type == "object_creation_expression" and _last_name(n.child_by_field_name("type")) == "Uri":
            parent = n.parent
            if parent is not None and parent.type == "assignment_expression" \
                    and _last_name(parent.child_by_field_name("left")) == "RequestUri":
                return True
            if parent is not None and parent.type == "argument" and parent.parent is not None \
                    and parent.parent.parent is not None:
                return self._http(parent.parent.parent)
        return False

    def _string(self, node: Node | None, depth: int = 0) -> str:
        """A string expression's value, ``webapi.UNKNOWN`` for each part computed at run time."""
        while node is not None and node.type == "parenthesized_expression" and node.named_child_count == 1:
            node = node.named_children[0]
        if node is None or depth > 32:
            return webapi.UNKNOWN
        if (value := literal(node)) is not None:
            return value
        if node.type == "interpolated_string_expression":
            return _interpolated(node)
        if node.type == "binary_expression" and _text(node.child_by_field_name("operator")) == "+":
            return self._string(node.child_by_field_name("left"), depth + 1) \
                + self._string(node.child_by_field_name("right"), depth + 1)
        if node.type == "identifier":
            return self._string(self._local(node), depth + 1)
        return webapi.UNKNOWN

    def _local(self, identifier: Node) -> Node | None:
        """The value of the local ``identifier`` names: declared once in the same member with a value and never
        assigned again there; else None."""
        body = self._body(identifier)
        if body is None:
            return None
        name = identifier.text
        declared = [d for d in self._between("variable_declarator", body.start_byte - 1, body.end_byte)
                    if d.named_children and d.named_children[0].text == name]
        assigned = [a for a in self._between("assignment_expression", body.start_byte - 1, body.end_byte)
                    if (left := a.child_by_field_name("left")) is not None and left.text == name]
        if len(declared) != 1 or assigned or len(declared[0].named_children) < 2:
            return None
        return declared[0].named_children[-1]

    # --- OrganizationRequest ----------------------------------------------------------------------------

    def _organization_requests(self, request_classes: dict[str, RequestClass]) -> Iterator[MessageCall]:
        tracked: set[int] = set()  # RequestName assignments already part of a creation
        for n in self.nodes["object_creation_expression"]:
            type_name = _last_name(n.child_by_field_name("type"))
            early = request_classes.get(type_name)
            if type_name != "OrganizationRequest" and early is None:
                continue
            if early is not None and self._inside_request_class(n, early):
                continue
            yield self._creation(n, early, tracked)
        for n in self.nodes["assignment_expression"]:  # x.RequestName = "name" with no creation in sight
            if n.id not in tracked and n.parent is not None \
                    and n.parent.type != "initializer_expression" \
                    and _last_name(n.child_by_field_name("left")) == "RequestName":
                decl = self.enclosing_type(n)
                if decl is not None and self._request_message(decl) is not None:
                    continue  # the request class's own constructor
                name = literal(n.child_by_field_name("right"))
                yield MessageCall(name, name is None, (), self.at(n), self.caller(n), language="csharp",
                                  via="request")

    def _inside_request_class(self, node: Node, early: RequestClass) -> bool:
        decl = self.enclosing_type(node)
        return decl is not None and self.type_name(decl) == early.type_name

    def _creation(self, node: Node, early: RequestClass | None, tracked: set[int]) -> MessageCall:
        message: str | None = early.message if early is not None else None
        named = early is not None
        args = _arguments(node.child_by_field_name("arguments"))
        if early is None and args:
            message, named = literal(args[0]), True
        keys: list[str | None] = []  # None: a key that is not a literal
        known = True  # every parameter the request carries is in ``keys``
        properties = early.properties if early is not None else {}
        init = node.child_by_field_name("initializer") or next(
            (c for c in node.named_children if c.type == "initializer_expression"), None)
        for item in init.named_children if init is not None else []:
            if item.type != "assignment_expression":
                continue
            left, right = item.child_by_field_name("left"), item.child_by_field_name("right")
            if left is not None and left.type == "element_binding_expression":
                keys += [literal(a) for a in _arguments(left)]
            elif (name := _last_name(left)) == "RequestName" and early is None:
                message, named = literal(right), True
            elif name == "Parameters" and right is not None:
                keys += self._collection_initializer(right)
            elif name in properties:
                keys.append(properties[name])
            elif name != "RequestId":
                known = False
        variable = self._variable(node)
        if variable is not None:
            for statement_key, assigned_name in self._later_uses(node, variable, properties, tracked):
                if assigned_name is not None:  # "" when the name assigned is not a literal
                    message, named = assigned_name or None, True
                else:
                    keys.append(statement_key)
            known = known and not self._escapes(node, variable)
        dynamic = message is None or not named
        return MessageCall(None if dynamic else message, dynamic, tuple(dict.fromkeys(k for k in keys if k)),
                           self.at(node), self.caller(node), language="csharp", via="request",
                           parameters_known=known and None not in keys)

    @staticmethod
    def _collection_initializer(node: Node) -> list[str | None]:
        """``{ {"Key", v}, … }`` or ``new ParameterCollection { {"Key", v} }``: the literal keys."""
        init = node if node.type == "initializer_expression" else next(
            (c for c in node.named_children if c.type == "initializer_expression"), None)
        keys = []
        for pair in init.named_children if init is not None else []:
            if pair.type == "initializer_expression" and pair.named_children:
                keys.append(literal(pair.named_children[0]))
            elif pair.type == "assignment_expression":  # ["Key"] = v
                left = pair.child_by_field_name("left")
                if left is not None and left.type == "element_binding_expression":
                    keys += [literal(a) for a in _arguments(left)]
            else:
                keys.append(None)
        return keys

    @staticmethod
    def _variable(node: Node) -> str | None:
        parent = node.parent
        if parent is not None and parent.type == "variable_declarator":
            return _text(parent.child_by_field_name("name") or parent.named_children[0])
        if parent is not None and parent.type == "assignment_expression" \
                and parent.child_by_field_name("right") == node:
            left = parent.child_by_field_name("left")
            return _text(left) if left is not None and left.type == "identifier" else None
        return None

    def _later_uses(self, node: Node, variable: str, properties: dict[str, str], tracked: set[int]
                    ) -> Iterator[tuple[str | None, str | None]]:
        """After the creation, in the same member body, until the variable is assigned again:
        (parameter key, None) for each key set, (None, name or "") for a RequestName assignment."""
        body = self._body(node)
        if body is None:
            return
        later = sorted((n for kind in ("assignment_expression", "element_access_expression", "invocation_expression")
                        for n in self._between(kind, node.end_byte, body.end_byte)), key=lambda n: n.start_byte)
        for n in later:
            if n.type == "assignment_expression":
                left = n.child_by_field_name("left")
                if left is not None and left.type == "identifier" and _text(left) == variable:
                    return  # a new request in the same variable
                if left is not None and left.type == "member_access_expression" \
                        and _text(left.child_by_field_name("expression")) == variable:
                    member = _last_name(left)
                    if member == "RequestName":
                        tracked.add(n.id)
                        yield None, literal(n.child_by_field_name("right")) or ""
                    elif member in properties:
                        yield properties[member], None
            if n.type in ("element_access_expression", "invocation_expression"):
                yield from ((k, None) for k in self._keys_on(n, variable))

    @staticmethod
    def _body(node: Node) -> Node | None:
        body = node.parent
        while body is not None and body.type not in BODIES and body.type not in TYPE_DECLARATIONS:
            body = body.parent
        return body

    def _between(self, kind: str, start: int, end: int) -> list[Node]:
        """The indexed nodes of ``kind`` that start after ``start`` and end by ``end``."""
        nodes = self.nodes[kind]
        first = bisect.bisect_right([n.start_byte for n in nodes], start)
        return [n for n in nodes[first:] if n.end_byte <= end]

    def _escapes(self, node: Node, variable: str) -> bool:
        """The request variable is used other than to set its parameters or to be executed (passed to a
        helper, stored, returned): its parameters may be set where this file does not show."""
        body = self._body(node)
        if body is None:
            return False
        name = variable.encode()
        for n in _identifiers(body, node.end_byte):
            if n.text != name:
                continue
            parent = n.parent
            if parent is None or parent.type == "variable_declarator":
                continue
            if parent.type in ("member_access_expression", "element_access_expression") \
                    and parent.named_children and parent.named_children[0] == n:
                continue
            if parent.type == "assignment_expression" and parent.child_by_field_name("left") == n:
                continue
            if parent.type == "argument":
                call = parent.parent.parent if parent.parent is not None else None
                if call is not None and call.type == "invocation_expression" \
                        and _last_name(call.child_by_field_name("function")).startswith("Execute"):
                    continue
            return True
        return False

    def _keys_on(self, n: Node, variable: str) -> Iterator[str | None]:
        """``variable["k"]``, ``variable.Parameters["k"]``, ``variable.Parameters.Add("k", …)``: the key, None
        when it is not a literal."""
        if n.type == "element_access_expression":
            target = n.child_by_field_name("expression") or n.named_children[0]
            if _text(target) in (variable, f"{variable}.Parameters"):
                args = _arguments(n.child_by_field_name("subscript") or n.named_children[-1])
                if args:
                    yield literal(args[0])
        else:
            fn = n.child_by_field_name("function")
            if fn is not None and fn.type == "member_access_expression" and _last_name(fn) == "Add" \
                    and _text(fn.child_by_field_name("expression")) == f"{variable}.Parameters":
                args = _arguments(n.child_by_field_name("arguments"))
                if args:
                    yield literal(args[0])

