"""Run the pipeline end to end: ``make run``.

1. ingest the interactions, the catalogue and the test users;
2. hold out the most recent interactions of train (as the test split does), fit on the
   earlier part, and score the held-out users with the kit's own metrics (the ones
   ``casekit evaluate`` uses);
3. log that run to MLflow;
4. refit on all of train, recommend for the test users, check the submission's format and
   write ``submission/predictions.csv``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }} import ingest, predict, train

PROJECT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT / "data"
SUBMISSION = PROJECT / "submission" / "predictions.csv"


def main() -> int:
    from evaluator import score_predictions, validate_predictions

    events = ingest.load_events(DATA_DIR)
    items = ingest.load_items(DATA_DIR)
    test_users = ingest.load_test_users(DATA_DIR)["user_id"]

    history, holdout = train.split_by_time(events)
    started = time.perf_counter()
    model = train.train_model(history, items)
    fit_seconds = time.perf_counter() - started
    holdout_users = pd.Series(holdout["user_id"].unique())
    holdout_predictions = predict.predict(model, holdout_users)
    scores = score_predictions(holdout_predictions, holdout[["user_id", "item_id"]], PROJECT)
    print(f"held-out recent interactions of train ({len(holdout_users):,} users):")
    for name, value in scores.items():
        print(f"  {name:<22} {value:.4f}")
    _log_run(scores, fit_seconds, len(history))

    final_model = train.train_model(events, items)
    submission = predict.predict(final_model, test_users)
    report = validate_predictions(submission, PROJECT)
    if not report.ok:
        print(report.summary(), file=sys.stderr)
        return 1
    SUBMISSION.parent.mkdir(parents=True, exist_ok=True)
    partial = SUBMISSION.with_suffix(".csv.partial")
    submission.to_csv(partial, index=False)
    partial.replace(SUBMISSION)
    print(f"wrote {SUBMISSION.relative_to(PROJECT)} ({len(submission):,} rows)")
    return 0


def _log_run(scores: dict[str, float], fit_seconds: float, train_rows: int) -> None:
    import mlflow

    bundle = json.loads((PROJECT / "casekit.json").read_text())
    mlflow.set_experiment(f"casekit/{bundle['case']}/{bundle['instance_id']}")
    with mlflow.start_run(run_name="development", tags={"casekit.role": "development"}):
        mlflow.log_params({"holdout": "latest interactions of train", "train_rows": train_rows})
        mlflow.log_metrics({f"holdout_{name}": value for name, value in scores.items()})
        mlflow.log_metric("fit_seconds", fit_seconds)
    print(f"logged the run to MLflow at {mlflow.get_tracking_uri()}")


if __name__ == "__main__":
    raise SystemExit(main())
