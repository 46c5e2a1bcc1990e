"""Time on record in a review: when each submission was received, the time elapsed since its
project was issued, and whether that is past the time box plus the reviewer's grace.

Elapsed time is read on the reviewer's clock only: the issue time comes from the key store
(``casekit new``), the receipt from the review folder's ``received.json``, where a review
notes the time it first sees each candidate (or the time the reviewer gives with
``--received NAME=TIME``, e.g. when the email arrived). The first receipt stands: reviewing
the batch again, or after a rubric is completed, does not move it; ``--received`` does.

The candidate's clock (their ``make run`` starts and the pack's time) is shown beside it,
labelled as theirs, and never enters the elapsed time or the flag.

The grace (``--grace``, 30 minutes by default) covers what lies between the two readings but
is not the candidate's work: the project waiting to be sent after ``casekit new``, mail, the
candidate packing and uploading, the reviewer downloading. Half an hour is an eighth of a
4-hour box, too little to hide a second evening of work.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from casekit.errors import UsageError
from casekit.files import atomic
from casekit.instances.time_record import CandidateClock, Issue, format_minutes, now_utc, parse_time

RECEIVED_FILE = "received.json"
DEFAULT_GRACE_MINUTES = 30
FIRST_SEEN = "first seen by casekit review"
GIVEN = "given by the reviewer (--received)"
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Receipt:
    """When a candidate's submission was received, and who says so."""

    received_at: str
    how: str


@dataclass(frozen=True)
class TimeOnRecord:
    """One candidate's time: the issue and its box (key store), the receipt (review folder), the
    reviewer's grace, and the candidate's own clock (evidence only)."""

    issue: Issue | None
    receipt: Receipt
    grace_minutes: int
    clock: CandidateClock | None

    @property
    def elapsed_minutes(self) -> float | None:
        """Received minus issued, on the reviewer's clock; None when the issue is not recorded."""
        if self.issue is None:
            return None
        issued, received = parse_time(self.issue.issued_at), parse_time(self.receipt.received_at)
        if issued is None or received is None:
            return None
        return (received - issued).total_seconds() / 60

    @property
    def over_minutes(self) -> float | None:
        """How far the elapsed time goes past the box (negative: within it); None when not recorded."""
        elapsed = self.elapsed_minutes
        return None if elapsed is None or self.issue is None else elapsed - self.issue.time_box_minutes

    @property
    def past_box(self) -> bool | None:
        """Past the box plus the grace; None when not recorded."""
        over = self.over_minutes
        return None if over is None else over > self.grace_minutes

    def box_text(self) -> str:
        """``4h``, or ``not recorded``."""
        return format_minutes(self.issue.time_box_minutes) if self.issue else NOT_RECORDED

    def elapsed_text(self) -> str:
        """``4h12m of 4h``, or ``not recorded``."""
        elapsed = self.elapsed_minutes
        if elapsed is None:
            return NOT_RECORDED
        if elapsed < 0:  # only a receipt the reviewer gave can come before the issue
            return "received before it was issued: check --received"
        # A started minute counts: shown to the minute, a flagged submission never reads as within the box.
        return f"{format_minutes(math.ceil(elapsed))} of {self.box_text()}"

    def past_box_text(self) -> str:
        """``yes, 1h12m over the box`` / ``no`` / ``not recorded``."""
        over = self.over_minutes
        if over is None:
            return NOT_RECORDED
        return f"yes, {format_minutes(math.ceil(over))} over the box" if self.past_box else "no"

    def record(self) -> dict[str, object]:
        """The plain form summary.json holds."""
        clock = self.clock
        return {
            "issued_at": self.issue.issued_at if self.issue else None,
            "time_box_minutes": self.issue.time_box_minutes if self.issue else None,
            "received_at": self.receipt.received_at, "received": self.receipt.how,
            "elapsed_minutes": None if self.elapsed_minutes is None else round(self.elapsed_minutes, 1),
            "grace_minutes": self.grace_minutes, "past_box": self.past_box,
            "candidate_clock": None if clock is None else {
                "development_runs": clock.runs, "first_run": clock.first_run, "last_run": clock.last_run,
                "packed_at": clock.packed_at},
        }

    def clock_disagrees(self) -> bool:
        """The candidate's clock puts a run or the pack before the issue or after the receipt: one
        of the two clocks is off (or the files were edited); it proves nothing either way."""
        if self.clock is None:
            return False
        bounds = [parse_time(self.issue.issued_at) if self.issue else None, parse_time(self.receipt.received_at)]
        stamps = [parse_time(stamp) for stamp in (self.clock.first_run, self.clock.last_run, self.clock.packed_at)
                  if stamp]
        low, high = bounds
        return any(stamp is not None and ((low is not None and stamp < low) or (high is not None and stamp > high))
                   for stamp in stamps)


def parse_received(values: list[str]) -> dict[str, str]:
    """``--received NAME=TIME`` options, by name, each TIME an ISO 8601 time with its offset, in UTC."""
    given: dict[str, str] = {}
    for value in values:
        name, _, text = value.rpartition("=")
        moment = parse_time(text)
        if not name.strip() or moment is None:
            raise UsageError(f"--received {value!r}: expected NAME=TIME with an ISO 8601 time and its offset, e.g. "
                             f"--received 'Ada=2026-06-03T17:40Z'")
        if moment > datetime.now(timezone.utc):
            raise UsageError(f"--received {value!r}: that time is still to come on this machine's clock; give the time "
                             f"the submission arrived, with its offset")
        given[name.strip()] = moment.astimezone(timezone.utc).isoformat(timespec="seconds")
    return given


def record_receipts(output: Path, names: list[str], given: dict[str, str]) -> dict[str, Receipt]:
    """Each candidate's receipt, by name: the one on record in the review folder, else now; a time
    the reviewer gives replaces it. Written before anything is scored, so a review cut short
    keeps them."""
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise UsageError(f"--received names {unknown[0]!r}, who is not a candidate of this batch; use the name the "
                         f"leaderboard shows")
    path = output / RECEIVED_FILE
    stored = _read(path)
    now = now_utc()
    receipts = {name: Receipt(given[name], GIVEN) if name in given else stored.get(name, Receipt(now, FIRST_SEEN))
                for name in names}
    merged = {**stored, **receipts}
    output.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, json.dumps({name: {"received_at": receipt.received_at, "how": receipt.how}
                                        for name, receipt in sorted(merged.items())}, indent=2) + "\n")
    return receipts


def _read(path: Path) -> dict[str, Receipt]:
    """The receipts on record. One the file holds but that cannot be read is an error, not a new
    receipt: that would move the candidate's receipt, silently, to now."""
    if not path.is_file():
        return {}
    problem = f"{path}: not a record of receipts written by casekit review"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"{problem} ({error}); restore it, or remove it to receive every candidate now") from error
    receipts = {}
    for name, entry in raw.items() if isinstance(raw, dict) else [("", {})]:
        entry = entry if isinstance(entry, dict) else {}
        at = entry.get("received_at")
        if not isinstance(at, str) or parse_time(at) is None:
            raise UsageError(f"{problem} (the entry {name!r} has no time with its offset); correct it, or give the "
                             f"time with --received")
        receipts[name] = Receipt(at, str(entry.get("how", FIRST_SEEN)))
    return receipts
