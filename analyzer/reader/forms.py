"""What forms, ribbon diffs and web resources say they load: form libraries, event handlers, the columns a
form shows, ribbon commands' script functions, and web resources' declared dependencies.

Forms: ``<systemform>`` (in ``Entities/<T>/FormXml/<type>/{id}.xml`` unpacked, inside ``<Entity><FormXml>
<forms type=…>`` in customizations.xml), each read in one pass over its elements. Ribbons: the
``<RibbonDiffXml>`` of a table (``Entities/<T>/RibbonDiff.xml`` unpacked, inside ``<Entity>`` zipped) or of
the application (``Other/RibbonCustomization.xml``, not read yet). Site maps and model-driven apps: the web
resources they show. Web resource dependencies: https://learn.microsoft.com/power-apps/developer/model-driven-apps/web-resource-dependencies
"""

from __future__ import annotations

from lxml import etree

from analyzer.model import (
    EventHandler,
    Form,
    OtherComponent,
    RibbonCommand,
    ScriptFunction,
    SourceLocation,
    View,
    norm_id,
)
from analyzer.platform import ComponentType
from analyzer.reader.context import ReadContext
from analyzer.reader.digest import element_digest
from analyzer.reader.xmlparse import Fields, attr, child, children, fields, line, local, parse_bytes, text

WEBRESOURCE_PREFIX = "$webresource:"


def _localized_name(elem: etree._Element | Fields) -> str:
    names = child(elem, "LocalizedNames")
    first = child(names, "LocalizedName") if names is not None else None
    return (attr(first, "description") if first is not None else None) or ""


_FORM_TAGS = ("{*}control", "{*}Url", "{*}Library", "{*}event", "{*}Handler")


def read_form(systemform: etree._Element, member: str, ctx: ReadContext, table: str, table_name: str,
              form_type: str | None) -> Form | None:
    """One ``<systemform>``; None without a form id."""
    form_id = norm_id(text(systemform, "formid"))
    if not form_id:
        return None
    libraries: list[str] = []
    handlers: list[EventHandler] = []
    columns: set[str] = set()
    web_resources: list[str] = []
    event: tuple[str, str | None] = ("", None)
    body = child(systemform, "form")
    # libxml2 picks the few tags out (a form is thousands of elements); the spellings are the ones forms use
    for elem in body.iter(*_FORM_TAGS) if body is not None else ():
        tag = local(elem.tag)
        if tag == "control":
            if field := attr(elem, "datafieldname"):
                columns.add(field.lower())
        elif tag == "url" and (url := text(elem)) and ":" not in url.lower().replace(WEBRESOURCE_PREFIX, ""):
            # a web resource control's <parameters><Url>contoso_/page.html</Url>
            web_resources.append(_web_resource_name(url))
        elif tag == "library" and (name := attr(elem, "name")):
            libraries.append(name.lower())
        elif tag == "event":
            event = (attr(elem, "name") or "", attr(elem, "attribute") or attr(elem, "control"))
        elif tag == "handler" and (library := attr(elem, "libraryName")) and local(elem.getparent().tag) == "handlers":
            handlers.append(EventHandler(event=event[0], library=library.lower(),
                                         function=attr(elem, "functionName") or "",
                                         control=event[1].lower() if event[1] else None))
    return Form(ident=form_id, name=_localized_name(systemform) or form_id, solution=ctx.solution,
                source=SourceLocation(member, line(systemform)), table=table, table_name=table_name,
                form_type=form_type, libraries=tuple(dict.fromkeys(libraries)), handlers=tuple(handlers),
                columns=tuple(sorted(columns)), web_resources=tuple(dict.fromkeys(web_resources)),
                digests=(("record", element_digest(systemform)),))


def inline_forms(formxml: etree._Element | None, member: str, ctx: ReadContext, table: str,
                 table_name: str) -> list[Form]:
    """The forms inside an ``<Entity><FormXml><forms type="main"><systemform>`` of customizations.xml."""
    found = []
    for group in formxml if formxml is not None else ():
        for systemform in children(group, "systemform"):
            form = read_form(systemform, member, ctx, table, table_name, attr(group, "type"))
            if form is not None:
                found.append(form)
    return found


def form_file(member: str, ctx: ReadContext, table: str, table_name: str) -> list[Form]:
    """The form of an unpacked ``Entities/<T>/FormXml/<type>/{id}.xml`` (root ``<forms>``)."""
    root = parse_bytes(ctx.package, member, ctx.package.read(member))
    parts = member.split("/")
    form_type = parts[-2].lower() if len(parts) >= 5 else None
    systemforms = [root] if local(root.tag) == "systemform" else children(root, "systemform")
    return [f for s in systemforms if (f := read_form(s, member, ctx, table, table_name, form_type)) is not None]


