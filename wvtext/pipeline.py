"""`analyse`: read inputs into the store, run the analysis stages, write the outputs.

Stages that later issues add (themes, divergence, requests, clustering, reports)
plug in here; this module owns the order and the run record, not the analysis.
"""
from __future__ import annotations

import hashlib
import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .beside import Beside, parallel
from .codebook import load_codebook
from .provenance import code_version, libraries, rule_files, stored_sources
from .errors import IngestError, Interrupted, WvtextError
from .export import check_out_dir, write_csv, write_json
from .gcpolicy import bulk_allocations
from .ingest import read_input
from .localities import abbreviations_path, load_localities
from .schema import (ANSWERS_COLUMNS, ANSWERS_EXTRA, EVIDENCE_COLUMNS, GOOD_PRACTICE_COLUMNS, ITEM_THEMES_COLUMNS,
                     PROBLEMS_COLUMNS, RETURNS_COLUMNS, RETURNS_EXTRA, REVIEW_COLUMNS, SUPPORT_REQUEST_COLUMNS)
from .store import open_store
from .themes.lexicon import THEMES

__all__ = ["IngestSummary", "ingest_files", "run_text_stages", "run_out_of_step", "run_collections",
           "analyse", "held_besides",
           "default_inputs", "item_text"]

SEED = 13  # every stochastic stage is seeded from this (collections; the across-returns model's solver)

Progress = Callable[[str, int, int], None]


@dataclass
class IngestSummary:
    files: list[dict] = field(default_factory=list)  # one dict per input file
    errors: list[str] = field(default_factory=list)  # one line per unreadable file
    return_ids: list[str] = field(default_factory=list)
    item_ids: list[str] = field(default_factory=list)
    problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def default_inputs() -> list[Path]:
    """The shipped corpus: the real returns in corpus/returns, the SYNTHETIC national corpus in
    corpus/synthetic (its label tables left out), and the good-practice items in corpus/items."""
    from .paths import corpus_dir

    root = corpus_dir()
    synthetic = [p for p in sorted((root / "synthetic").glob("SYNTHETIC_*"))
                 if p.suffix in (".csv", ".xlsx", ".txt") and not p.name.startswith(("SYNTHETIC_labels", "SYNTHETIC_returns"))]
    files = sorted((root / "returns").glob("*")) + synthetic + sorted((root / "items").glob("*.csv"))
    return [_shown(p) for p in files if p.is_file() and not p.name.startswith((".", "README"))]


def held_besides(db_path: Path, shipped: Sequence[Path]) -> dict | None:
    """What the database at `db_path` holds read from files other than `shipped` (the shipped
    corpus, `default_inputs()`): {"returns": n, "items": n, "example": a file} or None when it
    holds nothing else (or is no wvtext database yet: opening it says what is wrong). A stored
    file is a shipped one where it is the same path or has the same content (sha256). Read only:
    nothing is stored or migrated."""
    import sqlite3

    path = Path(db_path)
    if str(db_path) == ":memory:" or not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"returns", "items", "_wvtext_migrations"} <= tables:
                return None
            returns = conn.execute("SELECT source_file, source_sha256, COUNT(*) FROM returns "
                                   "GROUP BY source_file, source_sha256").fetchall()
            items = conn.execute("SELECT source_file, source_sha256, COUNT(*) FROM items WHERE origin = 'file' "
                                 "GROUP BY source_file, source_sha256").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    places = {Path(p).resolve() for p in shipped}
    hashes: set[str] | None = None
    held = {"returns": 0, "items": 0, "example": ""}
    for kind, rows in (("returns", returns), ("items", items)):
        for source, sha, n in rows:
            if source and Path(source).resolve() in places:
                continue
            if hashes is None:
                hashes = {_sha_file(p) for p in shipped if Path(p).is_file()}
            if sha and sha in hashes:
                continue
            held[kind] += n
            held["example"] = held["example"] or (source or "(a file of unknown name)")
    return held if held["returns"] or held["items"] else None


def _relative_to(path: Path, folder: Path) -> str:
    """`path` as seen from `folder` (so a folder's manifest finds its database wherever it is
    read from, and names no machine's absolute path)."""
    import os

    try:
        return os.path.relpath(Path(path).resolve(), Path(folder).resolve())
    except ValueError:  # another drive
        return str(Path(path).resolve())


