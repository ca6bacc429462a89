"""Plug-in packages: ``pluginpackages/<uniquename>/pluginpackage.xml`` and its ``package/<name>.nupkg``.

pac projects built on ``Microsoft.PowerApps.MSBuild.Plugin`` ship plug-ins this way instead of a
``PluginAssemblies/`` entry. The record names the package; it does not list the assemblies or types
inside the NuGet package (Dataverse registers those when the package is uploaded). Like Custom APIs,
these are folders in both layouts, zip included:

    <pluginpackage uniquename="contoso_Contoso.Plugins">
      <name>contoso_Contoso.Plugins</name>
      <package mimetype="application/octet-stream">contoso_Contoso.Plugins.nupkg</package>
      <version>1.0.0</version>
      …
    </pluginpackage>
"""

from __future__ import annotations

from analyzer.model import PluginPackage, SourceLocation
from analyzer.reader.context import ReadContext
from analyzer.reader.xmlparse import attr, line, local, parse_member, text


def read_plugin_packages(ctx: ReadContext) -> list:
    package = ctx.package
    found: list = []
    for member in package.under("pluginpackages"):
        if not member.lower().endswith("/pluginpackage.xml") or member.count("/") != 2:
            continue
        root = parse_member(package, member)
        if local(root.tag) != "pluginpackage":
            raise package.error(f"expected <pluginpackage>, found <{local(root.tag)}>", member, line(root))
        folder = member.rsplit("/", 1)[0]
        unique = attr(root, "uniquename") or text(root, "uniquename") or folder.split("/")[-1]
        file_name = text(root, "package")
        file_member = _nupkg(package, folder, file_name)
        found.append(PluginPackage(
            ident=unique.lower(), name=text(root, "name") or unique, solution=ctx.solution,
            source=SourceLocation(member, line(root)), unique_name=unique, version=text(root, "version"),
            file_path=file_member or file_name, file_missing=bool(file_name) and file_member is None,
        ))
    return found


def _nupkg(package, folder: str, file_name: str | None) -> str | None:
    """The .nupkg member: ``<folder>/package/<file_name>`` as pac unpacks it, or the one .nupkg in the folder."""
    if file_name:
        named = package.find(f"{folder}/package/{file_name.strip('/').split('/')[-1]}")
        if named:
            return named
    nupkgs = [m for m in package.under(folder) if m.lower().endswith(".nupkg")]
    return nupkgs[0] if len(nupkgs) == 1 else None
