"""The ``dvsa`` command: a thin adapter over the reader, the engine and the renderers."""

from __future__ import annotations

import io
import sys
import traceback
from contextlib import contextmanager

import click

from analyzer import __version__
from analyzer.errors import EXIT_ERROR, SolutionError
from analyzer.output import write_atomic


@contextmanager
def _errors(debug: bool):
    """Bad input ends with one line and exit 2; a traceback only with --debug."""
    try:
        yield
    except SolutionError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a CI gate
        if debug:
            traceback.print_exc()
        click.echo(f"error: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(EXIT_ERROR)


def _emit(text: str, output: str | None) -> None:
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dvsa")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Offline analyzer for Dataverse / Dynamics 365 solution packages (.zip or unpacked folder)."""
    ctx.obj = {"debug": debug}


def _load_all(paths: tuple[str, ...]):
    from analyzer.reader import load
    return [load(p) for p in paths]


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically) instead of stdout.")
@click.pass_context
def inventory(ctx: click.Context, paths: tuple[str, ...], fmt: str, output: str | None) -> None:
    """List every component of each solution: processes, plug-ins, steps, Custom APIs, tables…"""
    from analyzer.report.inventory import FORMATS
    with _errors(ctx.obj["debug"]):
        solutions = _load_all(paths)
        buffer = io.StringIO()
        FORMATS[fmt](solutions, buffer)
        _emit(buffer.getvalue(), output)
