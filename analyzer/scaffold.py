"""Start a new built-in rule: ``python -m analyzer.scaffold DV123 name-of-rule [--severity warning] [--title "…"]``.

Writes ``rules/dv123_name_of_rule.py`` (the ``@rule`` check with its docstring sections as TODOs) and
``fixtures/rules/DV123/``: ``build.py`` (the fixture declared with ``analyzer.builder``: one step that
should fail, one that should pass), the ``solution/`` folder it writes, and ``expected.yaml``. The
fixture test (tests/test_rules.py) is red until the check finds the failing step: fill in the TODOs,
then re-run ``python fixtures/rules/DV123/build.py`` whenever you change the fixture.

A development tool, outside the analysis pipeline.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

from analyzer.registry import BUILTIN_PREFIX, ID_PATTERN, NAME_PATTERN, PluginLoadError, discover
from analyzer.rule import Severity

REPO = Path(__file__).resolve().parents[1]


class ScaffoldError(Exception):
    """Input the scaffold refuses; the command prints it as one line and exits 2."""


def module_name(rule_id: str, name: str) -> str:
    return f"{rule_id.lower()}_{name.replace('-', '_')}"


def fixture_id(rule_id: str, letter: str, n: int) -> str:
    """Fictional, readable GUIDs per rule, as the hand-written fixtures use (DV123 step 1: b1230000-…-000000000001)."""
    return f"{letter}{rule_id[-3:]}0000-0000-4000-8000-{n:012d}"


def check_new(root: Path, rule_id: str, name: str) -> None:
    if not ID_PATTERN.match(rule_id) or not rule_id.startswith(BUILTIN_PREFIX):
        raise ScaffoldError(f"rule id {rule_id!r} is not {BUILTIN_PREFIX} + 3 digits (DV123)")
    if not NAME_PATTERN.match(name):
        raise ScaffoldError(f"rule name {name!r} is not kebab-case (step-on-something)")
    if not (root / "rules").is_dir():
        raise ScaffoldError(f"{root} has no rules/ folder: run from the repository or pass --root")
    snake = name.replace("-", "_")
    taken = [p.name for p in (root / "rules").glob("dv*.py")
             if p.stem.split("_", 1)[0] == rule_id.lower() or p.stem.split("_", 1)[-1] == snake]
    try:
        registered = discover()
    except PluginLoadError as exc:  # a broken rule elsewhere: say so rather than guess what is free
        raise ScaffoldError(f"cannot list the existing rules: {exc}") from exc
    for wanted in (rule_id, name):
        known = registered.get(wanted)
        if known is not None:
            taken.append(f"{known.id} {known.name}")
    if (root / "fixtures" / "rules" / rule_id).exists():
        taken.append(f"fixtures/rules/{rule_id}")
    if taken:
        raise ScaffoldError(f"{rule_id} {name} already exists: {', '.join(sorted(set(taken)))}")


def rule_source(rule_id: str, name: str, severity: str, title: str) -> str:
    return f'''from analyzer.model import Step
from analyzer.rule import RuleContext, Severity, rule


@rule(id="{rule_id}", name="{name}", severity=Severity.{Severity(severity).name},
      title={title!r},
      fix="TODO: one sentence: what to change in the solution or the maker portal.",
      tags={{"step"}})
def check(ctx: RuleContext):
    """## What it does
    TODO: which components it reports, and on what condition.

    ## Why is this bad?
    TODO: what breaks, and when (import, upgrade, run time); cite the Microsoft Learn page below.

    ## Example
    TODO: the failing component of fixtures/rules/{rule_id}, e.g. step 'Post Create Order' (PostOperation, sync).

    ## How to fix
    TODO: the change, in the names people see in the maker portal.

    ## References
    - TODO: https://learn.microsoft.com/power-apps/developer/data-platform/...
    """
    for step in ctx.components(Step):
        if _breaks_rule(step):
            yield ctx.finding(step, f"{{step.display}} TODO: what is wrong and what it breaks")


def _breaks_rule(step: Step) -> bool:
    return False  # TODO: the condition; fixtures/rules/{rule_id}/expected.yaml names the step that must fail
'''


def build_source(rule_id: str) -> str:
    ids = {key: fixture_id(rule_id, letter, n) for key, letter, n in (
        ("assembly", "c", 1), ("type", "e", 1), ("failing", "b", 1), ("passing", "b", 2))}
    return f'''"""Fixture of {rule_id}: writes solution/ next to this file (run it again after each change)."""

from pathlib import Path

from analyzer.builder import CREATE_MESSAGE, Manifest, Package, PluginAssembly, PluginType, Step

TYPE_ID = "{ids["type"]}"
ASSEMBLY = PluginAssembly("{ids["assembly"]}",
                          "Contoso.Plugins, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef",
                          types=(PluginType(TYPE_ID, "Contoso.Plugins.OrderPlugin"),))
PLUGIN = ASSEMBLY.type_name("Contoso.Plugins.OrderPlugin")

PACKAGE = Package(
    Manifest("Rule{rule_id}"),
    assemblies=(ASSEMBLY,),
    steps=(
        # TODO: make this step break the rule (stage, mode, message, images, filtering attributes ...).
        Step("{ids["failing"]}", "Post Create Order", CREATE_MESSAGE, PLUGIN, TYPE_ID,
             primary_entity="salesorder"),
        # TODO: the closest step that does not break it.
        Step("{ids["passing"]}", "Post Create Invoice", CREATE_MESSAGE, PLUGIN, TYPE_ID,
             primary_entity="invoice"),
    ),
)

if __name__ == "__main__":
    PACKAGE.write_folder(Path(__file__).with_name("solution"))
'''


def expected_source(rule_id: str) -> str:
    return (f"# TODO: say why each component fails or passes (see build.py).\n"
            f"fail:\n  - step:{fixture_id(rule_id, 'b', 1)}  # Post Create Order\n"
            f"pass:\n  - step:{fixture_id(rule_id, 'b', 2)}  # Post Create Invoice\n")


def scaffold(root: Path, rule_id: str, name: str, severity: str = "warning", title: str | None = None) -> list[Path]:
    """Write the rule module and its fixture under ``root``; returns the files written."""
    check_new(root, rule_id, name)
    rule_file = root / "rules" / f"{module_name(rule_id, name)}.py"
    fixture = root / "fixtures" / "rules" / rule_id
    fixture.mkdir(parents=True)
    rule_file.write_text(rule_source(rule_id, name, severity, title or f"TODO: one line, what {name} finds"))
    (fixture / "build.py").write_text(build_source(rule_id))
    (fixture / "expected.yaml").write_text(expected_source(rule_id))
    runpy.run_path(str(fixture / "build.py"), run_name="__main__")
    return [rule_file, *sorted(p for p in fixture.rglob("*") if p.is_file())]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like dvsa
        self.exit(2, f"error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m analyzer.scaffold", description="Start a new built-in rule and its fixture.")
    parser.add_argument("rule_id", metavar="ID", help="DV + 3 digits, e.g. DV123")
    parser.add_argument("name", help="kebab-case rule name, e.g. step-on-something")
    parser.add_argument("--severity", default="warning", choices=[s.value for s in Severity])
    parser.add_argument("--title", help="one line: what the rule finds")
    parser.add_argument("--root", type=Path, default=REPO, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    try:
        written = scaffold(args.root, args.rule_id, args.name, args.severity, args.title)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path.relative_to(args.root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
