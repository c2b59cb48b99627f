"""`wvtext themes` and `wvtext lexicon`."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import app
from ._util import DEFAULT_DB_PATH, ExistingDbOption, echo_err, progress_bar, staged_outputs

# How `Mention.frame` reads in a sentence (see FRAMES in wvtext/themes/components.py).
_FRAME_WORDS = {"boilerplate": "a label over a null entry", "heading": "the label of a labelled line",
                "fragment": "a line without a clause", "population": "names the people the text is about"}

LexiconOption = Annotated[Optional[Path], typer.Option(
    "--lexicon", help="Theme lexicon csv (default models/themes/lexicon.csv; spelling.csv beside it is used).")]


# How the theme model's evidence features (wvtext.learned.THEME_FEATURES) read in `--why`.
_FEATURE_WORDS = {"has_mention": "a term found", "lexicon_confidence": "the lexicon's score",
                  "weight_sum": "terms' weights", "distinct_terms": "distinct terms", "mentions": "mentions",
                  "max_weight": "weightiest term", "share_in_list": "share in a list", "all_negated": "all negated",
                  "any_hedged": "hedged", "share_of_sentences": "share of sentences",
                  "in_first_sentence": "in the first sentence", "asked": "asked by the question",
                  "share_boilerplate": "share over a null entry", "share_heading": "share as a line's label",
                  "share_fragment": "share in lines without a clause", "themes_in_text": "themes in the text",
                  "share_population": "share naming the people"}


def _has_theme_model(nlp) -> bool:
    return nlp.has_pipe("wvtext_theme_model") and nlp.get_pipe("wvtext_theme_model").model is not None


def _echo_reasons(r: dict) -> None:
    """`ThemeModel.explain`'s reading of one theme, as `wvtext themes --text ... --why` shows it."""
    parts = ", ".join(f"{_FEATURE_WORDS.get(n, n)} {v:+.2f}" for n, v in r["evidence"])
    typer.echo(f"    why: model score {r['logit']:+.2f} = base {r['bias']:+.2f}"
               f" + lexicon's evidence {sum(v for _, v in r['evidence']):+.2f} + words {r['words']:+.2f}"
               f" -> probability {r['probability']:.2f}"
               + (f", blended {r['blend']:.1f} with the lexicon's {r['lexicon']:.2f}" if r["blend"] < 1 else "")
               + f" -> confidence {r['confidence']:.2f} (the model's threshold {r['threshold']:.2f} set at 0.5)")
    if parts:
        typer.echo(f"      evidence: {parts}")
    for label, key in (("words for", "words_for"), ("words against", "words_against")):
        if r[key]:
            typer.echo(f"      {label}: " + ", ".join(f"{w} {v:+.2f}" for w, v in r[key]))


