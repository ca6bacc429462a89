"""Render the component inventory as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io

from analyzer import inert
from analyzer.contracts import Contract
from analyzer.graph import DependencyGraph, build_graph
from analyzer.inventory import (
    KIND_LABELS,
    SCHEMA_VERSION,
    callers,
    component_record,
    contract_record,
    contracts,
    custom_api_handler,
    solution_record,
    summary_lines,
)
from analyzer.messages import BY_NAME
from analyzer.model import (
    Catalog,
    CatalogAssignment,
    Component,
    CustomApi,
    CustomApiField,
    DataProvider,
    Entity,
    PluginAssembly,
    PluginPackage,
    PluginType,
    Solution,
    Step,
    StepImage,
    Workflow,
)
from analyzer.platform import BindingType, ParameterType, ProcessMode

_CATEGORY_WORDS = {"bpf": "business process flow", "workflow": "classic workflow", "unknown": "unknown category"}


def _title(c: Component) -> str:
    """The name people look for: a Custom API's unique name, otherwise the component's name."""
    return c.unique_name if isinstance(c, CustomApi) else c.name


def _state(w: Workflow) -> str:
    if w.category_name in ("cloud_flow", "desktop_flow"):
        return "on" if w.state == "active" else "off"
    return w.state


def _detail(c: Component, graph: DependencyGraph) -> str:
    if isinstance(c, Workflow):
        parts = [_CATEGORY_WORDS.get(c.category_name, c.category_name.replace("_", " ")), _state(c)]
        if c.category_name == "workflow":
            parts.insert(1, "real-time" if c.mode == ProcessMode.REAL_TIME else "background")
        if c.message_name:
            parts.append(f"message {c.message_name}")
        if c.primary_entity:
            parts.append(f"on {c.primary_entity}")
        if c.body_missing:
            parts.append("BODY FILE MISSING")
        return ", ".join(parts)
    if isinstance(c, Step):
        ref = graph.message_ref(c.key)
        message = (ref.name or c.message_id or "?") + ("?" if ref.known_by == BY_NAME else "")
        target = f" of {c.primary_entity}" if c.primary_entity else ""
        extra = "" if c.enabled else ", disabled"
        return f"{message}{target}, {c.stage_name}, {c.mode_name}{extra}"
    if isinstance(c, StepImage):
        attrs = ",".join(c.attributes) if c.attributes else "all columns"
        return f"{c.image_type_name} image '{c.alias or ''}' ({attrs})"
    if isinstance(c, PluginType):
        return ("custom workflow activity " if c.is_workflow_activity else "") + c.type_name
    if isinstance(c, PluginAssembly):
        return f"{c.full_name}" + (" (file missing)" if c.file_missing else "")
    if isinstance(c, CustomApi):
        binding = {BindingType.GLOBAL: "global", BindingType.ENTITY: "bound to " + (c.bound_entity or "?"),
                   BindingType.ENTITY_COLLECTION: "bound to collection of " + (c.bound_entity or "?")
                   }.get(c.binding_type, "binding ?")
        return f"{'function' if c.is_function else 'action'}, {binding}, handler {custom_api_handler(c, graph)[0]}"
    if isinstance(c, PluginPackage):
        return f"version {c.version or '?'}" + (" (file missing)" if c.file_missing else "")
    if isinstance(c, CustomApiField):
        kind = ParameterType(c.type).label if c.type is not None else "no type"
        return kind + (f" of {c.entity_name}" if c.entity_name else "") + (", optional" if c.is_optional else "")
    if isinstance(c, Entity):
        return c.schema_name or ""
    if isinstance(c, DataProvider):
        runs = [f"{operation} {_type_label(type_id, name, graph)}" for operation, type_id, name in c.plugin_types]
        return ", ".join([f"data source {c.data_source or '?'}", *runs])
    if isinstance(c, Catalog):
        return f"category of {c.parent}" if c.parent else "catalog"
    if isinstance(c, CatalogAssignment):
        shown = graph.name(f"workflow:{c.object}") if c.object_type == "workflow" and f"workflow:{c.object}" in graph \
            else c.object
        return f"{c.object_type} {shown} in catalog {c.catalog}"
    return ""


def _type_label(type_id: str | None, name: str | None, graph: DependencyGraph) -> str:
    """A data provider's plug-in type by its class name when the analyzed solutions have it, else as written."""
    found = graph.component(f"plugin_type:{type_id}") if type_id else None
    return found.type_name if isinstance(found, PluginType) else (name or type_id or "?")


def _graph_fields(c: Component, graph: DependencyGraph) -> dict:
    """What the graph resolved for a component (a step's message, a Custom API's handler), for the JSON record."""
    if isinstance(c, CustomApi):  # what runs its main operation, as the graph resolved it
        handler, handler_key = custom_api_handler(c, graph)
        return {"handler": handler, "handler_key": handler_key}
    if not isinstance(c, Step):
        return {}
    ref = graph.message_ref(c.key)
    return {"message_name": ref.name, "message_known_by": ref.known_by, "message_inferred": ref.known_by == BY_NAME}


