"""``casekit calibrate``: reviewers score a case's gold answers before they score candidates.

The first run for a reviewer writes, for each gold answer, a copy of the answer and a rubric
file in the same form as a candidate's (never the reference scores)::

    DIR/calibration/<reviewer>/weak.md, weak.toml, adequate.md, adequate.toml, strong.md, strong.toml

Once the reviewer has scored every criterion of the three, the same command compares their
scores with the reference (the deviation per criterion and answer, its mean absolute value, and
the reference's reasoning where they differ), and, when two or more reviewers have completed
calibration in ``DIR``, how far the panel agrees among itself and with the reference
(Krippendorff's alpha, every answer x criterion a unit).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from casekit.cases.spec import CaseSpec
from casekit.errors import CasekitError, UsageError
from casekit.review.agreement import Agreement, PanelScores, bootstrap_alpha, ordinal_alpha
from casekit.review.gold import LEVELS, GoldAnswer, load_gold_answers
from casekit.review.rubric import CaseRubric, RubricError, check_design, load_case_rubric, prepare_rubric

CALIBRATION_DIR = "calibration"
REFERENCE = "(reference)"  # the reference as a coder beside the reviewers: no reviewer can take this name
_REVIEWER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class CalibrationError(CasekitError):
    """A reviewer's calibration file is incomplete or malformed; the message names the file and criterion."""


@dataclass(frozen=True)
class Deviation:
    """A reviewer's score of one gold answer on one criterion, beside the reference score."""

    level: str
    criterion: str
    score: int
    reference: int
    reason: str  # the reference's line of reasoning, shown once the reviewer has scored

    @property
    def difference(self) -> int:
        return self.score - self.reference


@dataclass(frozen=True)
class ReviewerCalibration:
    """A reviewer's completed calibration: every score, and how far each is from the reference."""

    reviewer: str
    scores: dict[str, dict[str, int]]  # by level, then criterion
    deviations: tuple[Deviation, ...]
    alpha_with_reference: float | None

    @property
    def mean_absolute_deviation(self) -> float:
        """The mean of ``|score - reference|`` over every answer and criterion.

        Examples
        --------
        >>> deviations = (Deviation("weak", "design", 2, 1, ""), Deviation("strong", "design", 3, 3, ""))
        >>> ReviewerCalibration("r1", {}, deviations, None).mean_absolute_deviation
        0.5
        """
        return float(np.mean([abs(deviation.difference) for deviation in self.deviations]))


@dataclass(frozen=True)
class PanelCalibration:
    """The reviewers who completed calibration, their agreement, and who is still scoring."""

    reviewers: tuple[ReviewerCalibration, ...]
    among_reviewers: Agreement
    with_reference: Agreement  # the reference taken as one more reviewer
    waiting: dict[str, str]  # reviewer: what is missing


@dataclass(frozen=True)
class Calibration:
    """What ``calibrate`` did: the files it wrote (a first run), or the reviewer's results."""

    case: CaseSpec
    folder: Path  # DIR/calibration/<reviewer>
    written: tuple[Path, ...]
    reviewer: ReviewerCalibration | None
    panel: PanelCalibration | None


def calibrate(spec: CaseSpec, reviewer: str, directory: Path) -> Calibration:
    """Write ``reviewer``'s calibration files, or read them back and compare them with the reference."""
    if not _REVIEWER_NAME.fullmatch(reviewer):
        raise UsageError(f"--reviewer {reviewer!r}: a reviewer's name is letters, digits, '.', '_' and '-' "
                         "(it names a folder)")
    rubric = load_case_rubric(spec)
    answers = load_gold_answers(spec, rubric)
    folder = directory / CALIBRATION_DIR / reviewer
    written = _write_missing(spec, rubric, answers, folder)
    if written:
        return Calibration(spec, folder, tuple(written), None, None)
    own = _read(spec, rubric, answers, folder, reviewer)
    return Calibration(spec, folder, (), own, _panel(spec, rubric, answers, directory / CALIBRATION_DIR))


