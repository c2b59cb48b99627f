"""`wvtext review`: the analyst review loop."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..codebook import ANSWER_CLASSES, normalize_qid
from ..divergence import DIVERGENCE_TYPES
from ._util import DEFAULT_DB_PATH, ExistingDbOption, echo_err, resolve_return

app = typer.Typer(help="Review what wvtext found: see what to look at next, record decisions, export them.\n\n"
                       "Decisions are kept in the database and survive re-imports and re-analysis; dismissed "
                       "flags are hidden by 'wvtext flags'.", no_args_is_help=True)

KindOption = Annotated[str, typer.Option("--kind", "-k", help="divergence, theme, support_request, good_practice or "
                                                               "text_class (the narrative's class).")]


@app.command("next")
def next_cli(
    locality: Annotated[Optional[str], typer.Argument(help="Only this return (locality or return id).")] = None,
    kind: KindOption = "divergence",
    top: Annotated[int, typer.Option(min=0, help="How many to show (0: all).")] = 20,
    db: ExistingDbOption = DEFAULT_DB_PATH,
    decided: Annotated[bool, typer.Option("--decided", help="Also show what has been decided.")] = False,
) -> None:
    """What to review next: flags by divergence score, themes least certain first, requests,
    good practice by score. Each line gives the command's key (return id and question)."""
    from ..errors import WvtextError
    from ..review import review_queue
    from ..store import open_store

    store = open_store(db, create=False)
    if not store.return_scores() and not store.counts()["items"]:
        echo_err(f"error: {db} has no analysed returns or items: run 'wvtext analyse' first.")
        raise typer.Exit(1)
    rids = [resolve_return(store, locality)] if locality else None
    try:
        rows = review_queue(store, kind=kind, return_ids=rids, top=top, include_decided=decided)
    except WvtextError as exc:
        raise typer.BadParameter(str(exc), param_hint="--kind")
    if not rows:
        typer.echo(f"nothing to review ({kind})" + ("" if decided else "; --decided shows what was decided"))
    for r in rows:
        theme = f" {r['theme']}" if r.get("theme") else ""
        done = f"  [{r['decision']}{': ' + r['value'] if r.get('value') else ''}]" if r["decision"] else ""
        score = "  - " if r.get("added") else f"{r['score']:.2f}"
        typer.echo(f"{r['return_id']} {r['qid']}{theme}  {score}  {r['what']}  {r['detail']}{done}")
        if r["evidence"]:
            typer.echo(f"    \"{r['evidence'][:240]}\"")
    store.close()


@app.command("decide")
def decide_cli(
    locality: Annotated[str, typer.Argument(help="The return: locality or return id.")],
    qid: Annotated[str, typer.Argument(help="The question, e.g. 1.8.")],
    decision: Annotated[str, typer.Argument(help="confirm or dismiss (themes also: add; text_class: confirm or set).")],
    kind: KindOption = "divergence",
    theme: Annotated[Optional[str], typer.Option(help="The theme id, for --kind theme.")] = None,
    value: Annotated[str, typer.Option(help="Only with --kind divergence confirm: the right divergence type "
                                            f"({', '.join(DIVERGENCE_TYPES)}; an answer wvtext did not flag needs "
                                            "one); with --kind text_class set: the narrative's class "
                                            f"({', '.join(ANSWER_CLASSES)}); with --kind theme confirm or add, "
                                            "whether the answer mentions the theme only to deny it (negated, "
                                            "not_negated; left out: undecided).")] = "",
    note: Annotated[str, typer.Option(help="Why.")] = "",
    reviewer: Annotated[str, typer.Option(help="Who decided.")] = "",
    db: ExistingDbOption = DEFAULT_DB_PATH,
) -> None:
    """Record a decision on one flag, theme, support request or good-practice candidate, or the
    right narrative class of an answer (--kind text_class: confirm, or set --value partial).
    Theme and narrative-class decisions are labels that 'wvtext train --reviews' learns from; a
    theme confirmed or added with --value negated or not_negated also teaches the negation flag
    ('There are no Ordinary Residence issues' is negated; 'advocacy is not offered to family
    carers', a gap, is not).

    The answer must be in the database (a question of the codebook, answered in that return). A
    divergence wvtext missed is recorded by confirming it with its type (--value TYPE); dismissing,
    or confirming without a type, needs a flag. --theme goes only with --kind theme. Anything else
    is refused with an error and nothing is stored."""
    from ..review import record_decision
    from ..store import open_store

    store = open_store(db, create=False)
    rid = resolve_return(store, locality, write=True)
    qid = normalize_qid(qid)
    earlier = store.latest_review(kind, rid, qid, "", theme or "")
    record_decision(store, kind=kind, return_id=rid, qid=qid, theme=theme or "", decision=decision, value=value,
                    note=note, reviewer=reviewer)
    typer.echo(f"recorded: {kind} {rid} {qid}{' ' + theme if theme else ''} {decision}{' ' + value if value else ''}")
    if earlier:
        # The history keeps both; the latest decision is the one that counts (export, train, reports).
        was = " ".join(x for x in (earlier["decision"], earlier["value"]) if x)
        by = f" by {earlier['reviewer']}" if earlier["reviewer"] else ""
        why = f" (note: {earlier['note']})" if earlier["note"] else ""
        typer.echo(f"replaces the earlier decision '{was}'{by} of {earlier['decided_at']}{why}; "
                   "both stay in the history ('wvtext review export --history')", err=True)
    store.close()


