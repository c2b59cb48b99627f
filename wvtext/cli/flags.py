"""`wvtext flags`: what an adviser looks at first."""
from __future__ import annotations

from collections import Counter
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
    adviser should look at first) with the questions that drive it. Flags are shown as review left
    them: one dismissed ('wvtext review decide ... dismiss') is not counted as a flagged answer or
    a driver, one confirmed with a type ('confirm --value TYPE') has that type, and one added
    (confirmed where wvtext did not flag) is counted and listed; the score is as analysed. Run
    'wvtext analyse' first.
    """
    from ..divergence import code_side, reviewed_drivers, reviewed_flag
    from ..review import decision_map
    from ..store import open_store

    store = open_store(db, create=False)
    returns = {r["return_id"]: r for r in store.returns()}
    scores = store.return_scores()
    if not scores:
        typer.echo(f"{db} has no analysed returns: run 'wvtext analyse' first.", err=True)
        raise typer.Exit(1)
    decided = {(k[1], k[2]): d for k, d in decision_map(store).items()
               if k[0] == "divergence" and not k[3] and not k[4]}

    def reviewed(answers: list[dict]) -> tuple[list[dict], int, int]:
        """The answers with their flags as review left them, and how many flags review took away
        and added."""
        out, gone, added = [], 0, 0
        for a in answers:
            flag, kind = reviewed_flag(bool(a["divergent"]), a["divergence_type"], decided.get((a["return_id"], a["qid"])))
            gone += bool(a["divergent"]) and not flag
            added += flag and not a["divergent"]
            out.append({**a, "divergent": int(flag), "divergence_type": kind, "analysed_type": a["divergence_type"]})
        return out, gone, added

    def changed(gone: int, added: int) -> str:
        said = [f"{gone} dismissed" if gone else "", f"{added} added" if added else ""]
        return " and ".join(x for x in said if x) + " in review" if gone or added else ""

    if locality is None:
        by_return: dict[str, list[dict]] = {}
        for a in store.answer_analysis() if decided else ():
            by_return.setdefault(a["return_id"], []).append(a)
        typer.echo(f"{'score':>6} {'flag':>4} {'div':>4}  {'locality':<42}{'region':<22}drivers")
        all_gone = all_added = 0
        shown = Counter(returns[rid]["locality"] + (" [SYNTHETIC]" if returns[rid].get("synthetic") else "")
                        for rid in scores)
        for rid, s in sorted(scores.items(), key=lambda kv: (-kv[1]["out_of_step_score"], kv[0])):
            r = returns[rid]
            name = r["locality"] + (" [SYNTHETIC]" if r.get("synthetic") else "")
            name += f" [{rid}]" if shown[name] > 1 else ""  # a name two returns share: the id says which
            answers, gone, added = reviewed(by_return.get(rid, []))
            all_gone, all_added = all_gone + gone, all_added + added
            drivers = s["drivers"]
            if any((rid, a["qid"]) in decided for a in answers):  # about the codes as analysed, the flags as reviewed
                drivers = reviewed_drivers(drivers, answers) + (f" ({changed(gone, added)})" if gone or added else "")
            typer.echo(f"{s['out_of_step_score']:>6.2f} {'*' if s['out_of_step'] else '':>4} "
                       f"{s['divergent'] - gone + added:>4}  {name[:41]:<42}{(r['region'] or '-')[:21]:<22}{drivers}")
        if all_gone or all_added:
            typer.echo(f"\n(div and drivers are as reviewed: flags {changed(all_gone, all_added)}; "
                       "the scores are as analysed)")
        waiting = sorted(set(returns) - set(scores))
        if waiting:
            typer.echo(f"\n({len(waiting)} return(s) read but not analysed yet, not listed: {', '.join(waiting[:5])}"
                       f"{' ...' if len(waiting) > 5 else ''}; 'wvtext analyse --whole-store' takes them in)")
        return
    rid = resolve_return(store, locality)
    if rid not in scores:
        from ..errors import WvtextError

        raise WvtextError(f"return {rid} ({returns[rid]['locality']}) is in {db} but has not been analysed yet, so "
                          "it has no flags.", remedy="Run 'wvtext analyse' ('--whole-store' takes in a return read in "
                                                     "later).")
    s = scores.get(rid, {})
    r = returns[rid]
    analysis, gone, added = reviewed(store.answer_analysis([rid]))
    n = s.get("divergent", 0) - gone + added
    typer.echo(f"{r['locality']} ({r['region'] or 'region unknown'}){' [SYNTHETIC]' if r.get('synthetic') else ''}: "
               f"{n} flagged answers{f' ({changed(gone, added)})' if gone or added else ''}, "
               f"divergence rate {n / max(1, len(analysis)):.2f}"
               f"{' (as reviewed)' if gone or added else ''}, "
               f"out-of-step score {s.get('out_of_step_score', 0):.2f}{' (flagged)' if s.get('out_of_step') else ''}")
    codes = {a["qid"]: a for a in store.answers([rid])}
    hidden = 0
    shown = [a for a in analysis if all_answers or a["divergent"] or decided.get((rid, a["qid"]))]
    from ..codebook import load_codebook

    from ..divergence import narrative_side

    codebook = load_codebook()
    at = codebook.position  # ties in question order (1.9 before 10.1)
    for a in sorted(shown, key=lambda a: (-a["divergent"], -a["divergence_score"], at(a["qid"]))):
        d = decided.get((rid, a["qid"]))
        if not a["divergent"] and not all_answers:
            hidden += bool(d and d["decision"] == "dismiss")
            continue
        mark = ""
        if d:
            retyped = a["divergence_type"] != a["analysed_type"] and a["analysed_type"] and a["divergent"]
            mark = (f"  [{d['decision']}ed by {d['reviewer'] or 'an analyst'}"
                    + (f"; wvtext: {a['analysed_type']}" if retyped else "")
                    + ("; wvtext did not flag it" if a["divergent"] and not a["analysed_type"] else "") + "]")
        score = f"{a['divergence_score']:.2f}" if a["analysed_type"] or not a["divergent"] else "  - "
        typer.echo(f"\n{a['qid']:<5} {score} {a['divergence_type'] or '-':<18} "
                   f"{code_side(codes[a['qid']]['code_raw'], a['code_class'], codebook.get(a['qid']))} vs narrative "
                   f"{narrative_side(a, codebook.get(a['qid']))}"
                   f"{mark}")
        if a["evidence"]:
            ev = a["evidence"]
            typer.echo(f"      \"{ev[:300]}{'…' if len(ev) > 300 else ''}\"")
        if a.get("resolved_from"):
            typer.echo(f"      (a cross-reference: the narrative class is that of the answer to {a['resolved_from']})")
    if hidden:
        typer.echo(f"\n({hidden} flag(s) dismissed in review are hidden; --all shows them)")
    store.close()
