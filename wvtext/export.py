"""Writing tables to files. Narratives are data: cells that a spreadsheet would
run as a formula are neutralised, and nothing is written half-way (each file is
written to a temporary name and moved into place). An xlsx carries no time of
writing, so the same content always gives the same bytes (`save_xlsx`).
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

__all__ = ["safe_cell", "write_csv", "write_json", "atomic_path", "save_xlsx", "zip_member", "xlsx_date", "XLSX_DATE"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Return `value` made safe for a spreadsheet: text starting with = + - @ (or a
    tab/CR) gets a leading apostrophe so Excel shows it instead of running it.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell(3), safe_cell("-")
    ("'=HYPERLINK(1)", 3, "'-")
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
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


def check_out_dir(out_dir: Path) -> None:
    """Refuse an output folder that cannot be one, before anything is read or stored: a file
    where the folder (or a folder above it) should be, or a place that cannot be written to."""
    import os

    from .errors import WvtextError

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise WvtextError(f"--out {out_dir} is a file, not a folder.", remedy="Give a folder for the outputs.")
    up = out_dir
    while not up.exists() and up != up.parent:
        up = up.parent
    if up.exists() and not up.is_dir():
        raise WvtextError(f"--out {out_dir}: {up} is a file, so the folder cannot be made.",
                          remedy="Give a folder for the outputs.")
    if up.is_dir() and not os.access(up, os.W_OK | os.X_OK):
        raise WvtextError(f"--out {out_dir}: cannot write in {up}.", remedy="Give a folder you can write to.")


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


# The stocktake's year. Any fixed date would do: it stands where openpyxl and zipfile would
# stamp the time of writing, so that an xlsx's bytes depend on its content alone.
XLSX_DATE = datetime(2013, 6, 1)
_ZIP_DATES = (datetime(1980, 1, 1), datetime(2107, 12, 31, 23, 59, 58))  # what a zip member's date can hold


def xlsx_date() -> datetime:
    """The date an xlsx is stamped with: SOURCE_DATE_EPOCH (seconds since 1970, UTC) when set,
    as reproducible builds set it, else XLSX_DATE; never the time of writing."""
    from .errors import WvtextError

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return XLSX_DATE
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        raise WvtextError(f"SOURCE_DATE_EPOCH is {epoch!r}, not a number of seconds since 1970.",
                          remedy="Set it to a whole number of seconds (e.g. the last commit's time) or unset it.")


def save_xlsx(wb, path, *, when: datetime | None = None) -> None:
    """Save the openpyxl workbook `wb` to `path` with the same bytes every time: its created and
    modified dates and every zip member's date are `when` (default SOURCE_DATE_EPOCH, as
    reproducible builds set it, else XLSX_DATE), where openpyxl and zipfile would stamp the time
    of writing. Members keep their order and are deflated once, one at a time (a national
    workbook is never held in memory whole)."""
    from openpyxl.writer.excel import ExcelWriter

    when = xlsx_date() if when is None else when
    wb.properties.created = wb.properties.modified = when
    path = Path(path)
    raw = path.with_name(f".{path.name}.raw")
    try:
        # openpyxl's own save stamps `modified` with the time and deflates every member; its writer,
        # given a stored archive, keeps our date and leaves the one deflating to the copy below.
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
        with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                with zin.open(info) as src, zout.open(zip_member(info.filename, when), "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
    finally:
        raw.unlink(missing_ok=True)


def zip_member(name: str, when: datetime | None = None) -> zipfile.ZipInfo:
    """A deflated zip member dated `when` (default as `save_xlsx`), never the time of writing,
    with the same system and permissions wherever it is written."""
    when = xlsx_date() if when is None else when
    member = zipfile.ZipInfo(name, date_time=min(max(when, _ZIP_DATES[0]), _ZIP_DATES[1]).timetuple()[:6])
    member.compress_type = zipfile.ZIP_DEFLATED
    member.create_system = 3  # Unix
    member.external_attr = 0o600 << 16
    return member