@app.command("export")
def export_cli(
    out: Annotated[Path, typer.Option("--out", "-o", help="The csv file to write.")],
    db: ExistingDbOption = DEFAULT_DB_PATH,
    history: Annotated[bool, typer.Option(help="Every decision, not only the latest per key.")] = False,
) -> None:
    """Write the decisions to a csv (kind, return_id, locality, qid, item_id, theme, decision, value,
    note, reviewer, decided_at), e.g. to measure wvtext against what analysts decided."""
    from ..export import write_csv
    from ..review import decisions_for
    from ..schema import REVIEW_COLUMNS
    from ..store import open_store

    store = open_store(db, create=False)
    n = write_csv(out, REVIEW_COLUMNS, decisions_for(store, history=history))
    echo_err(f"wrote {n} decisions to {out}")
    store.close()


@app.command("import")
def import_cli(
    project: Annotated[Path, typer.Argument(help="A REFI-QDA project (.qdpx) exported from NVivo, MAXQDA, ATLAS.ti "
                                                 "or QualCoder after coding wvtext's project.qdpx.")],
    db: ExistingDbOption = DEFAULT_DB_PATH,
    reviewer: Annotated[str, typer.Option(help="Who coded it.")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List the decisions; store nothing.")] = False,
) -> None:
    """Record decisions from a project an analyst coded in a QDA tool: a theme coded on an answer
    or item where wvtext carried none is added; one wvtext carried there that the analyst no longer
    codes is dismissed. Likewise wvtext's findings on answers: a divergent, support-request or
    good-practice coding removed is dismissed, one added is confirmed (a divergent code of another
    type confirms that type). Sources are matched to returns and items by GUID or name, each
    coded selection to the answer whose narrative it overlaps; only the returns and items in the
    project are compared. The comparison is with the answers and items as the latest review
    decisions left them, as project.qdpx shows them (a theme or flag added in review and uncoded
    by the analyst is dismissed): after decisions recorded elsewhere, write the project afresh
    ('wvtext report --out DIR --db PATH') before coding it. The decisions are stored together,
    or none."""
    from ..review import check_decision
    from ..review_qdpx import decisions_from_qdpx
    from ..store import open_store

    store = open_store(db, create=False)
    got = decisions_from_qdpx(store, project)
    for d in got.decisions:
        where = d["item_id"] or f"{d['return_id']} {d['qid']}"
        what = " ".join(x for x in (d["kind"], where, d["theme"], d["decision"], d.get("value", "")) if x)
        typer.echo(f"{'would record' if dry_run else 'recorded'}: {what}")
    if not dry_run and got.decisions:
        store.add_reviews([check_decision(store, **d, reviewer=reviewer, note=f"coded in {project.name}")
                           for d in got.decisions])
    themes = Counter(d["decision"] for d in got.decisions if d["kind"] == "theme")
    confirmed = f", {themes['confirm']} confirmed" if themes["confirm"] else ""
    typer.echo(f"{project}: {got.returns} returns and {got.items} items compared; {themes['add']} themes added, "
               f"{themes['dismiss']} dismissed{confirmed}, {len(got.decisions) - sum(themes.values())} decisions on "
               "flags, support requests and good practice" + (" (dry run: nothing stored)" if dry_run else ""))
    def listed(names: list[str]) -> str:
        return f"{', '.join(names[:5])}{' ...' if len(names) > 5 else ''}"

    if got.unplaced:
        echo_err(f"  {len(got.unplaced)} source(s) are no return or item in {db}, left out: {listed(got.unplaced)}")
    if got.mismatched:
        echo_err(f"  {len(got.mismatched)} source(s) name a return or item of {db} but do not hold its text (a project "
                 f"written from another database, or from an older reading of the file?), left out: "
                 f"{listed(got.mismatched)}. Write the project afresh ('wvtext report --out DIR --db {db}') and code that.")
    if got.no_text:
        echo_err(f"  {len(got.no_text)} source(s) have no text in {project} (its Sources/*.txt members are missing), "
                 f"left out: {listed(got.no_text)}. Export the project again with its sources.")
    if got.missing_codes:
        echo_err(f"  {len(got.missing_codes)} of wvtext's code(s) are not in {project} (renamed with a new GUID, or "
                 f"deleted?), so nothing is decided about them: {listed(got.missing_codes)}. Give a renamed code its "
                 "name back to have its codings read.")
    if got.dangling:
        echo_err(f"  {got.dangling} coding(s) refer to a code that is not in {project}'s codebook, left out")
    if got.foreign_codes:
        echo_err(f"  {len(got.foreign_codes)} code(s) of {project} are neither a theme nor one of wvtext's findings, so "
                 f"their codings are not read: {listed(got.foreign_codes)}. wvtext records decisions only about its "
                 "themes and findings; keep your own codes in your QDA tool.")
    if got.unplaced_selections:
        echo_err(f"  {got.unplaced_selections} coded selection(s) lie outside every narrative of their return, left out")
    store.close()
    if not got.returns and not got.items:
        # Nothing in the project could be compared (another database's project, or sources without
        # their texts): a failure, not a quiet success with nothing decided.
        echo_err(f"error: {project}: none of its sources could be compared with {db} (see above), so nothing was "
                 "decided. Code a project wvtext wrote from this database ('wvtext report --out DIR --db PATH').")
        raise typer.Exit(1)
