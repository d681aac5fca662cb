"""The `zonedata` command line: a thin shell that parses, calls one library function, renders.

Commands are looked up lazily (module:function), so `zonedata --help` imports neither pandera
nor frictionless. Exit codes: 0 valid, 1 invalid data, 2 usage or configuration error, 130
interrupted, 141 the output's reader went away; under --format json each prints a JSON report.
"""

from __future__ import annotations

import faulthandler
import functools
import importlib
import importlib.util
import io
import json
import os
import sys
import traceback
from pathlib import Path

import click

from zonedata.base.findings import ConfigError
from zonedata.render.report import FORMATS as REPORT_FORMATS

#: command name -> "module:attribute" of a click command, imported only when run or asked for help
COMMANDS = {
    "validate": "zonedata.commands.validate:validate_command",
    "coverage": "zonedata.commands.coverage:coverage_command",
    "build": "zonedata.commands.build:build_command",
    "release": "zonedata.commands.release:release_command",
    "diff": "zonedata.commands.diff:diff_command",
    "cite": "zonedata.commands.cite:cite_command",
    "site": "zonedata.commands.site:site_command",
    "add-source": "zonedata.commands.add_source:add_source_command",
    "draft": "zonedata.commands.draft:draft_command",
    "quote": "zonedata.commands.quote:quote_command",
    "init": "zonedata.commands.init:init_command",
}
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name, target in COMMANDS.items() if _available(target)]

    def format_commands(self, ctx, formatter):
        """The command list with each command's first paragraph whole (click cuts it at 45 characters)."""
        rows = [
            (name, command.get_short_help_str(limit=1_000))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) and not command.hidden
        ]
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
    func = click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        callback=_remember(ROOT_KEY),
        help="Package root (default: the nearest folder above the working directory with schemas/ and seeds/).",
    )(func)
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        callback=_remember(DEBUG_KEY),
        help="Show a traceback when zonedata itself fails.",
    )(func)


def root_option(func):
    """--root (and --debug): the package folder, given before or after the command (default: found from the
    working directory); the command receives it as `root`."""

    @global_options
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from zonedata.base.paths import find_root

        return func(*args, root=click.get_current_context().meta.get(ROOT_KEY) or find_root(), **kwargs)

    return wrapper


def format_option(
    func=None, *, choices=REPORT_FORMATS, help="Output: text for people, json for tools, github for CI annotations."
):
    """--format, one choice, case-insensitive (`--format JSON`); by default the renderings of a report
    (render.report.RENDERERS), the same for every command."""

    def decorate(f):
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices), case_sensitive=False),
            default=choices[0],
            show_default=True,
            help=help,
        )(f)

    return decorate(func) if func is not None else decorate


def quiet_option(func):
    """-q/--quiet: only the summary line of a report (`validate: valid: 0 error(s), ...`)."""
    return click.option("-q", "--quiet", is_flag=True, help="Print only the summary line (text and github formats).")(
        func
    )


def check_quiet(quiet: bool, fmt: str) -> None:
    if quiet and fmt == "json":
        raise click.UsageError(
            "--quiet prints the summary line of the text or github format; --format json always prints the whole report"
        )


#: exit codes after an interrupt (128 + SIGINT) and a closed output pipe (128 + SIGPIPE), as a shell reports them
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


def wants_json(ctx: click.Context | None = None, argv: list[str] | None = None) -> bool:
    """Whether the command was asked for --format json (from its parsed parameters, else from the raw arguments)."""
    if ctx is not None and ctx.params.get("fmt") == "json":
        return True
    args = list(sys.argv[1:] if argv is None else argv)
    return any(
        a.lower() == "--format=json" or (a == "--format" and i + 1 < len(args) and args[i + 1].lower() == "json")
        for i, a in enumerate(args)
    )


def error_json(kind: str, message: str, code: int) -> str:
    """The report shape of `--format json` for a run that ended before a report existed (exit 2, 130...)."""
    return json.dumps(
        {
            "valid": False,
            "stats": {"errors": 0, "warnings": 0},
            "findings": [],
            "error": {"kind": kind, "message": message, "exit_code": code},
        },
        indent=2,
        ensure_ascii=False,
    )


