"""Writing tables to files. Narratives are data: cells that a spreadsheet would
run as a formula are neutralised, and nothing is written half-way (each file is
written to a temporary name and moved into place).
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

__all__ = ["safe_cell", "write_csv", "write_json", "atomic_path"]

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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file: temporary files are created 0600


def _writable(path: Path) -> Path:
    """`path` as a file to write, or a WvtextError that says why it cannot be (a folder in the
    way, a file where a folder is needed, no permission)."""
    from .errors import WvtextError

    path = Path(path)
    if path.is_dir():
        raise WvtextError(f"{path} is a folder; give a file name to write.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WvtextError(f"cannot create the folder {path.parent} for {path.name} ({exc.strerror}).",
                          remedy="Give a path in a folder you can write to (a file may stand where a folder is needed).")
    return path


@contextmanager
def atomic_path(path: Path, *, suffix: str = "") -> Iterator[str]:
    """A temporary file name beside `path` to write to; when the block ends without an error
    the file is moved into place, with the permissions a plain new file gets (temporary files are
    created 0600); on an error it is removed and `path` is left as it was."""
    from .errors import WvtextError

    path = _writable(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise WvtextError(f"cannot write {path} ({exc.strerror}).", remedy="Give a path in a folder you can write to.")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, _MODE)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _atomic_write(path: Path, write) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        write(fh)


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
