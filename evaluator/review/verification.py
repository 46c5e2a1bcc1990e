"""Which predictions rank a candidate: the file they submitted, or what their code reproduces.

A submitted file is a claim; the code that reproduces it is the evidence (a candidate whose
own run read a file of answers submitted a perfect score that its code, re-run without that
file, does not make). With ``--rerun``:

- the re-run reproduces the submission (its primary metric within the rubric's
  ``reproduce_tolerance``): ranked on the submitted file, *reproduced*;
- the re-run's predictions score differently beyond the tolerance: they are the ones scored,
  so the tiers, the metric part of the final score and the candidate's scorecard use them;
  the leaderboard shows both scores and the difference, and flags *submission not reproduced*;
- the re-run failed (a limit, a crash, no output or an invalid one, an install failure): not
  ranked, with the reason, and the metric part of the final score counts 0: the submitted
  file is unproven.

Without ``--rerun``, and for a bare file (no code to re-run), a candidate is ranked on the
submitted file, marked *unverified*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from casekit.review.rerun import RerunResult

Verdict = Literal["reproduced", "not_reproduced", "unproven", "unverified"]
FLAGS: dict[str, str] = {"reproduced": "reproduced", "not_reproduced": "submission not reproduced",
                         "unproven": "submission unproven", "unverified": "unverified"}


@dataclass(frozen=True)
class Verification:
    """What a candidate is ranked on, and why.

    ``submitted`` is the submitted file's primary metric; ``rerun`` the re-run's (None when
    there is none to score); ``reason`` says in a sentence where the verdict came from.
    """

    verdict: Verdict
    reason: str
    submitted: float | None = None
    rerun: float | None = None

    @property
    def flag(self) -> str:
        return FLAGS[self.verdict]

    @property
    def ranked(self) -> bool:
        """Only an unproven file is kept out of the ranking."""
        return self.verdict != "unproven"

    @property
    def ranks_rerun(self) -> bool:
        """Whether the re-run's predictions are the ones scored."""
        return self.verdict == "not_reproduced"

    @property
    def difference(self) -> float | None:
        """The re-run's primary metric minus the submitted file's."""
        return None if self.rerun is None or self.submitted is None else self.rerun - self.submitted

    def describe(self) -> str:
        """The leaderboard's cell: the flag, and both scores with their difference when they differ."""
        if self.verdict == "not_reproduced":
            assert self.rerun is not None and self.submitted is not None  # set together for this verdict
            return (f"{self.flag}: ranked on the re-run's {self.rerun:.4f}; submitted {self.submitted:.4f}, "
                    f"difference {self.rerun - self.submitted:+.4f}")
        if self.verdict == "reproduced":
            return self.flag
        return f"{self.flag}: {self.reason}"


def verify(rerun: RerunResult | None, submitted: float | None, not_rerun: str) -> Verification:
    """The verdict on a candidate's submission from its re-run (None: not re-run, ``not_rerun`` says why)."""
    if rerun is None:
        return Verification("unverified", f"ranked on the submitted file ({not_rerun})", submitted)
    check = rerun.check
    if rerun.status == "reproduced" and check is not None:
        return Verification("reproduced", rerun.summary, submitted, check.regenerated)
    if rerun.status == "differs" and check is not None and check.scored is not None:
        return Verification("not_reproduced", f"the re-run's predictions are scored: {rerun.summary}", submitted,
                            check.regenerated)
    return Verification("unproven", f"the re-run gave no predictions to score ({rerun.status.replace('_', ' ')}: "
                        f"{rerun.summary}), so the submitted file is unproven; see the candidate's report, fix the "
                        f"cause or the limits, and review again", submitted)