@app.command("themes")
def themes_cli(
    db: ExistingDbOption = DEFAULT_DB_PATH,
    lexicon: LexiconOption = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Also write theme_evidence.csv and item_themes.csv here.")] = None,
    text: Annotated[Optional[str], typer.Option("--text", "-t", help="Only show the themes of this text, with evidence; touches no database.")] = None,
    learned: Annotated[bool, typer.Option(
        "--learned/--no-learned", help="Blend in the learned theme model and let the learned negation model decide "
                                       "which themes are only denied (models/learned/), as 'wvtext analyse' does by "
                                       "default; --no-learned: the lexicon and its negation rules alone (as --learned "
                                       "none).")] = True,
    question: Annotated[Optional[str], typer.Option(
        "--question", "-q", help="With --text: read it as the answer to this question of the codebook (e.g. 2.4), as "
                                 "'wvtext analyse' reads narratives (the learned decision reads the question; the lexicon "
                                 "alone, --no-learned, does not); without it the text is read as an item.")] = None,
    why: Annotated[bool, typer.Option(
        "--why", help="With --text: also show why the learned model scored each theme as it did: the lexicon's "
                      "evidence and the question's pull as parts of its score, and the words that pushed it "
                      "most up and down.")] = False,
) -> None:
    """Find the 23 themes (listed by 'wvtext lexicon') in every answer and item in the database, with evidence.

    A theme is carried when its confidence (0..1) reaches 0.5. The confidence blends the lexicon's
    score (from the weights of the terms found) with the learned theme model of models/learned/
    (the text's words and the lexicon's evidence); a theme found by the model alone shows the
    words that decided it as "learned: ...". With the learned model the confidence reads roughly
    as the chance that an analyst gives the theme (measured on the real labelled sets by
    bench/themes.py); --no-learned gives the lexicon's score, which ranks but reads less so. Each
    mention keeps its sentence, offsets, term, and whether it is negated ("there are no Ordinary
    Residence issues") or hedged. An abbreviation a
    return defines in any answer ("Integrated Commissioning Board (ICB)") is read at its uses in
    the others as the words it stands for (with --text: those the text defines). `wvtext analyse`
    runs this too.
    """
    from ..themes.pipeline import explain_text, extract_themes, make_nlp

    if question is not None and text is None:
        echo_err("error: --question reads one text as the answer to a question: give the text with --text. "
                 "(The narratives in the database are read with their own questions.)")
        raise typer.Exit(2)
    if why and (text is None or not learned):
        echo_err("error: --why explains the learned model's decision on one text: give the text with --text, "
                 "and leave out --no-learned (the lexicon alone has no model to explain).")
        raise typer.Exit(2)
    if text is not None and out is not None:
        echo_err("error: --out writes the database's theme evidence; --text reads one text and touches no database. "
                 "Give one of them.")
        raise typer.Exit(2)
    if text is not None:
        asked_text = None
        if question is not None:
            from ..codebook import load_codebook, normalize_qid
            from ..pipeline import question_text

            codebook = load_codebook()
            question = normalize_qid(question)
            if codebook.get(question) is None:
                echo_err(f"error: --question: {question!r} is not a question of the codebook. "
                         "Give a question id such as 1.8 or 2.4 (corpus/codebook.json lists them).")
                raise typer.Exit(2)
            asked_text = question_text(codebook, question)
            if asked_text is None:
                echo_err(f"note: {question} is a categorical question (partners or obstacles): its answers "
                         "are read as items, without the question, as 'wvtext analyse' reads them.")
        nlp = make_nlp(str(lexicon) if lexicon else None, learned=learned)
        scores = next(extract_themes([text], nlp=nlp, questions=[asked_text]))
        reasons = explain_text(nlp, text, asked_text) if why else {}
        if not scores:
            typer.echo("no theme terms found")
        for theme, s in scores.items():
            lex = f" (lexicon {s.lexicon_confidence:.2f})" if s.lexicon_confidence is not None else ""
            typer.echo(f"{theme}\tconfidence {s.confidence:.2f}{lex}\t{'carried' if s.carried else 'not carried'}"
                       f"{'  (negated)' if s.negated else ''}")
            for m in s.mentions:
                flags = ", ".join(f for f, on in (("negated", m.negated), ("hedged", m.hedged), ("in a list", m.in_list),
                                                  (_FRAME_WORDS.get(m.frame, ""), bool(m.frame))) if on)
                via = f"; {m.via}" if m.via else ""
                typer.echo(f"    {text[m.start_char:m.end_char]!r} ({m.term}{via}, weight {m.weight})"
                           f"{'  ' + flags if flags else ''}")
            if theme in reasons:
                _echo_reasons(reasons[theme])
        if why and not _has_theme_model(nlp):
            from ..learned import learned_dir

            typer.echo(f"(no learned theme model to explain: {learned_dir() / 'themes_model.json'} is missing; "
                       "the confidences are the lexicon's)")
        return

    from contextlib import ExitStack

    from ..export import write_csv
    from ..outdir import claimed
    from ..pipeline import _evidence_rows, _item_rows, run_text_stages
    from ..schema import EVIDENCE_COLUMNS, ITEM_THEMES_COLUMNS
    from ..store import open_store
    from ..themes.lexicon import THEMES

    with ExitStack() as hold:
        if out:  # held from the start: a run writing into --out meanwhile is refused before any work
            hold.enter_context(claimed(out))
        store = open_store(db, create=False)
        return_ids = [r["return_id"] for r in store.returns()]
        # Items read from files; the good practice drawn from answers carries its answer's themes and is
        # drawn again from the answers here, as 'wvtext analyse' does.
        item_ids = [i["item_id"] for i in store.items() if i["origin"] == "file"]
        if not return_ids and not item_ids:
            echo_err(f"{db} holds no returns or items: run 'wvtext ingest' first.")
            raise typer.Exit(1)
        with progress_bar() as progress:
            counts = run_text_stages(store, return_ids, item_ids, lexicon_path=str(lexicon) if lexicon else None,
                                     learned="themes" if learned else "none", progress=progress)
        carried = [r for r in store.answer_themes(return_ids) if r["carried"]] if return_ids else []
        icarried = [r for r in store.item_themes(item_ids) if r["carried"]] if item_ids else []
        typer.echo(f"{counts['texts']} texts, {counts['words']:,} words")
        typer.echo(f"{'theme':<28}{'answers':>8}{'negated':>8}{'items':>7}")
        for t in THEMES:
            n = [r for r in carried if r["theme"] == t]
            typer.echo(f"{t:<28}{len(n):>8}{sum(r['negated'] for r in n):>8}{sum(1 for r in icarried if r['theme'] == t):>7}")
        if out:
            with staged_outputs(out) as folder:  # both files, or (on an error or an interrupt) neither
                write_csv(folder / "theme_evidence.csv", EVIDENCE_COLUMNS, _evidence_rows(store, return_ids, item_ids))
                write_csv(folder / "item_themes.csv", ITEM_THEMES_COLUMNS, _item_rows(store, item_ids))
            echo_err(f"wrote {out}/theme_evidence.csv and {out}/item_themes.csv")
        store.close()


