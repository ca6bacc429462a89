"""Rule discovery through the ``dvsa.rules`` entry-point group (built-ins included), and selection.

find -> load -> collect -> validate, sorted; every error names the plug-in. No global state.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType

from analyzer.rule import Rule

GROUP = "dvsa.rules"
ID_PATTERN = re.compile(r"^[A-Z]{2,5}\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "How to fix")
BUILTIN_PREFIX = "DV"


class PluginLoadError(Exception):
    def __init__(self, plugin: str, detail: str):
        super().__init__(f"rule plug-in {plugin!r}: {detail}")
        self.plugin = plugin


def sections(rationale: str) -> list[str]:
    return [line[3:].strip() for line in rationale.splitlines() if line.startswith("## ")]


def validate(rule: Rule, plugin: str, *, check_prefix: bool = True) -> None:
    if not ID_PATTERN.match(rule.id):
        raise PluginLoadError(plugin, f"rule id {rule.id!r} is not letters + 3 digits")
    if check_prefix and (plugin == "builtin") != rule.id.startswith(BUILTIN_PREFIX):
        raise PluginLoadError(plugin,
                              f"rule id {rule.id!r}: the {BUILTIN_PREFIX} prefix is reserved for built-in rules")
    if not NAME_PATTERN.match(rule.name):
        raise PluginLoadError(plugin, f"rule name {rule.name!r} is not kebab-case")
    names = [o.name for o in rule.options]
    if len(set(names)) != len(names) or not all(NAME_PATTERN.match(n) for n in names):
        raise PluginLoadError(plugin,
                              f"rule {rule.id} option names must be kebab-case and distinct: {', '.join(names)}")
    found = [s for s in sections(rule.rationale) if s in REQUIRED_SECTIONS]
    if found != list(REQUIRED_SECTIONS):
        raise PluginLoadError(plugin,
                              f"rule {rule.id} docstring needs sections {', '.join(REQUIRED_SECTIONS)} in order")


def _rules_in(module: ModuleType) -> list[Rule]:
    found = [v for v in vars(module).values() if isinstance(v, Rule)]
    path = getattr(module, "__path__", None)
    if path is not None:  # a package: walk its modules
        for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
            sub = importlib.import_module(f"{module.__name__}.{info.name}")
            found += [v for v in vars(sub).values() if isinstance(v, Rule)]
    return found


@dataclass(frozen=True)
class Registry:
    rules: tuple[Rule, ...]

    @classmethod
    def from_rules(cls, rules: Iterable[Rule], plugin: str = "builtin") -> Registry:
        ordered = sorted(rules, key=lambda r: r.id)
        seen_ids, seen_names = set(), set()
        for r in ordered:
            validate(r, plugin, check_prefix=False)
            if r.id in seen_ids or r.name in seen_names:
                raise PluginLoadError(plugin, f"duplicate rule id or name: {r.id} {r.name}")
            seen_ids.add(r.id)
            seen_names.add(r.name)
        return cls(tuple(ordered))

    def get(self, id_or_name: str) -> Rule | None:
        wanted = id_or_name.strip()
        for r in self.rules:
            if r.id.lower() == wanted.lower() or r.name == wanted.lower():
                return r
        return None

    def unknown(self, patterns: Iterable[str]) -> list[str]:
        """The ids, prefixes or names that match no rule (a typo in --select must not pass silently)."""
        return [p for p in patterns if p.strip() and not any(
            r.id.upper().startswith(p.strip().upper()) or r.name == p.strip().lower() for r in self.rules)]

    def select(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
        """ruff-style: ids or id prefixes (``DV2``, ``DV101``) or names; ignore wins."""
        select = [s.strip() for s in select if s.strip()]
        ignore = [s.strip() for s in ignore if s.strip()]

        def matches(rule: Rule, patterns: list[str]) -> bool:
            return any(rule.id.upper().startswith(p.upper()) or rule.name == p.lower() for p in patterns)

        chosen = [r for r in self.rules if r.stability != "removed" and (not select or matches(r, select))]
        return [r for r in chosen if not matches(r, ignore)]


def discover() -> Registry:
    """Load every rule plug-in registered under ``dvsa.rules``, built-ins first by name."""
    rules: list[Rule] = []
    owners: dict[str, str] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: (e.name != "builtin", e.name)):
        try:
            module = ep.load()
            found = _rules_in(module)
        except Exception as exc:  # noqa: BLE001 - any failure in a plug-in is reported with its name
            raise PluginLoadError(ep.name, f"cannot load {ep.value}: {type(exc).__name__}: {exc}") from exc
        for r in found:
            validate(r, ep.name)
            if r.id in owners or any(o.name == r.name for o in rules):
                raise PluginLoadError(ep.name, f"rule {r.id} ({r.name}) is already defined by {owners.get(r.id, '?')}")
            owners[r.id] = ep.name
            rules.append(r)
    return Registry(tuple(sorted(rules, key=lambda r: r.id)))
