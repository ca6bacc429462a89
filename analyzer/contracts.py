"""The contract of a custom message: what callers must send and may read back.

A custom process action (its XAML arguments) and a Custom API (its request parameters and
response properties) both define a message with a name, a binding, inputs and outputs. Diffs,
DV504 and the inventory compare and show messages through this one shape. Pure: model in,
plain data out.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.model import ActionArgument, Component, CustomApi, Workflow
from analyzer.platform import BindingType, ParameterType


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str  # as callers write it: "Target", "contoso_Amount"
    type: str  # "String", "EntityReference", "Entity of contoso_request"…: the label people know
    required: bool = True  # inputs only; outputs are always returned


@dataclass(frozen=True, slots=True)
class Contract:
    message: str  # the message name callers use
    definition: str  # the key of the action workflow or Custom API
    binding: str  # "global", "entity contoso_request", "entity collection contoso_request"
    is_function: bool
    inputs: tuple[Parameter, ...] = ()
    outputs: tuple[Parameter, ...] = ()
    # False for an action whose XAML body is not in the package: its arguments are unknown, not absent.
    parameters_known: bool = True

    def input(self, name: str) -> Parameter | None:
        return next((p for p in self.inputs if p.name.lower() == name.lower()), None)

    def output(self, name: str) -> Parameter | None:
        return next((p for p in self.outputs if p.name.lower() == name.lower()), None)


def _binding(kind: BindingType | None, entity: str | None) -> str:
    if kind == BindingType.ENTITY:
        return f"entity {entity or '?'}"
    if kind == BindingType.ENTITY_COLLECTION:
        return f"entity collection {entity or '?'}"
    return "global"


def _type_label(type_code: int | None, entity: str | None) -> str:
    label = ParameterType(type_code).label if type_code is not None else "unknown type"
    return f"{label} of {entity}" if entity else label


def _custom_api(api: CustomApi) -> Contract:
    inputs = tuple(Parameter(p.unique_name, _type_label(p.type, p.entity_name), required=not p.is_optional)
                   for p in sorted(api.request_parameters, key=lambda p: p.unique_name.lower()))
    outputs = tuple(Parameter(p.unique_name, _type_label(p.type, p.entity_name))
                    for p in sorted(api.response_properties, key=lambda p: p.unique_name.lower()))
    binding = BindingType(api.binding_type) if api.binding_type is not None else None
    return Contract(api.unique_name, api.key, _binding(binding, api.bound_entity), api.is_function, inputs, outputs)


def _action(wf: Workflow) -> Contract:
    """An action's contract from its XAML arguments (``Workflow.arguments``, read by the reader)."""
    inputs = tuple(Parameter(a.name, _argument_type(a), a.required) for a in wf.arguments if a.direction == "input")
    outputs = tuple(Parameter(a.name, _argument_type(a)) for a in wf.arguments if a.direction == "output")
    bound = wf.primary_entity if wf.primary_entity and wf.primary_entity != "none" else None
    binding = f"entity {bound}" if bound else "global"
    # has_steps is None exactly when no XAML body was read (FORMAT.md: an action's body is its .xaml file).
    return Contract(wf.message_name or wf.name, wf.key, binding, False, inputs, outputs,
                    parameters_known=wf.has_steps is not None)


def _argument_type(argument: ActionArgument) -> str:
    return f"{argument.type_label} of {argument.entity}" if argument.entity else argument.type_label


def contract_of(component: Component) -> Contract | None:
    """The message contract a Custom API or custom process action defines; None for anything else."""
    if isinstance(component, CustomApi):
        return _custom_api(component)
    if isinstance(component, Workflow) and component.is_action:
        return _action(component)
    return None


def breaking_changes(old: Contract, new: Contract) -> list[str]:
    """What in ``new`` breaks a caller written against ``old``, in words; [] when every old call still works.

    Breaking: another binding or function-ness (a bound call names the record, a function is a GET), an
    input removed, retyped or now required (or a new required one), an output removed or retyped. Adding
    an optional input or an output is not. Parameters are compared only when both sides' are known."""
    changes = []
    if old.binding.lower() != new.binding.lower():
        changes.append(f"binding changed from {old.binding} to {new.binding}")
    if old.is_function != new.is_function:
        changes.append("it is now a function" if new.is_function else "it is no longer a function")
    if old.parameters_known and new.parameters_known:
        changes += _input_changes(old, new) + _output_changes(old, new)
    return changes


def _input_changes(old: Contract, new: Contract) -> list[str]:
    changes = []
    for before in old.inputs:
        after = new.input(before.name)
        if after is None:
            changes.append(f"input {before.name} ({before.type}) removed")
        elif _retyped(before, after):
            changes.append(f"input {before.name} retyped from {before.type} to {after.type}")
        elif after.required and not before.required:
            changes.append(f"input {before.name} is now required")
    for after in new.inputs:
        if after.required and old.input(after.name) is None:
            changes.append(f"required input {after.name} ({after.type}) added")
    return changes


def _output_changes(old: Contract, new: Contract) -> list[str]:
    changes = []
    for before in old.outputs:
        after = new.output(before.name)
        if after is None:
            changes.append(f"output {before.name} ({before.type}) removed")
        elif _retyped(before, after):
            changes.append(f"output {before.name} retyped from {before.type} to {after.type}")
    return changes


def _retyped(before: Parameter, after: Parameter) -> bool:
    # Table names are logical names, case-insensitive; "EntityReference of account" vs "… of contact" differ.
    return before.type.lower() != after.type.lower()
