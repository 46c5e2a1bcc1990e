"""What hostile submissions are made of: the values a careless or adversarial candidate writes
into a cell, and the record of one hostile file with the outcome it must end in.

The conformance suite (:mod:`casekit.conformance.hostile`) mangles any case's valid sample
submission in the ways every submission can be mangled; a task type adds the files particular
to its format (:meth:`casekit.tasks.base.Task.hostile_submissions`), built with these parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert('x')</script>"
MARKUP = "[bold red]pwned[/bold red]"
ANSI = "\x1b[2J\x1b[31mred"
CYRILLIC_A = "\u0430"  # looks like Latin "a"
ZERO_WIDTH = "\u200b"
RTL_OVERRIDE = "\u202e"
SCORED = "scored"
"""The outcome of a hostile file that must be scored (any other names the problem code of its error)."""


@dataclass(frozen=True)
class HostileSubmission:
    """A hostile submission file: its name, its bytes, and the outcome it must end in.

    ``expected`` is :data:`SCORED`, or the code of a problem its error must name; None when
    either a score or any clear error will do.
    """

    name: str
    payload: bytes
    expected: str | None = None


@dataclass(frozen=True)
class SubmissionRoles:
    """The columns of a submission that a hostile corpus mangles: the id, a column of text (a
    label, an item) and one of numbers (a probability, a rank), as far as the submission has them."""

    id_column: str
    text_column: str | None = None
    number_column: str | None = None


def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    """``frame`` as a submission file: a header, no index, ``\\n`` line ends."""
    return frame.to_csv(index=False, lineterminator="\n").encode(encoding)


def with_cells(frame: pd.DataFrame, column: str, cells: dict[int, str]) -> pd.DataFrame:
    """A copy of ``frame`` (as text) whose ``column`` holds ``cells`` (position -> value) instead."""
    changed = frame.astype(object)
    for row, value in cells.items():
        changed.iloc[row, changed.columns.get_loc(column)] = value
    return changed
