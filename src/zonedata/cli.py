"""The `zonedata` command line: a thin shell that parses, calls one library function, renders.

Commands are looked up lazily (module:function), so `zonedata --help` imports neither pandera
nor frictionless. Exit codes: 0 valid, 1 invalid data, 2 usage or configuration error.
"""

from __future__ import annotations

import functools
import gc
import importlib
import importlib.util
import os
import sys
import traceback
from pathlib import Path

import click

#: command name -> "module:attribute" of a click command, imported only when run or asked for help
COMMANDS = {
    "validate": "zonedata.commands.validate:validate_command",
    "coverage": "zonedata.commands.coverage:coverage_command",
    "build": "zonedata.commands.build:build_command",
    "release": "zonedata.commands.release:release_command",
    "diff": "zonedata.commands.diff:diff_command",
    "cite": "zonedata.commands.cite:cite_command",
}
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name, target in COMMANDS.items() if _available(target)]

    def format_commands(self, ctx, formatter):
        """The command list with each command's first paragraph whole (click cuts it at 45 characters)."""
        rows = [(name, command.get_short_help_str(limit=1_000))
                for name in self.list_commands(ctx) if (command := self.get_command(ctx, name)) and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None or not _available(target):
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


def _available(target: str) -> bool:
    return importlib.util.find_spec(target.split(":")[0]) is not None


ROOT_KEY, DEBUG_KEY = "zonedata.root", "zonedata.debug"


def _remember(key):
    """Keep an option's value in ctx.meta, which the group and its command share, so that
    `zonedata --root DIR validate` and `zonedata validate --root DIR` mean the same (the one after
    the command wins when both are given)."""

    def callback(ctx, param, value):
        if value:
            ctx.meta[key] = value

    return callback


def global_options(func):
    """--root and --debug, accepted before the command (on the group) and after it (on each command)."""
    func = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None, expose_value=False,
                        callback=_remember(ROOT_KEY),
                        help="Package root (default: the nearest folder above the working directory with schemas/ "
                             "and seeds/).")(func)
    return click.option("--debug", is_flag=True, expose_value=False, callback=_remember(DEBUG_KEY),
                        help="Show a traceback when zonedata itself fails.")(func)


def root_option(func):
    """--root (and --debug): the package folder, given before or after the command (default: found from the
    working directory); the command receives it as `root`."""

    @global_options
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from zonedata.base.paths import find_root

        return func(*args, root=click.get_current_context().meta.get(ROOT_KEY) or find_root(), **kwargs)

    return wrapper


def format_option(func=None, *, choices=("text", "json", "github"),
                  help="Output: text for people, json for tools, github for CI annotations."):
    """--format, one choice, case-insensitive (`--format JSON`); by default the same three renderings
    for every report."""

    def decorate(f):
        return click.option("--format", "fmt", type=click.Choice(list(choices), case_sensitive=False), default=choices[0],
                            show_default=True, help=help)(f)

    return decorate(func) if func is not None else decorate


def quiet_option(func):
    """-q/--quiet: only the summary line of a report (`validate: valid: 0 error(s), ...`)."""
    return click.option("-q", "--quiet", is_flag=True,
                        help="Print only the summary line (text and github formats).")(func)


def check_quiet(quiet: bool, fmt: str) -> None:
    if quiet and fmt == "json":
        raise click.UsageError("--quiet prints the summary line of the text or github format; "
                               "--format json always prints the whole report")


def handle_errors(func):
    """Configuration errors exit 2 with a message; program errors exit 2 with a hint to use --debug."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from zonedata.base.findings import ConfigError

        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug in zonedata, not bad data
            if ctx.meta.get(DEBUG_KEY):
                traceback.print_exc()
            else:
                click.echo(f"Error: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True)
            ctx.exit(EXIT_USAGE)

    return wrapper


def _show_version(ctx, param, value):
    """--version, with the version looked up only when asked for."""
    if value and not ctx.resilient_parsing:
        from zonedata import __version__

        click.echo(f"zonedata, version {__version__}")
        ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
@global_options
def cli():
    """zonedata: check, publish and cite the China-ASEAN industrial parks dataset.

    --root and --debug may be given before the command or after it.

    \b
    Example:
        zonedata validate
        zonedata validate --format github
        zonedata --root path/to/package validate -q
        zonedata build
    """


def main():
    """The console script: run the command, then end the process at once with its exit code.

    Everything a command does is finished when it returns: output is written, and `build` has
    closed, fsynced and renamed its files into place. What would follow is the interpreter's
    teardown, freeing every table object by object, which at a million records takes longer than
    some whole checks (about 0.1 s at 100,000 records, see bench/README.md). So the output is
    flushed and the process exits without it.
    """
    # numpy (which pandera imports) starts OpenBLAS with a worker thread per core that spins waiting
    # for matrix work zonedata never gives it, taking CPU from polars (~5% at a million records)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # a command runs for seconds at most and ends with the process: the cyclic garbage collector,
    # which would scan every object again and again as the imports create them, has nothing to do
    # worth its ~4% of a run (reference counting still frees everything that is not a cycle)
    gc.disable()
    try:
        cli.main(prog_name="zonedata")
        code = EXIT_OK
    except SystemExit as exc:
        code = exc.code
    _exit(code)


def _exit(code) -> None:
    """`sys.exit(code)` without the interpreter's teardown (same codes, same flushed output)."""
    if code is None:
        code = EXIT_OK
    elif not isinstance(code, int):
        if sys.stderr is not None:
            print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (zonedata validate >&-)
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (zonedata validate | head): nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
