"""What a review produces, per candidate and per batch: the records the leaderboard reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from casekit.metrics.bootstrap import DEFAULT_RESAMPLES
from casekit.review.final_score import FinalScore
from casekit.review.rerun import RerunOptions
from casekit.review.similarity import SimilarPair

if TYPE_CHECKING:
    from casekit.review.batch_tiers import BatchTiers


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
class CandidateReview:
    """One candidate's outcome, as the leaderboard and the summary need it.

    ``versus_baselines`` says where the candidate stands against the baselines (the highest
    one it beats or ties); ``draws`` is the path, in the review's folder, of its primary
    metric's bootstrap draws, which place it in a tier among the batch.
    """

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
    versus_baselines: str = ""
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
    draws: str | None = None


@dataclass(frozen=True)
class BatchReview:
    output: Path
    reviews: list[CandidateReview]
    baselines: list[dict]
    higher_is_better: bool
    seconds: float
    similar: list[SimilarPair] = field(default_factory=list)
    tiers: BatchTiers | None = None

    @property
    def failed(self) -> list[CandidateReview]:
        return [review for review in self.reviews if review.status != "scored"]
