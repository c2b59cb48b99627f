"""`wvtext ingest` and `wvtext analyse`."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import app
from ._util import DEFAULT_DB_PATH, DbOption, echo_err, progress_bar, report_problems


def _problem_line(p: dict) -> str:
    from ..errors import Problem

    return str(Problem(p["code"], p["source_file"], p["source_row"], p["qid"] or "", p["field"] or "", p["message"],
                   p.get("source_sheet") or ""))


_NAMES_SHOWN = 6  # a national file holds ~150 returns: name a few, count the rest


def _names(names: list[str]) -> str:
    """Names of returns, the first few and how many more ("146 returns: Derbyshire, ... and 140 more")."""
    if len(names) <= _NAMES_SHOWN:
        return ", ".join(names)
    return f"{len(names)} returns: {', '.join(names[:_NAMES_SHOWN])} and {len(names) - _NAMES_SHOWN} more"


def _what_was_read(f: dict) -> str:
    """A read file's returns (or items), and the returns a later file of the run replaced."""
    replaced = f.get("replaced") or []
    parts = [_names(f["returns"]) or ("" if replaced else f"{f['items']} items")]
    if replaced:
        parts.append("replaced later in this run: " + _names(replaced))
    return "; ".join(p for p in parts if p)


@app.command("ingest")
def ingest_cli(
    paths: Annotated[list[Path], typer.Argument(help="Returns (xlsx, text dump, long csv or xlsx) and items tables (csv or xlsx: item_id, title, "
                         "description, optionally locality, region, source, kind).")],
    db: DbOption = DEFAULT_DB_PATH,
    warnings: Annotated[int, typer.Option(help="Show at most this many warnings.")] = 20,
) -> None:
    """Read returns and items into the database. The format is recognised from each file.

    Each file is stored in one transaction: a file that cannot be read is reported
    and nothing of it is stored; importing the same return again replaces it.
    Exit code 1 if any file, or a locality's return in a table of several, could not be read.
    """
    from ..errors import Interrupted
    from ..pipeline import IngestSummary, ingest_files
    from ..store import open_store

    store = open_store(db)
    summary = IngestSummary()
    try:
        with progress_bar() as progress:
            ingest_files(paths, store, progress=progress, summary=summary)
    except Interrupted as exc:
        stored = [f["path"] for f in summary.files if f["status"] == "ok"]
        exc.notes.append(f"{db} keeps the {len(stored)} of {len(paths)} file(s) read before the interruption, "
                         "each stored whole" if stored else f"nothing was stored in {db}")
        store.close()
        raise
    for f in summary.files:
        if f["status"] == "ok":
            echo_err(f"read {f['path']} ({f['format']}): {_what_was_read(f)}; {f['answers']} answers, "
                     f"{f['problems']} warnings")
    report_problems(map(_problem_line, store.problems(return_ids=summary.return_ids,
                                                      source_files=[f["path"] for f in summary.files])),
                    limit=warnings, where=None)
    for e in summary.errors:
        echo_err(f"error: {e}")
    counts = store.counts()
    echo_err(f"{db}: {counts['returns']} returns, {counts['answers']} answers, {counts['items']} items")
    store.close()
    if not summary.ok:
        raise typer.Exit(1)


