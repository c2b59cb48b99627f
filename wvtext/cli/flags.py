"""`wvtext flags`: what an adviser looks at first."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import app
from ._util import DEFAULT_DB_PATH, ExistingDbOption, resolve_return


@app.command("flags")
def flags_cli(
    locality: Annotated[Optional[str], typer.Argument(help="A return: its locality ('Leics' works) or return id. "
                                                       "None: list the returns, most out of step first.")] = None,
    db: ExistingDbOption = DEFAULT_DB_PATH,
    all_answers: Annotated[bool, typer.Option("--all", help="Also list answers that are not flagged.")] = False,
) -> None:
    """List a return's flagged answers, highest divergence score first, with the evidence sentence.

    Without a locality, list every analysed return by out-of-step score (the flag marks those an
    adviser should look at first) with the questions that drive it. Flags dismissed in review
    ('wvtext review decide ... dismiss') are not counted as flagged answers or drivers; the score
    is as analysed. Run 'wvtext analyse' first.
    """
    from ..divergence import flag_drivers
    from ..review import decision_map
    from ..store import open_store

    store = open_store(db, create=False)
    returns = {r["return_id"]: r for r in store.returns()}
    scores = store.return_scores()
    if not scores:
        typer.echo(f"{db} has no analysed returns: run 'wvtext analyse' first.", err=True)
        raise typer.Exit(1)
    decided = decision_map(store)
    dismissed = {(k[1], k[2]) for k, d in decided.items() if k[0] == "divergence" and not k[3] and not k[4]
                 and d["decision"] == "dismiss"}
    if locality is None:
        by_return: dict[str, list[dict]] = {}
        for a in store.answer_analysis() if dismissed else ():
            by_return.setdefault(a["return_id"], []).append(a)
        typer.echo(f"{'score':>6} {'flag':>4} {'div':>4}  {'locality':<30}{'region':<22}drivers")
        all_dismissed = 0
        for rid, s in sorted(scores.items(), key=lambda kv: -kv[1]["out_of_step_score"]):
            r = returns[rid]
            name = r["locality"] + (" [SYNTHETIC]" if r.get("synthetic") else "")
            answers = by_return.get(rid, [])
            gone = {a["qid"] for a in answers if a["divergent"] and (rid, a["qid"]) in dismissed}
            all_dismissed += len(gone)
            drivers = s["drivers"]
            if gone:  # the drivers without the dismissed flags: those about the codes, then the open flags
                named = set(flag_drivers(answers, limit=len(answers)))
                drivers = "; ".join([d for d in drivers.split("; ") if d and d not in named]
                                    + flag_drivers([a for a in answers if a["qid"] not in gone]))
                drivers += f" ({len(gone)} dismissed)"
            typer.echo(f"{s['out_of_step_score']:>6.2f} {'*' if s['out_of_step'] else '':>4} "
                       f"{s['divergent'] - len(gone):>4}  {name[:29]:<30}{(r['region'] or '-')[:21]:<22}{drivers}")
        if all_dismissed:
            typer.echo(f"\n({all_dismissed} flag(s) dismissed in review are not counted in div or drivers; "
                       "the scores are as analysed)")
        return
    rid = resolve_return(store, locality)
    s = scores.get(rid, {})
    r = returns[rid]
    analysis = store.answer_analysis([rid])
    gone = sum(1 for a in analysis if a["divergent"] and (rid, a["qid"]) in dismissed)
    typer.echo(f"{r['locality']} ({r['region'] or 'region unknown'}){' [SYNTHETIC]' if r.get('synthetic') else ''}: "
               f"{s.get('divergent', 0) - gone} flagged answers{f' ({gone} more dismissed in review)' if gone else ''}, "
               f"divergence rate {s.get('divergence_rate', 0):.2f}, "
               f"out-of-step score {s.get('out_of_step_score', 0):.2f}{' (flagged)' if s.get('out_of_step') else ''}")
    rows = [a for a in analysis if all_answers or a["divergent"]]
    codes = {a["qid"]: a for a in store.answers([rid])}
    hidden = 0
    for a in sorted(rows, key=lambda a: -a["divergence_score"]):
        d = decided.get(("divergence", rid, a["qid"], "", ""))
        if d and d["decision"] == "dismiss" and not all_answers:
            hidden += 1
            continue
        code = codes[a["qid"]]["code_raw"] or "blank"
        mark = f"  [{d['decision']}ed by {d['reviewer'] or 'an analyst'}]" if d else ""
        typer.echo(f"\n{a['qid']:<5} {a['divergence_score']:.2f} {a['divergence_type'] or '-':<18} "
                   f"code {code} ({a['code_class'] or '-'}) vs narrative {a['text_class']}{mark}")
        if a["evidence"]:
            ev = a["evidence"]
            typer.echo(f"      \"{ev[:300]}{'…' if len(ev) > 300 else ''}\"")
        if a.get("resolved_from"):
            typer.echo(f"      (a cross-reference: the narrative class is that of the answer to {a['resolved_from']})")
    if hidden:
        typer.echo(f"\n({hidden} flag(s) dismissed in review are hidden; --all shows them)")
    store.close()
