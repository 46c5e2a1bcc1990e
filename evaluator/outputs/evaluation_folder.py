"""An evaluation's folder: ``scorecard.json``, ``report.html``, ``plots/`` and a copy of the
submission, written so that it appears complete or not at all."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from casekit.files import atomic
from casekit.outputs.report import render_report
from casekit.scoring.scorecard import Scorecard
from casekit.tasks.base import DECISION_FILE

SUBMISSION_COPY_DIR = "submission"


def write_evaluation_folder(
    card: Scorecard, destination: Path, submission: Path, *, review: dict[str, Any] | None = None,
    extra_files: dict[str, bytes] | None = None,
) -> Path:
    """Write the scorecard, the report, the figures and a copy of the submission (with the
    decision declared beside it, if any) into ``destination``, atomically.

    ``review`` adds the review's section to the report (see :mod:`casekit.review.batch`), and
    ``extra_files`` (relative path to bytes) are written into the same folder.
    """
    figures = card.details.figures()
    html = render_report(card, figures, review=review)
    with atomic.staged_directory(destination) as staging:
        (staging / "scorecard.json").write_text(card.to_json(), encoding="utf-8")
        (staging / "report.html").write_text(html, encoding="utf-8")
        (staging / "plots").mkdir()
        for name, png in figures.items():
            (staging / "plots" / name).write_bytes(png)
        (staging / SUBMISSION_COPY_DIR).mkdir()
        shutil.copyfile(submission, staging / SUBMISSION_COPY_DIR / submission.name)
        decision = submission.parent / DECISION_FILE
        if card.submission.decision and decision.is_file():
            shutil.copyfile(decision, staging / SUBMISSION_COPY_DIR / DECISION_FILE)
        for name, payload in (extra_files or {}).items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(payload)
    return destination
