"""analyze(): read -> graph -> rules -> findings. The one entry point the CLI and tests use."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from analyzer import options as rule_settings
from analyzer.baseline import apply as apply_suppressions
from analyzer.code.sources import SourceScan
from analyzer.code.sources import scan as scan_sources
from analyzer.code.sources import summary as code_summary
from analyzer.config import Suppression
from analyzer.diff import DiffResult, diff_solutions
from analyzer.errors import SolutionError, SolutionErrors
from analyzer.graph import DependencyGraph, build_graph
from analyzer.model import CodeFile, Solution, WebResource, version_key
from analyzer.reader import Limits, load, read_mapping
from analyzer.registry import Registry, discover
from analyzer.result import AnalysisResult, RuleError
from analyzer.rule import Previous, Rule, RuleContext, Severity, ordered_components


def run_rules(solutions: list[Solution], rules: Iterable[Rule], *, graph: DependencyGraph | None = None,
              options: dict[str, dict[str, Any]] | None = None,
              severities: dict[str, Severity] | None = None,
              on_loaded: Callable[[], None] | None = None, previous: Previous | None = None,
              code: Iterable[CodeFile] = ()) -> AnalysisResult:
    """Run ``rules`` over ``solutions`` (with ``previous``, the OLD side of a diff, when given); ``code``: the
    files of ``--sources``."""
    graph = graph or build_graph(solutions, code)
    if on_loaded:  # the graph, like the model, lives to the end of the run
        on_loaded()
    rules = list(rules)
    result = AnalysisResult(solutions=solutions, graph=graph, rules=rules)
    ordered = ordered_components(solutions)
    seen: set[tuple] = set()
    for r in rules:
        ctx = RuleContext(r, solutions, graph, (options or {}).get(r.id), (severities or {}).get(r.id), ordered,
                          previous=previous)
        try:
            found = list(r.check(ctx))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the others
            result.errors.append(RuleError(r.id, f"{type(exc).__name__}: {exc}"))
            continue
        for f in found:
            identity = (f.rule, f.component.key, f.message)
            if identity not in seen:
                seen.add(identity)
                result.findings.append(f)
    result.findings.sort(key=lambda f: f.sort_key)
    return result


def _age(s: Solution) -> tuple:
    """Orders packages oldest to newest by version (the path breaks ties, so the choice is stable)."""
    return (version_key(s.version) or (), s.path)


def contexts(solutions: list[Solution]) -> list[tuple[list[Solution], set[str]]]:
    """The solution sets the rules run over, each with the package paths whose findings it keeps.

    Packages with the same unique name (the managed and unmanaged export of one solution, or two
    versions) are never merged: merging keeps one copy of each component and silently drops the
    other package's findings. Each such package is checked on its own, with the other, different
    solutions as context; where a context needs one package of another repeated name, it takes
    the newest version, so argument order never changes the findings."""
    by_name: dict[str, list[Solution]] = {}
    for s in solutions:
        by_name.setdefault(s.unique_name.lower(), []).append(s)
    if all(len(group) == 1 for group in by_name.values()):
        return [(solutions, {s.path for s in solutions})]
    singles = [group[0] for group in by_name.values() if len(group) == 1]
    newest = {name: max(group, key=_age) for name, group in by_name.items() if len(group) > 1}
    runs = [(singles + list(newest.values()), {s.path for s in singles})] if singles else []
    for name, group in by_name.items():
        for package in (group if len(group) > 1 else []):
            others = [s for n, s in newest.items() if n != name]
            runs.append(([package, *singles, *others], {package.path}))
    return runs


def run_packages(solutions: list[Solution], rules: Iterable[Rule], *,
                 options: dict[str, dict[str, Any]] | None = None, severities: dict[str, Severity] | None = None,
                 on_loaded: Callable[[], None] | None = None, code: Iterable[CodeFile] = ()) -> AnalysisResult:
    """``run_rules`` over each context of ``contexts``; one result with every package's findings."""
    rules = list(rules)
    code = list(code)
    runs = contexts(solutions)
    if len(runs) == 1:
        return run_rules(solutions, rules, options=options, severities=severities, on_loaded=on_loaded, code=code)
    merged: AnalysisResult | None = None
    for context, keep in runs:
        part = run_rules(context, rules, options=options, severities=severities, on_loaded=on_loaded, code=code)
        first = merged is None
        if merged is None:  # the first run holds every name once: its graph is the one to draw
            merged = AnalysisResult(solutions=solutions, graph=part.graph, rules=rules)
        # a finding on a --sources file belongs to no package: the first run's are kept
        merged.findings += [f for f in part.findings if f.package in keep or (first and f.package is None)]
        merged.errors += [e for e in part.errors if e not in merged.errors]
    merged.findings.sort(key=lambda f: f.sort_key)
    return merged


