"""Errors and row-level problems.

A `WvtextError` is fatal for the thing it names (a file, a lexicon) and is shown
to the user as one line. A `Problem` is a row-level warning: the row is still
read, and the problem is stored and reported with file, row and question.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["WvtextError", "IngestError", "StoreError", "Interrupted", "Problem", "PROBLEM_CODES"]


class WvtextError(Exception):
    """Base class: a message meant for the user, with an optional remedy."""

    def __init__(self, message: str, *, remedy: str | None = None):
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        return f"{self.message} {self.remedy}" if self.remedy else self.message


class IngestError(WvtextError):
    """A whole file cannot be read; nothing of it is stored."""

    def __init__(self, file: str, message: str, *, remedy: str | None = None):
        super().__init__(f"{file}: {message}", remedy=remedy)
        self.file = file


class StoreError(WvtextError):
    """The database cannot be opened or migrated."""


class Interrupted(KeyboardInterrupt):
    """A run ended by a signal (SIGINT, SIGTERM, SIGHUP; see `wvtext.interrupt`). A KeyboardInterrupt,
    so that what cleans up after Ctrl-C cleans up after these too. The layers it passes through add
    `notes`: what they leave behind (what the database keeps, that the output folder is as it was),
    which the command line prints on one line."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.notes: list[str] = []

    @property
    def name(self) -> str:
        import signal

        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"

    @property
    def exit_status(self) -> int:
        """128 + the signal's number, as a shell reports a process the signal ended (130 for SIGINT)."""
        return 128 + self.signum

    def __str__(self) -> str:
        return "; ".join([f"interrupted: {self.name}", *self.notes])


# Stable codes so that users can filter or silence kinds of warning.
PROBLEM_CODES = {
    "W101": "unknown question, or item without id",
    "W102": "duplicate question or item id",
    "W103": "unreadable code",
    "W104": "code outside the question's scheme",
    "W105": "blank code with a narrative",
    "W106": "empty narrative or item description",
    "W107": "missing question",
    "W108": "truncated file",
    "W109": "unknown locality",
    "W110": "several codes for a single-code question",
    "W111": "narrative continued on the next line",
    "W112": "more cells than the header",
    "W113": "locality filled in",
    "W114": "row without a locality",
    "W115": "question id read as a number",
    "W116": "question ids with two decimals",
    "W117": "title and file name name two localities",
    "W118": "two spellings of one locality",
    "W119": "sheet not read",
    "W120": "return given twice in one run",
    "W121": "stored return replaced from another file",
    "W122": "sheet read with another sheet's header",
    "W123": "header row repeated",
    "W124": "code written as another label of its class",
    "W125": "two columns could be the code (or narrative) column",
    "W126": "merged cell read into each row of its range",
    "W127": "code cell formatted as a date",
    "W128": "question id with a letter after it",
    "W129": "code written with a decimal comma",
    "W130": "region not the locality's, or misspelt",
    "W131": "locality read from a near spelling",
    "W132": "item ids repeated on another sheet",
}


@dataclass(frozen=True)
class Problem:
    """One row-level problem, reported and stored, never fatal."""

    code: str
    file: str
    row: int | None
    qid: str
    field: str
    message: str
    sheet: str = ""  # the workbook sheet the row stands on, where a return has several

    @property
    def kind(self) -> str:
        return PROBLEM_CODES.get(self.code, "problem")

    def __str__(self) -> str:
        where = self.file + (f", sheet {self.sheet!r}" if self.sheet else "") + (f", row {self.row}" if self.row else "")
        if self.qid:
            where += f", question {self.qid}"
        if self.field:
            where += f", {self.field}"
        return f"{self.code} {self.kind}: {where}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self) | {"kind": self.kind}
