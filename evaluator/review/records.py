"""What a review is asked (its options, one candidate's task) and what it produces per candidate:
the records the workers, the leaderboard and the similarity check share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from casekit.metrics.bootstrap import DEFAULT_RESAMPLES
from casekit.review.candidates import Candidate
from casekit.review.final_score import FinalScore
from casekit.review.rerun import RerunOptions
from casekit.review.rubric import CaseRubric


@dataclass(frozen=True)
class ReviewOptions:
    output: Path
    keys_dir: Path | None = None
    instance: str | None = None
    jobs: int = 1
    cluster: str | None = None
    rerun: bool = False
    rerun_limits: RerunOptions = field(default_factory=RerunOptions)
    weights: str | None = None
    resamples: int = DEFAULT_RESAMPLES
    track: bool = True


@dataclass(frozen=True)
class ReviewTask:
    """What a worker process needs to review one candidate (picklable)."""

    candidate: Candidate
    options: ReviewOptions
    rubric: CaseRubric


@dataclass(frozen=True)
class CandidateReview:
    """One candidate's outcome, as the leaderboard and the summary need it."""

    name: str
    slug: str
    kind: str
    source: str
    instance_id: str
    status: Literal["scored", "invalid", "error"]
    message: str = ""
    primary_title: str = ""
    primary_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    tier: str = ""
    final: FinalScore | None = None
    rubric_scored: int = 0
    rubric_total: int = 0
    rerun_status: str = "not re-run"
    rerun_summary: str = ""
    rerun_seconds: float | None = None
    rerun_peak_memory_mb: float | None = None
    rerun_isolation: str = ""
    report: str | None = None
    run_id: str | None = None
    seconds: float = 0.0
