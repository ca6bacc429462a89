"""Custom APIs: ``customapis/<uniquename>/customapi.xml`` and their parameter/property folders.

These are folders in both layouts, zip included, and they never appear in RootComponents.
"""

from __future__ import annotations

from analyzer.model import CustomApi, CustomApiRequestParameter, CustomApiResponseProperty, SourceLocation, norm_id
from analyzer.reader.context import ReadContext
from analyzer.reader.digest import element_digest
from analyzer.reader.xmlparse import attr, child, flag, integer, line, local, parse_member, text


def _label(elem, name: str) -> str | None:
    node = child(elem, name)
    return attr(node, "default") if node is not None else None


def read_custom_apis(ctx: ReadContext) -> list:
    package = ctx.package
    apis, params, props = [], {}, {}
    for member in package.under("customapis"):
        lower = member.lower()
        if lower.endswith("/customapi.xml"):
            apis.append(member)
        elif lower.endswith("/customapirequestparameter.xml"):
            params.setdefault(_api_folder(member), []).append(member)
        elif lower.endswith("/customapiresponseproperty.xml"):
            props.setdefault(_api_folder(member), []).append(member)
    found: list = []
    for member in apis:
        root = parse_member(package, member)
        if local(root.tag) != "customapi":
            raise package.error(f"expected <customapi>, found <{local(root.tag)}>", member, line(root))
        unique = attr(root, "uniquename") or text(root, "uniquename") or member.split("/")[-2]
        key = f"custom_api:{unique.lower()}"
        folder = _api_folder(member)
        requests = tuple(_field(CustomApiRequestParameter, package, m, ctx, key, unique)
                         for m in params.get(folder, ()))
        responses = tuple(_field(CustomApiResponseProperty, package, m, ctx, key, unique)
                          for m in props.get(folder, ()))
        api = CustomApi(
            ident=unique.lower(), name=text(root, "name") or unique, solution=ctx.solution,
            source=SourceLocation(member, line(root)), unique_name=unique,
            display_name=_label(root, "displayname"),
            binding_type=integer(root, "bindingtype"),
            bound_entity=(text(root, "boundentitylogicalname") or "").lower() or None,
            is_function=flag(root, "isfunction"), is_private=flag(root, "isprivate"),
            enabled_for_workflow=flag(root, "workflowsdkstepenabled"),
            allowed_step_type=integer(root, "allowedcustomprocessingsteptype"),
            execute_privilege=text(root, "executeprivilegename"),
            plugin_type_id=_handler_id(child(root, "plugintypeid")),
            request_parameters=requests, response_properties=responses,
            digests=(("record", element_digest(root)),),
        )
        found += [api, *requests, *responses]
    return found


def _handler_id(plugin) -> str | None:
    """The plug-in type id of ``<plugintypeid>``, in whichever form the export wrote it.

    Current exports: ``<plugintypeid><plugintypeexportkey>GUID</plugintypeexportkey></plugintypeid>``;
    older ones (2021, #23): ``<plugintypeid><plugintypeid>GUID</plugintypeid></plugintypeid>``;
    hand-written files sometimes put the GUID directly in ``<plugintypeid>``."""
    if plugin is None:
        return None
    return norm_id(text(plugin, "plugintypeexportkey") or text(plugin, "plugintypeid") or text(plugin))


def _api_folder(member: str) -> str:
    """``customapis/X/customapirequestparameters/P/…xml`` -> ``customapis/x``."""
    return "/".join(member.split("/")[:2]).lower()


def _field(cls, package, member: str, ctx: ReadContext, api_key: str, api_unique: str):
    root = parse_member(package, member)
    unique = attr(root, "uniquename") or text(root, "uniquename") or member.split("/")[-2]
    return cls(
        ident=f"{api_unique.lower()}.{unique.lower()}", name=text(root, "name") or unique,
        solution=ctx.solution, source=SourceLocation(member, line(root)), api_key=api_key,
        unique_name=unique, type=integer(root, "type"),
        is_optional=flag(root, "isoptional") if child(root, "isoptional") is not None else None,
        entity_name=(text(root, "logicalentityname") or "").lower() or None,
        digests=(("record", element_digest(root)),),
    )
