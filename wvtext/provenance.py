"""What produced a run, beyond its inputs and settings: the code (version and, in a git checkout,
the commit), the libraries that decide results, every rule file of `models/` and, for a run over
the whole store, the stored files its returns and items were read from.

Used by the manifest of `wvtext analyse` (`pipeline.analyse`). Everything here is read, never
downloaded; where something cannot be known (no git checkout, a library not installed) it says so.
"""
from __future__ import annotations

import hashlib
import subprocess
from importlib import metadata
from pathlib import Path

__all__ = ["code_version", "libraries", "rule_files", "stored_sources"]

# The libraries whose versions can change a result (tokenising, numbers, reading files).
_LIBRARIES = ("spacy", "numpy", "scikit-learn", "scipy", "openpyxl", "rapidfuzz", "pandas")


def code_version() -> dict:
    """The package version and, when the package runs from a git checkout, its commit and whether
    the working tree had changes; {"commit": ""} otherwise."""
    from . import __version__

    root = Path(__file__).resolve().parent.parent
    out = {"version": __version__, "commit": "", "modified": None}
    if not (root / ".git").exists():
        return out
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "wvtext", "models"],
                                cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return out
    if commit.returncode == 0:
        out["commit"] = commit.stdout.strip()
        out["modified"] = bool(status.stdout.strip()) if status.returncode == 0 else None
    return out


def libraries() -> dict:
    """Installed versions of the libraries that decide results ("absent" where one is not installed)."""
    out = {}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def rule_files() -> dict:
    """sha256 of every data file under the models folder in use (lexicon, spelling, stance cues,
    cross-references, partners and obstacles, practice cues, learned models), keyed by its path in
    that folder, with the folder itself: an edited cue file changes the run's record."""
    from .paths import models_dir

    root = models_dir()
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".csv", ".json"))
    return {"folder": str(root), "files": {p.relative_to(root).as_posix(): _sha(p) for p in files}}


def stored_sources(store, return_ids: list[str], item_ids: list[str]) -> list[dict]:
    """The files the analysed returns and items were read from, as the store recorded them (path,
    sha256, and which returns or how many items): what a run over the whole store analysed,
    including files read by earlier runs."""
    by_file: dict[tuple[str, str], dict] = {}
    for r in store.returns(return_ids) if return_ids else []:
        entry = by_file.setdefault((r["source_file"] or "", r["source_sha256"] or ""),
                                   {"path": r["source_file"] or "", "sha256": r["source_sha256"] or "",
                                    "returns": [], "items": 0})
        entry["returns"].append(r["return_id"])
    for i in store.items(item_ids) if item_ids else []:
        if i.get("origin") != "file":
            continue  # good practice drawn from an answer: its return's file is listed
        entry = by_file.setdefault((i["source_file"] or "", i["source_sha256"] or ""),
                                   {"path": i["source_file"] or "", "sha256": i["source_sha256"] or "",
                                    "returns": [], "items": 0})
        entry["items"] += 1
    return [by_file[k] for k in sorted(by_file)]
