"""Writing tables to files. Narratives are data: cells that a spreadsheet would
run as a formula are neutralised, and nothing is written half-way (each file is
written to a temporary name and moved into place).
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["safe_cell", "write_csv", "write_json"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Return `value` made safe for a spreadsheet: text starting with = + - @ (or a
    tab/CR) gets a leading apostrophe so Excel shows it instead of running it.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell(3), safe_cell("-")
    ("'=HYPERLINK(1)", 3, "'-")
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _atomic_write(path: Path, write) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict]) -> int:
    """Write `rows` (dicts) with exactly `columns`, UTF-8, formula-safe. Return the row count."""
    count = 0

    def write(fh):
        nonlocal count
        w = csv.writer(fh)
        w.writerow(columns)
        for row in rows:
            w.writerow([safe_cell("" if row.get(c) is None else row.get(c)) for c in columns])
            count += 1

    _atomic_write(path, write)
    return count


def write_json(path: Path, data) -> None:
    _atomic_write(path, lambda fh: fh.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"))
