"""build_reports: turn an analysis folder into what analysts and advisers read.

Reads the csv files `wvtext analyse` wrote (and the later stages' files when present) and
writes, into the same folder:

- report.html: the national and regional collation, one self-contained offline page;
- localities/<return_id>.html: one local analysis per return;
- workbook.xlsx: every table on its own sheet, formula-safe;
- themes.qdc: the theme taxonomy as a REFI-QDA codebook;
- project.qdpx: the returns and items with what wvtext found coded in them, a REFI-QDA project;

then adds them to manifest.json's `outputs`.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from ..beside import Beside
from ..errors import WvtextError
from ..export import _atomic_write, write_json, xlsx_date
from .common import page_name
from ..outdir import staging_of
from .data import REVIEWS_FILE, ReportError, RunData, load_run
from .locality import render_locality
from .national import render_report
from .qdc import write_qdc
from .qdpx import write_qdpx
from .workbook import write_workbook

__all__ = ["build_reports", "refresh_reviews", "REPORT_FILES"]

REPORT_FILES = ("report.html", "workbook.xlsx", "themes.qdc", "project.qdpx")
LOCALITY_DIR = "localities"


def _write_text(path: Path, text: str) -> None:
    _atomic_write(path, lambda fh: fh.write(text))


def _not_available(d: RunData) -> list[str]:
    missing = []
    if d.support_rows() is None:
        missing.append("support_requests.csv")
    if d.good_practice is None:
        missing.append("good_practice.csv")
    if d.items is None:
        missing.append("items.csv")
    if d.collections is None:
        missing.append("collections.csv")
    return missing


def refresh_reviews(out_dir: Path, db_path: Path, *, dest: Path | None = None) -> int:
    """Write DIR/reviews.csv afresh from the database's decisions about the returns and items of
    this analysis folder (after 'wvtext review decide'); return how many there are. `dest`: the
    folder to write it to instead of DIR (a staging folder, `outdir.staged`)."""
    from ..export import write_csv
    from ..review import decisions_for
    from ..schema import REVIEW_COLUMNS
    from ..store import open_store
    from .data import read_table

    out_dir = Path(out_dir)
    answers = read_table(out_dir / "answers.csv")
    if answers is None:
        raise ReportError(f"{out_dir} has no answers.csv", remedy=f"run 'wvtext analyse --out {out_dir}' first.")
    rids = {a.get("return_id") or a.get("locality", "") for a in answers}
    recorded = _manifest_db_path(out_dir)
    if recorded is not None and recorded.is_file() and Path(db_path).is_file() and not recorded.samefile(db_path):
        raise ReportError(f"{out_dir} was analysed into {recorded}, not {db_path}; the decisions of another "
                          "database would replace this analysis's reviews.csv, so nothing was written.",
                          remedy=f"Give --db {recorded}, or analyse again into {db_path} "
                                 f"('wvtext analyse ... --out {out_dir} --db {db_path}').")
    items = {i.get("item_id", "") for name in ("items.csv", "item_themes.csv", "good_practice.csv")
             for i in read_table(out_dir / name) or []}
    store = open_store(db_path, create=False)
    try:
        # by return id; by locality only for a folder whose answers have no return id
        by_locality = not any(a.get("return_id") for a in answers)
        stored = {r["locality"] if by_locality else r["return_id"] for r in store.returns()}
        if rids - {""} and not (rids & stored):
            raise ReportError(f"{db_path} holds none of the {len(rids - {''})} returns of {out_dir}, so its review "
                              "decisions are not this analysis's; reviews.csv is left as it was.",
                              remedy=f"Give the --db that {out_dir} was analysed into"
                                     + (f" (its manifest.json says {recorded})." if recorded else "."))
        rows = decisions_for(store, rids, items - {""})
    finally:
        store.close()
    write_csv(Path(dest or out_dir) / "reviews.csv", REVIEW_COLUMNS, rows)
    return len(rows)


def _manifest_db_path(out_dir: Path) -> Path | None:
    """The database a folder's manifest.json says it was analysed into, or None where it cannot
    say for sure: `settings.db_from_out` is the database as seen from the folder; an older
    manifest's `settings.db` counts only where it is an absolute path (a relative one was
    relative to wherever the analysis ran)."""
    import json

    try:
        settings = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))["settings"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(settings, dict):
        return None
    rel, db = settings.get("db_from_out"), settings.get("db")
    if isinstance(rel, str) and rel:
        import os

        return Path(os.path.normpath(out_dir / rel))
    return Path(db) if isinstance(db, str) and db and Path(db).is_absolute() else None


def _write_workbook(d: RunData, path: Path) -> tuple:
    """Write the workbook; return (sheets, seconds)."""
    t = time.perf_counter()
    try:
        return write_workbook(d, path), time.perf_counter() - t
    except OSError as exc:
        raise WvtextError(f"cannot write {path} ({exc.strerror or exc}).",
                          remedy="Give a path in a folder you can write to.")


def _part(path: Path) -> Path:
    """The file an output is written to before it replaces `path`."""
    return path.with_name(f".{path.name}.{os.getpid()}.part")


def _replace(part: Path, path: Path) -> None:
    try:
        os.replace(part, path)
    except OSError as exc:
        raise WvtextError(f"cannot write {path} ({exc.strerror or exc}).", remedy="Give a path in a folder you can write to.")


class _WorkbookBeside:
    """The workbook, written beside the pages (`wvtext.beside`): into a part file that replaces
    workbook.xlsx only once the pages are written too, so a run whose pages fail leaves the last
    good workbook (and no part file). The same workbook either way."""

    def __init__(self, d: RunData, path: Path):
        self.path = path
        self.part = _part(path)
        self.job = Beside(_write_workbook, d, self.part, what=f"writing {path}")

    def finish(self) -> tuple:
        try:
            got = self.job.result()
            _replace(self.part, self.path)
            return got
        finally:
            self.part.unlink(missing_ok=True)

    def abandon(self) -> None:
        self.job.abandon()
        self.part.unlink(missing_ok=True)


def _write_pages(d: RunData, out_dir: Path, title: str | None, timings: dict) -> dict[str, str]:
    """The locality pages and report.html; returns {return id: page file name}."""
    t = time.perf_counter()
    loc_dir = out_dir / LOCALITY_DIR
    taken: set[str] = set()
    pages = {rid: page_name(rid, taken) for rid in d.return_ids}
    loc_dir.mkdir(parents=True, exist_ok=True)
    for rid, name in pages.items():
        _write_text(loc_dir / name, render_locality(d, rid))
    wanted = set(pages.values())
    stage = staging_of(out_dir)
    if stage is not None:  # pages of returns no longer in this folder's analysis, taken out on commit
        stage.prune(LOCALITY_DIR, lambda name: name.endswith(".html"))
    else:
        for old in loc_dir.glob("*.html"):  # pages of returns no longer in this folder's analysis
            if old.name not in wanted:
                old.unlink()
    timings["localities"] = time.perf_counter() - t

    t = time.perf_counter()
    links = {rid: f"{LOCALITY_DIR}/{name}" for rid, name in pages.items()}
    _write_text(out_dir / "report.html", render_report(d, title=title, locality_pages=links))
    timings["report_html"] = time.perf_counter() - t
    return pages


def build_reports(out_dir: Path, *, title: str | None = None, dest: Path | None = None) -> dict:
    """Build every report from the analysis folder `out_dir`; return what was written.

    Raises ReportError (a WvtextError) when the folder has no answers.csv. Optional inputs
    (support_requests.csv, good_practice.csv, items.csv, collections.csv) may be absent: the
    reports then say "not available in this run". `dest`: the folder to write the reports and
    the manifest to, when not `out_dir` (a staging folder, `outdir.staged`; a reviews.csv there
    is read instead of the folder's). The paths returned are those of the output folder.
    """
    t0 = time.perf_counter()
    src = Path(out_dir)
    out_dir = Path(dest) if dest is not None else src
    stage = staging_of(out_dir)
    final = stage.out if stage is not None else out_dir
    xlsx_date()  # the dates the workbook and project carry: a bad SOURCE_DATE_EPOCH fails before any output
    fresh = out_dir / REVIEWS_FILE
    d = load_run(src, reviews_from=fresh if dest is not None and fresh.is_file() else None)
    timings = {"load": time.perf_counter() - t0}

    workbook = _WorkbookBeside(d, out_dir / "workbook.xlsx")
    project = _part(out_dir / "project.qdpx")
    try:
        t = time.perf_counter()
        qdpx = write_qdpx(d, project)  # first, into its part file: if it fails, no output has been replaced yet
        timings["qdpx"] = time.perf_counter() - t
        pages = _write_pages(d, out_dir, title, timings)
        _replace(project, out_dir / "project.qdpx")
    except BaseException:
        workbook.abandon()  # the workbook of a run whose pages failed does not replace the last good one
        project.unlink(missing_ok=True)
        raise

    t = time.perf_counter()
    sheets, timings["workbook"] = workbook.finish()
    timings["workbook_wait"] = time.perf_counter() - t

    t = time.perf_counter()
    write_qdc(out_dir / "themes.qdc")
    timings["qdc"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    loc_dir = final / LOCALITY_DIR
    page_files = [f"{LOCALITY_DIR}/{n}" for n in sorted(pages.values())]
    missing = _not_available(d)
    summary = {
        "files": list(REPORT_FILES), "locality_pages": page_files,
        "returns": d.n_returns, "real_returns": d.n_real, "synthetic_returns": d.n_synthetic,
        "not_available": missing, "sheets": sheets, "qdpx": qdpx,
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
    }
    manifest = dict(d.manifest) if d.manifest else {}
    outputs = list(manifest.get("outputs") or [])
    outputs = [o for o in outputs if not str(o).startswith(f"{LOCALITY_DIR}/")]
    for name in [*REPORT_FILES, *page_files, "manifest.json"]:
        if name not in outputs:
            outputs.append(name)
    manifest["outputs"] = outputs
    manifest["report"] = summary
    manifest.setdefault("timings_s", {})["report"] = round(timings["total"], 4)
    write_json(out_dir / "manifest.json", manifest)
    return {"out_dir": str(final), "report": str(final / "report.html"), "workbook": str(final / "workbook.xlsx"),
            "qdc": str(final / "themes.qdc"), "qdpx": str(final / "project.qdpx"), "localities": {rid: str(loc_dir / n) for rid, n in pages.items()},
            **summary, "review_warnings": d.review_warnings, "seconds": round(timings["total"], 3)}
