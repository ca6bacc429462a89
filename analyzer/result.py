"""What a run produced: the solutions, their graph, the rules run, findings and crashed rules.

Its own module so renderers can take a result without importing the engine that makes it."""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.graph import DependencyGraph
from analyzer.model import Solution
from analyzer.rule import Finding, Rule, Severity


@dataclass(frozen=True)
class RuleError:
    """A rule that crashed: reported, never hidden, and the run exits 2."""

    rule: str
    message: str


@dataclass
class AnalysisResult:
    solutions: list[Solution]
    graph: DependencyGraph
    rules: list[Rule]
    findings: list[Finding] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # suppress/baseline entries that matched nothing
    sources: str | None = None  # --sources: what was parsed and what skipped (analyzer.code.sources)

    def summary(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for f in self.findings:
            if not f.suppressed:
                counts[f.severity.value] += 1
        return counts