def read_view(savedquery: etree._Element, member: str, ctx: ReadContext, table: str, table_name: str) -> View | None:
    """One ``<savedquery>``; None without a view id."""
    f = fields(savedquery)  # one scan of the view's children, not one per field read below
    view_id = norm_id(text(f, "savedqueryid"))
    if not view_id:
        return None
    columns: set[tuple[str, str]] = set()
    fetch = child(f, "fetchxml")
    for top in fetch.iter("{*}entity") if fetch is not None else ():
        _fetch_columns(top, (attr(top, "name") or table).lower(), columns)
    layout = child(f, "layoutxml")
    for cell in layout.iter("{*}cell") if layout is not None else ():
        name = attr(cell, "name")
        if name and "." not in name:  # "alias.column" is a linked table's, named in the fetchxml too
            columns.add((table, name.lower()))
    return View(ident=view_id, name=_localized_name(f) or view_id, solution=ctx.solution,
                source=SourceLocation(member, line(savedquery)), table=table, table_name=table_name,
                columns=tuple(sorted(columns)), digests=(("record", element_digest(savedquery)),))


def _fetch_columns(entity: etree._Element, table: str, columns: set[tuple[str, str]]) -> None:
    """The columns a fetchxml ``<entity>`` or ``<link-entity>`` names, each on its own table. One walk down
    the tree: what sits inside a ``<link-entity>`` belongs to the linked table and is read by its own call."""
    stack = list(entity)
    while stack:
        elem = stack.pop()
        if not isinstance(elem.tag, str):
            continue
        tag = local(elem.tag)
        if tag == "link-entity":
            linked = (attr(elem, "name") or "").lower()
            if to := attr(elem, "to"):
                columns.add((table, to.lower()))
            if linked and (source := attr(elem, "from")):
                columns.add((linked, source.lower()))
            if linked:
                _fetch_columns(elem, linked, columns)
            continue
        if tag == "attribute" and (name := attr(elem, "name")):
            columns.add((table, name.lower()))
        elif tag in ("order", "condition") and (name := attr(elem, "attribute")) and not attr(elem, "entityname"):
            columns.add((table, name.lower()))
        stack.extend(elem)  # filters, nested filters


def inline_views(container: etree._Element | None, member: str, ctx: ReadContext, table: str,
                 table_name: str) -> list[View]:
    """The views inside an ``<Entity><SavedQueries><savedqueries><savedquery>`` of customizations.xml."""
    found = []
    for group in container if container is not None else ():
        for savedquery in children(group, "savedquery"):
            if (view := read_view(savedquery, member, ctx, table, table_name)) is not None:
                found.append(view)
    return found


def view_file(member: str, ctx: ReadContext, table: str, table_name: str) -> list[View]:
    """The view of an unpacked ``Entities/<T>/SavedQueries/{id}.xml`` (root ``<savedqueries>``)."""
    root = parse_bytes(ctx.package, member, ctx.package.read(member))
    queries = [root] if local(root.tag) == "savedquery" else children(root, "savedquery")
    return [v for q in queries if (v := read_view(q, member, ctx, table, table_name)) is not None]


def _web_resource_name(value: str) -> str:
    value = value.strip()
    if value.lower().startswith(WEBRESOURCE_PREFIX):
        value = value[len(WEBRESOURCE_PREFIX):]
    return value.split("?", 1)[0].lstrip("/").lower()


def read_ribbon(diff: etree._Element | None, member: str, ctx: ReadContext, table: str | None,
                table_name: str = "") -> list[RibbonCommand]:
    """The commands of a ``<RibbonDiffXml>`` that run web resource scripts: their ``<JavaScriptFunction>``
    actions and the ``<CustomRule>``s of the enable and display rules they name. A library outside
    ``$webresource:`` (a platform script) is not a web resource and is left out."""
    if diff is None:
        return []
    rules: dict[str, list[tuple[str, str]]] = {}
    definitions = child(diff, "RuleDefinitions")
    for section in definitions if definitions is not None else ():
        for rule in section:
            rule_id = attr(rule, "Id") if isinstance(rule.tag, str) else None
            if not rule_id:
                continue
            for elem in rule.iter("{*}CustomRule"):
                if (library := attr(elem, "Library")) and library.lower().startswith(WEBRESOURCE_PREFIX):
                    rules.setdefault(rule_id, []).append((_web_resource_name(library),
                                                          attr(elem, "FunctionName") or ""))
    commands = []
    definitions = child(diff, "CommandDefinitions")
    for command in children(definitions, "CommandDefinition") if definitions is not None else ():
        command_id = attr(command, "Id")
        if not command_id:
            continue
        functions = []
        for elem in command.iter():
            tag = local(elem.tag)
            if tag == "javascriptfunction":
                library = attr(elem, "Library") or ""
                if library.lower().startswith(WEBRESOURCE_PREFIX):
                    functions.append(ScriptFunction(_web_resource_name(library), attr(elem, "FunctionName") or ""))
            elif tag in ("enablerule", "displayrule"):
                rule_id = attr(elem, "Id") or ""
                functions += [ScriptFunction(lib, fn, rule_id) for lib, fn in rules.get(rule_id, ())]
        if functions:
            commands.append(RibbonCommand(
                ident=f"{table or 'application'}/{command_id.lower()}", name=command_id, solution=ctx.solution,
                source=SourceLocation(member, line(command)), command_id=command_id, table=table,
                table_name=table_name, functions=tuple(functions)))
    return commands


