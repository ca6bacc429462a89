"""What every component reader needs to know about the package it reads from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.reader.package import Package


@dataclass
class ReadContext:
    package: Package
    solution: str  # unique name
    prefix: str  # publisher customization prefix
    bodies: dict[str, dict] = field(default_factory=dict)  # member -> what its XAML / flow JSON references

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
