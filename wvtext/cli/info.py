"""`wvtext localities` and `wvtext status`."""
from __future__ import annotations

from typing import Annotated

import typer

from . import app
from ._util import DEFAULT_DB_PATH, ExistingDbOption


@app.command("localities")
def localities_cli(
    names: Annotated[list[str], typer.Argument(help="Names, abbreviations or file names to look up.")],
) -> None:
    """Find the stocktake locality (and ADASS region) for names such as 'Leics' or a file name.

    Prints one line per name: the name, the locality, its region and how close the match is (1.00:
    a name or alias as written). Exit code 1 if any name matches no locality."""
    from ..localities import load_localities

    table = load_localities()
    missing = 0
    for name in names:
        m = table.match(name)
        if m:
            typer.echo(f"{name}\t{m.locality.name}\t{m.locality.region}\t{m.score:.2f}")
        else:
            missing += 1
            typer.echo(f"{name}\t(no match)")
    if missing:
        raise typer.Exit(1)


@app.command("status")
def status_cli(db: ExistingDbOption = DEFAULT_DB_PATH) -> None:
    """Show what the database holds: migrations, counts, recent runs.

    A run's status is ok, partial (an input could not be read), failed, interrupted (a signal
    ended it, or its process is gone while the table still says running) or running."""
    from ..store import open_store

    store = open_store(db, create=False)
    typer.echo(f"{db}")
    for name, at in store.migrations():
        typer.echo(f"  migration {name} ({at})")
    for table, n in store.counts().items():
        typer.echo(f"  {table}: {n}")
    for r in store.runs()[-5:]:
        # a run marked running whose process is gone was interrupted (killed, or the machine stopped)
        status = r["status"] if r["status"] == r["recorded"] else f"{r['status']} (its process is gone)"
        typer.echo(f"  run {r['run_id']} {r['command']} {status} {r['summary'] or ''}".rstrip())
    store.close()
