"""`wvtext flags`: what an adviser looks at first."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import app
from ._util import DEFAULT_DB_PATH, DbOption, resolve_return


@app.command("flags")
def flags_cli(
    locality: Annotated[Optional[str], typer.Argument(help="A return: its locality ('Leics' works) or return id. "
                                                       "None: list the returns, most out of step first.")] = None,
    db: DbOption = DEFAULT_DB_PATH,
    all_answers: Annotated[bool, typer.Option("--all", help="Also list answers that are not flagged.")] = False,
) -> None:
    """List a return's flagged answers, highest divergence score first, with the evidence sentence.

    Without a locality, list every analysed return by out-of-step score (the flag marks those an
    adviser should look at first) with the questions that drive it. Run 'wvtext analyse' first.
    """
    from ..review import decision_map
    from ..store import open_store

    store = open_store(db, create=False)
    returns = {r["return_id"]: r for r in store.returns()}
    scores = store.return_scores()
    if not scores:
        typer.echo(f"{db} has no analysed returns: run 'wvtext analyse' first.", err=True)
        raise typer.Exit(1)
    if locality is None:
        typer.echo(f"{'score':>6} {'flag':>4} {'div':>4}  {'locality':<30}{'region':<22}drivers")
        for rid, s in sorted(scores.items(), key=lambda kv: -kv[1]["out_of_step_score"]):
            r = returns[rid]
            name = r["locality"] + (" [SYNTHETIC]" if r.get("synthetic") else "")
            typer.echo(f"{s['out_of_step_score']:>6.2f} {'*' if s['out_of_step'] else '':>4} {s['divergent']:>4}  "
                       f"{name[:29]:<30}{(r['region'] or '-')[:21]:<22}{s['drivers']}")
        return
    rid = resolve_return(store, locality)
    s = scores.get(rid, {})
    r = returns[rid]
    typer.echo(f"{r['locality']} ({r['region'] or 'region unknown'}){' [SYNTHETIC]' if r.get('synthetic') else ''}: "
               f"{s.get('divergent', 0)} flagged answers, divergence rate {s.get('divergence_rate', 0):.2f}, "
               f"out-of-step score {s.get('out_of_step_score', 0):.2f}{' (flagged)' if s.get('out_of_step') else ''}")
    decided = decision_map(store)
    rows = [a for a in store.answer_analysis([rid]) if all_answers or a["divergent"]]
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