def ribbon_file(member: str | None, ctx: ReadContext, table: str | None,
                table_name: str = "") -> tuple[list[RibbonCommand], str | None]:
    """An unpacked ``RibbonDiff.xml``: its script commands and the digest of the ribbon diff."""
    if member is None:
        return [], None
    diff = parse_bytes(ctx.package, member, ctx.package.read(member))
    return read_ribbon(diff, member, ctx, table, table_name), element_digest(diff)


def web_resource_dependencies(dependency_xml: str | None, member: str,
                              ctx: ReadContext) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """What a web resource declares it needs, from its ``<DependencyXml>`` (XML written as text): the web
    resources it loads, ``<Dependency componentType="WebResource"><Library name="contoso_/x.js"/>``, and the
    (table, column)s a script uses, ``<Dependency componentType="Attribute"><Attribute attributeName=…
    entityName=…/>``."""
    if not dependency_xml or "<" not in dependency_xml:
        return (), ()
    root = parse_bytes(ctx.package, member, dependency_xml.encode("utf-8"))
    names, columns = [], []
    for dependency in root.iter("{*}Dependency"):
        kind = (attr(dependency, "componentType") or "").lower()
        if kind == "webresource":
            names += [_web_resource_name(name) for library in children(dependency, "Library")
                      if (name := attr(library, "name"))]
        elif kind == "attribute":
            columns += [(table.lower(), column.lower()) for a in children(dependency, "Attribute")
                        if (table := attr(a, "entityName")) and (column := attr(a, "attributeName"))]
    return tuple(dict.fromkeys(names)), tuple(sorted(set(columns)))


# Site map attributes that name a web resource ("$webresource:…" or "/WebResources/…").
_SITE_MAP_ATTRIBUTES = ("url", "icon", "vectoricon", "outlookshortcuticon")


def _site_map_resource(value: str | None) -> str | None:
    if not value:
        return None
    lower = value.strip().lower()
    if lower.startswith(WEBRESOURCE_PREFIX) or lower.startswith("/webresources/"):
        return _web_resource_name(value.strip()[len("/webresources/"):] if lower.startswith("/") else value)
    return None


def read_site_map(elem: etree._Element, member: str, ctx: ReadContext) -> OtherComponent:
    """An app's site map (``AppModuleSiteMaps/<name>/AppModuleSiteMap.xml``, or ``<AppModuleSiteMap>`` in
    customizations.xml): the web resources its areas, groups and subareas show. Comments (areas an author
    switched off) are not read."""
    name = text(elem, "SiteMapUniqueName") or "(unnamed)"
    found = []
    for node in elem.iter():
        if not isinstance(node.tag, str):
            continue
        for key, value in node.attrib.items():
            if local(key) in _SITE_MAP_ATTRIBUTES and (resource := _site_map_resource(value)):
                found.append(resource)
    return OtherComponent(ident=f"{ComponentType.SITE_MAP.code}:{name.lower()}", name=name, solution=ctx.solution,
                          source=SourceLocation(member, line(elem)), type_code=ComponentType.SITE_MAP.code,
                          web_resources=tuple(dict.fromkeys(found)))


def read_dashboard(elem: etree._Element, member: str, ctx: ReadContext) -> OtherComponent:
    """A dashboard (``Dashboards/{id}.xml``, or ``<Dashboard>`` in customizations.xml): a system form of no
    table, root component type 60 like a table's form; named by its ``<LocalizedName>``, English first."""
    form_id = norm_id(text(elem, "FormId")) or ""
    localized = child(elem, "LocalizedNames")
    names = {attr(n, "languagecode"): attr(n, "description")
             for n in (children(localized, "LocalizedName") if localized is not None else [])}
    name = names.get("1033") or next((n for n in names.values() if n), None) or form_id
    code = ComponentType.SYSTEM_FORM.code
    return OtherComponent(ident=f"{code}:{form_id}", name=name, solution=ctx.solution,
                          source=SourceLocation(member, line(elem)), type_code=code, label="dashboard")


def read_app_module(elem: etree._Element, member: str, ctx: ReadContext) -> OtherComponent:
    """A model-driven app (``AppModules/<name>/AppModule.xml``, or ``<AppModule>`` in customizations.xml): its
    icon, ``<WebResourceId>``, a web resource by id."""
    name = text(elem, "UniqueName") or "(unnamed)"
    icon = norm_id(text(elem, "WebResourceId"))
    code = ComponentType.MODEL_DRIVEN_APP.code
    return OtherComponent(ident=f"{code}:{name.lower()}", name=name, solution=ctx.solution,
                          source=SourceLocation(member, line(elem)), type_code=code,
                          web_resources=(f"id:{icon}",) if icon else ())
