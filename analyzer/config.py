"""``[tool.dvsa]`` in pyproject.toml, or the top level of dvsa.toml: defaults for ``dvsa check``.

    [tool.dvsa]
    select = ["DV"]
    ignore = ["DV104"]
    fail-on = "warning"
    baseline = ".dvsa-baseline.json"

    [tool.dvsa.severity]
    DV203 = "note"

    [tool.dvsa.rules.DV107]
    max-depth = 6

    [[tool.dvsa.suppress]]
    rule = "DV401"
    component = "plugin_type:*"       # fnmatch glob over component keys
    reason = "Provided by ContosoCore, imported first"

Unknown keys, rule ids, option names and severity levels, and option values of the wrong type or
out of range, are refused with a "did you mean" hint (analyzer/options.py checks them against the
rules' declarations), so a typo never silently does nothing. Command-line options win over the file.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer import options as rule_settings
from analyzer.errors import SolutionError
from analyzer.files import read_regular
from analyzer.registry import Registry, discover
from analyzer.rule import Severity

KEYS = ("select", "ignore", "fail-on", "baseline", "map", "sources", "max-diagram-nodes", "severity", "rules",
        "suppress")
SUPPRESS_KEYS = ("rule", "component", "reason")
FAIL_ON = ("error", "warning", "note", "never")


@dataclass(frozen=True)
class Suppression:
    rule: str  # id or name
    component: str  # glob over component keys
    reason: str


@dataclass
class Config:
    path: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    baseline: str | None = None
    map_file: str | None = None  # SolutionPackager mapping file for unpacked folders (--map)
    sources: list[str] = field(default_factory=list)  # code folders beside the solution (--sources), relative to it
    max_diagram_nodes: int | None = None  # `dvsa graph` refuses a larger unfocused diagram
    severities: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    suppress: list[Suppression] = field(default_factory=list)


def find_config(start: Path) -> Path | None:
    """dvsa.toml, or a pyproject.toml with a [tool.dvsa] table, in ``start`` or the nearest folder above it,
    up to the repository root (the folder holding ``.git``), like ruff and black look for theirs."""
    for folder in (start, *start.parents):
        if found := _config_in(folder):
            return found
        if (folder / ".git").exists():
            return None
    return None


def _config_in(folder: Path) -> Path | None:
    if (folder / "dvsa.toml").is_file():
        return folder / "dvsa.toml"
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "dvsa" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                return pyproject
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            return None
    return None


def _unknown(key: str, known: tuple[str, ...], where: str, path: str) -> SolutionError:
    hint = difflib.get_close_matches(key.lower(), known, n=1)
    return SolutionError(f"unknown key {key!r} in {where}" + (f"; did you mean {hint[0]!r}?" if hint else ""), path)


def _strings(value: Any, key: str, path: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SolutionError(f"{key} must be a list of strings", path)
    return value


def _table(table: dict, key: str, where: str, path: str) -> dict:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise SolutionError(f"{key} in {where} must be a table, such as [{key}]", path)
    return value


def load_config(path: Path, registry: Registry | None = None) -> Config:
    try:
        doc = tomllib.loads(read_regular(str(path), str(path), 16 * 1024 * 1024).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SolutionError(f"cannot read configuration ({exc})", str(path)) from None
    table = doc.get("tool", {}).get("dvsa", {}) if path.name == "pyproject.toml" else doc
    where = "[tool.dvsa]" if path.name == "pyproject.toml" else str(path.name)
    p = str(path)
    config = Config(path=p)
    table = {k.lower() if isinstance(k, str) and k.lower() in KEYS else k: v for k, v in table.items()}  # Fail-On
    for key in table:
        if key not in KEYS:
            raise _unknown(key, KEYS, where, p)
    config.select = _strings(table.get("select", []), "select", p)
    config.ignore = _strings(table.get("ignore", []), "ignore", p)
    if "fail-on" in table:
        if table["fail-on"] not in FAIL_ON:
            raise SolutionError(f"fail-on must be one of {', '.join(FAIL_ON)}", p)
        config.fail_on = table["fail-on"]
    if "baseline" in table:
        config.baseline = str(path.parent / _strings(table["baseline"], "baseline", p)[0])
    if "map" in table:
        config.map_file = str(path.parent / _strings(table["map"], "map", p)[0])
    if "sources" in table:
        config.sources = [str(path.parent / folder) for folder in _strings(table["sources"], "sources", p)]
    if "max-diagram-nodes" in table:
        value = table["max-diagram-nodes"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SolutionError("max-diagram-nodes must be a whole number of at least 1", p)
        config.max_diagram_nodes = value
    registry = registry or discover()
    for key in ("select", "ignore"):  # the engine checks them too, but could not name the file
        if unknown := registry.unknown(getattr(config, key)):
            names = ", ".join(repr(u) for u in unknown)
            raise SolutionError(f"{key}: no rule matches {names}; `dvsa rules` lists them", p)
    sections = "tool.dvsa." if path.name == "pyproject.toml" else ""
    config.severities = rule_settings.severities(registry, _table(table, "severity", where, p), p,
                                                 f"{sections}severity")
    config.options = rule_settings.rule_options(registry, _table(table, "rules", where, p), p, f"{sections}rules")
    for entry in table.get("suppress", []):
        entry = {k.lower() if isinstance(k, str) and k.lower() in SUPPRESS_KEYS else k: v for k, v in entry.items()}
        for key in entry:
            if key not in SUPPRESS_KEYS:
                raise _unknown(key, SUPPRESS_KEYS, f"{where} suppress entry", p)
        if not entry.get("rule") or not entry.get("component") or not str(entry.get("reason", "")).strip():
            raise SolutionError("every suppress entry needs rule, component and a non-empty reason", p)
        config.suppress.append(Suppression(str(entry["rule"]), str(entry["component"]), str(entry["reason"])))
    return config
