"""Work done in a second process beside the main one, where that is safe and worth it.

On Linux, when this process may use two or more cores, a piece of work that does not touch the
store (rendering the workbook, reading half of the narratives) runs in a forked child while the
main process does the rest. The child gets its inputs by the fork itself, so nothing is pickled
but its result. Elsewhere (one core, macOS, Windows), or with `WVTEXT_JOBS=1`, the same work runs
in this process when its result is asked for: the output is the same either way.

An error in the child comes back as the same one-line `WvtextError`; a bug comes back as a
RuntimeError naming it; a child that dies without a word (killed, out of memory) is an error
that says so.

The child never outlives the main process: on Linux the kernel kills it when the main process
dies, even by SIGKILL (prctl PR_SET_PDEATHSIG, set first thing in the child); when the main
process is interrupted (Ctrl-C, SIGTERM, SIGHUP: `wvtext.interrupt`) or fails, it ends the child
(`abandon`) rather than wait for its work. The child leaves signals to the main process: it
ignores SIGINT (Ctrl-C reaches the whole process group; the main process ends it) and SIGTERM
and SIGHUP end it quietly, without a traceback.
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


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """In a forked child: have the kernel kill this process when `parent` dies (Linux; elsewhere
    nothing), and end now if it already has (it died between the fork and this call)."""
    import signal

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no C library to call (a static build): the parent still ends it
        pass
    if os.getppid() != parent:
        os._exit(1)


def _leave_signals_to_parent() -> None:
    import signal

    for name, action in (("SIGINT", signal.SIG_IGN), ("SIGTERM", signal.SIG_DFL), ("SIGHUP", signal.SIG_DFL)):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), action)


def _child(fn: Callable, args: tuple, send, parent: int) -> None:
    die_with_parent(parent)
    _leave_signals_to_parent()
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
            self.proc = ctx.Process(target=_child, args=(fn, args, send, os.getpid()), daemon=True)
            self.proc.start()
            send.close()

    def _outcome(self) -> tuple:
        try:
            return pickle.loads(self.recv.recv_bytes())
        except EOFError:
            self.proc.join()  # the pipe closes as the child dies, a moment before its exit code is known
            return ("error", f"the process doing {self.what} ended with exit code {self.proc.exitcode} (killed?).",
                    "Run again; with WVTEXT_JOBS=1 wvtext works in one process.")
        except BaseException:  # interrupted while waiting: the child's work is not wanted
            self._end()
            raise
        finally:
            self.recv.close()
            self.proc.join()

    def _end(self) -> None:
        """End the child now (its work is not wanted) and wait until it has."""
        from .interrupt import deferred

        with deferred():  # a second Ctrl-C does not leave the child running
            if self.proc.is_alive():
                self.proc.terminate()
                self.proc.join(5)
                if self.proc.is_alive():
                    self.proc.kill()
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
        """End the child and drop its result (the main process failed or was interrupted)."""
        if self.proc is not None:
            self._end()
            self.recv.close()