def _shown(path: Path) -> Path:
    """The path relative to the working folder where it lies below it (outputs stay machine-neutral)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def ingest_files(paths: Sequence[Path], store, *, run_id: str | None = None,
                 progress: Progress | None = None, summary: IngestSummary | None = None) -> IngestSummary:
    """Read each file and store it in its own transaction; unreadable files are reported, not stored.
    `summary`, when given, is filled in as the files are read (so that a caller interrupted half-way
    knows which files were stored: those whose entry says "ok")."""
    codebook, localities = load_codebook(), load_localities()
    summary = IngestSummary() if summary is None else summary
    read_from: dict[str, str] = {}  # return id -> the file of this run it was read from
    items_from: dict[str, str] = {}  # item id -> the file of this run it was read from
    answers_of: dict[tuple[str, str], int] = {}  # (file, locality) -> answers read
    for n, path in enumerate(paths, start=1):
        if progress:
            progress(f"reading {Path(path).name}", n, len(paths))
        try:
            got = read_input(path, codebook=codebook, localities=localities)
        except IngestError as exc:
            summary.errors.append(str(exc))
            summary.files.append({"path": str(path), "status": "error", "error": str(exc)})
            continue
        clash = _item_clash(got, store, items_from)
        if clash:
            summary.errors.append(clash)
            summary.files.append({"path": str(path), "status": "error", "error": clash})
            continue
        items_from.update((i["item_id"], got.path) for i in got.items)
        replaced = _warn_replaced(got, store, read_from)
        store.save_input(got, run_id=run_id)
        for r, earlier in replaced:  # a return this file replaces is no longer the earlier file's
            entry = next((f for f in summary.files if f["path"] == earlier), None)
            if entry is not None and r.locality in entry["returns"]:
                entry["returns"].remove(r.locality)
                entry["answers"] -= answers_of.pop((entry["path"], r.locality), 0)
                entry.setdefault("replaced", []).append(f"{r.locality} by {got.path}")
        answers_of.update(((str(path), r.locality), len(r.answers)) for r in got.returns)
        summary.errors.extend(got.refused)  # a locality of the table not read: the run is not a success
        probs = got.all_problems
        summary.problems += len(probs)
        summary.return_ids.extend(r.return_id for r in got.returns)
        summary.item_ids.extend(i["item_id"] for i in got.items)
        summary.files.append({
            "path": str(path), "status": "ok", "format": got.format, "sha256": got.sha256,
            "returns": [r.locality for r in got.returns], "answers": sum(len(r.answers) for r in got.returns),
            "items": len(got.items), "problems": len(probs),
        })
    return summary


def _item_clash(got, store, items_from: dict[str, str]) -> str:
    """Why a file's items cannot be stored ("" when they can): an item id that another file gives,
    earlier in this run or stored before it. Curators number each file's items 1, 2, ...; storing
    them would replace the other file's items with a different practice under the same id.
    Reading the same file again (a new version under the same name, or the same content by another
    path) replaces its items."""
    here = Path(got.path).resolve()
    ids = [i["item_id"] for i in got.items]
    others = [(i, items_from[i]) for i in ids if i in items_from and Path(items_from[i]).resolve() != here]
    if not others and ids:
        others = [(i["item_id"], i["source_file"]) for i in store.items(ids)
                  if i.get("origin") == "file" and i["source_file"] and Path(i["source_file"]).resolve() != here
                  and i["source_sha256"] != got.sha256]  # the same file by another path is no clash
    if not others:
        return ""
    (first, other), more = others[0], len(others) - 1
    when = "in this run" if first in items_from else "stored in the database"
    return (f"{got.path}: item_id {first!r}{f' (and {more} more)' if more else ''} is also an item of {other} "
            f"({when}); item ids must be unique across files, so nothing of this file was stored. Give this file's "
            f"items ids of their own (e.g. prefixed with its area: 'area-{first}'); if it is a new version of "
            f"{other}, give it that file's name.")


def _warn_replaced(got, store, read_from: dict[str, str]) -> list[tuple]:
    """A return replaces the stored one of its locality (importing it again updates it); say so
    when that one came from another file, earlier in this run (W120) or before it (W121), since a
    misread locality would otherwise replace another area's return without a word. Returns the
    (return, earlier file) pairs of the W120 case."""
    from .errors import Problem

    stored = {r["return_id"]: r for r in store.returns([r.return_id for r in got.returns])}
    in_run = []
    for r in got.returns:
        earlier = read_from.get(r.return_id)
        if earlier is not None and earlier != got.path:
            in_run.append((r, earlier))
            r.problems.append(Problem("W120", got.path, None, "", "locality",
                                      f"{r.locality} was also read from {earlier} in this run; this file's return "
                                      f"replaces it. Check the locality of each file (its title or file name)."))
        elif earlier is None and r.return_id in stored and stored[r.return_id]["source_file"] \
                and Path(stored[r.return_id]["source_file"]).resolve() != Path(got.path).resolve() \
                and stored[r.return_id]["source_sha256"] != got.sha256:  # the same file by another path is no news
            had = len(store.answers([r.return_id]))
            fewer = (f" It has {len(r.answers)} answer(s) where the stored return had {had}: check that this "
                     f"file holds the whole return." if len(r.answers) < had else "")
            r.problems.append(Problem("W121", got.path, None, "", "locality",
                                      f"replaces the return of {r.locality} stored from "
                                      f"{stored[r.return_id]['source_file']}.{fewer} If this file is another area's "
                                      f"return, give its locality in the title, the file name or a locality column."))
        read_from[r.return_id] = got.path
    return in_run


def item_text(item: dict) -> str:
    """The text an item is analysed on; evidence offsets refer to it."""
    title, desc = (item.get("title") or "").strip(), (item.get("description") or "").strip()
    return f"{title}. {desc}" if title and desc else title or desc


def question_text(codebook, qid: str) -> str | None:
    """The wording of question `qid`, which the learned theme decision reads beside its answers;
    None (read as an item) for an unknown qid and for the categorical questions (1.2 partners, 6.10
    obstacles), whose wording lists bodies and obstacles rather than asking about a theme and which
    no training narrative answers. `wvtext train` reads questions through this too."""
    q = codebook.get(qid)
    return q.text if q is not None and not q.is_categorical else None


_SPLIT_FROM = 2000  # texts: below this a second process costs more than it saves


@dataclass
class _Read:
    """What reading a run of texts gives, in the texts' order."""
    themes: list = field(default_factory=list)
    stances: dict = field(default_factory=dict)  # return id -> {qid: Stance}, in reading order
    requests: list = field(default_factory=list)
    practice: list = field(default_factory=list)
    gp_items: list = field(default_factory=list)
    across_entries: list = field(default_factory=list)
    across_evidence: dict = field(default_factory=dict)
    words: int = 0

    def extend(self, later: "_Read") -> None:
        self.words += later.words
        self.themes += later.themes
        for rid, per_q in later.stances.items():
            self.stances.setdefault(rid, {}).update(per_q)
        self.requests += later.requests
        self.practice += later.practice
        self.gp_items += later.gp_items
        self.across_entries += later.across_entries
        self.across_evidence.update(later.across_evidence)


