"""The content of a package's script (JavaScript) web resources, parsed for the messages it calls.

The content is the web resource's own file: in the package (a zip's flattened ``<FileName>``, a folder's file
beside its ``.data.xml``), or the file a mapping provides it from. Minified bundles and files out of the bounds of
``analyzer.code.bounds`` (binary, too big, too deep) are not parsed: their CodeFile says why (``skipped``), and
the skip is counted where the files of ``--sources`` are (``analyzer.code.sources.summary``). Only these files
are opened among mapped ones.
"""

from __future__ import annotations

import os

from analyzer.code import read_code
from analyzer.files import read_regular
from analyzer.model import CodeFile, Component, WebResource
from analyzer.reader.context import ReadContext

SCRIPT = 3  # WebResourceType 3: Script (JScript), https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/webresource


def read_scripts(ctx: ReadContext, components: list[Component]) -> tuple[CodeFile, ...]:
    found = []
    for c in components:
        if not isinstance(c, WebResource) or c.type != SCRIPT or c.file_missing:
            continue
        content = _content(ctx, c)
        if content is None:
            continue
        path, data = content
        code = read_code(data, path, c.name, ".js")
        if code is not None:
            found.append(CodeFile(code.path, code.language, code.calls, code.handlers, web_resource=c.key,
                                  skipped=code.skipped))
    return tuple(found)


def _content(ctx: ReadContext, wr: WebResource) -> tuple[str, bytes] | None:
    member = ctx.package.find(wr.file_path) if wr.file_path else None
    if member is not None:
        return member, ctx.package.read(member)
    if wr.file_mapped_to and os.path.isfile(wr.file_mapped_to):
        limit = min(ctx.package.limits.max_whole_bytes, ctx.package.limits.max_member_bytes)
        return wr.file_mapped_to, read_regular(wr.file_mapped_to, wr.file_mapped_to, limit)
    return None
