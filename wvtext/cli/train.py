"""`wvtext train`: fit the learned theme decision and narrative class from the training sets."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import app
from ._util import echo_err


@app.command("train")
def train_cli(
    training: Annotated[Optional[Path], typer.Option(
        "--training", help="Folder of training csv files (default: corpus/training).")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="Folder to write the models into (default: models/learned).")] = None,
) -> None:
    """Train the learned layers over the rules: which themes a text says something substantive
    about, and what a narrative says about its question (its answer class).

    Reads the labelled training sets (corpus/training/README.md says what they are and how they
    were made), chooses each model's settings by leave-one-group-out cross-validation (a writer's
    voice held out at a time), and writes models/learned/themes_model.json and stance_model.json.
    The same files give the same models. The real development sets of corpus/labelled are not
    read: bench/themes.py and bench/divergence.py measure the models on them.
    """
    from ..train import train_all

    written = train_all(out, training, progress=echo_err)
    for name, path in written.items():
        echo_err(f"wrote {path}")