def _fit(text: str, width: int | None) -> str:
    """``text`` cut to ``width`` characters with an ellipsis; whole when there is no width (a file, a pipe)."""
    return text if width is None or len(text) <= width else text[:max(width - 1, 0)] + "…"


def render_table(solutions: list[Solution], out, graph: DependencyGraph | None = None, *,
                 width: int | None = None) -> None:
    """``width``: the terminal's columns; each line is cut there with an ellipsis, and names at 50 characters
    (None, a file or a pipe: nothing is cut). Every value from the package is made inert (``analyzer.inert``)."""
    graph = graph or build_graph(solutions)
    real_out = out
    out = io.StringIO()
    _table(solutions, out, graph, name_width=None if width is None else NAME_WIDTH)
    real_out.write("".join(_fit(line, width) + "\n" for line in out.getvalue().splitlines()))


NAME_WIDTH = 50  # a name column wider than this is cut on a terminal


def _table(solutions: list[Solution], out, graph: DependencyGraph, name_width: int | None) -> None:
    t = inert.text
    for index, s in enumerate(solutions):
        if index:
            out.write("\n")
        title = f"{t(s.unique_name)} {t(s.version)}"
        details = f"{s.managed_name}, {s.layout}; publisher {t(s.publisher or '?')}, prefix {t(s.prefix or '?')}"
        out.write(f"{title}  ({details})\n")
        out.write(f"  {t(s.path)}\n")
        for line in summary_lines(s):
            out.write(f"  - {t(line)}\n")
        for kind, (_one, many) in KIND_LABELS.items():
            items = sorted((c for c in s.components if c.kind == kind), key=lambda c: (_title(c).lower(), c.key))
            if not items:
                continue
            out.write(f"\n  {many[:1].upper() + many[1:]} ({len(items)})\n")
            names = [_fit(t(_title(c)), name_width) for c in items]
            width = max(len(name) for name in names)
            for c, name in zip(items, names, strict=True):
                out.write(f"    {name:<{width}}  {t(_detail(c, graph))}".rstrip() + "\n")
                out.write(f"    {'':<{width}}  {t(c.key)}\n")
        _write_contracts(s, out, graph)


def _write_contracts(s: Solution, out, graph: DependencyGraph) -> None:
    """The "Message contracts" group: what a caller of each custom message sends and reads back, and the code
    that calls it."""
    t = inert.text
    found = contracts(s)
    if not found:
        return
    out.write(f"\n  Message contracts ({len(found)})\n")
    for component, contract in found:
        kind = "Custom API" if isinstance(component, CustomApi) else "action"
        kind += " (function)" if contract.is_function else ""
        out.write(f"    {t(contract.message)}  {kind}, {t(contract.binding)}\n")
        for line in _contract_lines(contract):
            out.write(f"      {t(line)}\n")
        for caller in callers(component, graph):
            via = "".join(f" (run by {t(c['name'])})" for c in caller["ribbon_commands"])
            where = t(f"{caller['path']}:{caller['line']}")
            who = where if caller["caller"].startswith("source_file:") else f"{t(caller['name'])} at {where}"
            out.write(f"      called by {who}{via}\n")


def _contract_lines(contract: Contract) -> list[str]:
    if not contract.parameters_known:
        return ["arguments unknown: the XAML body is not in the package"]
    lines = [f"in   {p.name}: {p.type}{', required' if p.required else ', optional'}" for p in contract.inputs]
    lines += [f"out  {p.name}: {p.type}" for p in contract.outputs]
    return lines or ["no inputs, no outputs"]


def _contract_field(c: Component, graph: DependencyGraph) -> dict:
    record = contract_record(c)
    return {"contract": record, "callers": callers(c, graph)} if record is not None else {}


def render_json(solutions: list[Solution], out, graph: DependencyGraph | None = None, **_options) -> None:
    graph = graph or build_graph(solutions)
    doc = {
        "schema_version": SCHEMA_VERSION,
        "solutions": [solution_record(s) for s in solutions],
        "components": [{**component_record(c), **_graph_fields(c, graph), **_contract_field(c, graph)}
                       for s in solutions for c in sorted(s.components, key=lambda c: c.key)],
    }
    out.write(inert.json_dumps(doc, indent=2) + "\n")


CSV_COLUMNS = ["solution", "kind", "key", "name", "detail", "source"]


def render_csv(solutions: list[Solution], out, graph: DependencyGraph | None = None, **_options) -> None:
    graph = graph or build_graph(solutions)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in solutions:
        for c in sorted(s.components, key=lambda c: (c.kind, c.key)):
            source = str(c.source) if c.source else ""
            writer.writerow([inert.text(v) for v in (s.unique_name, c.kind, c.key, c.name, _detail(c, graph), source)])
    out.write(buffer.getvalue())


FORMATS = {"table": render_table, "json": render_json, "csv": render_csv}