@bulk_allocations()  # millions of small objects held until stored: collect less often (gcpolicy.py)
def _read_texts(tools, answers: list[dict], items: list[dict], abbreviations: dict[str, dict[str, str]], *,
                progress: Progress | None = None, total: int | None = None) -> _Read:
    """Parse the answers' narratives and then the items once each and run the text stages on each
    parse (themes, narrative class, support requests, good practice)."""
    from .practice import practice_title
    from .themes.pipeline import themes_string, with_questions

    nlp, reader, practice_reader, codebook, across = tools
    texts = [a["narrative"] for a in answers] + [item_text(i) for i in items]
    questions = [question_text(codebook, a["qid"]) for a in answers] + [None] * len(items)
    # The abbreviations each return defines, read at their uses in its other answers ("the ICB").
    shared = [abbreviations.get(a["return_id"]) for a in answers] + [None] * len(items)
    got = _Read(words=sum(len(t.split()) for t in texts))
    theme_results, stances, requests, practice = got.themes, got.stances, got.requests, got.practice
    gp_items, across_entries, across_evidence = got.gp_items, got.across_entries, got.across_evidence
    total = total or len(texts)
    for n, doc in enumerate(nlp.pipe(with_questions(nlp, texts, questions, shared), batch_size=512)):
        scores = doc._.wv_themes or {}
        theme_results.append(scores)
        if n < len(answers):
            a = answers[n]
            q = codebook.get(a["qid"])
            st = stances.setdefault(a["return_id"], {})[a["qid"]] = reader.read(doc, q)
            if across and not st.xref_only:
                entry = _across_entry(reader, a, doc, q, evidence=across_evidence)
                if entry is not None:
                    across_entries.append(entry)
            found = practice_reader.requests(doc)
            answer_themes = themes_string(scores)
            sent_ends = [sent.end_char for sent in doc.sents]
            for r in found:
                inside = [t for t, sc in scores.items()
                          if any(r.start_char <= m.start_char < r.end_char for m in sc.mentions)]
                if not inside:
                    # "We would welcome support in two areas." - the areas follow in the next sentence.
                    nxt = next((e for e in sent_ends if e > r.end_char), r.end_char)
                    inside = [t for t, sc in scores.items()
                              if any(r.start_char <= m.start_char < nxt for m in sc.mentions)]
                requests.append({"return_id": a["return_id"], "qid": a["qid"], "sentence": r.sentence,
                                 "start_char": r.start_char, "end_char": r.end_char,
                                 "themes": ";".join(t for t in THEMES if t in inside) or answer_themes,
                                 "cues": ";".join(r.cues)})
            p = practice_reader.practice(doc, found)
            if stances[a["return_id"]][a["qid"]].text_class in ("yes", "partial"):
                question = codebook.get(a["qid"])
                p = practice_reader.solicited(doc, question.text if question else "", p, found)
            elif p.is_candidate:
                # Practice to share presupposes that it exists: not "Not currently, ..." or plans.
                p = type(p)(p.score, False, p.evidence, p.cues)
            practice.append({"return_id": a["return_id"], "qid": a["qid"], "score": p.score,
                             "is_candidate": int(p.is_candidate), "evidence": p.evidence, "cues": ";".join(p.cues)})
            if p.is_candidate:
                gp_items.append({"item_id": f"gp-{a['return_id']}-{a['qid']}",
                                 "title": practice_title(p.evidence, answer_themes.split(";") if answer_themes else [],
                                                         a["locality"], a["qid"]),
                                 "description": a["narrative"], "source": f"{a['source_file']} question {a['qid']}",
                                 "locality": a["locality"], "region": a["region"] or "",
                                 "return_id": a["return_id"], "qid": a["qid"]})
        if progress and ((n + 1) % 500 == 0 or n + 1 == len(texts)):
            progress("reading narratives", n + 1, total)
    return got


@bulk_allocations()
def run_text_stages(store, return_ids: list[str], item_ids: list[str], *, lexicon_path: str | None = None,
                    learned: str = "themes", across: bool = False, progress: Progress | None = None) -> dict:
    """Parse every narrative and item once and run the text stages on the parse: themes with
    evidence (answers and items), the narrative's class and the code/narrative divergence
    (answers). `learned` says which learned layers of models/learned/ decide beside the rules:
    "themes" (the default), "all" (themes and the narrative class) or "none". `across`: blend
    the narrative class of this run's answers with out-of-fold models of the codes of every
    return in the store (`across.py`; nothing happens with fewer than `across.MIN_RETURNS`). Store the
    results; return counts (with "across": what the cross-return model did, when asked)."""
    _check_learned(learned)
    from .divergence import score_divergence
    from .stance import StanceReader, resolve_references
    from .practice import PracticeReader
    from .themes.pipeline import _default_nlp

    codebook = load_codebook()
    nlp = _default_nlp(lexicon_path, learned != "none")
    reader = _reader(StanceReader, nlp, learned=learned == "all")
    practice_reader = _reader(PracticeReader, nlp)
    answers = store.answers(return_ids) if return_ids else []
    items = store.items(item_ids) if item_ids else []
    tools = (nlp, reader, practice_reader, codebook, across)
    abbreviations = _abbreviations_by_return(answers)
    n_texts = len(answers) + len(items)
    split = not (across or n_texts < _SPLIT_FROM or not parallel())
    if not split:
        got = _read_texts(tools, answers, items, abbreviations, progress=progress)
    else:
        # Two halves of the text, one in a forked child: each text is read on its own, so the
        # results, put back in order, are those of one pass (tests/test_cli.py checks this).
        half = len(answers) // 2 if len(answers) >= len(items) else len(answers)
        other = Beside(_read_texts, tools, answers[half:], items, abbreviations, what="reading the narratives")
        try:
            got = _read_texts(tools, answers[:half], [], abbreviations, progress=progress, total=n_texts)
        except BaseException:
            other.abandon()
            raise
        got.extend(other.result())
        if progress:
            progress("reading narratives", n_texts, n_texts)  # the other half, read beside
    stances = got.stances
    store.save_themes([(a["return_id"], a["qid"], s) for a, s in zip(answers, got.themes)],
                      [(i["item_id"], s) for i, s in zip(items, got.themes[len(answers):])])
    across_summary = (_learn_across(store, return_ids, stances, got.across_entries, got.across_evidence, nlp, reader,
                                    codebook, progress) if across else None)
    rows = []
    by_key = {(a["return_id"], a["qid"]): a for a in answers}
    for rid, per_q in stances.items():
        for qid, st in resolve_references(per_q, codebook).items():
            a, q = by_key[(rid, qid)], codebook.get(qid)
            codes = [int(c) for c in a["codes"].split(";") if c]
            d = score_divergence(q, codes=codes, code_valid=bool(a["code_valid"]), code_class=a["code_class"],
                                 narrative=a["narrative"], stance=st)
            rows.append({"return_id": rid, "qid": qid, "text_class": st.text_class, "text_confidence": st.confidence,
                         "evidence": d.evidence if d.divergent else st.evidence, "xref": st.xref,
                         "resolved_from": st.resolved_from, "partners": ";".join(map(str, st.partners)),
                         "obstacles": ";".join(map(str, st.obstacles)), "hedged": int(st.hedged),
                         "divergent": int(d.divergent), "divergence_score": d.score, "divergence_type": d.type})
    store.save_answer_analysis(rows)
    store.save_practice([(a["return_id"], a["qid"]) for a in answers], got.requests, got.practice, got.gp_items)
    if got.gp_items:
        # Items drawn from answers get their themes too (the answer's own, already found).
        by_key = {(a["return_id"], a["qid"]): s for a, s in zip(answers, got.themes)}
        store.save_themes([], [(i["item_id"], by_key[(i["return_id"], i["qid"])]) for i in got.gp_items])
    return {"texts": n_texts, "words": got.words, "support_requests": len(got.requests),
            "good_practice": len(got.gp_items), "across": across_summary, "processes": 2 if split else 1}


