"""What the lifecycle rules share: the OLD and NEW copies of one solution, paired by unique name."""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.model import Solution
from analyzer.rule import RuleContext


def solution_pairs(ctx: RuleContext) -> Iterator[tuple[Solution, Solution]]:
    """(OLD, NEW) for each analyzed solution whose unique name OLD also holds; nothing outside a diff.

    Unique names compare without case, as Dataverse treats them."""
    if ctx.previous is None:
        return
    old = {s.unique_name.lower(): s for s in ctx.previous.solutions}
    for new in ctx.solutions:
        if new.unique_name.lower() in old:
            yield old[new.unique_name.lower()], new
