"""`wvtext report`: build the reports from an analysis folder."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import app
from ._util import staged_outputs


_HELP = (
    "Build the reports from an existing analysis folder, offline.\n\n"
    "Writes into DIR: report.html (national and regional collation per question with charts, support requests "
    "by theme, flagged answers and out-of-step returns, themes, good practice, the run record; one self-contained "
    "page), localities/<return_id>.html (a local analysis per return: strengths and areas for development per "
    "section, the support asked for, the coding table), workbook.xlsx (a sheet per table, formula-safe) and "
    "themes.qdc (the theme taxonomy as a REFI-QDA codebook for NVivo, MAXQDA and ATLAS.ti), project.qdpx (the "
    "whole analysis as a REFI-QDA project: returns and items as sources, themes and findings coded on their "
    "evidence; 'wvtext review import' reads an analyst's coded export of it back), and lists them in "
    "DIR/manifest.json. They are written into a staging folder in DIR and moved into place only once all are "
    "written: an error or an interrupt leaves DIR as it was.\n\n"
    "Synthetic returns and items are labelled SYNTHETIC wherever they appear. Inputs of later stages that are missing "
    "(support_requests.csv, good_practice.csv, items.csv, collections.csv) are reported as not available in this "
    "run.\n\n"
    "Analysts' review decisions (DIR/reviews.csv, or the database's with --db) are applied: a dismissed flag, "
    "support request or theme is left out, an added one is in, a narrative class set in review replaces "
    "wvtext's, and each reviewed answer says what wvtext had. The tables of the analysis (answers.csv, "
    "returns.csv) stay as analysed: their flags, counts and rates are wvtext's; reviews.csv holds the decisions."
)


@app.command("report", help=_HELP)
def report_cli(
    out: Annotated[Path, typer.Option("--out", help="Analysis folder written by 'wvtext analyse --out DIR' "
                                                    "(must hold answers.csv); the reports are written into it.")],
    title: Annotated[Optional[str], typer.Option("--title", help="Title of report.html.")] = None,
    db: Annotated[Optional[Path], typer.Option(
        "--db", help="Database whose review decisions ('wvtext review decide') the reports apply: DIR/reviews.csv "
                     "is written afresh from it for this folder's returns and items. Without --db, the "
                     "reviews.csv that 'wvtext analyse' wrote is used as it is.")] = None,
) -> None:
    """Build the reports (see _HELP)."""
    if out.exists() and not out.is_dir():
        typer.echo(f"error: --out {out} is a file; give the analysis folder ('wvtext analyse --out DIR').", err=True)
        raise typer.Exit(1)
    if not (out / "answers.csv").is_file():
        typer.echo(f"error: {out} has no answers.csv: run 'wvtext analyse --out {out}' first.", err=True)
        raise typer.Exit(1)
    from ..report import build_reports

    # Into a staging folder first: DIR gets every report or, on an error or an interrupt, none.
    with staged_outputs(out) as folder:
        if db is not None:
            from ..report.build import refresh_reviews

            n = refresh_reviews(out, db, dest=folder)
        res = build_reports(out, title=title, dest=folder)
    if db is not None:
        typer.echo(f"{n} review decision{'s' if n != 1 else ''} from {db} applied (written to {out}/reviews.csv)",
                   err=True)
    for warning in res["review_warnings"]:
        typer.echo(f"warning: {warning}", err=True)
    missing = f"; not available in this run: {', '.join(res['not_available'])}" if res["not_available"] else ""
    synth = f" ({res['synthetic_returns']} SYNTHETIC)" if res["synthetic_returns"] else ""
    typer.echo(f"wrote {out}/report.html, workbook.xlsx, themes.qdc, project.qdpx and {len(res['locality_pages'])} locality "
               f"pages for {res['returns']} returns{synth} in {res['seconds']:.1f}s{missing}")