def _abbreviations_by_return(answers: list[dict]) -> dict[str, dict[str, str]]:
    """{return_id: {abbreviation: long form}}: the local abbreviations each return defines in any
    of its answers (`themes.acronyms`), read at their uses in the others."""
    from .themes.acronyms import return_definitions

    narratives: dict[str, list[str]] = {}
    for a in answers:
        narratives.setdefault(a["return_id"], []).append(a["narrative"] or "")
    return {rid: found for rid, texts in narratives.items() if (found := return_definitions(texts))}


def _across_entry(reader, a: dict, doc, q, *, evidence: dict | None = None):
    """An answer as the cross-return model sees it, or None where the rules decide alone; with
    `evidence`, also keep there the sentence for each class it could be re-classed to."""
    from .across import AcrossEntry
    from .learned import doc_bow

    if q is None:
        return None
    if evidence is None:
        dense = reader.rule_features(doc, q)
    else:
        got = reader.features_and_evidence(doc, q)
        dense = got[0] if got else None
        if got:
            evidence[(a["return_id"], a["qid"])] = got[1]
    if dense is None:
        return None
    return AcrossEntry((a["return_id"], a["qid"]), a["return_id"], a["qid"],
                       a["code_class"] if a["code_valid"] else "", set(doc_bow(doc)), dense)


def _learn_across(store, return_ids, stances, entries, evidence, nlp, reader, codebook, progress) -> dict:
    """Fit the out-of-fold models of the codes (`across.py`) on every return in the store and
    blend their predictions into this run's narrative classes (`stances`, changed in place).
    Returns what was done, for the manifest."""
    from .across import blend_class, fit_across_returns
    from .stance import Stance
    from .themes.pipeline import with_questions

    # The returns already in the store teach the model too (their own classes stay as stored).
    in_run = set(return_ids)
    earlier = [a for a in store.answers() if a["return_id"] not in in_run and (a["narrative"] or "").strip()]
    docs = with_questions(nlp, (a["narrative"] for a in earlier), (question_text(codebook, a["qid"]) for a in earlier))
    for a, doc in zip(earlier, nlp.pipe(docs, batch_size=512)):
        entry = _across_entry(reader, a, doc, codebook.get(a["qid"]))
        if entry is not None:
            entries.append(entry)
    result = fit_across_returns(entries, seed=SEED, progress=progress)
    summary = result.summary() | {"reclassed": 0}
    for (rid, qid), probs in result.probs.items():
        if rid not in in_run:
            continue
        st = stances[rid][qid]
        cls, conf = blend_class(st.text_class, st.confidence, probs)
        if cls != st.text_class:
            summary["reclassed"] += 1
            stances[rid][qid] = Stance(cls, conf, evidence[(rid, qid)].get(cls) or st.evidence, st.scores, st.xref,
                                       hedged=st.hedged, rule_class=st.rule_class or st.text_class, account=st.account)
    return summary


_READERS: dict = {}


def _reader(cls, nlp, **kw):
    """One reader of each kind (and settings) per pipeline: their matchers are built once."""
    key = (cls.__name__, id(nlp), tuple(sorted(kw.items())))
    if key not in _READERS:
        _READERS[key] = cls(nlp, **kw)
    return _READERS[key]


def run_out_of_step(store) -> None:
    """Score every return in the store against its region and the nation (scores are relative)."""
    from .divergence import score_out_of_step

    by_return: dict[str, dict] = {}
    for a in store.answer_analysis():
        r = by_return.setdefault(a["return_id"], {"return_id": a["return_id"], "region": a["region"], "answers": []})
        r["answers"].append(a)
    rows = [{"return_id": o.return_id, "divergent": o.divergent, "divergence_rate": o.divergence_rate,
             "overstated": o.overstated, "profile_distance": o.profile_distance, "optimism": o.optimism,
             "out_of_step_score": o.score, "out_of_step": int(o.flagged), "drivers": "; ".join(o.drivers)}
            for o in score_out_of_step(list(by_return.values()))]
    store.save_return_scores(rows)


