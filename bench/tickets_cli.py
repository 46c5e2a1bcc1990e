"""Time the ticket case's command line, each figure beside a peer measured in the same run.

    python bench/tickets_cli.py [--repeat 5]

1. ``casekit --help``                      vs ``mlflow --help``           (target < 0.5 s)
2. ``casekit new tickets`` (20k tickets)    vs plain cookiecutter render   (target < 5 s)
3. ``casekit evaluate`` on 100k test rows with 1000 bootstrap resamples, candidate and three
   baselines paired                        vs the same intervals from sklearn.metrics called
                                              once per resample             (target < 5 s)

For (3) the instance is issued with 400k synthetic tickets (100k held out). Baseline
*training* is a one-off per instance and not what is timed, so the bench fills the baseline
cache with predictions of known accuracy instead of fitting three models on 300k tickets.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

BIN = Path(sys.executable).parent
TARGETS = {"help": 0.5, "new": 5.0, "evaluate": 5.0}


def timed(command: list[str], cwd: Path, env: dict[str, str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def issue_large_instance(work: Path, env: dict[str, str]) -> Path:
    """A ticket project whose test set has 100k rows, with a cached baseline for each tier."""
    from casekit.files.fingerprint import csv_bytes, sha256_file
    from casekit.instances.issue import new_project
    from casekit.scoring.baselines import RECORD_FILE

    os.environ.update(env)
    # 400k tickets (20 times the default): a quarter held out is 100k test rows.
    created = new_project("tickets", output=work / "large", seed=1, scale=20, starter="empty")
    answers = pd.read_csv(created.key_folder / "answers.csv", dtype=str)
    labels = created.bundle.labels
    rng = np.random.default_rng(0)

    def predictions(accuracy: float, with_proba: bool) -> pd.DataFrame:
        truth = answers["category"].to_numpy()
        guess = np.where(rng.random(truth.size) < accuracy, truth, rng.choice(labels, truth.size))
        frame = pd.DataFrame({"ticket_id": answers["ticket_id"], "category": guess})
        if with_proba:
            proba = rng.dirichlet(np.ones(len(labels)), truth.size)
            proba[np.arange(truth.size), [labels.index(g) for g in guess]] += 2.0
            proba /= proba.sum(axis=1, keepdims=True)
            for position, label in enumerate(labels):
                frame[f"proba_{label}"] = proba[:, position]
        return frame

    cache = created.key_folder / "baselines"
    cache.mkdir()
    record = {}
    for name, accuracy in (("majority", 0.2), ("tfidf_logreg", 0.78), ("lightgbm", 0.84)):
        path = cache / f"{name}.csv"
        path.write_bytes(csv_bytes(predictions(accuracy, with_proba=True)))
        record[name] = {"sha256": sha256_file(path), "fit_seconds": 0.0, "casekit_version": "bench"}
    (cache / RECORD_FILE).write_text(json.dumps(record))
    submission = created.path / "submission" / "predictions.csv"
    submission.write_bytes(csv_bytes(predictions(0.81, with_proba=True)))
    return created.path


def sklearn_loop_seconds(project: Path, resamples: int) -> float:
    """The peer: 1000 resamples of the same intervals via sklearn.metrics, one call per metric
    per resample per model; timed on ``resamples`` resamples and scaled to 1000."""
    from sklearn import metrics

    answers = pd.read_csv(next((project.parent / "keys").glob("*/answers.csv")), dtype=str)
    submission = pd.read_csv(project / "submission" / "predictions.csv", dtype=str)
    # Integer codes: the fastest input sklearn takes (strings cost it a sort per call).
    labels = sorted(set(answers["category"]))
    truth = pd.Categorical(answers["category"], categories=labels).codes
    guess = pd.Categorical(submission["category"], categories=labels).codes
    proba = submission[[f"proba_{label}" for label in labels]].astype(float).to_numpy()
    labels = list(range(len(labels)))
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    for _ in range(resamples):
        index = rng.integers(0, truth.size, truth.size)
        for _model in range(4):  # the candidate and three baselines, as casekit does
            metrics.f1_score(truth[index], guess[index], average="macro", labels=labels)
            metrics.f1_score(truth[index], guess[index], average="weighted", labels=labels)
            metrics.accuracy_score(truth[index], guess[index])
            metrics.log_loss(truth[index], proba[index], labels=labels)
    return (time.perf_counter() - started) * 1000 / resamples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="casekit-bench-"))
    env = {**os.environ, "CASEKIT_KEYS_DIR": str(work / "keys"), "MLFLOW_TRACKING_URI": f"sqlite:///{work}/mlflow.db",
           "COLUMNS": "120"}
    casekit = [str(BIN / "casekit")]
    rows = []
    try:
        rows.append(("casekit --help", timed([*casekit, "--help"], work, env, args.repeat),
                     "mlflow --help", timed([str(BIN / "mlflow"), "--help"], work, env, args.repeat), "help"))

        new = [*casekit, "new", "tickets", "--seed", "3", "-o", "p", "--force"]
        from casekit.instances.issue import template_dir

        config = work / "cc.yaml"
        config.write_text(f"replay_dir: {work / 'replay'}\ncookiecutters_dir: {work / 'cc'}\n")
        render = [str(BIN / "cookiecutter"), "--no-input", "-f", "-o", str(work / "cc-out"), "--config-file",
                  str(config), str(template_dir())]
        rows.append(("casekit new tickets", timed(new, work, env, args.repeat),
                     "cookiecutter render only", timed(render, work, env, args.repeat), "new"))

        project = issue_large_instance(work, env)
        evaluate = [*casekit, "evaluate", str(project), "--no-track"]
        timed(evaluate, work, env, 1)  # warm the file cache
        rows.append(("casekit evaluate, 100k rows, 1000 resamples", timed(evaluate, work, env, args.repeat),
                     "sklearn.metrics per resample (scaled from 20)", sklearn_loop_seconds(project, 20), "evaluate"))
        tracked = timed([*casekit, "evaluate", str(project)], work, env, 3)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"{'what':<46} {'casekit':>9} {'target':>8}   {'peer':<46} {'peer':>9} {'ratio':>7}")
    for name, ours, peer_name, peer, target in rows:
        verdict = "ok" if ours < TARGETS[target] else "MISSED"
        print(f"{name:<46} {ours:>8.2f}s {TARGETS[target]:>6.1f}s {verdict:<3} {peer_name:<46} {peer:>8.2f}s "
              f"{peer / ours:>6.1f}x")
    print(f"(casekit evaluate with MLflow logging to a sqlite store: {tracked:.2f}s; median of 3)")
    print(f"medians of {args.repeat} runs on {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
