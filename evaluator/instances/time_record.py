"""Time on record: the time box a candidate is given, when their instance was issued, and the
candidate's own clock.

Two clocks, kept apart:

- the reviewer's: ``casekit new`` records the issue time (UTC) and the time box in force in the
  key store (which the candidate never has) and, for the candidate to read, in ``casekit.json``;
  ``casekit review`` records when it first received each submission. Elapsed time is the
  difference of the two, both read on the reviewer's side;
- the candidate's: the project's pipeline notes when each ``make run`` started
  (:data:`RUN_LOG`), and ``casekit pack`` when the pack was made. These are evidence, shown
  labelled as the candidate's clock: the candidate controls that clock and those files, so
  nothing here treats them as proof.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from casekit.errors import UsageError

# "4h", "90m", "2h30m" (spaces and capitals allowed): hours and minutes, as a brief states a box.
DURATION = re.compile(r"(?:(\d{1,4})\s*h)?\s*(?:(\d{1,5})\s*m)?", re.IGNORECASE)
DURATION_EXAMPLE = "a duration such as 4h, 90m or 2h30m"
# A box longer than a week is not a time box; past it, a value is a typo (400h for 4h).
MAX_BOX_MINUTES = 7 * 24 * 60
RUN_LOG = ".casekit/development-runs.jsonl"
# The log is a line per run; a bigger file is not one the pipeline wrote.
MAX_RUN_LOG_BYTES = 1024**2


def parse_duration(text: str, option: str, *, allow_zero: bool = False) -> int:
    """Minutes in ``text`` (``4h``, ``90m``, ``2h30m``), or a :class:`UsageError` naming ``option``."""
    match = DURATION.fullmatch(text.strip())
    if not text.strip() or match is None or not any(match.groups()):
        raise UsageError(f"{option} {text!r}: expected {DURATION_EXAMPLE}")
    hours, minutes = (int(part or 0) for part in match.groups())
    total = 60 * hours + minutes
    if total == 0 and not allow_zero:
        raise UsageError(f"{option} {text!r}: the time box must be longer than 0; e.g. {option} 4h")
    if total > MAX_BOX_MINUTES:
        raise UsageError(f"{option} {text!r}: at most {format_minutes(MAX_BOX_MINUTES)} (a week), in hours and "
                         f"minutes such as 4h, 90m or 2h30m")
    return total


def format_minutes(minutes: float) -> str:
    """``150`` as ``2h30m``, ``240`` as ``4h``, ``45`` as ``45m``: the form ``parse_duration`` reads
    (a fraction of a minute is dropped)."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest:02d}m" if rest else f"{hours}h"


def describe_minutes(minutes: int) -> str:
    """``150`` as ``2 hours 30 minutes``: how a brief states its box."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
    parts += [f"{rest} minute{'s' * (rest != 1)}"] if rest else []
    return " ".join(parts)


def now_utc() -> str:
    """The time now, UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time with its offset (``Z`` or ``+01:00``) as an aware datetime, else None:
    a time without an offset could be anyone's local time."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return moment if moment.tzinfo is not None else None


@dataclass(frozen=True)
class Issue:
    """When one ``casekit new`` issued a project, and the time box it gave (on the reviewer's clock)."""

    issued_at: str
    time_box_minutes: int


@dataclass(frozen=True)
class CandidateClock:
    """What the candidate's own clock says: their ``make run`` starts and when they packed.

    Evidence only, always shown as the candidate's clock: the candidate controls it.
    """

    runs: int
    first_run: str | None
    last_run: str | None
    packed_at: str | None


def note_development_run(project: str | Path = ".") -> None:
    """Note in the project's :data:`RUN_LOG` that a development run starts now (``make run`` calls
    it): evidence of when the candidate worked, on their own clock."""
    log = Path(project) / RUN_LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps({"started_at": now_utc()}) + "\n").encode()
    # One short line appended with O_APPEND lands whole, and two runs at once cannot lose each
    # other's line, as a rewrite of the whole file could.
    descriptor = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def read_candidate_clock(project: Path | None, packed_at: str | None = None) -> CandidateClock | None:
    """The candidate's clock from the project's run log (lines it cannot read are skipped) and
    the pack's time; None when there is neither."""
    starts: list[datetime] = []
    log = project / RUN_LOG if project is not None else None
    # Only the project's own file: a link (of the file or its folder) could point anywhere.
    if project is not None and log is not None and log.is_file() and log.resolve().is_relative_to(project.resolve()):
        with log.open("rb") as stream:
            text = stream.read(MAX_RUN_LOG_BYTES).decode("utf-8", errors="replace")
        for line in text.splitlines():
            try:
                started = json.loads(line).get("started_at")
            except (ValueError, AttributeError):
                continue
            moment = parse_time(started) if isinstance(started, str) else None
            if moment is not None:
                starts.append(moment.astimezone(timezone.utc))
    packed = parse_time(packed_at) if packed_at else None
    if not starts and packed is None:
        return None
    return CandidateClock(len(starts), _iso(min(starts, default=None)), _iso(max(starts, default=None)),
                          _iso(packed.astimezone(timezone.utc) if packed else None))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