def _themes_by_answer(store, return_ids: list[str]) -> dict[tuple[str, str], str]:
    from .themes.lexicon import THEMES

    order = {t: i for i, t in enumerate(THEMES)}
    found: dict[tuple[str, str], list[str]] = {}
    for r in store.answer_themes(return_ids) if return_ids else []:
        if r["carried"]:
            found.setdefault((r["return_id"], r["qid"]), []).append(r["theme"])
    return {k: ";".join(sorted(v, key=order.get)) for k, v in found.items()}


def _evidence_rows(store, return_ids: list[str], item_ids: list[str]) -> list[dict]:
    answers = {(a["return_id"], a["qid"]): a for a in store.answers(return_ids)} if return_ids else {}
    items = {i["item_id"]: i for i in store.items(item_ids)} if item_ids else {}
    conf = {(r["return_id"], r["qid"], r["theme"]): r for r in store.answer_themes(return_ids)} if return_ids else {}
    iconf = {(r["item_id"], r["theme"]): r for r in store.item_themes(item_ids)} if item_ids else {}
    rows = []
    for m in store.theme_mentions(return_ids=return_ids, item_ids=item_ids):
        if m["item_id"]:
            text, t = item_text(items[m["item_id"]]), iconf[(m["item_id"], m["theme"])]
            head = {"object": "item", "locality": items[m["item_id"]]["locality"], "return_id": "", "qid": "",
                    "item_id": m["item_id"]}
        else:
            a = answers[(m["return_id"], m["qid"])]
            text, t = a["narrative"], conf[(m["return_id"], m["qid"], m["theme"])]
            head = {"object": "answer", "locality": a["locality"], "return_id": m["return_id"], "qid": m["qid"],
                    "item_id": ""}
        rows.append(head | {
            "theme": m["theme"], "confidence": t["confidence"], "carried": t["carried"], "theme_negated": t["negated"],
            "term": m["term"], "matched": text[m["start_char"]:m["end_char"]], "start_char": m["start_char"],
            "end_char": m["end_char"], "negated": m["negated"], "hedged": m["hedged"], "in_list": m["in_list"],
            "frame": m["frame"],
            "sentence": text[m["sent_start"]:m["sent_end"]],
        })
    rows.sort(key=lambda r: (r["object"], r["locality"] or "", r["return_id"], r["qid"], r["item_id"], r["start_char"]))
    return rows


def _item_rows(store, item_ids: list[str]) -> list[dict]:
    from .themes.lexicon import THEMES

    order = {t: i for i, t in enumerate(THEMES)}
    by_item: dict[str, list[dict]] = {}
    for r in store.item_themes(item_ids) if item_ids else []:
        by_item.setdefault(r["item_id"], []).append(r)
    rows = []
    for i in store.items(item_ids) if item_ids else []:
        found = sorted((r for r in by_item.get(i["item_id"], []) if r["carried"]), key=lambda r: order[r["theme"]])
        rows.append({"item_id": i["item_id"], "title": i["title"], "locality": i["locality"], "region": i["region"],
                     "source": i["source"], "kind": i["kind"] or "", "themes": ";".join(r["theme"] for r in found),
                     "theme_confidences": ";".join(f"{r['confidence']:.2f}" for r in found),
                     "description": i["description"], "synthetic": i["synthetic"]})
    return rows


def run_collections(store, item_ids: list[str], return_ids: list[str], out_dir: Path, *, run_id: str | None = None,
                    progress: Progress | None = None, inputs: Sequence[Path] = ()) -> dict:
    """Merge near-duplicates and group the run's items (from files, and good practice drawn
    from its answers) into collections; store them and write items.csv, collections.csv,
    collections.json and collections/*.html. Returns counts."""
    from .cluster import cluster_items, write_outputs

    items = store.items(item_ids) if item_ids else []
    items += store.answer_items(return_ids) if return_ids else []
    if not items:
        _remove_collections(out_dir, inputs)  # an earlier run's items are not this run's
        return {"items": 0, "collections": 0, "duplicate_groups": 0}
    themes_by = {}
    for r in store.item_themes([i["item_id"] for i in items]):
        if r["carried"] and not r["negated"]:  # a theme the item only denies groups nothing
            themes_by.setdefault(r["item_id"], []).append(r["theme"])
    result = cluster_items(items, themes=[themes_by.get(i["item_id"], []) for i in items], random_state=SEED,
                           progress=progress)
    write_outputs(result, out_dir)
    store.save_collections(result.collections, result.items, run_id=run_id)
    return {"items": len(items), "collections": len(result.collections),
            "duplicate_groups": len(result.duplicates.groups)}


