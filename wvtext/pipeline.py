"""`analyse`: read inputs into the store, run the analysis stages, write the outputs.

Stages that later issues add (themes, divergence, requests, clustering, reports)
plug in here; this module owns the order and the run record, not the analysis.
"""
from __future__ import annotations

import hashlib
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .codebook import load_codebook
from .errors import IngestError
from .export import write_csv, write_json
from .ingest import read_input
from .localities import load_localities
from .schema import (ANSWERS_COLUMNS, ANSWERS_EXTRA, PROBLEMS_COLUMNS, RETURNS_COLUMNS, RETURNS_EXTRA)
from .store import open_store

__all__ = ["IngestSummary", "ingest_files", "analyse", "default_inputs"]

SEED = 13  # every stochastic stage is seeded from this

Progress = Callable[[str, int, int], None]


@dataclass
class IngestSummary:
    files: list[dict] = field(default_factory=list)  # one dict per input file
    errors: list[str] = field(default_factory=list)  # one line per unreadable file
    return_ids: list[str] = field(default_factory=list)
    problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def default_inputs() -> list[Path]:
    """The shipped corpus: every return in corpus/returns and the items in corpus/items."""
    from .paths import corpus_dir

    root = corpus_dir()
    files = sorted((root / "returns").glob("*")) + sorted((root / "items").glob("*.csv"))
    return [_shown(p) for p in files if p.is_file() and not p.name.startswith((".", "README"))]


def _shown(path: Path) -> Path:
    """The path relative to the working folder where it lies below it (outputs stay machine-neutral)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def ingest_files(paths: Sequence[Path], store, *, run_id: str | None = None,
                 progress: Progress | None = None) -> IngestSummary:
    """Read each file and store it in its own transaction; unreadable files are reported, not stored."""
    codebook, localities = load_codebook(), load_localities()
    summary = IngestSummary()
    for n, path in enumerate(paths, start=1):
        if progress:
            progress(f"reading {Path(path).name}", n, len(paths))
        try:
            got = read_input(path, codebook=codebook, localities=localities)
        except IngestError as exc:
            summary.errors.append(str(exc))
            summary.files.append({"path": str(path), "status": "error", "error": str(exc)})
            continue
        store.save_input(got, run_id=run_id)
        probs = got.all_problems
        summary.problems += len(probs)
        summary.return_ids.extend(r.return_id for r in got.returns)
        summary.files.append({
            "path": str(path), "status": "ok", "format": got.format, "sha256": got.sha256,
            "returns": [r.locality for r in got.returns], "answers": sum(len(r.answers) for r in got.returns),
            "items": len(got.items), "problems": len(probs),
        })
    return summary


def _answer_rows(store, return_ids: list[str]) -> list[dict]:
    codebook = load_codebook()
    order = {q: i for i, q in enumerate(codebook.qids)}
    rows = []
    for a in store.answers(return_ids):
        q = codebook.get(a["qid"])
        rows.append({
            "locality": a["locality"], "qid": a["qid"], "code": a["code_raw"], "narrative": a["narrative"],
            "code_valid": a["code_valid"], "code_class": a["code_class"],
            "return_id": a["return_id"], "region": a["region"] or "", "section": q.section if q else "",
            "source_file": a["source_file"], "synthetic": a["synthetic"],
            "source_row": a["source_row"],
        })
    rows.sort(key=lambda r: (r["locality"], order.get(r["qid"], 999)))
    return rows


def _return_rows(store, return_ids: list[str], answers: list[dict]) -> list[dict]:
    by_return: dict[str, list[dict]] = {}
    for a in answers:
        by_return.setdefault(a["return_id"], []).append(a)
    problems = store.problems(return_ids=return_ids)
    counts: dict[str, int] = {}
    for p in problems:
        counts[p["return_id"]] = counts.get(p["return_id"], 0) + 1
    rows = []
    for r in store.returns(return_ids):
        ans = by_return.get(r["return_id"], [])
        rows.append({
            "locality": r["locality"], "region": r["region"] or "", "answers": len(ans),
            "return_id": r["return_id"], "synthetic": r["synthetic"], "source_file": r["source_file"],
            "source_format": r["source_format"],
            "invalid_codes": sum(1 for a in ans if not a["code_valid"]),
            "no_response": sum(1 for a in ans if not a["code"]),
            "problems": counts.get(r["return_id"], 0),
        })
    rows.sort(key=lambda r: r["locality"])
    return rows


def analyse(inputs: Sequence[Path], out_dir: Path, *, db_path: Path,
            progress: Progress | None = None) -> dict:
    """Run the whole job and return the run manifest (also written to OUT/manifest.json)."""
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    codebook = load_codebook()
    store = open_store(db_path)
    settings = {"seed": SEED, "db": str(db_path), "out": str(out_dir)}
    run_id = store.start_run("analyse", settings=settings, wvtext_version=__version__,
                             codebook_version=codebook.version)
    try:
        t = time.perf_counter()
        ing = ingest_files(inputs, store, run_id=run_id, progress=progress)
        timings["ingest"] = time.perf_counter() - t
        return_ids = list(dict.fromkeys(ing.return_ids))

        t = time.perf_counter()
        out_dir = Path(out_dir)
        answers = _answer_rows(store, return_ids)
        returns = _return_rows(store, return_ids, answers)
        write_csv(out_dir / "answers.csv", ANSWERS_COLUMNS + ANSWERS_EXTRA, answers)
        write_csv(out_dir / "returns.csv", RETURNS_COLUMNS + RETURNS_EXTRA, returns)
        files = [f["path"] for f in ing.files]
        problems = store.problems(return_ids=return_ids, source_files=files)
        from .errors import PROBLEM_CODES

        write_csv(out_dir / "problems.csv", PROBLEMS_COLUMNS,
                  ({**p, "kind": PROBLEM_CODES.get(p["code"], "")} for p in problems))
        timings["export"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - t0
        manifest = {
            "run_id": run_id,
            "command": "analyse",
            "wvtext_version": __version__,
            "codebook_version": codebook.version,
            "localities_sha256": _sha_file(_localities_path()),
            "python": platform.python_version(),
            "seed": SEED,
            "settings": settings,
            "inputs": ing.files,
            "errors": ing.errors,
            "counts": {"returns": len(returns), "answers": len(answers), "problems": len(problems)},
            "timings_s": {k: round(v, 4) for k, v in timings.items()},
            "outputs": sorted(p.name for p in out_dir.iterdir() if p.is_file()) + ["manifest.json"],
        }
        write_json(out_dir / "manifest.json", manifest)
        store.finish_run(run_id, status="ok" if ing.ok else "partial", inputs=ing.files,
                         summary=manifest["counts"] | {"errors": len(ing.errors)})
        return manifest
    except BaseException:
        store.finish_run(run_id, status="failed", inputs=[], summary={})
        raise
    finally:
        store.close()


def _localities_path() -> Path:
    from .paths import corpus_dir

    return corpus_dir() / "localities.csv"


def _sha_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