def _write_missing(spec: CaseSpec, rubric: CaseRubric, answers: tuple[GoldAnswer, ...], folder: Path) -> list[Path]:
    """Each answer's copy and rubric file that is not there yet; a file already there is kept."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for answer in answers:
        copy, form = folder / f"{answer.level}.md", folder / f"{answer.level}.toml"
        if not copy.exists():
            shutil.copyfile(answer.path, copy)
            written.append(copy)
        if not form.exists():
            prepare_rubric(rubric, form, candidate=_label(spec, answer.level), case=spec.slug,
                           checks=check_design(rubric, copy), command=f"casekit calibrate {spec.slug}")
            written.append(form)
    return written


def _read(spec: CaseSpec, rubric: CaseRubric, answers: tuple[GoldAnswer, ...], folder: Path,
          reviewer: str) -> ReviewerCalibration:
    scores: dict[str, dict[str, int]] = {}
    for answer in answers:
        form = folder / f"{answer.level}.toml"
        if not form.is_file():
            raise CalibrationError(f"{form}: missing; run 'casekit calibrate {spec.slug} --reviewer {reviewer}' "
                                   "to write it")
        try:
            result = prepare_rubric(rubric, form, candidate=_label(spec, answer.level), case=spec.slug,
                                    checks=check_design(rubric, folder / f"{answer.level}.md"))
        except RubricError as error:
            raise CalibrationError(str(error)) from error
        for criterion in result.criteria:
            if criterion.score is None:
                raise CalibrationError(f"{form}: [{criterion.key}] is not scored yet; score every criterion 0-3 "
                                       "against its anchors, then run the same command again")
        scores[answer.level] = {criterion.key: criterion.score for criterion in result.criteria
                                if criterion.score is not None}
    deviations = tuple(Deviation(answer.level, criterion.key, scores[answer.level][criterion.key],
                                 answer.scores[criterion.key], answer.reasons[criterion.key])
                       for criterion in rubric.criteria for answer in answers)
    pair = _panel_scores({reviewer: scores, REFERENCE: _reference(answers)}, rubric)
    return ReviewerCalibration(reviewer, scores, deviations, ordinal_alpha(_units(pair)))


def _panel(spec: CaseSpec, rubric: CaseRubric, answers: tuple[GoldAnswer, ...], calibrations: Path
           ) -> PanelCalibration | None:
    """The panel of every reviewer in ``calibrations`` who has completed calibration, if two or more have."""
    complete, waiting = [], {}
    for folder in sorted(path for path in calibrations.iterdir() if path.is_dir()):
        forms = [folder / f"{level}.toml" for level in LEVELS]
        if not all(form.is_file() for form in forms):
            waiting[folder.name] = "has not started (run 'casekit calibrate' for them)"
            continue
        try:
            complete.append(_read(spec, rubric, answers, folder, folder.name))
        except CalibrationError as error:
            waiting[folder.name] = str(error)
    if len(complete) < 2:
        return None
    reviewers = {calibration.reviewer: calibration.scores for calibration in complete}
    among = _panel_scores(reviewers, rubric)
    with_reference = _panel_scores({**reviewers, REFERENCE: _reference(answers)}, rubric)
    # Three answers are fewer candidates than a bootstrap interval needs: alphas without intervals.
    return PanelCalibration(tuple(complete), bootstrap_alpha(among.scores), bootstrap_alpha(with_reference.scores),
                            waiting)


def _panel_scores(scores: dict[str, dict[str, dict[str, int]]], rubric: CaseRubric) -> PanelScores:
    return PanelScores.from_mapping(scores, [criterion.key for criterion in rubric.criteria])


def _units(panel: PanelScores) -> np.ndarray:
    """The reviewers x units matrix, every answer x criterion a unit."""
    return panel.scores.reshape(len(panel.reviewers), -1)


def _reference(answers: tuple[GoldAnswer, ...]) -> dict[str, dict[str, int]]:
    return {answer.level: answer.scores for answer in answers}


def _label(spec: CaseSpec, level: str) -> str:
    """The 'candidate' a calibration file is written for: a file of another case's is refused."""
    return f"{spec.slug} gold answer: {level}"
