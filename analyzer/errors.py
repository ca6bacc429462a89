"""Errors that end a run with exit code 2 and one readable line."""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class SolutionError(Exception):
    """Bad input: not a solution, a broken zip, malformed XML, a hostile package.

    ``str()`` gives ``x.zip!customizations.xml:120:7: message`` so the user can open the spot.
    """

    def __init__(self, message: str, path: str | None = None, member: str | None = None,
                 line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.member = member
        self.line = line
        self.column = column

    def where(self) -> str:
        where = self.path or ""
        if self.member:
            where += f"!{self.member}" if where else self.member
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class SolutionErrors(SolutionError):
    """Several bad inputs found in one run: each is reported on its own line before the run ends (exit 2)."""

    def __init__(self, errors: list[SolutionError]):
        super().__init__(f"{len(errors)} bad input(s)")
        self.errors = list(errors)
