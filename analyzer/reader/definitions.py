"""Components the model keeps by name, key and digest only: a model-driven app's command-bar actions
(``appactions/<uniquename>/appaction.xml``, ``<appactions><appaction>`` in customizations.xml) and canvas apps
(``CanvasApps/<name>.meta.xml``, ``<CanvasApps><CanvasApp>``). Enough for `dvsa diff` to say one was added,
removed or changed; their digest is added with the record's by the dispatcher like any component's."""

from __future__ import annotations

from lxml import etree

from analyzer.model import OtherComponent, SourceLocation
from analyzer.platform import ComponentType
from analyzer.reader.context import ReadContext
from analyzer.reader.xmlparse import attr, child, line, text

APP_ACTION = "appaction"  # no fixed component type code (an app action's code varies by environment)
CANVAS_APP = ComponentType.CANVAS_APP.code  # a root component ``<RootComponent type="300" schemaName=…>``


def read_app_action(elem: etree._Element, member: str, ctx: ReadContext) -> OtherComponent:
    unique = attr(elem, "uniquename") or text(elem, "uniquename") or "(unnamed)"
    label = child(elem, "buttonlabeltext")
    name = (attr(label, "default") if label is not None else None) or text(elem, "name") or unique
    return OtherComponent(ident=f"{APP_ACTION}:{unique.lower()}", name=name, solution=ctx.solution,
                          source=SourceLocation(member, line(elem)), type_code=APP_ACTION)


def read_canvas_app(elem: etree._Element, member: str, ctx: ReadContext) -> OtherComponent:
    name = text(elem, "Name") or "(unnamed)"
    return OtherComponent(ident=f"{CANVAS_APP}:{name.lower()}", name=name, solution=ctx.solution,
                          source=SourceLocation(member, line(elem)), type_code=CANVAS_APP)

