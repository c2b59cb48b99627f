"""The benchmark: speed, memory and accuracy in one command.

    .venv/bin/python bench/run.py            # x1, x4, x10 scales; writes bench/results/latest.{md,json}
    .venv/bin/python bench/run.py --quick    # x1 only

Speed: the whole `wvtext analyse` (ingest, text stages, out-of-step, exports and reports) on the
SYNTHETIC national corpus at x1 / x4 / x10 the country, each in a fresh process (wall time, time
per stage, answers/s, words/s, peak memory), and the ratio of the text stages to a bare
spacy.blank("en") tokenizer pass over the same narratives (the floor for any spaCy pipeline).
Accuracy: every labelled set, REAL and SYNTHETIC side by side (synthetic figures are optimistic:
its phrase bank shares vocabulary with the rules).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
PY = sys.executable


def machine() -> dict:
    import spacy

    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    mem = ""
    try:
        mem = f"{int(next(l.split()[1] for l in open('/proc/meminfo') if l.startswith('MemTotal'))) / 1048576:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "spacy": spacy.__version__, "platform": platform.platform(), "date": time.strftime("%Y-%m-%d"),
            "commit": commit()}


def commit() -> str:
    """What the figures were measured on: the checkout's commit (provenance.code_version), with
    "+ changes" when wvtext/ or models/ differ from it; "" outside a git checkout."""
    from wvtext.provenance import code_version

    v = code_version()
    return v["commit"][:7] + (" + changes" if v["modified"] else "") if v["commit"] else ""


def corpus_files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.glob("SYNTHETIC_*")) if p.suffix in (".csv", ".xlsx", ".txt")
            and not p.name.startswith(("SYNTHETIC_labels", "SYNTHETIC_returns"))]


def run_scale(scale: int, work: Path) -> dict:
    from wvtext.synth import generate

    folder = work / f"x{scale}"
    if scale == 1:
        folder = ROOT / "corpus" / "synthetic"
    else:
        t = time.perf_counter()
        generate(folder, scale=scale, seed=13)
        print(f"  generated x{scale} in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    files = corpus_files(folder)
    res = subprocess.run([PY, str(BENCH / "_analyse_once.py"), str(work / f"out{scale}"), str(work / f"x{scale}.db"),
                          *map(str, files)], capture_output=True, text=True, cwd=ROOT)
    if res.returncode:
        raise SystemExit(f"analyse failed at x{scale}:\n{res.stderr[-2000:]}")
    r = json.loads(res.stdout.strip().splitlines()[-1])
    n, words = r["counts"]["answers"], r["counts"]["words_themed"]
    r.update(scale=scale, answers=n, returns=r["counts"]["returns"], words=words,
             answers_per_s=int(n / r["wall_s"]), words_per_s=int(words / r["wall_s"]))
    return r


def tokenizer_floor(folder: Path) -> dict:
    """Text stages vs a bare blank-English tokenizer pass over the same narratives (both warm)."""
    import spacy

    from wvtext.ingest import read_input
    from wvtext.themes.pipeline import _default_nlp

    from wvtext.codebook import load_codebook
    from wvtext.pipeline import question_text
    from wvtext.themes.pipeline import with_questions

    answers = [a for p in corpus_files(folder) for r in read_input(p).returns for a in r.answers]
    texts = [a.narrative for a in answers]
    codebook = load_codebook()
    questions = [question_text(codebook, a.qid) for a in answers]
    words = sum(len(t.split()) for t in texts)
    blank = spacy.blank("en")
    nlp = _default_nlp(None)
    list(nlp.pipe(texts[:500]))
    t = time.perf_counter()
    for _ in blank.pipe(texts, batch_size=512):
        pass
    floor = time.perf_counter() - t
    t = time.perf_counter()
    for _ in nlp.pipe(with_questions(nlp, texts, questions), batch_size=512):
        pass
    full = time.perf_counter() - t
    return {"texts": len(texts), "words": words, "blank_tokenizer_s": round(floor, 3),
            "theme_pipeline_s": round(full, 3), "ratio": round(full / floor, 2),
            "theme_pipeline_words_per_s": int(words / full)}


def accuracy() -> dict:
    out = {}
    for name in ("themes", "divergence", "practice", "cluster", "learned", "voices", "across"):
        path = BENCH / f"{name}.py"
        if not path.exists():
            continue
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            res = subprocess.run([PY, str(path), "--json", tmp.name], capture_output=True, text=True, cwd=ROOT)
            if res.returncode:
                out[name] = {"error": res.stderr[-500:]}
                continue
            out[name] = json.loads(Path(tmp.name).read_text())
    return out


def _f(x, nd=3):
    return "-" if x is None else f"{x:.{nd}f}"


def _ci(pair) -> str:
    """ " [95% CI a-b]" for a bootstrap interval, "" where there is none (an older results file)."""
    return f" [95% CI {pair[0]:.3f}-{pair[1]:.3f}]" if pair else ""


def _whole(pair, what: str) -> str:
    """ " [WHAT whole: a-b]" for an interval that resamples whole sections or documents, "" where
    there is none (an older results file)."""
    return f" [{what} whole: {pair[0]:.3f}-{pair[1]:.3f}]" if pair else ""


def _clustered(th: dict) -> str:
    """The combined real themes' interval resampling whole sections and documents (texts of one
    section or document resemble each other)."""
    cc = th.get("ci95_clustered_micro_f1", {})
    if "real_combined" not in cc:
        return ""
    return _whole(cc["real_combined"], f"resampling the {cc['clusters']['real_combined']} sections and documents")


def _table(title: str, note: str, header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    """A titled markdown table with a note under the title."""
    return (["", f"## {title}", "", note, "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(map(str, r)) + " |" for r in rows])


def _processes(p) -> str:
    """The manifest's processes: a number, or how many did each part ({"reading narratives": 2, ...})."""
    return ", ".join(f"{k} {v}" for k, v in p.items()) if isinstance(p, dict) else str(p)


