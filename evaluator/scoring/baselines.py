"""Baselines: predictions trained once per case instance, and their scores, cached beside the key.

The baselines train on the instance's own inputs, which ``casekit new`` keeps in the key
store, so they never depend on a candidate's (possibly edited, possibly absent) data folder.
A lock serialises concurrent evaluations of the same instance, so each baseline trains once.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock

from cases.spec import Baseline, CaseSpec
from evaluator import __version__, tasks
from evaluator.files import atomic
from evaluator.errors import IntegrityError
from evaluator.files.fingerprint import csv_bytes, sha256_file
from evaluator.instances.keystore import INPUTS_DIR, AnswerKey
from evaluator.scoring.score import ModelScores, score_model

RECORD_FILE = "baselines.json"


@dataclass(frozen=True)
class BaselinePredictions:
    """One baseline's cached submission for an instance (read only when it is needed)."""

    baseline: Baseline
    path: Path
    fit_seconds: float
    id_column: str
    label_column: str | None

    @cached_property
    def frame(self) -> pd.DataFrame:
        # Our own file: ids and labels as text, probabilities parsed as floats by the C reader.
        text_columns = {column: str for column in (self.id_column, self.label_column) if column}
        return pd.read_csv(self.path, dtype=text_columns, keep_default_na=False)


def instance_inputs(key: AnswerKey) -> dict[str, pd.DataFrame]:
    """The instance's input tables from the key store, verified against the key record."""
    tables = {}
    for name, expected in sorted(key.record.inputs_sha256.items()):
        path = key.folder / INPUTS_DIR / f"{name}.csv"
        if not path.is_file() or sha256_file(path) != expected:
            raise IntegrityError(f"{path}: missing or altered; it must match the sha256 recorded in the key")
        tables[name] = pd.read_csv(path)
    return tables


def ensure_baselines(
    spec: CaseSpec, key: AnswerKey, labels: tuple[str, ...], status: Callable[[str], None] | None = None
) -> list[BaselinePredictions]:
    """Return every baseline's predictions, training those that are not cached yet."""
    task = tasks.get(spec.task)
    key.baselines_dir.mkdir(parents=True, exist_ok=True)
    record_path = key.baselines_dir / RECORD_FILE
    results = []
    with FileLock(str(key.baselines_dir / ".lock")):
        record = json.loads(record_path.read_text()) if record_path.exists() else {}
        inputs = None
        for baseline in spec.baselines:
            path = key.baselines_dir / f"{baseline.name}.csv"
            entry = record.get(baseline.name)
            if not (entry and path.is_file() and sha256_file(path) == entry["sha256"]):
                if status:
                    status(f"training baseline {baseline.title}")
                inputs = inputs if inputs is not None else instance_inputs(key)
                started = time.perf_counter()
                frame = task.baseline_submission(baseline.estimator(), inputs, spec, labels)
                entry = {"fit_seconds": round(time.perf_counter() - started, 3), "casekit_version": __version__}
                atomic.write_bytes(path, csv_bytes(frame))
                entry["sha256"] = sha256_file(path)
                record[baseline.name] = entry
                atomic.write_text(record_path, json.dumps(record, indent=2, sort_keys=True) + "\n")
            results.append(BaselinePredictions(baseline, path, entry["fit_seconds"], spec.submission.id_column,
                                               spec.submission.label_column))
    return results


def baseline_scores(
    spec: CaseSpec,
    key: AnswerKey,
    labels: tuple[str, ...],
    baselines: list[BaselinePredictions],
    *,
    resamples: int,
    seed: int,
) -> dict[str, ModelScores]:
    """Every baseline's scores for this bootstrap setting, computed once and then cached.

    A cache file records what it was computed from (the predictions' and the key's sha256,
    the casekit version); any change makes it stale and it is recomputed.
    """
    task = tasks.get(spec.task)
    truth = None
    scores = {}
    for item in baselines:
        path = key.baselines_dir / "scores" / f"{item.baseline.name}-{resamples}-{seed}.npz"
        stamp = f"{sha256_file(item.path)} {key.record.answers_sha256} {__version__}"
        cached = _read_scores(path, stamp)
        if cached is None:
            truth = truth if truth is not None else task.truth(key.answers, spec, labels)
            prediction = task.decode(item.frame, spec, labels, truth.ids)
            cached = score_model(spec, truth, prediction, resamples=resamples, seed=seed)
            _write_scores(path, stamp, cached)
        scores[item.baseline.name] = cached
    return scores


def _read_scores(path: Path, stamp: str) -> ModelScores | None:
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as stored:
        if str(stored["stamp"]) != stamp:
            return None
        points = json.loads(str(stored["points"]))
        draws = {name[len("draw_"):]: stored[name] for name in stored.files if name.startswith("draw_")}
    return ModelScores(points, draws)


def _write_scores(path: Path, stamp: str, scores: ModelScores) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, stamp=stamp, points=json.dumps(scores.points),
             **{f"draw_{name}": values for name, values in scores.draws.items()})
    atomic.write_bytes(path, buffer.getvalue())
