"""The ``dvsa`` command: a thin adapter over the reader, the engine and the renderers."""

from __future__ import annotations

import functools
import gc
import io
import os
import shutil
import signal
import sys
import threading
import traceback
from contextlib import contextmanager

import click

from analyzer import __version__, inert
from analyzer.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, SolutionError
from analyzer.output import write_atomic, write_atomic_bytes


def _one_line(text: str, limit: int = 1000) -> str:
    """A message as one inert line (analyzer.inert): member names and values from the package may hold newlines,
    control characters, CI commands, lone surrogates or a megabyte of text."""
    text = inert.text(text[:limit * 2])
    return text if len(text) <= limit else text[:limit] + "…"


@contextmanager
def _errors(debug: bool):
    """Bad input ends with one line and exit 2; a traceback only with --debug."""
    try:
        yield
    except SolutionError as exc:
        if debug:
            traceback.print_exc()
        for each in getattr(exc, "errors", None) or [exc]:  # SolutionErrors: every bad path, one line each
            click.echo(_one_line(f"error: {each}"), err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (see _terminate_as_interrupt): the workers are stopped
        click.echo("error: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except BrokenPipeError:  # `dvsa … | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_CLEAN)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a CI gate
        if debug:
            traceback.print_exc()
        click.echo(_one_line(f"error: internal error: {type(exc).__name__}: {exc}") + " (run with --debug for details)",
                   err=True)
        sys.exit(EXIT_ERROR)


EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


def _terminate_as_interrupt(signum, frame) -> None:
    """SIGTERM (a CI runner cancelling the job) ends the run the way Ctrl-C does: one line, exit 130."""
    raise KeyboardInterrupt


def _emit(text: str, output: str | None, color: bool | None = None, kind: str = "text") -> None:
    """Write a report to its file, or to stdout made inert (analyzer.inert), as ``kind`` allows: ``text`` line by
    line; ``json`` exactly (json_text keeps the meaning); ``commands`` (--format github and azure, whose renderers
    made each value inert and whose own commands must stay) and ``binary`` as they are."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (an undecodable file name in a folder): print it escaped
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if kind == "json":
        text = inert.json_text(text)
    if output:
        with _writing(output):
            write_atomic(output, text)
        return
    if kind == "text":
        text = inert.lines(text, color=bool(color))
    click.echo(text, nl=False, color=color)


@contextmanager
def _writing(path: str):
    """-o onto a folder, into a read-only folder or onto /dev/full: one line naming the path, exit 2."""
    try:
        yield
    except OSError as exc:
        raise SolutionError(f"cannot write the output file ({exc.strerror or exc})", path) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="dvsa")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.option("--max-unzipped-mb", type=click.IntRange(1), default=4096, show_default=True,
              help="Refuse a zip that inflates to more than this (zip-bomb guard).")
@click.option("--max-ratio", type=click.FloatRange(1), default=200.0, show_default=True,
              help="Refuse a zip member compressed more than this many times (zip-bomb guard).")
@click.option("--max-member-mb", type=click.IntRange(1, 2047), default=512, show_default=True,
              help="Refuse a single zip member or file larger than this.")
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symbolic links in a folder that resolve inside its repository (default: inside the "
                   "package only).")
@click.pass_context
def main(ctx: click.Context, debug: bool, max_unzipped_mb: int, max_ratio: float, max_member_mb: int,
         follow_symlinks: bool) -> None:
    """Offline analyzer for Dataverse / Dynamics 365 solution packages (.zip or unpacked folder)."""
    from analyzer.reader import Limits
    if threading.current_thread() is threading.main_thread():  # only there can Python install a handler
        signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    mib = 1024 * 1024
    ctx.obj = {"debug": debug, "exclude": (),
               "limits": Limits(max_total_bytes=max_unzipped_mb * mib, max_ratio=max_ratio,
                                max_member_bytes=max_member_mb * mib, follow_symlinks=follow_symlinks)}


def _load_all(ctx: click.Context, paths: tuple[str, ...], jobs: int = 1, map_file: str | None = None):
    from analyzer.engine import load_all
    return load_all(_inputs(ctx, paths), ctx.obj["limits"], jobs, on_loaded=gc.freeze, map_file=map_file)


def _sources_option(command):
    return click.option("--sources", multiple=True, type=click.Path(), metavar="DIR",
                        help="A folder of code beside the solution (JavaScript, TypeScript, C#) whose calls to "
                             "messages are checked and listed (repeatable; default: sources in the config).")(command)


def _code(solutions, sources) -> list:
    """The files of the --sources folders, parsed (one line on stderr says what was read and skipped)."""
    from analyzer.code.sources import summary
    from analyzer.engine import load_sources
    scanned = load_sources(sources, solutions)
    if (line := summary(scanned, solutions)) is not None:
        click.echo(_one_line(line), err=True)
    return scanned.files if scanned is not None else []


def _inputs(ctx: click.Context, paths: tuple[str, ...]) -> list[str]:
    """Globs and folders of packages expanded, --exclude applied, every bad path reported (analyzer.paths)."""
    from analyzer.paths import expand
    return expand(paths, ctx.obj["exclude"])


def _keep_inputs(outputs, packages: list[str], *files, config=None, baseline_is_input: bool = True) -> None:
    """No -o may name an input or a path inside one (analyzer.paths.refuse_writing_inputs): the packages, the
    flags' files and folders, the configuration file and the files and folders it names."""
    from analyzer.paths import refuse_writing_inputs
    named = [*packages, *files]
    if config is not None:
        named += [config.path, config.map_file, *config.sources]
        named += [config.baseline] if baseline_is_input else []
    refuse_writing_inputs(outputs, named)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(),
              help="Write to this file (atomically) instead of stdout.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="SolutionPackager mapping file the unpacked folders are packed with (default: a spkl.json "
                   "above the folder).")
@_sources_option
@click.pass_context
def inventory(ctx: click.Context, paths: tuple[str, ...], fmt: str, output: str | None, map_file: str | None,
              sources) -> None:
    """List every component of each solution: processes, plug-ins, steps, Custom APIs, tables…"""
    from analyzer.graph import build_graph
    from analyzer.report.inventory import FORMATS
    with _errors(ctx.obj["debug"]):
        _keep_inputs([output], _inputs(ctx, paths), map_file, *sources)
        solutions = _load_all(ctx, paths, map_file=map_file)
        graph = build_graph(solutions, _code(solutions, list(sources)))
        buffer = io.StringIO()
        on_terminal = not output and sys.stdout.isatty()  # a file or a pipe gets every character
        FORMATS[fmt](solutions, buffer, graph=graph,
                     width=shutil.get_terminal_size().columns if on_terminal else None)
        _emit(buffer.getvalue(), output, kind="json" if fmt == "json" else "text")


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _selection(values: tuple[str, ...], configured: list[str]) -> list[str]:
    """--select, else the config's; `--select ''` (an unset CI variable) is refused, not read as "all rules"."""
    if values and not _split(values):
        raise SolutionError("--select is empty: name the rules to run (ids, id prefixes or names), or leave it out")
    return _split(values) or configured


def _baseline(flag: str | None, config):
    """--baseline FILE must exist; the config's `baseline = …` may not exist yet (before the first
    `dvsa baseline`): then it is empty, with a note."""
    from pathlib import Path

    from analyzer.baseline import read_baseline
    if flag:
        return read_baseline(flag)
    if not config.baseline:
        return None
    if not Path(config.baseline).exists():
        click.echo(_one_line(f"note: baseline {config.baseline} (from {config.path}) does not exist yet: no finding "
                             f"is accepted; write it with `dvsa baseline`"), err=True)
        return None
    return read_baseline(config.baseline)


FAIL_ON = ("error", "warning", "note", "never")  # ranks in analyzer.engine.FAIL_ON


def _report_options(formats: str, command_name: str = "check"):
    """--format / -o (repeatable, paired in order) and the SARIF options, for `check` and `diff`. A --format or
    -o that cannot be written is refused before anything is read."""
    options = [
        click.option("--format", "fmts", multiple=True, metavar="FORMAT",
                     help=f"{formats} (default text). Repeatable: the n-th --format goes to the n-th -o, a format "
                          "without one to stdout."),
        click.option("-o", "--output", "outputs", multiple=True, type=click.Path(),
                     help="Write a report to this file (atomically; repeatable). Without its own --format, the "
                          "extension decides: .sarif, .json, .xml (JUnit), .md, .html, .txt."),
        click.option("--project-root", type=click.Path(file_okay=False),
                     help="SARIF and GitHub paths are relative to this folder (default: the git top level "
                          "above the current folder)."),
        click.option("--category", help="SARIF runAutomationDetails id: keeps this analysis apart from others in "
                                        "GitHub code scanning."),
        click.option("--sarif-suppressed", type=click.Choice(["omit", "include"]), default="omit",
                     show_default=True, help="Accepted findings (suppress entries, baseline) in SARIF: left out, or "
                                             "written with suppressions[].justification."),
        click.option("--docs-url", envvar="DVSA_DOCS_URL", metavar="URL",
                     help="Rule documentation for SARIF helpUri; {id} and {name} are replaced, else #<id> is "
                          "appended (env DVSA_DOCS_URL)."),
    ]

    def decorate(command):
        @functools.wraps(command)
        def refuse_bad_outputs(*args, **kwargs):
            from analyzer.report import DIFF_FORMATS, FORMATS, plan_outputs
            with _errors(click.get_current_context().obj["debug"]):
                plan_outputs(kwargs["fmts"], kwargs["outputs"], DIFF_FORMATS if command_name == "diff" else FORMATS)
            return command(*args, **kwargs)

        for option in reversed(options):
            refuse_bad_outputs = option(refuse_bad_outputs)
        return refuse_bad_outputs
    return decorate


def _write_reports(result, report: dict, formats: dict, color_choice: str, html=None, **extra) -> None:
    """Each --format to its -o or stdout (analyzer.report.plan_outputs); one line on stderr when a report went to a
    file (analyzer.report.files_line)."""
    from pathlib import Path

    from analyzer.report import STREAM_KIND, files_line, plan_outputs
    from analyzer.report.locations import find_project_root
    from analyzer.report.text import use_color
    plan = plan_outputs(report["fmts"], report["outputs"], formats)
    root = Path(report["project_root"]).resolve() if report["project_root"] else find_project_root()
    options = {"project_root": root, "category": report["category"], "suppressed": report["sarif_suppressed"],
               "docs_url": report["docs_url"], **extra}
    for out in plan:
        color = out.fmt == "text" and not out.path and use_color(color_choice, sys.stdout.isatty(), os.environ)
        buffer = io.StringIO()
        diagram = {"diagram": html()} if out.fmt == "html" and html else {}
        formats[out.fmt](result, buffer, color=color, **options, **diagram)
        _emit(buffer.getvalue(), out.path, color=color or None, kind=STREAM_KIND.get(out.fmt, "text"))
    if line := files_line(result, plan):
        click.echo(_one_line(line), err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_report_options("text, concise, json, sarif, junit, github, azure, markdown or html")
@click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default=None,
              help="Exit 1 when a finding at or above this severity remains.  [default: error]")
@click.option("--select", multiple=True, help="Rule ids, id prefixes or names to run (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Rule ids, id prefixes or names to skip (comma-separated, repeatable).")
@click.option("--option", "rule_options", multiple=True, metavar="RULE.NAME=VALUE",
              help="Set a rule option, e.g. DV107.max-depth=6 (repeatable; wins over the config file).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Read this many packages in parallel processes.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="dvsa.toml or pyproject.toml with [tool.dvsa] (default: the first found in the current folder or "
                   "a folder above it, up to the repository root).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Findings listed in this file (from `dvsa baseline`) do not fail the run.")
@click.option("--strict-baseline", is_flag=True, help="Also fail when a baseline or suppress entry matched nothing.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="SolutionPackager mapping file the unpacked folders are packed with (default: a spkl.json "
                   "above the folder).")
@click.option("--max-findings", type=click.IntRange(0), metavar="N",
              help="Exit 1 when more than N findings remain (any severity).")
@click.option("--max-errors", type=click.IntRange(0), metavar="N", help="Exit 1 when more than N errors remain.")
@click.option("-q", "--quiet", is_flag=True, help="Text: only the summary line.")
@click.option("--statistics", is_flag=True, help="Text: the number of findings of each rule instead of each finding.")
@click.option("--color", "color_choice", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour by severity (auto: on a terminal, off with NO_COLOR or TERM=dumb, "
                                      "on with FORCE_COLOR).")
@_sources_option
@click.pass_context
def check(ctx: click.Context, paths, fail_on, select, ignore, rule_options, jobs, config_path,
          baseline_path, strict_baseline, map_file, max_findings, max_errors, quiet, statistics,
          color_choice, sources, **report) -> None:
    """Check solutions for what will break: import, upgrade, deletion, runtime limits.

    Several paths are analyzed together, so references across solutions resolve.
    Exit 0 clean, 1 findings at or above --fail-on, 2 bad input or internal error.
    """
    from analyzer.engine import analyze, gate
    from analyzer.report import FORMATS
    with _errors(ctx.obj["debug"]):
        config = _config(config_path)
        options = _rule_options(config, rule_options)
        packages = _inputs(ctx, paths)
        _keep_inputs(report["outputs"], packages, config_path, baseline_path, map_file, *sources, config=config)
        result = analyze(packages, select=_selection(select, config.select),
                         ignore=_split(ignore) or config.ignore,
                         options=options, severities=config.severities, jobs=jobs, limits=ctx.obj["limits"],
                         suppress=config.suppress, baseline=_baseline(baseline_path, config),
                         on_loaded=gc.freeze, map_file=map_file or config.map_file,
                         sources=list(sources) or config.sources)
        if result.sources and not quiet:
            click.echo(_one_line(result.sources), err=True)
        _write_reports(result, report, FORMATS, color_choice, quiet=quiet, statistics=statistics,
                       fail_rank=_fail_rank(fail_on or config.fail_on, max_findings, max_errors),
                       html=lambda: _html_diagram(result, config.max_diagram_nodes))
        if result.errors:  # one line, however many rules crashed; the report lists each
            crashed = "; ".join(f"{e.rule} ({e.message})" for e in result.errors)
            click.echo(_one_line(f"error: {len(result.errors)} rule(s) crashed: {crashed}"), err=True)
            sys.exit(EXIT_ERROR)
        reasons = gate(result, fail_on or config.fail_on, max_findings=max_findings, max_errors=max_errors,
                       strict_baseline=strict_baseline)
        for reason in reasons if max_findings is not None or max_errors is not None else []:
            click.echo(f"failed: {reason}", err=True)
        sys.exit(EXIT_FINDINGS if reasons else EXIT_CLEAN)


def _fail_rank(fail_on: str | None, max_findings: int | None = None, max_errors: int | None = None) -> int:
    """The lowest severity rank the gate fails on, as analyzer.engine.gate reads --fail-on (for the JUnit report)."""
    from analyzer.engine import FAIL_ON as RANKS
    thresholds = max_findings is not None or max_errors is not None
    return RANKS[fail_on or ("never" if thresholds else "error")]


def _html_diagram(result, max_nodes: int | None):
    """The HTML report's diagram, drawn here because the renderers and analyzer.diagram are sibling layers:
    SVG when Graphviz's `dot` is installed, else the Mermaid source; past max-diagram-nodes, only the hint."""
    import shutil

    from analyzer.diagram import DEFAULT_MAX_NODES, DiagramTooLarge, render, view
    from analyzer.report.html import Diagram
    try:
        picture = view(result.graph, result.findings, max_nodes=max_nodes or DEFAULT_MAX_NODES)
    except DiagramTooLarge as exc:
        return Diagram("none", "", note=f"No diagram of everything: {exc}. Use `dvsa graph`.")
    if shutil.which("dot"):
        return Diagram("svg", render(picture, "svg").decode("utf-8"))
    return Diagram("mermaid", render(picture, "mermaid"),
                   note="Graphviz's `dot` is not installed, so this is the diagram's Mermaid source: paste it into "
                        "a ```mermaid block on GitHub, or install Graphviz and write the report again.")


def _rule_options(config, flags: tuple[str, ...]) -> dict:
    """The file's rule options with the command line's --option flags over them, all checked."""
    from analyzer import options
    from analyzer.registry import discover
    return options.merge(config.options, options.command_line(discover(), flags)) if flags else config.options


def _config(path: str | None):
    from pathlib import Path

    from analyzer.config import Config, find_config, load_config
    if path:
        if not Path(path).exists():  # anything else that is not a regular file is refused when read
            raise SolutionError("no such configuration file", path)
        return load_config(Path(path))
    found = find_config(Path.cwd())
    return load_config(found) if found else Config()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(), default=".dvsa-baseline.json", show_default=True,
              help="The baseline file to write (atomically).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="As for `dvsa check`.")
@click.option("--option", "rule_options", multiple=True, metavar="RULE.NAME=VALUE", help="As for `dvsa check`.")
@click.pass_context
def baseline(ctx: click.Context, paths, output, config_path, rule_options) -> None:
    """Accept today's findings: write them to a baseline file that `dvsa check --baseline` skips.

    Run it again to update the file; entries for findings that are gone are dropped.
    """
    import json

    from analyzer.baseline import baseline_document
    from analyzer.engine import analyze
    with _errors(ctx.obj["debug"]):
        config = _config(config_path)
        packages = _inputs(ctx, paths)
        _keep_inputs([output], packages, config_path, config=config, baseline_is_input=False)
        result = analyze(packages, select=config.select, ignore=config.ignore,
                         options=_rule_options(config, rule_options), limits=ctx.obj["limits"],
                         suppress=config.suppress, on_loaded=gc.freeze, map_file=config.map_file)
        if result.errors:
            raise SolutionError(f"{len(result.errors)} rule(s) crashed; no baseline written")
        doc = baseline_document([f for f in result.findings if not f.suppressed])
        with _writing(output):
            write_atomic(output, json.dumps(doc, indent=2) + "\n")
        click.echo(_one_line(f"wrote {len(doc['entries'])} finding(s) to {output}"))


@main.command("rules")
@click.argument("rule_id", required=False)
@click.option("--markdown", is_flag=True,
              help="Print the catalogue as the README's Markdown: severity policy, table, error behaviours.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: every rule (or the one named) with its options and rationale (docs/json.md).")
@click.pass_context
def rules_command(ctx: click.Context, rule_id: str | None, markdown: bool, fmt: str) -> None:
    """List the rule catalogue, or explain one rule (by id or name)."""
    import json

    from analyzer.registry import discover
    from analyzer.report.catalogue import catalogue_markdown
    from analyzer.report.findings import rules_document
    with _errors(ctx.obj["debug"]):
        registry = discover()
        r = registry.get(rule_id) if rule_id else None
        if rule_id and r is None:
            from analyzer.engine import near_rule
            raise SolutionError(f"no rule {rule_id!r}" + (near_rule(registry, rule_id) or "; `dvsa rules` lists them"))
        if fmt == "json":
            _emit(json.dumps(rules_document([r] if r else registry.rules), indent=2, ensure_ascii=False) + "\n",
                  None, kind="json")
        elif markdown:
            _emit(catalogue_markdown(registry) + "\n", None)
        elif r is None:
            _emit("".join(f"{r.id}  {r.name:<38} {r.severity.value:<8} {r.title}\n" for r in registry.rules), None)
        else:
            _emit(_explain(r), None)


def _explain(r) -> str:
    """`dvsa rules ID`: the rule's header, fix, severity promise, options and rationale."""
    from analyzer.rule import SEVERITY_POLICY
    lines = [f"{r.id} {r.name} ({r.severity.value}{', ' + r.stability if r.stability != 'stable' else ''})",
             r.title, f"Fix: {r.fix}", f"Severity {r.severity.value}: {SEVERITY_POLICY[r.severity.value]}"]
    if r.options:  # set with [rules.ID] in dvsa.toml or --option ID.NAME=VALUE
        lines += ["Options:", *(f"  {o.describe()}" for o in r.options)]
    return "\n".join([*lines, "", r.rationale]) + "\n"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["dot", "svg", "png", "mermaid", "graphml", "json"]),
              default="dot", show_default=True, help="svg and png need Graphviz's `dot` program.")
@click.option("-o", "--output", type=click.Path(), help="Write to this file (atomically).")
@click.option("--focus", multiple=True, metavar="KEY_OR_NAME",
              help="Draw only around this component: a key, unique name, message or display name (repeatable).")
@click.option("--depth", type=click.IntRange(0, 20), default=None, help="Hops around --focus (default 2).")
@click.option("--direction", type=click.Choice(["both", "requires", "required-by"]), default="both",
              show_default=True, help="Which way to walk from --focus.")
@click.option("--kinds", help="Keep only these component kinds, comma-separated (workflow,step,entity,…).")
@click.option("--tables", is_flag=True, help="Also draw tables (hidden unless focused).")
@click.option("--all-kinds", is_flag=True, help="Draw every kind: tables, parameters, roles, …")
@click.option("--findings/--no-findings", default=True, show_default=True,
              help="Outline components by their worst finding (runs the rules).")
@click.option("--map", "map_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="SolutionPackager mapping file the unpacked folders are packed with (default: a spkl.json "
                   "above the folder).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="As for `dvsa check`.")
@_sources_option
@click.pass_context
def graph(ctx: click.Context, paths, fmt, output, focus, depth, direction, kinds, tables, all_kinds, findings,
          map_file, config_path, sources) -> None:
    """Draw the dependency graph of processes, messages, steps, plug-ins and Custom APIs."""
    from analyzer.diagram import DEFAULT_MAX_NODES, PICTURES, render, view
    from analyzer.engine import analyze
    from analyzer.graph import build_graph
    with _errors(ctx.obj["debug"]):
        config = _config(config_path)
        map_file = map_file or config.map_file
        _refuse_binary_on_terminal(fmt, output)
        _keep_inputs([output], _inputs(ctx, paths), config_path, map_file, *sources, config=config)
        if findings:
            result = analyze(_inputs(ctx, paths), limits=ctx.obj["limits"], on_loaded=gc.freeze, map_file=map_file,
                             sources=list(sources) or config.sources)
            dependency_graph, found = result.graph, result.findings
        else:
            solutions = _load_all(ctx, paths, map_file=map_file)
            dependency_graph, found = build_graph(solutions, _code(solutions, list(sources) or config.sources)), []
        chosen = _diagram_kinds(dependency_graph, kinds, all_kinds)
        limit = (config.max_diagram_nodes or DEFAULT_MAX_NODES) if fmt in PICTURES else None
        picture = view(dependency_graph, found, focus=focus, depth=depth, direction=direction, kinds=chosen,
                       tables=tables, max_nodes=limit)
        data = render(picture, fmt)
        if isinstance(data, str):
            _emit(data, output, kind="json" if fmt == "json" else "text")
        elif output:
            with _writing(output):
                write_atomic_bytes(output, data)
        else:
            sys.stdout.buffer.write(data)


def _refuse_binary_on_terminal(fmt: str, output: str | None) -> None:
    """PNG bytes on a terminal are noise that can leave it in a strange state: a file or a pipe only."""
    if fmt == "png" and not output and sys.stdout.isatty():
        raise SolutionError("--format png writes binary data: give -o FILE or redirect stdout to a file")


def _diagram_kinds(graph, kinds: str | None, all_kinds: bool):
    if all_kinds:
        return graph.kinds() - {"solution"}
    if kinds is None:
        return None
    known = graph.kinds() - {"solution"}
    chosen = {"entity" if k.strip() == "table" else k.strip() for k in kinds.split(",") if k.strip()}
    if unknown := sorted(chosen - known):
        raise SolutionError(f"--kinds: no {', '.join(unknown)} in the analyzed solutions; "
                            f"the kinds there: {', '.join(sorted(known))}")
    return chosen


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--of", "key", required=True, metavar="KEY_OR_NAME",
              help="The component: a key (see `dvsa inventory`), unique name, message name or display name.")
@click.option("--transitive", is_flag=True, help="Follow requirements to the end; each answer gives its path.")
@click.option("--requires", is_flag=True, help="The other direction: what the component requires.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--limit", type=click.IntRange(0), default=1000, show_default=True, metavar="N",
              help="List at most N components, nearest first, and count the rest (0: list all).")
@_sources_option
@click.pass_context
def dependents(ctx: click.Context, paths, key: str, transitive: bool, requires: bool, fmt: str, limit: int,
               sources) -> None:
    """What blocks deleting a component: everything in the analyzed solutions that requires it."""
    from analyzer.diagram import dependents as answer
    from analyzer.diagram import resolve_one
    from analyzer.graph import build_graph
    with _errors(ctx.obj["debug"]):
        solutions = _load_all(ctx, paths)
        graph = build_graph(solutions, _code(solutions, list(sources)))
        of = resolve_one(graph, key)
        found, count = answer.find(graph, of, requires=requires, transitive=transitive, limit=limit or None)
        text = (answer.to_json(graph, of, found, requires, solutions, count) if fmt == "json"
                else answer.to_text(graph, of, found, requires, transitive, count))
        _emit(text, None, kind=fmt)


@main.command("diff")
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--with", "with_paths", multiple=True, type=click.Path(), metavar="PATH",
              help="Another solution both versions are analyzed with (a base or an extension; repeatable).")
@_report_options("text, concise, json, sarif, junit, github, azure or markdown", "diff")
@click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default=None,
              help="Exit 1 when a finding at or above this severity remains.  [default: error]")
@click.option("--select", multiple=True, help="As for `dvsa check`.")
@click.option("--ignore", multiple=True, help="As for `dvsa check`.")
@click.option("--option", "rule_options", multiple=True, metavar="RULE.NAME=VALUE", help="As for `dvsa check`.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="As for `dvsa check`.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), help="As for `dvsa check`.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False), metavar="FILE", help="As for `dvsa check`.")
@click.option("--color", "color_choice", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="As for `dvsa check`.")
@click.pass_context
def diff_command(ctx: click.Context, old, new, with_paths, fail_on, select, ignore, rule_options,
                 config_path, baseline_path, map_file, color_choice, **report) -> None:
    """What NEW changed against OLD (added, removed, changed components), and the rules over NEW.

    OLD and NEW are any inputs `check` reads: a zip against the unpacked folder of the same solution is fine.
    Exit 0 clean, 1 findings at or above --fail-on, 2 bad input or internal error.
    """
    from analyzer.engine import diff_analysis, gate
    from analyzer.report import DIFF_FORMATS
    with _errors(ctx.obj["debug"]):
        config = _config(config_path)
        olds, news, withs = _inputs(ctx, (old,)), _inputs(ctx, (new,)), _inputs(ctx, with_paths) if with_paths else []
        _keep_inputs(report["outputs"], [*olds, *news, *withs], config_path, baseline_path, map_file, config=config)
        result = diff_analysis(olds, news, with_paths=withs,
                               select=_selection(select, config.select),
                               ignore=_split(ignore) or config.ignore, options=_rule_options(config, rule_options),
                               severities=config.severities, suppress=config.suppress,
                               baseline=_baseline(baseline_path, config),
                               limits=ctx.obj["limits"], map_file=map_file or config.map_file, on_loaded=gc.freeze)
        _write_reports(result, report, DIFF_FORMATS, color_choice, fail_rank=_fail_rank(fail_on or config.fail_on))
        analysis = result.analysis
        if analysis.errors:
            crashed = "; ".join(f"{e.rule} ({e.message})" for e in analysis.errors)
            click.echo(_one_line(f"error: {len(analysis.errors)} rule(s) crashed: {crashed}"), err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(EXIT_FINDINGS if gate(analysis, fail_on or config.fail_on) else EXIT_CLEAN)


@main.command("order")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(), help="Write to this file (atomically).")
@click.pass_context
def order_command(ctx: click.Context, paths, fmt: str, output: str | None) -> None:
    """The order in which the given solutions must be imported.

    From what each solution's components require of the others' and from the solutions its
    MissingDependencies name. Solutions the set needs but does not contain are listed.
    Exit 0 when an order exists, 1 when solutions need each other in a cycle, 2 bad input.
    """
    from analyzer.order import plan, to_json, to_text
    with _errors(ctx.obj["debug"]):
        _keep_inputs([output], _inputs(ctx, paths))
        found = plan(_load_all(ctx, paths))
        _emit(to_json(found) if fmt == "json" else to_text(found), output, kind=fmt)
        sys.exit(EXIT_FINDINGS if found.order is None else EXIT_CLEAN)


def _late_option(ctx: click.Context, param: click.Parameter, value) -> None:
    """A global option given after the subcommand (`dvsa check --debug x.zip`) means what it means before it."""
    import dataclasses
    if value is None or value is False or value == ():
        return
    mib = 1024 * 1024
    if param.name == "debug":
        ctx.obj["debug"] = True
    elif param.name == "exclude":
        ctx.obj["exclude"] = ctx.obj["exclude"] + tuple(value)
    else:
        limits = {"max_unzipped_mb": ("max_total_bytes", value * mib), "max_ratio": ("max_ratio", value),
                  "max_member_mb": ("max_member_bytes", value * mib),
                  "follow_symlinks": ("follow_symlinks", True)}[param.name]
        ctx.obj["limits"] = dataclasses.replace(ctx.obj["limits"], **dict([limits]))


def _late_options(command: click.Command) -> list[click.Parameter]:
    """The group's options again on each subcommand (hidden from its --help), and --exclude where it reads PATHs."""
    late = {"expose_value": False, "callback": _late_option}
    found = [p for p in main.params if isinstance(p, click.Option) and p.name != "version"]
    params: list[click.Parameter] = [
        click.Option(p.opts, type=p.type, is_flag=p.is_flag, default=False if p.is_flag else None, hidden=True,
                     **late) for p in found]
    if any(p.name == "paths" for p in command.params):
        params.append(click.Option(["--exclude"], multiple=True, metavar="GLOB", **late,
                                   help="Leave out the packages whose path (or last part) matches this glob "
                                        "(repeatable), e.g. '*/bin/*'."))
    return params


for _command in main.commands.values():
    _command.params.extend(_late_options(_command))
