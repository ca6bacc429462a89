"""Virtual table data providers: ``EntityDataProviders/{id}.xml`` in an unpacked folder, ``<EntityDataProviders>
<EntityDataProvider>`` in a zip's customizations.xml.

Dataverse's importer (``EntityDataProviderConvertor``) reads the child elements ``EntityDataProviderId``, ``Name``,
``DataSourceLogicalName``, ``IsCustomizable`` and one ``<Operation>PluginTypeId`` per operation (Create, Delete,
Update, Retrieve, RetrieveMultiple), resolving each plug-in type by its type name; so the element may hold the
type's id or its name, and both are kept as written. The platform fills an operation the provider does not
implement with a placeholder id that is no plug-in type; that one is left out.
"""

from __future__ import annotations

import re

from lxml import etree

from analyzer.model import DATA_PROVIDER_OPERATIONS, DataProvider, SourceLocation, norm_id
from analyzer.reader.context import ReadContext
from analyzer.reader.xmlparse import attr, fields, line, text

# entitydataprovider's "operation not implemented" value (the Plug-in Registration Tool writes it for every
# operation left empty): not a plug-in type of any solution.
NOT_IMPLEMENTED = "c1919979-0021-4f11-a587-a8f904bdfdf9"
_GUID = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")


def read_data_provider(elem: etree._Element, member: str, ctx: ReadContext) -> DataProvider:
    f = fields(elem)
    provider_id = norm_id(text(f, "EntityDataProviderId") or attr(elem, "EntityDataProviderId"))
    if provider_id is None and member.lower().startswith("entitydataproviders/"):
        provider_id = norm_id(member.rsplit("/", 1)[-1].rsplit(".", 1)[0])  # EntityDataProviders/{id}.xml
    name = text(f, "Name") or attr(elem, "Name") or provider_id or "(unnamed data provider)"
    types = []
    for operation in DATA_PROVIDER_OPERATIONS:
        value = text(f, f"{operation}PluginTypeId")
        if not value:
            continue
        if not _GUID.fullmatch(value):
            types.append((operation, None, value))
        elif (type_id := norm_id(value)) != NOT_IMPLEMENTED:
            types.append((operation, type_id, None))
    return DataProvider(
        ident=provider_id or name.lower(), name=name, solution=ctx.solution, source=SourceLocation(member, line(elem)),
        data_source=(text(f, "DataSourceLogicalName") or "").lower() or None, plugin_types=tuple(types))

