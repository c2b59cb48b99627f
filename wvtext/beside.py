"""Work done in a second process beside the main one, where that is safe and worth it.

On Linux, when this process may use two or more cores, a piece of work that does not touch the
store (rendering the workbook, reading half of the narratives) runs in a forked child while the
main process does the rest. The child gets its inputs by the fork itself, so nothing is pickled
but its result. Elsewhere (one core, macOS, Windows), or with `WVTEXT_JOBS=1`, the same work runs
in this process when its result is asked for: the output is the same either way.

An error in the child comes back as the same one-line `WvtextError`; a bug comes back as a
RuntimeError naming it; a child that dies without a word (killed, out of memory) is an error
that says so.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
from typing import Any, Callable

from .errors import WvtextError

__all__ = ["cores", "parallel", "Beside"]


def cores() -> int:
    """The cores this process may use (its affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def parallel() -> bool:
    """Whether work may go to a second process here."""
    return cores() >= 2 and sys.platform.startswith("linux") and os.environ.get("WVTEXT_JOBS", "") != "1"


def _child(fn: Callable, args: tuple, send) -> None:
    try:
        outcome = ("ok", fn(*args))
    except WvtextError as exc:
        outcome = ("error", exc.message, exc.remedy)
    except Exception as exc:  # a bug: the parent raises it as one
        outcome = ("bug", f"{type(exc).__name__}: {exc}")
    try:
        send.send_bytes(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        send.close()


class Beside:
    """`fn(*args)`, in a forked child where `parallel()` allows, else in this process on `result()`."""

    def __init__(self, fn: Callable, *args, what: str = "the work"):
        self.fn, self.args, self.what = fn, args, what
        self.proc = None
        if parallel():
            ctx = multiprocessing.get_context("fork")
            self.recv, send = ctx.Pipe(duplex=False)
            self.proc = ctx.Process(target=_child, args=(fn, args, send), daemon=True)
            self.proc.start()
            send.close()

    def _outcome(self) -> tuple:
        try:
            return pickle.loads(self.recv.recv_bytes())
        except EOFError:
            self.proc.join()  # the pipe closes as the child dies, a moment before its exit code is known
            return ("error", f"the process doing {self.what} ended with exit code {self.proc.exitcode} (killed?).",
                    "Run again; with WVTEXT_JOBS=1 wvtext works in one process.")
        finally:
            self.recv.close()
            self.proc.join()

    def result(self) -> Any:
        """Wait for the work and return its result (raising its error)."""
        if self.proc is None:
            return self.fn(*self.args)
        outcome = self._outcome()
        if outcome[0] == "error":
            raise WvtextError(outcome[1], remedy=outcome[2])
        if outcome[0] == "bug":
            raise RuntimeError(f"{self.what}: {outcome[1]}")
        return outcome[1]

    def abandon(self) -> None:
        """Wait for the child to end and drop its result (the main process failed)."""
        if self.proc is not None:
            self._outcome()