@app.command("analyse")
def analyse_cli(
    inputs: Annotated[Optional[list[Path]], typer.Argument(
        help="Returns and item files. None: the shipped corpus (the real returns of corpus/returns, the "
             "SYNTHETIC national corpus of corpus/synthetic, the items of corpus/items).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for answers.csv, returns.csv and the reports.")] = Path("wvtext-out"),
    db: DbOption = DEFAULT_DB_PATH,
    lexicon: Annotated[Optional[Path], typer.Option(help="Theme lexicon csv (default models/themes/lexicon.csv).")] = None,
    warnings: Annotated[int, typer.Option(help="Show at most this many warnings.")] = 10,
    learned: Annotated[str, typer.Option(
        help="Learned layers of models/learned/ that decide beside the rules: 'themes' (default: the "
             "theme decision and whether a theme is only denied), 'all' (also the narrative class; see models/learned/README.md for why "
             "it is not the default) or 'none' (rules and lexicon alone).")] = "themes",
    across_returns: Annotated[bool, typer.Option(
        "--across-returns/--no-across-returns",
        help="Also learn how these returns write from their own codes: out-of-fold models of each "
             "answer's code class, trained on the other returns, blended with the rules' narrative "
             "class. Needs 20+ returns in the database (fewer: the rules decide alone). Off by default: "
             "where many areas code Yes over plans, it learns that habit (see wvtext/across.py).")] = False,
    whole_store: Annotated[bool, typer.Option(
        "--whole-store/--inputs-only",
        help="Analyse and report every return and item file in the database, not only the INPUTS of this "
             "run: to add a late return to a national analysis (regional comparisons need every return). "
             "With no INPUTS it analyses what the database holds.")] = False,
) -> None:
    """Read the returns into the database, analyse them and write the outputs to --out.

    Writes answers.csv and returns.csv (the output contract: themes, narrative class, divergence,
    out-of-step), theme_evidence.csv (every theme mention with its sentence and offsets, negated or
    not), support_requests.csv and support_requests_summary.csv, good_practice.csv, items.csv,
    collections.csv, collections.json and collections/*.html (the good-practice collections, when
    there are items), item_themes.csv, problems.csv (every row-level warning), reviews.csv (the
    analysts' decisions), the reports (report.html and a page per return in localities/, workbook.xlsx,
    themes.qdc and project.qdpx for QDA software) and manifest.json (inputs with hashes, code,
    library, codebook, lexicon and model versions, settings, timings), into a staging folder in
    --out that they are moved from only once all are written: an error or an interrupt leaves
    --out as it was. Exit code 1 if any input, or a locality's return in a table of several, could not be
    read; 128 + the signal's number if interrupted (130 for Ctrl-C).

    With no INPUTS, a --db that already holds returns or items of other files is refused (exit
    code 2, nothing stored): give the INPUTS, or --whole-store.
    """
    from ..pipeline import analyse, default_inputs, held_besides

    paths = list(inputs) if inputs else ([] if whole_store else default_inputs())
    if not paths and not whole_store:
        raise typer.BadParameter("no inputs given and no shipped corpus found", param_hint="INPUTS")
    held = None if inputs or whole_store else held_besides(db, paths)
    if held:  # the shipped sample would be mixed into the user's own returns
        what = " and ".join(f"{n} {kind if n != 1 else kind[:-1]}" for kind, n in
                            (("returns", held["returns"]), ("items", held["items"])) if n)
        echo_err(f"error: {db} holds {what} read from files other than the shipped corpus (e.g. {held['example']}); "
                 f"with no INPUTS, analyse would add the shipped sample corpus to them, so nothing was done. Give the "
                 f"files to analyse ('wvtext analyse FILE... --db {db}'), or --whole-store to analyse again what "
                 f"{db} holds.")
        raise typer.Exit(2)
    with progress_bar() as progress:
        manifest = analyse(paths, out, db_path=db, lexicon_path=str(lexicon) if lexicon else None,
                           learned=learned, across=across_returns, whole_store=whole_store, progress=progress)
    if across_returns and manifest.get("across_returns"):
        a = manifest["across_returns"]
        echo_err(f"across returns: {a['skipped']}; the rules decided alone" if a["skipped"] else
                 f"across returns: {a['trained_on']} coded answers of {a['returns']} returns; out-of-fold agreement "
                 f"with the codes {a['oof_agreement_with_codes']:.3f}; {a['reclassed']} narrative classes changed")
    for f in manifest["inputs"]:
        if f["status"] == "ok":
            echo_err(f"read {f['path']} ({f['format']}): {_what_was_read(f)}; {f['problems']} warnings")
    import csv

    with open(Path(out) / "problems.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    report_problems([_problem_line({**r, "source_row": int(r["source_row"]) if r["source_row"] else None,
                                    "message": r["message"].lstrip(chr(39))}) for r in rows],
                    limit=warnings, where="problems.csv")
    for e in manifest["errors"]:
        echo_err(f"error: {e}")
    c = manifest["counts"]
    items = f"{c['items']} items, " if c.get("items") else ""
    echo_err(f"wrote {out}/: {c['returns']} returns, {c['answers']} answers, {items}{c['problems']} warnings "
             f"in {manifest['timings_s']['total']:.2f}s (run {manifest['run_id']})")
    if manifest["errors"]:
        raise typer.Exit(1)
