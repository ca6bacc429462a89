"""What every component reader needs to know about the package it reads from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from analyzer.model import Component, PluginAssembly, WebResource, Workflow
from analyzer.reader.mapping import Mapped, Mapping
from analyzer.reader.package import DirPackage, Package


@dataclass
class ReadContext:
    package: Package
    solution: str  # unique name
    prefix: str  # publisher customization prefix
    bodies: dict[str, dict] = field(default_factory=dict)  # member -> what its XAML / flow JSON references
    mapping: Mapping | None = None  # SolutionPackager/spkl mapping of files kept outside the folder

    def body(self, member: str, read: Callable[[ReadContext, str], dict]) -> dict:
        """Read a process body once, however many <Workflow> records name it (a hostile package could name
        one large XAML from thousands of records)."""
        if member not in self.bodies:
            self.bodies[member] = read(self, member)
        return self.bodies[member]

    def member_for(self, file_name: str | None) -> str | None:
        """The package member a ``<XamlFileName>/Workflows/x.xaml</…>`` points to, or None."""
        if not file_name:
            return None
        return self.package.find(file_name.replace("\\", "/"))

    def mapped(self, member: str | None) -> Mapped | None:
        """Which file outside the folder provides a member the folder lacks, per the mapping; None if unmapped.

        Only folders are packed with a mapping: a zip already holds whatever it holds.
        """
        if not member or self.mapping is None or not isinstance(self.package, DirPackage):
            return None
        return self.mapping.provider(str(self.package.root), member)

    def with_mapped_files(self, components: list[Component]) -> list[Component]:
        """Components whose file the folder lacks learn whether the mapping provides it (existence only)."""
        if self.mapping is None:
            return components
        return [_with_mapped(c, self) for c in components]


def _with_mapped(c: Component, ctx: ReadContext) -> Component:
    if isinstance(c, Workflow) and c.body_missing:
        found = ctx.mapped(c.body_path)
        return replace(c, body_missing=not found.exists, body_mapped_to=found.path) if found else c
    if isinstance(c, PluginAssembly | WebResource) and c.file_missing:
        found = ctx.mapped(c.file_path)
        return replace(c, file_missing=not found.exists, file_mapped_to=found.path) if found else c
    return c
