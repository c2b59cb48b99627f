"""Signals that end a run: SIGINT (Ctrl-C), SIGTERM (kill, a scheduler's stop) and SIGHUP (the
terminal closed) end it alike, by raising `errors.Interrupted` where the main thread is, so that
the code on the way out cleans up (the output folder's staging folder is removed, an open store
transaction rolls back, a process working beside is ended) and the command line says in one line
what was left, with exit status 128 + the signal's number (130 for Ctrl-C).

A signal the process was started ignoring (`nohup` ignores SIGHUP, a shell's background job
SIGINT) stays ignored. The few steps that must not stop half-way (moving the outputs into place,
recording how a run ended) run under `deferred()`: a signal that arrives then takes effect as the
step ends.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from .errors import Interrupted

__all__ = ["SIGNALS", "handled", "deferred", "last"]

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


_last: list[Interrupted] = []  # the Interrupted raised under handled(), for a caller that only gets an exit code


def _raise(signum, frame) -> None:
    exc = Interrupted(signum)
    _last[:] = [exc]
    raise exc


def last() -> Interrupted | None:
    """The Interrupted that a signal raised in the latest `handled()` block, if any: typer turns
    an interrupt inside a command into an exit code, and the command line still has to say what
    was left (the notes that the layers it passed through added to it)."""
    return _last[0] if _last else None


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _install(handler) -> dict:
    """Install `handler` for each of SIGNALS not ignored; return the handlers it replaced."""
    old = {}
    for signum in SIGNALS:
        current = signal.getsignal(signum)
        if current == signal.SIG_IGN:
            continue
        old[signum] = current
        signal.signal(signum, handler)
    return old


def _restore(old: dict) -> None:
    for signum, handler in old.items():
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


@contextmanager
def handled() -> Iterator[None]:
    """While the block runs, SIGINT, SIGTERM and SIGHUP raise `Interrupted` (in the main thread;
    elsewhere this does nothing)."""
    if not _main_thread():
        yield
        return
    _last.clear()
    old = _install(_raise)
    try:
        yield
    finally:
        _restore(old)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends, then act on the first that came as
    the process would have (raise `Interrupted` under `handled()`, KeyboardInterrupt for a plain
    Ctrl-C, the default action otherwise). In the main thread only; elsewhere nothing is held."""
    if not _main_thread():
        yield
        return
    got: list[int] = []
    old = _install(lambda signum, frame: got.append(signum))
    try:
        yield
    finally:
        _restore(old)
        if got:
            signal.raise_signal(got[0])