def _by_folder(rows: dict) -> list[tuple[str, dict]]:
    """Folders in the order they were made (heldout, heldout2, ..., heldout10), training last."""
    return sorted(rows.items(), key=lambda kv: (kv[0] == "training",
                                               int(kv[0][len("heldout"):] or 1) if kv[0].startswith("heldout") else 0))


def markdown(res: dict) -> str:
    m = res["machine"]
    lines = ["# wvtext benchmark (latest)", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; Python {m['python']}, spaCy {m['spacy']}; {m['date']}."
             + (f" Commit: {m['commit']}." if m.get("commit") else ""),
             "Command: `.venv/bin/python bench/run.py`.", "",
             "## Speed and memory: `wvtext analyse` end to end on the SYNTHETIC national corpus", "",
             "| scale | returns | answers | words | wall s | answers/s | words/s | peak MB | " +
             " | ".join(f"{k} s" for k in res["scales"][0]["timings_s"] if k != "total") + " |",
             "|---|---|---|---|---|---|---|---|" + "---|" * (len(res["scales"][0]["timings_s"]) - 1)]
    for r in res["scales"]:
        lines.append(f"| x{r['scale']} | {r['returns']} | {r['answers']} | {r['words']:,} | {r['wall_s']:.2f} | "
                     f"{r['answers_per_s']:,} | {r['words_per_s']:,} | {r['peak_mb']:.0f} | " +
                     " | ".join(f"{v:.2f}" for k, v in r["timings_s"].items() if k != "total") + " |")
    procs = sorted({_processes(r.get("processes", 1)) for r in res["scales"]})
    lines += ["", f"Processes: {' / '.join(procs)} (on Linux with two or more cores `analyse` reads half "
                  "the narratives and writes the workbook in a second process; `WVTEXT_JOBS=1` for one). Peak MB "
                  "is the main process's; the largest child's (forked: it shares the parent's pages until it "
                  "writes them) peaked at " + " / ".join(f"x{r['scale']} {r.get('child_peak_mb', 0):.0f} MB"
                                                        for r in res["scales"]) + "."]
    if len(res["scales"]) > 1:
        a, b = res["scales"][0], res["scales"][-1]
        lines += ["", f"Growth x{a['scale']} -> x{b['scale']}: answers x{b['answers'] / a['answers']:.1f}, "
                      f"wall time x{b['wall_s'] / a['wall_s']:.1f} (linear would be x{b['answers'] / a['answers']:.1f})."]
    fl = res["floor"]
    lines += ["", f"Text pipeline vs bare `spacy.blank(\"en\")` tokenizer over the same {fl['texts']:,} synthetic narratives "
                  f"({fl['words']:,} words): {fl['theme_pipeline_s']:.2f}s vs {fl['blank_tokenizer_s']:.2f}s, "
                  f"ratio {fl['ratio']}; {fl['theme_pipeline_words_per_s']:,} words/s.", "",
              "## Accuracy: REAL labelled sets beside SYNTHETIC labels", "",
              "| measure | REAL | SYNTHETIC |", "|---|---|---|"]
    acc = res["accuracy"]
    th = acc.get("themes", {})
    if "real_combined" in th:
        ci = th.get("ci95_micro_f1", {})
        lines.append(f"| themes micro F1 (real: 61 Leicestershire answers + 80 seed items; 95% bootstrap interval over the texts) | "
                     f"{_f(th['real_combined']['micro']['f1'])}{_ci(ci.get('real_combined'))}{_clustered(th)} | "
                     f"{_f(th.get('synthetic', {}).get('micro', {}).get('f1'))} |")
        for k, v in th.get("reader3_agreement_micro_f1", {}).items():
            lines.append(f"| themes micro F1, an independent reader against the annotator ({k.replace('_', ' ')}) | {_f(v)} | |")
        if th.get("against_majority_of_three"):
            m = th["against_majority_of_three"]
            lines.append(f"| themes micro F1 against the majority of the real sets' three readers (each reader, one of the three: "
                         + ", ".join(f"{k} {_f(v)}" for k, v in m.items() if k != "wvtext") + f") | {_f(m['wvtext'])} | |")
        lines.append(f"| themes macro F1 | {_f(th['real_combined']['macro']['f1'])} | {_f(th.get('synthetic', {}).get('macro', {}).get('f1'))} |")
        for t in ("ordinary_residence", "chc", "pooled_budgets", "crisis_response"):
            n = th['real_combined']['per_label'][t]['support']
            interval = _ci(ci.get("mission themes (real_combined)", {}).get(t)) if n >= 5 else ""
            lines.append(f"| themes F1 {t} (real n={n}) | "
                         f"{_f(th['real_combined']['per_label'][t]['f1'])}{interval} | {_f(th.get('synthetic', {}).get('per_label', {}).get(t, {}).get('f1'))} |")
        if "lexicon_alone_real_combined" in th:
            d = th["lexicon_alone_real_combined"]
            lines.append(f"| themes micro F1, learned (default) minus lexicon alone (real; paired bootstrap interval) | "
                         f"{th['real_combined']['micro']['f1'] - d['f1']:+.3f} [95% CI {d['difference_ci95'][0]:+.3f} to "
                         f"{d['difference_ci95'][1]:+.3f}] | |")
        conf = th.get("confidence_real_combined")
        if conf:
            syn_c = th.get("synthetic", {}).get("confidence")
            lex_c = th.get("confidence_lexicon_alone_real_combined")

            def _cal(c):
                return f"{_f(c['reliability']['ece'])} (Brier {_f(c['reliability']['brier'])})" if c else ""

            def _rev(c, f=0.2):
                got = next(x for x in c["review_least_certain_first"]["first"] if x["fraction"] == f)
                return f"{got['errors_found']} of {c['review_least_certain_first']['errors']}"
            lines.append("| theme confidence read as a probability: expected calibration error over every scored theme "
                         f"(`bench/themes.py`; lexicon alone on the real sets {_cal(lex_c)}) | {_cal(conf)} | {_cal(syn_c)} |")
            lines.append("| wrong theme decisions among the least certain 20% of scored themes (the order of `wvtext review "
                         f"--kind theme`; given themes with no score, which no review of scores reaches: real "
                         f"{conf['given_but_unscored']}) | {_rev(conf)} | {_rev(syn_c) if syn_c else ''} |")
        if "real_passages" in th:
            rp = th["real_passages"]
            lines.append(f"| themes micro F1, real passages of seeds 001 and 004 outside the items (n={rp['n']}; never fitted "
                         f"to; reported beside the headline, not in it) | learned {_f(rp['learned (default)']['f1'])}"
                         f"{_ci(rp['learned (default)'].get('ci95'))}, lexicon alone {_f(rp['lexicon alone']['f1'])}"
                         + (f"; a second reader against the first {_f(rp['second_reader_micro_f1'])}"
                            if rp.get("second_reader_micro_f1") is not None else "") + " | |")
        nat = (th.get("negation", {}).get("synthetic_national"), th.get("negation_rules_alone", {}).get("synthetic_national"))
        if all(nat):
            lines.append("| negation flags on the SYNTHETIC national corpus's labels (P / R / F1; its phrase bank's sentences "
                         "repeat; never trained on) | | learned " + " / ".join(_f(nat[0][k]) for k in ("precision", "recall", "f1"))
                         + ", rules alone " + " / ".join(_f(nat[1][k]) for k in ("precision", "recall", "f1")) + " |")
        if "speed" in th:
            sp = th["speed"]
            lines.append(f"| theme stage words/s, one core (real text; median of {sp.get('passes', 5)} passes) | {sp['words_per_s']:,} "
                         f"(best {sp.get('words_per_s_best', sp['words_per_s']):,}, worst {sp.get('words_per_s_worst', sp['words_per_s']):,}; "
                         f"the bare tokenizer in the same run: {sp['blank_tokenizer_words_per_s']:,}, {sp['ratio_to_blank']}x faster; "
                         f"it varies by a third between runs on this machine) | |")
    dv = acc.get("divergence", {})
    if "real_leicestershire" in dv:
        r, s = dv["real_leicestershire"], dv.get("synthetic_x1", {})
        rci = r.get("ci95", {})
        rcs = r.get("ci95_sections", {})
        sect = _whole(rcs.get("text_class_accuracy"), f"resampling the {rcs.get('sections')} sections")
        lines.append(f"| narrative class accuracy | {_f(r['text_class_accuracy'])}{_ci(rci.get('text_class_accuracy'))}{sect} (annotators agree {_f(r.get('annotator_agreement'))}; "
                     f"an independent reader agrees with the annotator {_f(r.get('reader3_agreement_with_annotator1'))}; "
                     f"wvtext against the majority of the three annotations {_f(r.get('text_class_accuracy_vs_majority', {}).get('accuracy'))}) "
                     f"| {_f(s.get('text_class_accuracy'))} |")
        for k in ("precision", "recall", "f1"):
            whole = _whole(rcs.get("flag_f1"), "sections") if k == "f1" else ""
            lines.append(f"| divergence flag {k} | {_f(r['flag'][k])}{_ci(rci.get('flag_f1')) if k == 'f1' else ''}{whole} | "
                         f"{_f(s.get('flag', {}).get(k))} |")
        for t, v in s.get("per_type", {}).items():
            rv = r["per_type"].get(t, {})
            lines.append(f"| recall {t} | {_f(rv.get('recall'))} (n={rv.get('planted', 0)}) | {_f(v.get('recall'))} (n={v['planted']}) |")
        if "out_of_step" in s:
            o = s["out_of_step"]
            lines.append(f"| out-of-step returns found (planted {o['planted']}) | - | P {_f(o['precision'])} R {_f(o['recall'])} |")
        for name, p in dv.items():
            if name.startswith("probe_"):  # SYNTHETIC whole returns in other voices, development sets (corpus/probes)
                lines.append(f"| {name} (SYNTHETIC, development): narrative class / flag P / R | - | "
                             f"{_f(p['text_class_accuracy'])} / {_f(p['flag']['precision'])} / {_f(p['flag']['recall'])} |")
    pr = acc.get("practice", {})
    if "real_leicestershire" in pr:
        for k in ("support_request", "good_practice"):
            lines.append(f"| {k} F1 | {_f(pr['real_leicestershire'][k]['f1'])} | {_f(pr.get('synthetic_x1', {}).get(k, {}).get('f1'))} |")
    cl = acc.get("cluster", {})
    if "duplicates" in cl:
        d, c, sp = cl["duplicates"], cl["collections"], cl["speed"]
        lines.append(f"| duplicate pairs P / R / F1 (real seed items + constructed rewordings; holdout half) | "
                     f"{_f(d['all']['precision'])} / {_f(d['all']['recall'])} / {_f(d['all']['f1'])} "
                     f"(holdout F1 {_f(d['holdout']['f1'])}); look-alikes kept apart {d['lookalikes']['kept_apart_from_target']}"
                     f"/{d['lookalikes']['total']} | |")
        lines.append(f"| collections vs reference grouping of the 80 seed items: ARI / NMI | {_f(c['ari'])} / {_f(c['nmi'])} "
                     f"({c['collections']} collections, {c['reference_groups']} reference groups) | |")
        lines.append(f"| clustering 400 items (dedup + clustering, median) | {sp['dedup_plus_cluster_s_median']:.2f} s "
                     f"(with themes {sp['with_themes_s_median']:.2f} s; {sp['synthetic_items']} of the 400 SYNTHETIC variants) | |")
    ln = acc.get("learned", {})
    if "themes" in ln:
        lines += ["", "## Learned layers against the rules alone (`bench/learned.py`)", "",
                  "Held-out groups: SYNTHETIC narratives and items by other writers and real passages of the national summary "
                  "(corpus/training), each group scored by a model trained on the others. Real: the development sets, which also chose each model's blend and threshold.", "",
                  "| themes micro F1 | real Leicestershire | real items | real both | held-out groups | synthetic |",
                  "|---|---|---|---|---|---|"]
        for mode, r in ln["themes"].items():
            if mode != "settings":
                lines.append(f"| {mode} | {_f(r['real_leicestershire'])} | {_f(r['real_items'])} | {_f(r['real_combined'])} | "
                             f"{_f(r['heldout_voices'])} | {_f(r['synthetic'])} |")
        lines += ["", "| narrative class | real accuracy | real flag P / R | held-out voices accuracy | synthetic accuracy | synthetic flag P / R |",
                  "|---|---|---|---|---|---|"]
        for mode, r in ln["narrative_class"].items():
            if mode != "settings":
                lines.append(f"| {mode} | {_f(r['real_accuracy'])} | {_f(r['real_flag']['precision'])} / {_f(r['real_flag']['recall'])} | "
                             f"{_f(r['heldout_voices_accuracy'])} | {_f(r['synthetic_accuracy'])} | "
                             f"{_f(r['synthetic_flag']['precision'])} / {_f(r['synthetic_flag']['recall'])} |")
    vo = acc.get("voices", {})
    if vo and "error" not in vo:
        lines += _table(
            "Narrative class and themes by writer (`bench/voices.py`; SYNTHETIC voices)",
            "training: voices A-F, M-O (added in session 6), U-W (session 8), AL-AM (session 22), AU (session 32) and AW-AX (session 40), in-sample (the models are trained on them and the stance rules were developed on them); "
            "heldout: voices G-I (session 3), never trained on, looked at several times since and, with the training sets, "
            "used in session 5 to choose which lexicon additions to keep (so their lexicon figures are no longer held out); "
            "heldout2: voices J-L (session 5, written to carry the mess of real returns), nothing fitted or tuned to them; "
            "each look is listed in corpus/heldout2/README.md; heldout3: voices R-S (session 6), likewise, looks listed "
            "in corpus/heldout3/README.md; heldout4: voice Y (session 8), written after every session-8 change and "
            "measured once at its end (corpus/heldout4/README.md); heldout5: voice AA (session 10), likewise "
            "(corpus/heldout5/README.md); heldout6: voice AC (session 14), likewise (corpus/heldout6/README.md); "
            "heldout7: voice AE (session 17), likewise (corpus/heldout7/README.md); heldout8: voice AG (session 19), "
            "likewise (corpus/heldout8/README.md); heldout9: voice AO (session 22), likewise (corpus/heldout9/README.md); heldout10: voice AS (session 29), likewise (corpus/heldout10/README.md). "
            "Labels: the writers' own, and an "
            "independent reader's (the convention of the real development sets). Intervals: 95% bootstrap over the "
            "folder's texts, for the defaults (rules; learned themes).",
            ("folder", "labels", "narrative class, rules (default)", "narrative class, learned", "themes F1, lexicon",
             "themes F1, learned (default)"),
            [(name, who, _f(r[f"narrative class, rules alone (default), vs {who}"]["accuracy"])
              + _ci(r[f"narrative class, rules alone (default), vs {who}"].get("ci95")),
              _f(r[f"narrative class, learned (--learned all), vs {who}"]["accuracy"]),
              _f(r[f"themes, lexicon alone, vs {who}"]["f1"]),
              _f(r[f"themes, learned (default), vs {who}"]["f1"]) + _ci(r[f"themes, learned (default), vs {who}"].get("ci95")))
             for name, r in _by_folder(vo) for who in ("writers", "readers") if f"themes, lexicon alone, vs {who}" in r])
        if vo.get("items"):
            lines += _table(
                "Themes of good-practice items by writer (`bench/voices.py`; SYNTHETIC items)",
                "training: the items files the theme model is trained on (in-sample); heldout3: items T (session 6), "
                "never trained on, each look listed in corpus/heldout3/README.md; heldout4: items Z (session 8) and "
                "heldout5: items AB (session 10), heldout6: items AD (session 14), heldout7: items AF (session 17), heldout8: items AH (session 19), heldout9: items AP (session 22) and heldout10: items AT (session 29), likewise.",
                ("folder", "items", "labels", "themes F1, lexicon", "themes F1, learned (default)"),
                [(name, r["n"], who, _f(r[f"themes, lexicon alone, vs {who}"]["f1"]),
                  _f(r[f"themes, learned (default), vs {who}"]["f1"]) + _ci(r[f"themes, learned (default), vs {who}"].get("ci95")))
                 for name, r in _by_folder(vo["items"]) for who in ("writers", "readers")
                 if f"themes, lexicon alone, vs {who}" in r])
    if vo and "error" not in vo:
        def _neg(r, mode, who):
            v = r.get(f"negation marks, {mode}, vs {who}")
            return "-" if v is None else f"{_f(v['precision'])} / {_f(v['recall'])} / {_f(v['f1'])}"

        neg_rows = [(name, "voices", who, _neg(r, "lexicon alone", who), _neg(r, "learned (default)", who))
                    for name, r in _by_folder(vo) for who in ("writers", "readers")
                    if f"negation marks, lexicon alone, vs {who}" in r]
        neg_rows += [(name, "items", who, _neg(r, "lexicon alone", who), _neg(r, "learned (default)", who))
                     for name, r in _by_folder(vo.get("items", {})) for who in ("writers", "readers")
                     if f"negation marks, lexicon alone, vs {who}" in r]
        if neg_rows:
            lines += _table(
                "Negation marks by writer (`bench/voices.py`; SYNTHETIC voices and items)",
                "Of the themes a text carries by the labels (or marks negated) and wvtext finds, how many it flags "
                "negated (mentioned only to deny it) where the labels do: precision / recall / F1. Rules: every mention "
                "read as negated (`--learned none`); learned: the negation model of models/learned/negation_model.json "
                "(since session 37), trained on the training folder (in-sample there).",
                ("folder", "texts", "labels", "rules P / R / F1", "learned (default) P / R / F1"), neg_rows)
    ac = acc.get("across", {})
    if ac and "error" not in ac:
        lines += _table(
            "Learning across returns (`bench/across.py`, `--across-returns`; SYNTHETIC national corpus only)",
            "Habitual overstating: in a share of the returns every narrative of work in progress is re-coded Yes; "
            "the last column is how many of those re-coded answers are still flagged.",
            ("scenario", "class accuracy", "flag P / R", "overstated recall", "re-coded answers flagged"),
            [(name, _f(r["text_class_accuracy"]), f"{_f(r['flag']['precision'])} / {_f(r['flag']['recall'])}",
              _f(r["recall_per_type"].get("overstated")), _f(r.get("recoded_recall"))) for name, r in ac.items()])
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="x1 only")
    ap.add_argument("--out", type=Path, default=BENCH / "results")
    ap.add_argument("--render", action="store_true",
                    help="only write latest.md again from the latest.json in --out (no measuring)")
    args = ap.parse_args()
    if args.render:
        res = json.loads((args.out / "latest.json").read_text())
        (args.out / "latest.md").write_text(markdown(res))
        return
    scales = [1] if args.quick else [1, 4, 10]
    res = {"machine": machine(), "scales": []}
    with tempfile.TemporaryDirectory() as work:
        for s in scales:
            print(f"x{s} ...", file=sys.stderr)
            res["scales"].append(run_scale(s, Path(work)))
    res["floor"] = tokenizer_floor(ROOT / "corpus" / "synthetic")
    print("accuracy ...", file=sys.stderr)
    res["accuracy"] = accuracy()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(res, indent=1, sort_keys=True) + "\n")
    md = markdown(res)
    (args.out / "latest.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
