"""Record a look at the held-out data in every README that lists its looks.

    .venv/bin/python bench/record_look.py --look "Session 32, first look" \
        --what "after ...; nothing was changed because of this look" [--previous REF] [--dry-run]

Every run of `bench/run.py` measures the held-out folders (corpus/heldout*) and the real seed
passages (corpus/labelled/seed_passages_themes.csv), which are scored but never fitted to; each
such look is listed in the folder's README (and the passages' README) so that a reader can tell
how often a figure has been seen and what was changed after. This appends one paragraph per
folder from `bench/results/latest.json` (the look just made), with the figures of the look before
it for comparison, read from `bench/results/latest.json` at git REF (default HEAD: the last
committed results). It writes nothing else and changes no figure.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATEST = ROOT / "bench" / "results" / "latest.json"
PASSAGES_README = ROOT / "corpus" / "labelled" / "README_seed_passages.md"


def _previous(ref: str) -> dict:
    try:
        out = subprocess.run(["git", "show", f"{ref}:bench/results/latest.json"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        sys.exit(f"bench/record_look.py: cannot read bench/results/latest.json at {ref!r} ({exc}). "
                 "Give --previous a commit that has it.")
    return json.loads(out)


def folder_paragraph(look: str, what: str, commit: str, folder: str, now: dict, before: dict) -> str:
    """The paragraph for one held-out folder, in the form the READMEs use."""
    v, pv = now["voices"].get(folder), before["voices"].get(folder)
    items, pitems = now["voices"].get("items", {}).get(folder), before["voices"].get("items", {}).get(folder)
    parts = []
    if v is not None:
        rules = v["narrative class, rules alone (default), vs readers"]["accuracy"]
        learned = v["narrative class, learned (--learned all), vs readers"]["accuracy"]
        t = v["themes, learned (default), vs readers"]
        lex = v["themes, lexicon alone, vs readers"]["f1"]
        was = pv["themes, learned (default), vs readers"]["f1"] if pv else None
        name = "-".join(v["voices"]) if len(v["voices"]) <= 2 else "s " + ", ".join(v["voices"])
        parts.append(f"narrative class, rules alone, {rules:.3f} against the readers' labels, learned {learned:.3f}; "
                     f"themes, learned, voice{'' if name.startswith('s ') else ' '}{name} {t['f1']:.3f} "
                     f"(P {t['precision']:.3f}, R {t['recall']:.3f}"
                     + (f"; {was:.3f} at the look before" if was is not None else "") + f"), the lexicon alone {lex:.3f}")
    if items is not None:
        t = items["themes, learned (default), vs readers"]
        lex = items["themes, lexicon alone, vs readers"]["f1"]
        was = pitems["themes, learned (default), vs readers"]["f1"] if pitems else None
        parts.append(f"items, learned {t['f1']:.3f} (P {t['precision']:.3f}, R {t['recall']:.3f}"
                     + (f"; {was:.3f} then" if was is not None else "") + f"), the lexicon alone {lex:.3f}")
    for kind, r in (("voices", v), ("items", items)):  # since session 37
        got = r and r.get("negation marks, learned (default), vs readers")
        if got:
            rule = r["negation marks, lexicon alone, vs readers"]
            parts.append(f"negation flags on the {kind}, learned P {got['precision']:.3f}, R {got['recall']:.3f}, "
                         f"F1 {got['f1']:.3f} (the rules P {rule['precision']:.3f}, R {rule['recall']:.3f}, "
                         f"F1 {rule['f1']:.3f})")
    return f"{look} (`bench/run.py` on commit {commit}, {what}): " + "; ".join(parts) + "."


def passages_paragraph(look: str, what: str, commit: str, now: dict, before: dict) -> str:
    p, pp = now["themes"]["real_passages"], before["themes"].get("real_passages", {})
    lo, hi = p["learned (default)"]["ci95"]
    was = pp.get("learned (default)", {}).get("f1")
    return (f"- {look} (`bench/run.py` on {commit}, {what}): learned {p['learned (default)']['f1']:.3f} "
            f"[{lo:.3f}-{hi:.3f}], lexicon alone {p['lexicon alone']['f1']:.3f}"
            + (f" ({was:.3f} at the look before)" if was is not None else "") + ".")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--look", required=True, help='how the look is named, e.g. "Session 32, first look"')
    ap.add_argument("--what", required=True, help="what had changed before it, and that nothing was changed because of it")
    ap.add_argument("--previous", default="HEAD", help="git ref whose bench/results/latest.json is the look before")
    ap.add_argument("--commit", help="the commit to name (default: the one bench/results/latest.json records, which reads "
                    "\"X + changes\" when bench/run.py ran on an uncommitted tree)")
    ap.add_argument("--dry-run", action="store_true", help="print the paragraphs instead of appending them")
    a = ap.parse_args(argv)
    if not LATEST.exists():
        sys.exit(f"{LATEST}: missing. Run bench/run.py first.")
    latest = json.loads(LATEST.read_text(encoding="utf-8"))
    now, before = latest["accuracy"], _previous(a.previous)["accuracy"]
    commit = a.commit or latest["machine"]["commit"]
    out: list[tuple[Path, str]] = []
    for folder in sorted(now["voices"], key=lambda f: (len(f), f)):
        readme = ROOT / "corpus" / folder / "README.md"
        if folder.startswith("heldout") and readme.exists():
            out.append((readme, folder_paragraph(a.look, a.what, commit, folder, now, before)))
    if "real_passages" in now["themes"] and PASSAGES_README.exists():
        out.append((PASSAGES_README, passages_paragraph(a.look, a.what, commit, now, before)))
    for path, text in out:
        if a.dry_run:
            print(f"## {path.relative_to(ROOT)}\n{text}\n")
            continue
        body = path.read_text(encoding="utf-8").rstrip("\n")
        sep = "\n" if text.startswith("- ") else "\n\n"
        path.write_text(body + sep + text + "\n", encoding="utf-8")
    if not a.dry_run:
        print(f"recorded {a.look!r} in {len(out)} READMEs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