def _remove_collections(out_dir: Path, inputs: Sequence[Path] = ()) -> None:
    """Take an earlier run's items, collections and collection pages out of `out_dir`, so that a run
    with no good-practice items shows none (the reports then say "not available in this run").
    Only files the folder's manifest lists that begin as wvtext writes them (the pages only with
    the collections.json they belong to), and never one of this run's inputs. Where `out_dir` is a
    staging folder (`outdir.staged`), the files are those of its output folder, taken out when the
    run's outputs are moved into place."""
    from .outdir import staging_of

    stage = staging_of(out_dir)
    out_dir = stage.out if stage is not None else Path(out_dir)
    try:
        written = set(json.loads((out_dir / "manifest.json").read_text(encoding="utf-8")).get("outputs") or [])
    except (OSError, ValueError, AttributeError):
        return  # no manifest of an earlier run: nothing here is known to be wvtext's
    from .cluster import COLLECTIONS_COLUMNS, ITEMS_COLUMNS, is_collection_page

    given = {Path(p).resolve() for p in inputs}
    heads = {"items.csv": ",".join(ITEMS_COLUMNS), "collections.csv": ",".join(COLLECTIONS_COLUMNS),
             "collections.json": '{\n  "collections": ['}
    ours = set()
    for name, head in heads.items():
        path = out_dir / name
        try:
            with open(path, encoding="utf-8") as fh:
                mine = fh.read(len(head) + 2).lstrip("\ufeff").startswith(head)  # what wvtext writes first
        except (OSError, UnicodeDecodeError):
            continue
        if mine and name in written and path.resolve() not in given:
            if stage is not None:
                stage.delete(name)
            else:
                path.unlink()
            ours.add(name)
    pages = out_dir / "collections"
    if "collections.json" in ours and pages.is_dir():
        if stage is not None:
            stage.prune("collections", lambda n: is_collection_page(n) and (pages / n).resolve() not in given)
            return
        for page in pages.glob("*.html"):
            if is_collection_page(page.name) and page.resolve() not in given:
                page.unlink()
        if not any(pages.iterdir()):
            pages.rmdir()


def _write_practice(store, return_ids: list[str], out_dir: Path) -> None:
    """support_requests.csv, support_requests_summary.csv (by theme and by question, like the
    national report's table) and good_practice.csv."""
    reqs = store.support_requests(return_ids) if return_ids else []
    write_csv(out_dir / "support_requests.csv", SUPPORT_REQUEST_COLUMNS, reqs)
    summary: dict[tuple[str, str], set[str]] = {}
    counts: dict[tuple[str, str], int] = {}
    for r in reqs:
        for dim, key in [("theme", t) for t in r["themes"].split(";") if t] + [("question", r["qid"])]:
            summary.setdefault((dim, key), set()).add(r["return_id"])
            counts[(dim, key)] = counts.get((dim, key), 0) + 1
    order = {t: i for i, t in enumerate(THEMES)}
    qorder = {q: i for i, q in enumerate(load_codebook().qids)}
    rows = [{"dimension": d, "key": k, "requests": counts[(d, k)], "returns": len(v)} for (d, k), v in summary.items()]
    rows.sort(key=lambda r: (r["dimension"] != "theme", -r["requests"],
                             order.get(r["key"], 99) if r["dimension"] == "theme" else qorder.get(r["key"], 999)))
    write_csv(out_dir / "support_requests_summary.csv", ("dimension", "key", "requests", "returns"), rows)
    gp = {(g["return_id"], g["qid"]): g for g in store.good_practice(return_ids)} if return_ids else {}
    themes = {(r["item_id"]): r for r in _item_rows(store, [i["item_id"] for i in store.answer_items(return_ids)])} \
        if return_ids else {}
    rows = []
    for i in store.answer_items(return_ids) if return_ids else []:
        g = gp[(i["return_id"], i["qid"])]
        rows.append({"item_id": i["item_id"], "locality": i["locality"], "region": i["region"],
                     "return_id": i["return_id"], "qid": i["qid"], "title": i["title"],
                     "themes": themes.get(i["item_id"], {}).get("themes", ""), "score": g["score"],
                     "evidence": g["evidence"], "text": i["description"], "synthetic": i["synthetic"]})
    write_csv(out_dir / "good_practice.csv", GOOD_PRACTICE_COLUMNS, rows)


