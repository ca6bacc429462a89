"""C# that registers plug-in steps at run time: the plug-in types a file names where it creates
``sdkmessageprocessingstep`` records.

A team may register a type's steps from its own code (a setup plug-in or a deployment tool that creates
``new Entity("sdkmessageprocessingstep") { ["eventhandler"] = … }`` or an early-bound
``new SdkMessageProcessingStep { … }``) instead of shipping them in the solution. Such a file names the types it
registers as ``typeof(X)`` or as the full class name in a string (the ``typename`` it looks the type up by). Every
``typeof`` operand and dotted string literal of such a file is kept; the graph matches them to analyzed plug-in
types, so a name that is no plug-in type counts for nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analyzer.code.csharp import _last_name, _text, _walk, literal
from analyzer.model import SourceLocation

if TYPE_CHECKING:
    from tree_sitter import Node

STEP_ENTITY = "sdkmessageprocessingstep"
STEP_CLASS = "SdkMessageProcessingStep"  # the early-bound class CrmSvcUtil / pac modelbuilder generate
_CLASS_NAME = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+")  # Namespace.Class (a '+' nests: not here)


def step_types(root: Node, path: str) -> tuple[tuple[str, SourceLocation], ...]:
    """The names of the types a file's code may register steps for; () when it creates no step record."""
    if STEP_ENTITY.encode() not in (root.text or b"").lower():
        return ()  # neither spelling anywhere: no need to walk the tree (most files)
    creates, names = False, []
    for node in _walk(root):
        if node.type == "object_creation_expression":
            creates = creates or _creates_step(node)
        elif node.type == "typeof_expression" and node.named_children:
            names.append((_text(node.named_children[0]), SourceLocation(path, node.start_point[0] + 1)))
        elif node.type == "string_literal" and (value := literal(node)) and _CLASS_NAME.fullmatch(value):
            names.append((value, SourceLocation(path, node.start_point[0] + 1)))
    return tuple(names) if creates else ()


def _creates_step(node: Node) -> bool:
    type_name = _last_name(node.child_by_field_name("type"))
    if type_name == STEP_CLASS:
        return True
    if type_name != "Entity":
        return False
    arguments = node.child_by_field_name("arguments")
    first = next((a.named_children[-1] for a in (arguments.named_children if arguments else ())
                  if a.type == "argument" and a.named_children), None)
    return (literal(first) or "").lower() == STEP_ENTITY
