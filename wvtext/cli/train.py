"""`wvtext train`: fit the learned theme decision and narrative class from the training sets."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import app
from ._util import echo_err, staged_outputs


@app.command("train")
def train_cli(
    training: Annotated[Optional[Path], typer.Option(
        "--training", help="Folder of training csv files (default: corpus/training).")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="Folder to write the models into (default: $WVTEXT_LEARNED, else wvtext-learned/ in "
                            "the working folder; --out models/learned replaces the shipped models).")] = None,
    reviews: Annotated[Optional[Path], typer.Option(
        "--reviews", help="Also learn from the decisions recorded in this database with 'wvtext review "
                          "decide': --kind theme (confirm, add, dismiss; with --value negated or not_negated "
                          "also the negation decision), --kind text_class (confirm, set) "
                          "and dismissed --kind divergence flags (the narrative agrees with its code).")] = None,
    labels: Annotated[str, typer.Option(
        "--labels", help="Whose labels to learn from: 'readers' (an independent reader's labels, the "
                         "reader_* columns, where a training file has them; else the writer's) or 'writers' "
                         "(the writers' own labels).")] = "readers",
) -> None:
    """Train the learned layers over the rules: which themes a text says something substantive
    about, which of them it mentions only to deny them, and what a narrative says about its
    question (its answer class).

    Reads the labelled training sets (corpus/training/README.md says what they are and how they
    were made) and, with --reviews, analysts' theme and class decisions and the divergence flags
    advisers dismissed, so the models learn the conventions of the people who use them. Each
    model's settings are chosen by leave-one-group-out cross-validation (a writer's voice, or the
    reviews, held out at a time) among those that do no
    worse than the rules alone on the real development sets of corpus/labelled, which are never
    fitted to (decisions about them are left out). Writes themes_model.json, negation_model.json
    and stance_model.json into --out (wvtext-learned/ unless WVTEXT_LEARNED names a folder); the
    same inputs give the same files. The models are moved into --out only once all are written: a
    run that fails or is stopped leaves the models there as they were. WVTEXT_LEARNED=DIR makes wvtext analyse with the models in DIR. bench/learned.py compares
    them with the rules alone.
    """
    from ..learned import learned_dir
    from ..train import default_out, train_all

    out = out or default_out()
    # Every model, or none: a run that fails or is stopped leaves --out's models as they were.
    with staged_outputs(out) as folder:
        written = train_all(folder, training, progress=echo_err, reviews=reviews, labels=labels)
    for name in written:
        echo_err(f"wrote {out / name}")
    if out.resolve() != learned_dir().resolve():
        echo_err(f"wvtext analyses with the models in {learned_dir()}; to use these, run it with "
                 f"WVTEXT_LEARNED={out}")
