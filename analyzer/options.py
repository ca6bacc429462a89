"""Per-rule settings checked against the registry before any package is read.

Rule options and severity overrides come from ``[rules.ID]`` and ``[severity]`` in dvsa.toml and from
``--option ID.NAME=VALUE``. Each one names a rule (by id, any case, or by name), an option that rule
declares and a value of the declared type; anything else is one ``SolutionError`` naming where it was
written, with a "did you mean" hint, so a typo never silently does nothing.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

from analyzer.errors import SolutionError
from analyzer.registry import Registry
from analyzer.rule import Option, OptionValueError, Rule, Severity, toml_value

RuleOptions = dict[str, dict[str, Any]]  # rule id -> option name -> checked value
LEVELS = tuple(s.value for s in Severity)
CLI_FORM = "expected RULE.NAME=VALUE, such as DV107.max-depth=6"


class Place:
    """Where a setting was written: ``dvsa.toml: [rules.DV107] max-depth`` or ``--option DV107.max-depth=six``."""

    def __init__(self, path: str | None, section: str = ""):
        self.path = path
        self.section = section

    def error(self, what: str) -> SolutionError:
        return SolutionError(f"{self.section}: {what}" if self.section else what, self.path)


def hint(given: str, known: Iterable[str], cutoff: float = 0.6) -> str:
    match = difflib.get_close_matches(given, list(known), n=1, cutoff=cutoff)
    return f"; did you mean {match[0]!r}?" if match else ""


def find_rule(registry: Registry, given: str, place: Place) -> Rule:
    found = registry.get(given)
    if found is not None:
        return found
    # Ids differ in one digit from many others: only a near miss (DV1O7, DV170) earns a hint.
    suggestion = (hint(given.upper(), [r.id for r in registry.rules], cutoff=0.75)
                  or hint(given.lower(), [r.name for r in registry.rules]))
    raise place.error(f"no rule {given!r}" + (suggestion or "; `dvsa rules` lists them"))


def find_option(rule: Rule, name: str, place: Place) -> Option:
    found = rule.option(name)
    if found is not None:
        return found
    if not rule.options:
        raise place.error(f"unknown option {name!r}; {rule.id} has no options")
    raise place.error(f"unknown option {name!r}" + (hint(name, [o.name for o in rule.options])
                                                      or f"; {rule.id} has {', '.join(o.name for o in rule.options)}"))


def checked(option: Option, value: Any, place: Place) -> Any:
    try:
        return option.convert(value)
    except OptionValueError as exc:
        raise place.error(str(exc)) from None


def rule_options(registry: Registry, tables: Mapping[str, Any], path: str | None = None,
                 section: str = "rules") -> RuleOptions:
    """``{rule: {name: value}}`` as written under ``[rules]``, checked; keyed by rule id."""
    resolved: RuleOptions = {}
    for given, table in tables.items():
        place = Place(path, f"[{section}.{given}]")
        rule = find_rule(registry, str(given), place)
        if not isinstance(table, Mapping):
            raise place.error("expected a table of options, such as max-depth = 6")
        for name, value in table.items():
            option = find_option(rule, str(name), place)
            value = checked(option, value, Place(path, f"{place.section} {name}"))
            resolved.setdefault(rule.id, {})[option.name] = value
    return resolved


def severities(registry: Registry, levels: Mapping[str, Any], path: str | None = None,
               section: str = "severity") -> dict[str, Severity]:
    """``{rule: level}`` as written under ``[severity]``, checked; keyed by rule id."""
    resolved = {}
    for given, level in levels.items():
        place = Place(path, f"[{section}] {given}")
        rule = find_rule(registry, str(given), place)
        if level not in LEVELS:
            raise place.error(f"expected error, warning or note, got {toml_value(level)}"
                              + (hint(level.lower(), LEVELS) if isinstance(level, str) else ""))
        resolved[rule.id] = Severity(level)
    return resolved


def command_line(registry: Registry, values: Iterable[str]) -> RuleOptions:
    """``--option RULE.NAME=VALUE`` flags, checked; a later flag for the same option wins."""
    resolved: RuleOptions = {}
    for text in values:
        place = Place(f"--option {text}")
        target, equals, raw = text.partition("=")
        given, dot, name = target.strip().partition(".")
        if not equals or not dot or not given or not name.strip():
            raise place.error(CLI_FORM)
        rule = find_rule(registry, given, place)
        option = find_option(rule, name.strip(), place)
        resolved.setdefault(rule.id, {})[option.name] = checked(option, _cli_value(option, raw.strip()), place)
    return resolved


def _cli_value(option: Option, text: str) -> Any:
    """VALUE read as a TOML value (6, true, ["a", "b"], "x"), else as plain text; a list may also be
    written comma-separated, and a string option takes the text as typed."""
    try:
        doc = tomllib.loads(f"value = {text}")
        value = doc["value"] if len(doc) == 1 else text
    except tomllib.TOMLDecodeError:
        value = text
    if option.type is str and not isinstance(value, str):
        return text
    if option.type == list[str] and isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def merge(*layers: RuleOptions) -> RuleOptions:
    """Later layers win option by option: the command line over the file."""
    merged: RuleOptions = {}
    for layer in layers:
        for rule_id, values in layer.items():
            merged.setdefault(rule_id, {}).update(values)
    return merged
