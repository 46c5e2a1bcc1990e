"""A fake-news project with planted results, evaluated through the real scoring path: the classical
baseline's predictions (which lose to the strong baseline), turned upside down on one domain (a
slice much worse than overall), with a threshold of 0.2 declared (it flags far more than 15% of
the posts)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from conftest import project_with_submission

from casekit.evaluation import evaluate_project
from casekit.instances.instance import open_instance
from casekit.scoring.baselines import ensure_baselines
from casekit.scoring.scorecard import Scorecard

PLANTED_THRESHOLD = 0.2


def weakest_domain(project: Path) -> str:
    """The domain with 60 test posts or more (a slice) whose rarer class is the largest: inverted, its
    ROC-AUC falls far below overall, with an interval narrow enough to say so."""
    answers = open_instance(project).key.answers
    test = pd.read_csv(project / "data" / "test.csv", usecols=["post_id", "domain"])
    labelled = test.merge(answers, on="post_id")
    counts = (labelled["label"] == "fake").groupby(labelled["domain"]).agg(["size", "sum"])
    counts = counts[counts["size"] >= 60]
    rarer_class = np.minimum(counts["sum"], counts["size"] - counts["sum"])
    return str(rarer_class.idxmax())


def plant(project: Path, destination: Path, threshold: float = PLANTED_THRESHOLD) -> tuple[Path, str]:
    """The planted copy of ``project`` in ``destination``, and the domain made weak."""
    copy = project_with_submission(project, ensure_baselines(open_instance(project)), "tfidf_logreg", destination)
    domain = weakest_domain(project)
    test = pd.read_csv(copy / "data" / "test.csv", usecols=["post_id", "domain"])
    predictions = pd.read_csv(copy / "submission" / "predictions.csv")
    inverted = predictions["post_id"].isin(test.loc[test["domain"] == domain, "post_id"])
    predictions.loc[inverted, "prob_fake"] = 1 - predictions.loc[inverted, "prob_fake"]
    predictions.to_csv(copy / "submission" / "predictions.csv", index=False)
    (copy / "submission" / "decision.json").write_text(json.dumps({"threshold": threshold}))
    return copy, domain


def evaluated(project: Path) -> Scorecard:
    """``casekit evaluate`` of the project (not logged), as its scorecard."""
    return evaluate_project(project, track=False).scorecard