def _answer_rows(store, return_ids: list[str]) -> list[dict]:
    codebook = load_codebook()
    order = {q: i for i, q in enumerate(codebook.qids)}
    themes = _themes_by_answer(store, return_ids)
    analysis = {(r["return_id"], r["qid"]): r for r in store.answer_analysis(return_ids)} if return_ids else {}
    requested = {(r["return_id"], r["qid"]) for r in store.support_requests(return_ids)} if return_ids else set()
    practice = {(r["return_id"], r["qid"]): r for r in store.good_practice(return_ids)} if return_ids else {}
    rows = []
    for a in store.answers(return_ids):
        q = codebook.get(a["qid"])
        an = analysis.get((a["return_id"], a["qid"]), {})
        rows.append({
            "locality": a["locality"], "qid": a["qid"], "code": a["code_raw"], "narrative": a["narrative"],
            "code_valid": a["code_valid"], "code_class": a["code_class"],
            "themes": themes.get((a["return_id"], a["qid"]), ""),
            "text_class": an.get("text_class", ""), "divergent": an.get("divergent", ""),
            "divergence_score": an.get("divergence_score", ""), "divergence_type": an.get("divergence_type", ""),
            "evidence": an.get("evidence", ""), "text_confidence": an.get("text_confidence", ""),
            "resolved_from": an.get("resolved_from", ""),
            "support_request": int((a["return_id"], a["qid"]) in requested) if an else "",
            "good_practice": practice[(a["return_id"], a["qid"])]["is_candidate"] if (a["return_id"], a["qid"]) in practice else "",
            "good_practice_score": practice[(a["return_id"], a["qid"])]["score"] if (a["return_id"], a["qid"]) in practice else "",
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
    scores = store.return_scores()
    rows = []
    for r in store.returns(return_ids):
        ans = by_return.get(r["return_id"], [])
        sc = scores.get(r["return_id"], {})
        rows.append({
            "locality": r["locality"], "region": r["region"] or "", "answers": len(ans),
            "divergent": sc.get("divergent", ""), "divergence_rate": sc.get("divergence_rate", ""),
            "out_of_step_score": sc.get("out_of_step_score", ""), "out_of_step": sc.get("out_of_step", ""),
            "overstated_answers": sc.get("overstated", ""), "profile_distance": sc.get("profile_distance", ""),
            "out_of_step_drivers": sc.get("drivers", ""),
            "return_id": r["return_id"], "synthetic": r["synthetic"], "source_file": r["source_file"],
            "source_format": r["source_format"],
            "invalid_codes": sum(1 for a in ans if not a["code_valid"]),
            "blank_codes": sum(1 for a in ans if not a["code"]),
            "problems": counts.get(r["return_id"], 0),
        })
    rows.sort(key=lambda r: r["locality"])
    return rows


def analyse(inputs: Sequence[Path], out_dir: Path, *, db_path: Path, lexicon_path: str | None = None,
            learned: str = "themes", across: bool = False, whole_store: bool = False,
            progress: Progress | None = None) -> dict:
    """Run the whole job and return the run manifest (also written to OUT/manifest.json). With
    `whole_store`, every return and item file stored in the database is analysed and reported, not
    only those read in this run (a late return added to a national analysis).

    The outputs are written into a staging folder inside OUT and moved into OUT only once all are
    written (`outdir.staged`): a run that fails or is interrupted leaves OUT as it was. Its record
    in the runs table ends as "ok", "partial" (an input could not be read), "failed" or
    "interrupted" (errors.Interrupted, or Ctrl-C). While another process's run holds OUT
    (`outdir.claimed`), this one stops before it reads or stores anything."""
    from .outdir import claimed

    _check_learned(learned)  # before anything is stored
    check_out_dir(out_dir)
    with claimed(out_dir):  # no other run writes into OUT meanwhile; one that is makes this stop here
        return _analyse(inputs, out_dir, db_path, lexicon_path=lexicon_path, learned=learned, across=across,
                        whole_store=whole_store, progress=progress)


def _analyse(inputs, out_dir, db_path, *, lexicon_path, learned, across, whole_store, progress) -> dict:
    from .interrupt import deferred
    from .outdir import staged

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    codebook = load_codebook()
    store = open_store(db_path, create=bool(inputs) or not whole_store)
    from .themes.lexicon import load_lexicon

    lexicon = load_lexicon(lexicon_path)
    settings = {"seed": SEED, "db": str(db_path), "db_from_out": _relative_to(db_path, out_dir), "out": str(out_dir),
                "lexicon": lexicon_path or "default",
                "learned": learned, "across_returns": across, "whole_store": whole_store,
                "processes": {"reading narratives": None, "writing the workbook": 2 if parallel() else 1}}
    out_dir = Path(out_dir)
    had_outputs = (out_dir / "manifest.json").is_file()  # an earlier run's outputs
    ing = IngestSummary()
    phase = "reading"  # then "analysing", then "finished" once the outputs are in place and the run recorded
    try:
        run_id = store.start_run("analyse", settings=settings, wvtext_version=__version__,
                                 codebook_version=codebook.version)
    except BaseException:
        store.close()
        raise
    try:
        t = time.perf_counter()
        ingest_files(inputs, store, run_id=run_id, progress=progress, summary=ing)
        phase = "analysing"
        timings["ingest"] = time.perf_counter() - t
        return_ids = list(dict.fromkeys(ing.return_ids))
        item_ids = list(dict.fromkeys(ing.item_ids))
        if whole_store:
            read_r, read_i = set(return_ids), set(item_ids)
            return_ids += [r["return_id"] for r in store.returns() if r["return_id"] not in read_r]
            item_ids += [i["item_id"] for i in store.items() if i["origin"] == "file" and i["item_id"] not in read_i]
        if not return_ids and not item_ids and not inputs:
            raise WvtextError(f"{db_path} holds no returns or items, so nothing was analysed.",
                              remedy="Give the returns to analyse, or the --db that holds them.")
        if not return_ids and not item_ids:
            # Nothing to analyse: the outputs of an earlier run in out_dir stay as they were.
            raise WvtextError(f"none of the {len(inputs)} input(s) could be read, so nothing was analysed and "
                              f"{out_dir} was left as it was:\n  " + "\n  ".join(ing.errors or ["(no returns or items)"]))

        t = time.perf_counter()
        theme_counts = run_text_stages(store, return_ids, item_ids, lexicon_path=lexicon_path, learned=learned,
                                       across=across, progress=progress)
        timings["text_stages"] = time.perf_counter() - t
        settings["processes"]["reading narratives"] = theme_counts["processes"]  # as it turned out
        t = time.perf_counter()
        run_out_of_step(store)
        timings["out_of_step"] = time.perf_counter() - t

        with staged(out_dir) as stage:
            manifest = _write_outputs(store, stage, run_id=run_id, ing=ing, inputs=inputs, return_ids=return_ids,
                                      item_ids=item_ids, theme_counts=theme_counts, timings=timings, t0=t0,
                                      settings=settings, codebook=codebook, lexicon=lexicon, learned=learned,
                                      progress=progress)
            with deferred():  # the outputs in place and the run recorded, or neither
                stage.commit()
                store.finish_run(run_id, status="ok" if ing.ok else "partial", inputs=ing.files,
                                 summary=manifest["counts"] | {"errors": len(ing.errors)})
                phase = "finished"
        return manifest
    except BaseException as exc:
        interrupted = isinstance(exc, KeyboardInterrupt)
        if phase != "finished":
            with deferred():
                store.finish_run(run_id, status="interrupted" if interrupted else "failed",
                                 inputs=ing.files if interrupted else [], summary={})
        if isinstance(exc, Interrupted):
            exc.notes += _interrupted_notes(phase, out_dir, had_outputs, db_path, run_id, inputs, ing)
        raise
    finally:
        store.close()


def _interrupted_notes(phase: str, out_dir: Path, had_outputs: bool, db_path: Path, run_id: str,
                       inputs: Sequence[Path], ing: IngestSummary) -> list[str]:
    """What an interrupted analysis left, truthfully, in a few words each."""
    if phase == "finished":  # the signal came as the outputs were moved into place: they were, whole
        return [f"the run had finished: {out_dir} holds its outputs and {db_path} its results (run {run_id})"]
    notes = [f"nothing was written to {out_dir}" + (", which keeps the earlier run's files" if had_outputs else "")]
    stored = sum(1 for f in ing.files if f["status"] == "ok")
    if phase == "reading" and not stored:
        notes.append(f"{db_path} is as it was before the run, but for the run's record (run {run_id}, interrupted)")
    elif phase == "reading":
        notes.append(f"{db_path} keeps the {stored} of {len(inputs)} input file(s) read before the interruption, "
                     f"each stored whole, not yet analysed; run {run_id} is recorded as interrupted")
    else:
        notes.append(f"{db_path} keeps this run's inputs (each file stored whole) and the part of their analysis "
                     f"stored before the interruption (each step whole); run {run_id} is recorded as interrupted: "
                     "run it again to finish the analysis")
    return notes


def _write_outputs(store, stage, *, run_id, ing, inputs, return_ids, item_ids, theme_counts, timings, t0, settings,
                   codebook, lexicon, learned, progress) -> dict:
    """Write the outputs into the staging folder `stage.path`; return the manifest."""
    out_dir = stage.path
    t = time.perf_counter()
    answers = _answer_rows(store, return_ids)
    returns = _return_rows(store, return_ids, answers)
    write_csv(out_dir / "answers.csv", ANSWERS_COLUMNS + ANSWERS_EXTRA, answers)
    write_csv(out_dir / "returns.csv", RETURNS_COLUMNS + RETURNS_EXTRA, returns)
    write_csv(out_dir / "theme_evidence.csv", EVIDENCE_COLUMNS, _evidence_rows(store, return_ids, item_ids))
    _write_practice(store, return_ids, out_dir)
    timings["export"] = time.perf_counter() - t
    t = time.perf_counter()
    collection_counts = run_collections(store, item_ids, return_ids, out_dir, run_id=run_id, progress=progress,
                                        inputs=inputs)
    timings["collections"] = time.perf_counter() - t
    t = time.perf_counter()
    write_csv(out_dir / "item_themes.csv", ITEM_THEMES_COLUMNS, _item_rows(store, item_ids))
    files = [f["path"] for f in ing.files]
    problems = store.problems(return_ids=return_ids, source_files=files)
    from .errors import PROBLEM_CODES

    write_csv(out_dir / "problems.csv", PROBLEMS_COLUMNS,
              ({**p, "kind": PROBLEM_CODES.get(p["code"], "")} for p in problems))
    from .review import decisions_for

    answer_items = [i["item_id"] for i in store.answer_items(return_ids)] if return_ids else []
    write_csv(out_dir / "reviews.csv", REVIEW_COLUMNS, decisions_for(store, return_ids, item_ids + answer_items))
    timings["export"] += time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    # The files of this run, and those of the folder it keeps (an earlier run's or the user's own)
    kept = {p.name for p in stage.out.iterdir() if p.is_file()} - stage.will_remove()
    manifest = {
        "run_id": run_id,
        "command": "analyse",
        "wvtext_version": __version__,
        "codebook_version": codebook.version,
        "lexicon_version": lexicon.version,
        "learned_models": learned_models(learned),
        "across_returns": theme_counts["across"],
        "localities_sha256": _sha_file(_localities_path()),
        "locality_abbreviations_sha256": _sha_file(abbreviations_path(_localities_path())),
        "python": platform.python_version(),
        "code": code_version(),
        "libraries": libraries(),
        "rule_files": rule_files(),
        "seed": SEED,
        "settings": settings,
        "inputs": ing.files,
        # every file the analysed returns and items were read from, this run's or an earlier one's
        # (with --whole-store more than `inputs`)
        "analysed_sources": stored_sources(store, return_ids, item_ids),
        "errors": ing.errors,
        "counts": {"returns": len(returns), "answers": len(answers), "items": len(item_ids),
                   "problems": len(problems), "words_themed": theme_counts["words"],
                   "support_requests": theme_counts["support_requests"],
                   "good_practice_answers": theme_counts["good_practice"], **{
                       f"collection_{k}": v for k, v in collection_counts.items()}},
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
        "outputs": sorted({p.name for p in out_dir.iterdir() if p.is_file()} | kept | {"manifest.json"}),
    }
    write_json(out_dir / "manifest.json", manifest)
    if progress:
        progress("writing reports", 1, 1)
    from .report import build_reports

    build_reports(out_dir)  # adds the report files and their timing to manifest.json
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["timings_s"]["total"] = round(time.perf_counter() - t0, 4)
    write_json(out_dir / "manifest.json", manifest)
    return manifest


LEARNED_CHOICES = ("themes", "all", "none")


def _check_learned(learned: str) -> None:
    if learned not in LEARNED_CHOICES:
        raise WvtextError(f"--learned must be one of {', '.join(LEARNED_CHOICES)}, not {learned!r}.")


def learned_models(learned: str) -> dict:
    """The learned model files a run used, with their sha256 and the settings they were made with."""
    from .learned import learned_dir
    from .stance import STANCE_MODEL_FILE
    from .themes.model import THEME_MODEL_FILE
    from .themes.negation_model import NEGATION_MODEL_FILE

    themes = [THEME_MODEL_FILE, NEGATION_MODEL_FILE]
    names = {"themes": themes, "all": themes + [STANCE_MODEL_FILE], "none": []}[learned]
    out = {}
    for name in names:
        path = learned_dir() / name
        if path.exists():
            meta = json.loads(path.read_text(encoding="utf-8")).get("meta", {})
            out[name] = {"sha256": _sha_file(path), **{k: meta[k] for k in ("C", "blend", "threshold", "words") if k in meta}}
        else:
            out[name] = "absent: the rules decided alone"
    return out


def _localities_path() -> Path:
    from .paths import corpus_dir

    return corpus_dir() / "localities.csv"


def _sha_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
