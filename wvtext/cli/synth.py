"""`wvtext synth`: write the SYNTHETIC national corpus (generated returns with their labels)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app
from ._util import echo_err, staged_outputs


@app.command("synth")
def synth_cli(
    out: Annotated[Path, typer.Option("--out", "-o", help=(
        "Folder to write the SYNTHETIC files into (the shipped corpus: --out corpus/synthetic in the "
        "checkout)."))] = Path("wvtext-synth"),
    scale: Annotated[int, typer.Option("--scale", min=1, help="Copies of each of the 152 localities (1, 4, 10 ...).")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed and scale give byte-identical files.")] = 13,
    extra_formats: Annotated[bool, typer.Option(
        "--extra-formats/--no-extra-formats",
        help="Also write 3 returns as xlsx and 3 as text dumps (then left out of the long csv).")] = True,
) -> None:
    """Write a SYNTHETIC national corpus of stocktake returns, with every planted fact as labels.

    The returns are GENERATED, not real: narratives are composed from corpus/synthetic/phrasebank.json
    and codes are planted with known divergences, to develop regional comparison and divergence
    detection and to benchmark speed.

    Writes SYNTHETIC_national_x{scale}.csv (long csv), SYNTHETIC_labels_x{scale}.csv and
    SYNTHETIC_returns_x{scale}.csv, and unless --no-extra-formats three `SYNTHETIC_<locality>.xlsx`
    and three `SYNTHETIC_<locality>.txt` returns (which are then not in the long csv).

    Accuracy measured on this corpus is optimistic: report it beside accuracy on real text.
    The files go into wvtext-synth/ in the working folder unless --out says otherwise; for
    --scale above 1 give an --out outside the repository (x10 is about 30 MB). The files are moved
    into --out only once all are written: a run that fails or is stopped leaves it as it was.
    """
    from ..synth import generate

    with staged_outputs(out) as folder:  # every file, or (on an error or an interrupt) none
        s = generate(folder, scale=scale, seed=seed, extra_formats=extra_formats)
    types = ", ".join(f"{k} {v}" for k, v in s["divergences"].items())
    echo_err(f"wrote SYNTHETIC corpus x{s['scale']} (seed {s['seed']}) to {out}/: {s['returns']} returns, "
             f"{s['answers']} answers, {s['divergent']} planted divergences ({types}), "
             f"{s['out_of_step']} out-of-step returns, {len(s['files'])} files in {s['seconds']:.1f} s")