def _show_forms(lex, path: Optional[Path], wanted: str) -> None:
    """`wvtext lexicon --forms TEXT`: the rows that match TEXT (written as a term or as any form a
    term is matched in: "colocated", "co-locating") and every form each matches, normalised."""
    from ..themes.components import term_forms
    from ..themes.pipeline import blank_nlp

    nlp = blank_nlp(lex)  # the tokenizer and norms the matcher uses, without building the matcher
    forms = term_forms(nlp, lex.terms)
    key = tuple(t.norm_ for t in nlp.make_doc(wanted.strip()))
    exact = tuple(t.text for t in nlp.make_doc(wanted.strip()))
    shown = 0
    for t, docs in zip(lex.terms, forms):
        seen = {tuple(tok.text for tok in d) if t.case else tuple(tok.norm_ for tok in d) for d in docs}
        if (exact if t.case else key) not in seen:
            continue
        shown += 1
        how = "by case" if t.case else ("exact: no verb forms" if t.exact else "")
        typer.echo(f"{lex.path}, row {t.row}: {t.theme}, {t.term!r}, weight {t.weight}"
                   + (f", {how}" if how else "") + (", names a cohort" if t.cohort else "")
                   + (f", only with {'|'.join(t.context)} in the sentence" if t.context else "")
                   + (f", not beside {'|'.join(sorted(t.exclude))}" if t.exclude else ""))
        typer.echo("  matches (normalised): " + "; ".join(sorted(" ".join(f) for f in seen)))
    if not shown:
        echo_err(f"error: no term of {lex.path} matches {wanted!r}.")
        raise typer.Exit(2)


@app.command("lexicon")
def lexicon_cli(
    path: Annotated[Optional[Path], typer.Argument(help="Lexicon csv to check (default: the shipped one).")] = None,
    forms: Annotated[Optional[str], typer.Option("--forms", help=(
        "Show the rows that match this word or phrase (as written in the lexicon or in any form a term "
        "is matched in) and every form each matches: its spellings and verb forms (e.g. --forms co-locating)."))] = None,
) -> None:
    """Validate a theme lexicon (as wvtext loads it) and count its terms per theme.

    Every problem is reported with file, row and field. The format is in models/themes/README.md.
    """
    from ..themes.lexicon import THEMES, load_lexicon

    lex = load_lexicon(path)
    if forms is not None:
        _show_forms(lex, path, forms)
        return
    by = lex.by_theme()
    if path is not None and not (Path(path).parent / "spelling.csv").is_file():
        echo_err(f"note: no spelling.csv beside {path}: no misspellings are corrected with this lexicon "
                 "(copy models/themes/spelling.csv next to it to keep them).")
    typer.echo(f"{lex.path}: {len(lex.terms)} terms, {len(lex.spelling)} spelling variants, version {lex.version}")
    for t in THEMES:
        strong = sum(1 for x in by[t] if x.weight >= 0.9)
        typer.echo(f"  {t:<28}{len(by[t]):>4} terms ({strong} strong)")
    empty = [t for t in THEMES if not by[t]]
    if empty:
        echo_err(f"warning: no terms for {', '.join(empty)}")
