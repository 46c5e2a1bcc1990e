"""Run the pipeline end to end: ``make run``.

1. ingest the training and test tickets;
2. hold out a fifth of train (stratified), fit on the rest, and score the held-out part with
   the kit's own metrics (the ones ``casekit evaluate`` uses);
3. log that run to MLflow;
4. refit on all of train, predict the test tickets, check the submission's format and write
   ``submission/predictions.csv``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sklearn.model_selection import train_test_split

from {{ cookiecutter.package_name }} import ingest, predict, train

PROJECT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT / "data"
SUBMISSION = PROJECT / "submission" / "predictions.csv"
ID, TARGET = "ticket_id", "category"
HOLDOUT_FRACTION = 0.2
SEED = 0


def main() -> int:
    from evaluator import score_predictions, validate_predictions

    tickets = ingest.load_train(DATA_DIR)
    test = ingest.load_test(DATA_DIR)
    fit_part, holdout = train_test_split(
        tickets, test_size=HOLDOUT_FRACTION, stratify=tickets[TARGET], random_state=SEED
    )

    started = time.perf_counter()
    model = train.train_model(fit_part)
    fit_seconds = time.perf_counter() - started
    holdout_predictions = predict.predict(model, holdout.drop(columns=[TARGET]))
    scores = score_predictions(holdout_predictions, holdout[[ID, TARGET]], PROJECT)
    print(f"held-out part of train ({len(holdout):,} tickets):")
    for name, value in scores.items():
        print(f"  {name:<14} {value:.4f}")
    _log_run(scores, fit_seconds, len(fit_part))

    final_model = train.train_model(tickets)
    submission = predict.predict(final_model, test)
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
        mlflow.log_params({"holdout_fraction": HOLDOUT_FRACTION, "train_rows": train_rows})
        mlflow.log_metrics({f"holdout_{name}": value for name, value in scores.items()})
        mlflow.log_metric("fit_seconds", fit_seconds)
    print(f"logged the run to MLflow at {mlflow.get_tracking_uri()}")


if __name__ == "__main__":
    raise SystemExit(main())
