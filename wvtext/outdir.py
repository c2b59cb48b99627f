"""Writing a folder of outputs all at once, or not at all.

A run writes its outputs into a staging folder inside the output folder,
`OUT/.wvtext-staging-<pid>@<host>`, and only when every output is written are they moved into
OUT, each with `os.replace` (on the same file system, so each file is replaced whole), the
manifest last; the earlier run's files that this run no longer writes (a locality page of a return
no longer analysed) are taken out then too. A run that fails or is interrupted removes its
staging folder, and OUT keeps the earlier run's files exactly.

Two runs into one folder at once are refused: a run holds an advisory lock on the output folder
(`flock`, where the system has it) from its start to its end, and a second run that finds it held
stops at once with an error that names the other run, before it writes anything.

A staging folder left by a process that no longer exists (killed with SIGKILL, the machine
stopped) is removed by the next run into the folder; one of a process still running, or of
another machine (a shared folder), is left alone.

Messages name the real output paths: `real_path` takes the staging folder out of a path or a
message.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import WvtextError

__all__ = ["STAGING_PREFIX", "Staging", "staged", "claimed", "staging_of", "real_path", "remove_stale", "pid_alive", "host"]

STAGING_PREFIX = ".wvtext-staging-"
_NAME = re.compile(r"^\.wvtext-staging-(\d+)@(.+)$")
_IN_TEXT = re.compile(r"[/\\]?\.wvtext-staging-\d+@(?:[^/\\\s:'\"]*[^/\\\s:'\".,;)])?")
_ACTIVE: dict[Path, "Staging"] = {}  # staging folder (resolved) -> its Staging, while it is open
_CLAIMS: set[Path] = set()  # output folders (resolved) this process holds, while it holds them


def host() -> str:
    """This machine's name, as runs and staging folders record it."""
    return socket.gethostname() or "localhost"


def staging_name(pid: int | None = None, machine: str | None = None) -> str:
    return f"{STAGING_PREFIX}{os.getpid() if pid is None else pid}@{machine or host()}"


def pid_alive(pid: int) -> bool:
    """Whether a process `pid` exists on this machine (a zombie, dead but not yet reaped, does
    not count). Where that cannot be told (not a POSIX system), it is taken to exist."""
    if os.name != "posix":
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def real_path(text) -> str:
    """`text` (a path or a message naming paths) with any staging folder taken out of it."""
    return _IN_TEXT.sub("", str(text))


