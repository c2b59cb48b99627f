"""Where wvtext finds its shipped data (`corpus/`, `models/`).

wvtext runs from a checkout (the README installs it in editable mode), so the
data folders sit beside the package. `WVTEXT_CORPUS` / `WVTEXT_MODELS` point
elsewhere when needed.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["corpus_dir", "models_dir", "DEFAULT_DB"]

_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_DB = Path(os.environ.get("WVTEXT_DB", "wvtext.db"))


def _folder(env: str, name: str) -> Path:
    path = Path(os.environ.get(env, _ROOT / name))
    if not path.is_dir():
        from .errors import WvtextError

        raise WvtextError(
            f"the {name}/ folder was not found at {path}. "
            f"Run wvtext from its checkout (pip install -e .) or set {env}."
        )
    return path


def corpus_dir() -> Path:
    return _folder("WVTEXT_CORPUS", "corpus")


def models_dir() -> Path:
    return _folder("WVTEXT_MODELS", "models")
