"""The inventory view of solutions: one plain record per component and counts per kind.

Plain data only; report/inventory.py renders it as a table, JSON or CSV.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from analyzer.contracts import Contract, contract_of
from analyzer.graph import DEFINED_BY, HANDLER, PROVIDED_BY, RIBBON_SCRIPT, DependencyGraph
from analyzer.model import (
    Component,
    CustomApi,
    PluginPackage,
    PluginType,
    Solution,
    SourceLocation,
    Step,
    StepImage,
    Workflow,
)
from analyzer.platform import ACTIVATE_REAL_TIME

# Order and wording of the table view.
KIND_LABELS = {
    "workflow": ("process", "processes"),
    "custom_api": ("Custom API", "Custom APIs"),
    "custom_api_request_parameter": ("Custom API request parameter", "Custom API request parameters"),
    "custom_api_response_property": ("Custom API response property", "Custom API response properties"),
    "plugin_package": ("plug-in package", "plug-in packages"),
    "plugin_assembly": ("plug-in assembly", "plug-in assemblies"),
    "plugin_type": ("plug-in type", "plug-in types"),
    "step": ("plug-in step", "plug-in steps"),
    "step_image": ("step image", "step images"),
    "entity": ("table", "tables"),
    "security_role": ("security role", "security roles"),
    "connection_reference": ("connection reference", "connection references"),
    "environment_variable": ("environment variable", "environment variables"),
    "web_resource": ("web resource", "web resources"),
    "data_provider": ("virtual table data provider", "virtual table data providers"),
    "catalog": ("business events catalog", "business events catalogs"),
    "catalog_assignment": ("catalog assignment", "catalog assignments"),
    "other": ("other component", "other components"),
}
CATEGORY_LABELS = {
    "workflow": ("classic workflow", "classic workflows"), "dialog": ("dialog", "dialogs"),
    "business_rule": ("business rule", "business rules"), "action": ("custom process action", "custom process actions"),
    "bpf": ("business process flow", "business process flows"), "cloud_flow": ("cloud flow", "cloud flows"),
    "desktop_flow": ("desktop flow", "desktop flows"),
    "unknown": ("process of unknown category", "processes of unknown category"),
}


def _plain(value):
    if isinstance(value, SourceLocation):
        return str(value)
    if isinstance(value, Component):
        return value.key
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def component_record(c: Component) -> dict:
    """``{"key","kind","name","solution", …fields}`` with nested components as keys."""
    record = {"key": c.key, "kind": c.kind, "name": c.name, "solution": c.solution}
    for f in dataclasses.fields(c):
        if f.name in ("ident", "name", "solution", "digests"):  # digests are for `dvsa diff`, not a listing
            continue
        record[f.name] = _plain(getattr(c, f.name))
    if isinstance(c, Workflow):
        record["category_code"] = c.category
        record["category"] = c.category_name
        record["state"] = c.state
        del record["category_name"]
    if isinstance(c, PluginType):
        record["is_workflow_activity"] = c.is_workflow_activity
    if isinstance(c, Step):
        record["stage_name"] = c.stage_name
        record["mode_name"] = c.mode_name
    if isinstance(c, StepImage):
        record["image_type_name"] = c.image_type_name
    return record


def custom_api_handler(api: CustomApi, graph: DependencyGraph) -> tuple[str, str | None]:
    """(what runs a Custom API's main operation, the key of that node): its plug-in type's class name,
    ``"plug-in package X"`` when the type is presumed to be in a package whose types the export does not
    list, ``"none"`` without a plug-in type."""
    targets = graph.requires(api.key, [HANDLER])
    if not targets:
        return "none", None
    target = targets[0]
    component = graph.component(target)
    if isinstance(component, PluginType):
        return component.type_name, target
    packages = [p for p in map(graph.component, graph.requires(target, [PROVIDED_BY])) if isinstance(p, PluginPackage)]
    if packages:
        names = " or ".join(p.unique_name for p in packages)
        return f"plug-in package {names} (types not listed in the export)", target
    return f"plug-in type {graph.name(target)} ({graph.external(target)})", target


def contract_record(c: Component) -> dict | None:
    """The message contract an action or Custom API defines (``analyzer.contracts``) as plain data; None
    for other components. ``parameters_known`` is false for an action whose XAML body is missing."""
    contract = contract_of(c)
    if contract is None:
        return None
    return {
        "message": contract.message, "binding": contract.binding, "is_function": contract.is_function,
        "parameters_known": contract.parameters_known,
        "inputs": [{"name": p.name, "type": p.type, "required": p.required} for p in contract.inputs],
        "outputs": [{"name": p.name, "type": p.type} for p in contract.outputs],
    }


def callers(c: Component, graph: DependencyGraph) -> list[dict]:
    """The code that calls the message an action or Custom API defines: each call's script or source file, file
    and line, and the ribbon commands that run that script (``graph.code_calls``, ``ribbon_script`` edges)."""
    found = []
    for message in graph.dependents(c.key, [DEFINED_BY]):
        for caller, call, _ref in graph.code_calls(message):
            component = graph.component(caller)
            commands = graph.dependents(caller, [RIBBON_SCRIPT])
            found.append({
                "caller": caller, "name": component.display if component is not None else f"source file {call.caller}",
                "path": call.source.path, "line": call.source.line, "language": call.language,
                "ribbon_commands": [{"key": k, "name": graph.component(k).display if graph.component(k) else k}
                                    for k in commands]})
    return found


def contracts(s: Solution) -> list[tuple[Component, Contract]]:
    """Every custom message the solution defines, with its contract, by message name."""
    found = [(c, contract) for c in s.components if (contract := contract_of(c)) is not None]
    return sorted(found, key=lambda pair: (pair[1].message.lower(), pair[0].key))


SCHEMA_VERSION = 1  # the top-level "schema_version" of every JSON output (docs/json.md); raised on a rename


def solution_identity(s: Solution) -> dict:
    """The one solution record every JSON output starts from: inventory, check, diff, dependents (docs/json.md).

    ``managed`` is a boolean; a package exported as both (``pac solution pack --packagetype Both``) is neither,
    so it is null there, and ``managed_label`` says "both"."""
    return {"unique_name": s.unique_name, "version": s.version, "managed": {0: False, 1: True}.get(s.managed),
            "managed_label": s.managed_name, "publisher": s.publisher, "path": s.path}


def solution_record(s: Solution) -> dict:
    """``dvsa inventory --format json``: the shared record and everything the manifest says."""
    return {
        **solution_identity(s), "display_name": s.display_name, "prefix": s.prefix,
        "option_value_prefix": s.option_value_prefix, "package_version": s.package_version,
        "generated_by": s.generated_by, "layout": s.layout,
        "root_components": [_plain(rc) for rc in s.root_components],
        "missing_dependencies": [_plain(md) for md in s.missing_dependencies],
        "component_count": len(s.components),
    }


def _plural(n: int, labels: tuple[str, str]) -> str:
    return f"{n} {labels[0] if n == 1 else labels[1]}"


def summary_lines(s: Solution) -> list[str]:
    """Counts per kind with states: "5 custom process actions (1 draft)", "7 plug-in steps (4 on custom actions)"."""
    lines = []
    workflows = [c for c in s.components if isinstance(c, Workflow)]
    by_category = Counter(w.category_name for w in workflows)
    for category in CATEGORY_LABELS:
        if not by_category[category]:
            continue
        drafts = sum(1 for w in workflows if w.category_name == category and w.state == "draft")
        detail = f" ({drafts} {'off' if category == 'cloud_flow' else 'draft'})" if drafts else ""
        lines.append(_plural(by_category[category], CATEGORY_LABELS[category]) + detail)
    counts = Counter(c.kind for c in s.components)
    action_messages = {w.sdk_message_id for w in workflows if w.is_action and w.sdk_message_id}
    for kind, labels in KIND_LABELS.items():
        if kind == "workflow" or not counts[kind]:
            continue
        detail = ""
        if kind == "step":
            steps = [c for c in s.components if isinstance(c, Step)]
            parts = []
            on_actions = sum(1 for st in steps if st.message_id in action_messages)
            if on_actions:
                parts.append(f"{on_actions} on custom actions")
            if disabled := sum(1 for st in steps if not st.enabled):
                parts.append(f"{disabled} disabled")
            detail = f" ({', '.join(parts)})" if parts else ""
        elif kind == "plugin_type":
            activities = sum(1 for c in s.components if isinstance(c, PluginType) and c.is_workflow_activity)
            detail = f" ({_plural(activities, ('custom workflow activity', 'custom workflow activities'))})" \
                if activities else ""
        elif kind == "custom_api":
            functions = sum(1 for c in s.components if isinstance(c, CustomApi) and c.is_function)
            detail = f" ({_plural(functions, ('function', 'functions'))})" if functions else ""
        lines.append(_plural(counts[kind], labels) + detail)
    if s.missing_dependencies:
        lines.append(_plural(len(s.missing_dependencies), ("missing dependency", "missing dependencies")))
    if real_time := sum(1 for w in workflows if w.activates_in_real_time):
        lines.append(f"importing activates {_plural(real_time, ('real-time process', 'real-time processes'))}: the "
                     f"importing user needs Activate Real-time Processes ({ACTIVATE_REAL_TIME})")
    return lines
