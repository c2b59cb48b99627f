"""The `wvtext` command line: a thin layer that parses, calls the library and reports.

Heavy libraries are imported inside commands so that `wvtext --help` is instant.
Library errors (`WvtextError`) become one line on stderr and exit code 1; a run ended by
SIGINT, SIGTERM or SIGHUP one line and 128 + the signal's number.
"""
from __future__ import annotations

import os
import sys

import typer

app = typer.Typer(
    name="wvtext",
    help="Text mining for the Winterbourne View stocktake returns (2013) and their good-practice examples.\n\n"
    "Start with 'wvtext analyse' (no arguments: the shipped corpus) and look in the --out folder.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Markdown: the paragraphs of a command's docstring are reflowed to the terminal's width.
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

from . import codebook as _codebook  # noqa: E402  (registers commands)
from . import run as _run  # noqa: E402,F401
from . import info as _info  # noqa: E402,F401
from . import synth as _synth  # noqa: E402,F401
from . import themes as _themes  # noqa: E402,F401
from . import flags as _flags  # noqa: E402,F401
from . import report as _report  # noqa: E402,F401
from . import cluster as _cluster  # noqa: E402,F401
from . import train as _train  # noqa: E402,F401

from . import review as _review  # noqa: E402

app.add_typer(_codebook.app, name="codebook")
app.add_typer(_review.app, name="review")


def _click_exceptions() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """ClickException and Abort of click and of the copy of click that newer typer bundles."""
    import importlib

    usage, abort = [], []
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        usage.append(mod.ClickException)
        if hasattr(mod, "Abort"):
            abort.append(mod.Abort)
    return tuple(usage), tuple(abort)


def main() -> None:
    """Console entry point: run the app, turning errors into one-line messages. SIGINT, SIGTERM
    and SIGHUP end a command alike (`wvtext.interrupt`): one line that says what was left, exit
    status 128 + the signal's number (130 for Ctrl-C). Messages name the output folder's files,
    never the staging folder they are written in first (`wvtext.outdir`)."""
    from ..errors import Interrupted, WvtextError
    from ..interrupt import deferred, handled, last
    from ..outdir import real_path

    try:
        with handled():
            from ..export import xlsx_date

            xlsx_date()  # a bad SOURCE_DATE_EPOCH is one line here, before a library reads it on import
            # Without standalone mode click returns the code of typer.Exit instead of exiting.
            rc = app(standalone_mode=False)
        if last() is not None and rc not in (0, None):  # typer turned the interrupt into an exit code
            raise last()
        sys.exit(rc if isinstance(rc, int) else 0)
    except WvtextError as exc:
        typer.echo(f"error: {real_path(exc)}", err=True)
        sys.exit(1)
    except KeyboardInterrupt as exc:
        with deferred():  # a second signal does not cut the message short
            if isinstance(exc, Interrupted):
                typer.echo(real_path(exc).replace("\n", " "), err=True)
                sys.exit(exc.exit_status)
            typer.echo("interrupted: SIGINT", err=True)
            sys.exit(130)
    except OSError as exc:  # a path that is a folder, a file, missing or not ours to write
        where = f"{real_path(exc.filename)}: " if exc.filename else ""
        typer.echo(f"error: {where}{exc.strerror or real_path(exc)}. Check the path: a file where a folder is needed "
                   "(or the reverse), a missing folder, or no permission to write there.", err=True)
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:  # click's usage errors and our own bugs
        usage, abort = _click_exceptions()
        if isinstance(exc, usage):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, abort):
            if last() is not None:  # click's way of ending on Ctrl-C
                typer.echo(real_path(last()).replace("\n", " "), err=True)
                sys.exit(last().exit_status)
            sys.exit(1)
        if os.environ.get("WVTEXT_DEBUG"):
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {real_path(exc)} (set WVTEXT_DEBUG=1 for the traceback)",
                   err=True)
        sys.exit(2)