def load_all(paths: Iterable[str], limits: Limits | None = None, jobs: int = 1,
             on_loaded: Callable[[], None] | None = None, map_file: str | None = None) -> list[Solution]:
    """Read packages, in parallel processes when ``jobs`` > 1 (each package is independent).

    ``on_loaded`` runs after each package is read (and, in ``run_rules``, after the graph is built):
    the CLI passes ``gc.freeze`` so the collector stops re-scanning data that lives to the end of the
    run, the main source of non-linear time on large solutions. Process-wide tuning is the program's
    business, not the library's.

    ``map_file``: the SolutionPackager mapping file the folders are packed with (``--map``); read once,
    applied to each folder from that folder."""
    paths = list(paths)
    mapping = read_mapping(map_file) if map_file else None
    solutions: list[Solution] = []
    errors: list[SolutionError] = []  # every bad package is reported, not only the first
    if jobs <= 1 or len(paths) < 2:
        for p in paths:
            try:
                solutions.append(load(p, limits, mapping))
            except SolutionError as exc:
                errors.append(exc)
            if on_loaded:
                on_loaded()
        return _loaded(solutions, errors)
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(paths)), initializer=_ignore_interrupts)
    try:
        for future in [pool.submit(load, p, limits, mapping) for p in paths]:
            try:
                solutions.append(future.result())
            except SolutionError as exc:
                errors.append(exc)
        return _loaded(solutions, errors)
    except BaseException:  # Ctrl-C, SIGTERM (the CLI raises KeyboardInterrupt for it), a bad package
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _loaded(solutions: list[Solution], errors: list[SolutionError]) -> list[Solution]:
    if len(errors) > 1:
        raise SolutionErrors(errors)
    if errors:
        raise errors[0]
    return solutions


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C reaches the whole process group, and the parent alone decides (see ``_stop``),
    so a worker must not die printing its own traceback; SIGTERM (``_stop``) ends it at once, whatever
    handler a forked worker inherited from the CLI."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now: a worker reading a 300 MB package would
    otherwise finish it, and an interrupted run must leave no process behind. ``_processes`` is the
    executor's own table of workers; Python 3.14's ``terminate_workers()`` is the public form."""
    pool.shutdown(wait=False, cancel_futures=True)
    workers = list((getattr(pool, "_processes", None) or {}).values())
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(timeout=5)


def analyze(paths: Iterable[str], *, select: Iterable[str] = (), ignore: Iterable[str] = (),
            registry: Registry | None = None, limits: Limits | None = None,
            options: dict[str, dict[str, Any]] | None = None,
            severities: dict[str, Severity] | None = None, jobs: int = 1,
            suppress: list[Suppression] | None = None,
            baseline: set[tuple[str, str]] | None = None,
            on_loaded: Callable[[], None] | None = None, map_file: str | None = None,
            sources: Iterable[str] = ()) -> AnalysisResult:
    """read -> graph -> rules -> suppressions and baseline -> result. ``sources``: ``--sources`` folders."""
    registry = registry or discover()
    rules, options, severities = _settings(registry, select, ignore, options, severities, suppress)
    solutions = load_all(paths, limits, jobs, on_loaded, map_file)
    scanned = load_sources(sources, solutions)
    result = run_packages(solutions, rules, options=options, severities=severities, on_loaded=on_loaded,
                          code=scanned.files if scanned else ())
    result.sources = code_summary(scanned, solutions)
    return _suppressed(result, suppress, baseline)


def load_sources(dirs: Iterable[str], solutions: list[Solution]) -> SourceScan | None:
    """The code under the ``--sources`` folders (None without any), less the files that are the content of an
    analyzed script web resource (read with its package)."""
    dirs = list(dirs)
    if not dirs:
        return None
    content = []
    for s in solutions:
        mapped = {c.key: c.file_mapped_to for c in s.components if isinstance(c, WebResource)}
        for f in s.code if s.layout != "zip" else ():  # a zip's scripts are members, no file on disk
            content.append(f.path if f.path == mapped.get(f.web_resource) else os.path.join(s.path, f.path))
    return scan_sources(dirs, content)


def _settings(registry: Registry, select: Iterable[str], ignore: Iterable[str],
              options: dict[str, dict[str, Any]] | None, severities: dict[str, Severity] | None,
              suppress: list[Suppression] | None) -> tuple[list[Rule], dict, dict]:
    """The rules to run and their checked options and severities, refused before anything is read (the CLI
    has checked its own, naming the file or the flag)."""
    select, ignore = list(select), list(ignore)
    if unknown := registry.unknown(select + ignore):
        raise SolutionError(f"no rule matches {', '.join(repr(u) for u in unknown)}"
                            + (near_rule(registry, unknown[0]) or "; `dvsa rules` lists them"))
    options = rule_settings.rule_options(registry, options or {})
    severities = rule_settings.severities(registry, severities or {})
    for entry in suppress or []:  # a misspelt rule would silently suppress nothing, and never be stale
        rule_settings.find_rule(registry, entry.rule, rule_settings.Place(None, f"suppress entry {entry.rule!r}"))
    rules = registry.select(select, ignore)
    if not rules:  # `--ignore DV` would otherwise run nothing and pass the gate
        raise SolutionError("no rule selected: --select/--ignore (or select/ignore in the config) leave no rule "
                            "to run")
    return rules, options, severities


def near_rule(registry: Registry, given: str) -> str:
    """A "did you mean" for a misspelt id or name; ids differ in one digit from many others, so only a near miss.
    Letters typed for look-alike digits (DV1O1, DV2l0) point at the id they spell."""
    ids = {r.id for r in registry.rules}
    spelt = given.strip().upper()[:2] + given.strip().upper()[2:].translate(str.maketrans("OIL", "011"))
    if spelt in ids and spelt != given.strip().upper():
        return f"; did you mean {spelt!r}?"
    return (rule_settings.hint(given.strip().upper(), [r.id for r in registry.rules], cutoff=0.75)
            or rule_settings.hint(given.strip().lower(), [r.name for r in registry.rules]))


def _suppressed(result: AnalysisResult, suppress: list[Suppression] | None,
                baseline: set[tuple[str, str]] | None) -> AnalysisResult:
    if suppress or baseline:
        run = {r.id for r in result.rules} | {r.name for r in result.rules}
        result.findings, result.stale = apply_suppressions(result.findings, suppress or [], baseline or set(), run)
    return result


def diff_analysis(old_paths: Iterable[str], new_paths: Iterable[str], *, with_paths: Iterable[str] = (),
                  select: Iterable[str] = (), ignore: Iterable[str] = (), registry: Registry | None = None,
                  options: dict[str, dict[str, Any]] | None = None, severities: dict[str, Severity] | None = None,
                  suppress: list[Suppression] | None = None, baseline: set[tuple[str, str]] | None = None,
                  limits: Limits | None = None, map_file: str | None = None,
                  on_loaded: Callable[[], None] | None = None) -> DiffResult:
    """``dvsa diff``: what NEW changed against OLD, and the rules over NEW with OLD as ``previous``.

    The ``with_paths`` solutions (a base solution NEW builds on, an extension that calls it) are context on
    both sides, so a message or plug-in type they define is named the same in OLD and NEW; they are not
    compared themselves."""
    registry = registry or discover()
    rules, options, severities = _settings(registry, select, ignore, options, severities, suppress)
    old = load_all(old_paths, limits, on_loaded=on_loaded, map_file=map_file)
    new = load_all(new_paths, limits, on_loaded=on_loaded, map_file=map_file)
    context = load_all(with_paths, limits, on_loaded=on_loaded, map_file=map_file)
    old_graph, new_graph = build_graph(old + context), build_graph(new + context)
    result = run_rules(new + context, rules, graph=new_graph, options=options, severities=severities,
                       on_loaded=on_loaded, previous=Previous(old, old_graph))
    changes = diff_solutions(old, old_graph, new, new_graph)
    return DiffResult(changes, _suppressed(result, suppress, baseline))


FAIL_ON = {"error": 3, "warning": 2, "note": 1, "never": 99}  # --fail-on: the lowest severity rank that fails


def gate(result: AnalysisResult, fail_on: str | None = None, *, max_findings: int | None = None,
         max_errors: int | None = None, strict_baseline: bool = False) -> list[str]:
    """Why the run fails, one reason a line (empty: it passes); accepted (suppressed) findings never count.

    ``max_findings`` / ``max_errors`` allow that many and fail on one more, like the Power Platform Checker
    task's ErrorThreshold ("the number of errors of a specified level that are allowed for the checker to
    pass", https://learn.microsoft.com/power-platform/alm/devops-build-tool-tasks). With a threshold and no
    ``fail_on``, the threshold alone decides (``--max-errors 5`` passes with 5 errors); ``fail_on`` defaults
    to ``error`` otherwise."""
    remaining = [f for f in result.findings if not f.suppressed]
    errors = sum(1 for f in remaining if f.severity is Severity.ERROR)
    fail_on = fail_on or ("never" if max_findings is not None or max_errors is not None else "error")
    reasons = []
    worst = max((f.severity.rank for f in remaining), default=0)
    if worst >= FAIL_ON[fail_on]:
        reasons.append(f"findings at or above --fail-on {fail_on}")
    if max_findings is not None and len(remaining) > max_findings:
        reasons.append(f"{len(remaining)} findings, more than --max-findings {max_findings}")
    if max_errors is not None and errors > max_errors:
        reasons.append(f"{errors} errors, more than --max-errors {max_errors}")
    if strict_baseline and result.stale:
        reasons.append(f"{len(result.stale)} baseline or suppress entries matched nothing (--strict-baseline)")
    return reasons
