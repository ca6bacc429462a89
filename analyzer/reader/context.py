"""What every component reader needs to know about the package it reads from."""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.reader.package import Package


@dataclass
class ReadContext:
    package: Package
    solution: str  # unique name
    prefix: str  # publisher customization prefix

    def member_for(self, file_name: str | None) -> str | None:
        """The package member a ``<XamlFileName>/Workflows/x.xaml</…>`` points to, or None."""
        if not file_name:
            return None
        return self.package.find(file_name.replace("\\", "/"))
