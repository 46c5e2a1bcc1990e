{%- set liar = cookiecutter.source.startswith("liar") -%}
{%- set six_way = cookiecutter.source == "liar-6way" -%}
"""Run the pipeline end to end: ``make run``.

{% if liar -%}
1. ingest the training and test statements;
2. hold out a fifth of train (stratified by label), fit on the rest, and score the held-out
   part with the kit's own metrics (the ones ``casekit evaluate`` uses);
{%- else -%}
1. ingest the training and test posts;
2. hold out the latest fifth of train (the model will score posts later than any it saw),
   fit on the rest, and score the held-out part with the kit's own metrics (the ones
   ``casekit evaluate`` uses);
{%- endif %}
3. log that run to MLflow;
4. refit on all of train, predict the test set, check the submission's format and write
   ``submission/predictions.csv``{% if not six_way %} and the threshold in ``submission/decision.json``{% endif %}.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import pandas as pd
{%- if liar %}
from sklearn.model_selection import train_test_split
{%- endif %}

from {{ cookiecutter.package_name }} import ingest, predict, train

PROJECT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT / "data"
SUBMISSION_DIR = PROJECT / "submission"
ID, TARGET = "{{ 'statement_id' if liar else 'post_id' }}", "label"
HOLDOUT_FRACTION = 0.2
{%- if liar %}
SEED = 0
{%- endif %}
{%- if six_way %}
DECISION = None  # the predicted rating is the most probable one: there is no threshold
{%- else %}
# Rows whose probability of fake is at or above the threshold are flagged for the
# fact-checkers. Choose it from their capacity and the costs in the brief (README.md) and
# say why in DESIGN.md; it is written to submission/decision.json with the predictions.
DECISION = {"threshold": 0.5}
{%- endif %}


def main() -> int:
    from evaluator import score_predictions, validate_predictions

    rows = ingest.load_train(DATA_DIR)
    test = ingest.load_test(DATA_DIR)
    fit_part, holdout = split_holdout(rows)

    started = time.perf_counter()
    model = train.train_model(fit_part)
    fit_seconds = time.perf_counter() - started
    holdout_predictions = predict.predict(model, holdout.drop(columns=[TARGET]))
    scores = score_predictions(holdout_predictions, holdout[[ID, TARGET]], PROJECT, DECISION)
    print(f"held-out part of train ({len(holdout):,} rows):")
    for name, value in scores.items():
        print(f"  {name:<14} {value:.4f}")
    _log_run(scores, fit_seconds, len(fit_part))

    final_model = train.train_model(rows)
    submission = predict.predict(final_model, test)
    report = validate_predictions(submission, PROJECT, DECISION)
    if not report.ok:
        print(report.summary(), file=sys.stderr)
        return 1
    _write(submission)
    return 0


def split_holdout(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
{%- if liar %}
    """A random fifth of train, stratified by label (LIAR statements carry no date)."""
    return train_test_split(rows, test_size=HOLDOUT_FRACTION, stratify=rows[TARGET], random_state=SEED)
{%- else %}
    """The latest fifth of train: like the test set, it comes after everything the model saw.

    A random split would put reposts of one story on both sides and hide the drift between
    one quarter and the next, which makes the held-out score look better than the test score.
    """
    ordered = rows.sort_values("published_at", kind="stable")
    cut = round(len(ordered) * (1 - HOLDOUT_FRACTION))
    return ordered.iloc[:cut], ordered.iloc[cut:]
{%- endif %}


def _write(submission: pd.DataFrame) -> None:
    SUBMISSION_DIR.mkdir(parents=True, exist_ok=True)
    target = SUBMISSION_DIR / "predictions.csv"
    partial = target.with_suffix(".csv.partial")
    submission.to_csv(partial, index=False)
    partial.replace(target)
    print(f"wrote {target.relative_to(PROJECT)} ({len(submission):,} rows)")
{%- if not six_way %}
    (SUBMISSION_DIR / "decision.json").write_text(json.dumps(DECISION) + "\n")
    print(f"wrote submission/decision.json: {DECISION}")
{%- endif %}


def _log_run(scores: dict[str, float], fit_seconds: float, train_rows: int) -> None:
    import mlflow

    bundle = json.loads((PROJECT / "casekit.json").read_text())
    mlflow.set_experiment(f"casekit/{bundle['case']}/{bundle['instance_id']}")
    with mlflow.start_run(run_name="development", tags={"casekit.role": "development"}):
        mlflow.log_params({"holdout_fraction": HOLDOUT_FRACTION, "train_rows": train_rows, **(DECISION or {})})
        mlflow.log_metrics({f"holdout_{name}": value for name, value in scores.items() if math.isfinite(value)})
        mlflow.log_metric("fit_seconds", fit_seconds)
    print(f"logged the run to MLflow at {mlflow.get_tracking_uri()}")


if __name__ == "__main__":
    raise SystemExit(main())
