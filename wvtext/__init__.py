"""wvtext: text mining for the Winterbourne View stocktake of progress (2013).

The public surface is small; everything else lives in the stage modules.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_codebook", "read_return_file", "open_store"]


def __getattr__(name: str):
    # Lazy re-exports keep `import wvtext` (and `wvtext --help`) fast.
    if name == "load_codebook":
        from .codebook import load_codebook

        return load_codebook
    if name == "read_return_file":
        from .ingest import read_return_file

        return read_return_file
    if name == "open_store":
        from .store import open_store

        return open_store
    raise AttributeError(f"module 'wvtext' has no attribute {name!r}")