def remove_stale(out_dir: Path) -> list[Path]:
    """Remove the staging folders in `out_dir` of processes of this machine that no longer exist;
    return those removed."""
    out_dir = Path(out_dir)
    removed = []
    try:
        entries = list(out_dir.iterdir())
    except OSError:
        return removed
    here = host()
    for entry in entries:
        m = _NAME.match(entry.name)
        if not m or not entry.is_dir() or entry.is_symlink() or m.group(2) != here:
            continue
        pid = int(m.group(1))
        if entry.resolve() in _ACTIVE or (pid != os.getpid() and pid_alive(pid)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def staging_of(path: Path) -> "Staging | None":
    """The open Staging whose staging folder is `path`, or None (a plain folder)."""
    return _ACTIVE.get(Path(path).resolve())


class Staging:
    """A staging folder `path` for the output folder `out`; see `staged`."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.path = self.out / staging_name()
        self.deletions: list[str] = []  # files of OUT, relative, to take out on commit
        self.prunes: list[tuple[str, Callable[[str], bool]]] = []  # (sub-folder, is one of ours)
        self.committed = False

    # -- what the run asks for ---------------------------------------------------------
    def delete(self, name: str) -> None:
        """Take OUT/`name` (an earlier run's file this run does not write) out on commit."""
        self.deletions.append(str(name))

    def prune(self, folder: str, ours: Callable[[str], bool]) -> None:
        """On commit, take out the files of OUT/`folder` for which `ours(name)` holds and that
        this run did not write there (pages of returns or collections no longer analysed)."""
        self.prunes.append((folder, ours))

    def staged_files(self) -> list[str]:
        """The files written so far, relative to the staging folder, in POSIX form."""
        return sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())

    def will_remove(self) -> set[str]:
        """The files of OUT (relative, POSIX form) that a commit now would take out."""
        staged = set(self.staged_files())
        gone = {n for n in self.deletions if n not in staged and (self.out / n).is_file()}
        for folder, ours in self.prunes:
            d = self.out / folder
            if d.is_dir():
                gone |= {f"{folder}/{p.name}" for p in d.iterdir()
                         if p.is_file() and ours(p.name) and f"{folder}/{p.name}" not in staged}
        return gone

    # -- moving into place ---------------------------------------------------------
    def commit(self) -> list[str]:
        """Move every staged file into OUT (the manifest last) and take out what the run asked
        to; return the files moved. Before anything is moved, a target that cannot be replaced
        (a folder where a file goes, a file where a folder goes) is an error naming it, and OUT
        is left as it was. Signals wait until the move is done (`interrupt.deferred`)."""
        from .interrupt import deferred

        files = self.staged_files()
        files.sort(key=lambda n: (n == "manifest.json", n))
        for name in files:
            target = self.out / name
            if target.is_dir() and not target.is_symlink():
                raise WvtextError(f"cannot write {target}: it is a folder.",
                                  remedy="Move it away, or give another --out.")
            up = target.parent
            while up != self.out:
                if up.exists() and not up.is_dir():
                    raise WvtextError(f"cannot write {target}: {up} is a file, not a folder.",
                                      remedy="Move it away, or give another --out.")
                up = up.parent
        with deferred():
            gone = self.will_remove()
            for name in files:
                target = self.out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.replace(self.path / name, target)
                except OSError as exc:
                    raise WvtextError(f"cannot write {target} ({exc.strerror or exc}).",
                                      remedy="Give an output folder you can write to.")
            for name in sorted(gone):
                (self.out / name).unlink(missing_ok=True)
            for folder in {n.split("/", 1)[0] for n in gone if "/" in n}:
                d = self.out / folder
                if d.is_dir() and not any(d.iterdir()):
                    d.rmdir()
            self.committed = True
        return files

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


@contextmanager
def claimed(out_dir: Path) -> Iterator[Path]:
    """Hold the output folder `out_dir` (created if missing) for this run: no other process's run
    can write into it until the block ends (`_lock`). Re-entrant within a process, so a command
    can claim its folder before its first step and stage its outputs into it at the end. A folder
    this made and left empty is removed at the end."""
    out = Path(out_dir)
    made = []
    up = out
    while not up.exists() and up != up.parent:
        made.append(up)
        up = up.parent
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WvtextError(f"cannot create the output folder {out} ({exc.strerror or exc}).",
                          remedy="Give a folder you can write to.")
    key = out.resolve()
    if key in _CLAIMS:  # held already, by an outer block of this process
        yield out
        return
    try:
        fd = _lock(out)
    except BaseException:
        for d in made:
            _rmdir_if_empty(d)
        raise
    _CLAIMS.add(key)
    try:
        yield out
    finally:
        _CLAIMS.discard(key)
        if fd is not None:
            os.close(fd)  # closing the folder's descriptor releases the lock
        for d in made:
            _rmdir_if_empty(d)


@contextmanager
def staged(out_dir: Path) -> Iterator[Staging]:
    """Yield a Staging for the output folder `out_dir` (created if missing, and `claimed`): write
    the outputs into `.path`; when the block ends without an error they are moved into `out_dir`
    (the block may call `.commit()` itself, to do something right after it). On an error or an
    interrupt the staging folder is removed and `out_dir` is left as it was (a folder this made,
    left empty, is removed too)."""
    from .interrupt import deferred

    with claimed(out_dir) as out:
        st = Staging(out)
        key = st.path.resolve()
        if key in _ACTIVE:
            raise WvtextError(f"{out} is already being written by this process.")
        remove_stale(out)
        try:
            if st.path.exists():  # left by an earlier process with the same pid (a container's pid 1)
                shutil.rmtree(st.path)
            st.path.mkdir()
        except OSError as exc:
            raise WvtextError(f"cannot write in the output folder {out} ({exc.strerror or exc}).",
                              remedy="Give a folder you can write to.")
        _ACTIVE[key] = st
        try:
            yield st
            if not st.committed:
                st.commit()
        except BaseException:
            with deferred():
                st.discard()
            raise
        finally:
            _ACTIVE.pop(key, None)
            if st.committed:
                st.discard()


def _lock(out: Path) -> int | None:
    """An exclusive advisory lock on the folder `out`, as an open descriptor (None where the system
    has no `flock`); a WvtextError naming the other run when another process holds it."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: the staging folders alone keep the runs apart
        return None
    try:
        fd = os.open(out, os.O_RDONLY)
    except OSError:
        return None  # a folder that cannot be opened for reading: the writes into it report it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        others = sorted(m.group(1) + " on " + m.group(2) for p in out.iterdir() if (m := _NAME.match(p.name)))
        who = f" (process {', '.join(others)})" if others else ""
        raise WvtextError(f"another wvtext run{who} is writing into {out}; this run stopped before writing "
                          "anything.", remedy="Wait for it to finish, or give this run another --out folder.")
    return fd


def _rmdir_if_empty(d: Path) -> None:
    try:
        d.rmdir()
    except OSError:
        pass