def fail(ctx: click.Context | None, kind: str, message: str, code: int) -> None:
    """Say why the command stopped (a JSON report on stdout under --format json, else a line on stderr) and exit."""
    if wants_json(ctx):
        click.echo(error_json(kind, message, code))
    else:
        click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


def handle_errors(func):
    """Configuration errors exit 2 with a message; program errors exit 2 with a hint to use --debug; an interrupt
    exits 130 and a closed output pipe 141 (never 1, which means invalid data). Under --format json every one of
    these still prints a JSON report."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            fail(ctx, "configuration", str(exc), EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            fail(ctx, "interrupted", "interrupted", EXIT_INTERRUPTED)
        except BrokenPipeError:
            _silence_stdout()
            raise SystemExit(EXIT_BROKEN_PIPE) from None
        except Exception as exc:  # a bug in zonedata, not bad data
            if ctx.meta.get(DEBUG_KEY):
                traceback.print_exc()
            fail(
                ctx,
                "internal",
                f"internal error: {type(exc).__name__}: {exc}"
                + ("" if ctx.find_root().params.get("debug") else " (run with --debug for the traceback)"),
                EXIT_USAGE,
            )

    return wrapper


def _silence_stdout() -> None:
    """After the reader of stdout went away: send what is left to /dev/null, so no flush fails again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _show_version(ctx, param, value):
    """--version, with the version looked up only when asked for."""
    if value and not ctx.resilient_parsing:
        from zonedata import __version__

        click.echo(f"zonedata, version {__version__}")
        ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
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
    """The console script: run the command and exit with its code.

    A closed output (`zonedata validate | head -1`, or started with stdout closed) ends in an exit
    code, not a traceback: what cannot be written is dropped.
    """
    # numpy (which pandera imports) starts OpenBLAS with a worker thread per core that spins waiting
    # for matrix work zonedata never gives it, taking CPU from polars (see bench/README.md)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # a terminal whose encoding cannot show a character of the report (PYTHONIOENCODING=latin-1, a legacy code
    # page) gets it as an escape (\u201c), never an internal error half way through the report
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError, io.UnsupportedOperation):  # not a text file, or closed
            pass
    # a crash in a native library (polars, numpy) leaves a Python traceback of every thread on stderr
    if sys.stderr is not None:
        try:
            faulthandler.enable()
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):  # stderr without a file descriptor
            pass
    try:
        code = cli.main(prog_name="zonedata", standalone_mode=False)
        code = code if isinstance(code, int) else EXIT_OK
    except SystemExit as exc:
        code = exc.code
    except (KeyboardInterrupt, click.Abort, EOFError):
        code = _report_stop("interrupted", "interrupted", EXIT_INTERRUPTED)
    except click.ClickException as exc:  # a usage error: exit 2 with click's message (a JSON report if asked for)
        if wants_json():
            _print_safely(error_json("usage", exc.format_message(), exc.exit_code))
        else:
            try:
                exc.show()
            except OSError:
                pass
        code = exc.exit_code
    except BrokenPipeError:
        _silence_stdout()
        code = EXIT_BROKEN_PIPE
    _exit(code)


def _print_safely(text: str) -> None:
    try:
        print(text, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


def _report_stop(kind: str, message: str, code: int) -> int:
    if wants_json():
        _print_safely(error_json(kind, message, code))
    elif sys.stderr is not None:
        try:
            print(f"Error: {message}", file=sys.stderr)
        except (OSError, ValueError):
            pass
    return code


def _exit(code) -> None:
    """`sys.exit(code)` after flushing the output: a stream that cannot take it is pointed at os.devnull,
    so the interpreter's own flush at exit has nothing left to fail on."""
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
            if code == EXIT_OK and stream is sys.stdout:
                code = EXIT_BROKEN_PIPE  # the output did not all arrive
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
            except (OSError, ValueError):
                pass
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
