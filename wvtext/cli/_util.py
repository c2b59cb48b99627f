"""Shared option types and reporting helpers for the commands."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator

import typer

from ..paths import DEFAULT_DB

DbOption = Annotated[
    Path, typer.Option("--db", help="SQLite database file (created if missing). Env: WVTEXT_DB.", show_default=True)
]
# For the commands that read what `wvtext analyse` stored: a mistyped path is an error, not a new
# empty database.
ExistingDbOption = Annotated[
    Path, typer.Option("--db", help="SQLite database that 'wvtext analyse' wrote (it must exist). Env: WVTEXT_DB.",
                       show_default=True)
]
DEFAULT_DB_PATH = DEFAULT_DB


def echo_err(msg: str) -> None:
    typer.echo(msg, err=True)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator:
    """Yield a `progress(label, n, total)` callback that draws a bar on stderr."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:
        tasks: dict[int, int] = {}

        def update(label: str, n: int, total: int) -> None:
            task = tasks.get(total)
            if task is None:
                task = tasks[total] = bar.add_task(label, total=total)
            bar.update(task, completed=n, description=label[:40])

        yield update


@contextmanager
def staged_outputs(out: Path) -> Iterator[Path]:
    """Hold the output folder `out` for this command and yield a staging folder inside it to write
    into (`outdir.staged`): the files move into `out` only once every one is written, so an error or
    an interrupt leaves `out` as it was, and a second run into `out` meanwhile is refused."""
    from ..errors import Interrupted
    from ..outdir import staged

    stage = None
    try:
        with staged(out) as stage:
            yield stage.path
    except Interrupted as exc:
        if stage is None or not stage.committed:
            exc.notes.append(f"nothing was written to {out}")
        raise


def report_problems(problems, *, limit: int, where: str | None = "problems.csv") -> None:
    """Print problems (lines), at most `limit`, then a count of the rest and where to see them all."""
    problems = list(problems)
    for p in problems[:limit]:
        echo_err(f"  warning {p}")
    if len(problems) > limit:
        see = f"see {where}, or " if where else ""
        echo_err(f"  ... and {len(problems) - limit} more ({see}--warnings {len(problems)})")


def resolve_return(store, locality: str, *, write: bool = False) -> str:
    """The return id for a locality name ('Leics' works) or a return id; an unknown one is a
    one-line error. A real return is preferred to a synthetic one of the same locality. A name
    that several returns of the same kind share (two real ones) is read as the first by id with
    a note, but for a `write` it is an error that lists the return ids to give instead."""
    from ..errors import WvtextError
    from ..localities import load_localities

    returns = {r["return_id"]: r for r in store.returns()}
    if locality in returns:
        return locality
    asked = locality
    synthetic = locality.rstrip().upper().endswith("[SYNTHETIC]")  # as 'wvtext flags' prints a synthetic return
    if synthetic:
        locality = locality.rstrip()[: -len("[SYNTHETIC]")].strip()
    m = load_localities().match(locality)
    cands = [k for k, r in returns.items() if m and r["locality"] == m.locality.name] or \
            [k for k, r in returns.items() if r["locality"].lower() == locality.lower()]
    if synthetic:
        cands = [k for k in cands if returns[k].get("synthetic")]
    real_first = lambda k: (returns[k].get("synthetic", 0), k)  # noqa: E731
    if len(cands) > 1:
        chosen, second = sorted(cands, key=real_first)[:2]
        if write and real_first(chosen)[0] == real_first(second)[0]:
            raise WvtextError(f"{len(cands)} returns match {asked!r} ({', '.join(sorted(cands))}), so it does not say "
                              "which to record the decision on.", remedy="Give the return id instead of the name.")
        some_synthetic = not synthetic and any(returns[k].get("synthetic") for k in cands)
        echo_err(f"note: {len(cands)} returns match {asked!r} ({', '.join(sorted(cands))}); using {chosen}. "
                 "Give a return id to choose another" + (", or add ' [SYNTHETIC]' for a SYNTHETIC one"
                                                         if some_synthetic else "") + ".")
        return chosen
    if not cands:
        held = f" (it holds {', '.join(sorted(returns))})" if 0 < len(returns) <= 5 else ""
        raise WvtextError(f"no {'SYNTHETIC ' if synthetic else ''}return for {locality!r} in the database{held}.",
                          remedy="'wvtext flags' lists the analysed returns; give a locality ('Leics' works) or a "
                                 "return id, and the --db the returns were read into.")
    return cands[0]
