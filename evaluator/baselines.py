"""Baseline predictions: trained once per case instance and cached beside the answer key.

The baselines train on the instance's own inputs, which ``casekit new`` keeps in the key
store, so they never depend on a candidate's (possibly edited, possibly absent) data folder.
A lock serialises concurrent evaluations of the same instance, so each baseline trains once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from filelock import FileLock

from cases.spec import Baseline, CaseSpec
from evaluator import __version__, atomic, tasks
from evaluator.errors import IntegrityError
from evaluator.fingerprint import csv_bytes, sha256_file
from evaluator.keystore import INPUTS_DIR, AnswerKey

RECORD_FILE = "baselines.json"


@dataclass(frozen=True)
class BaselinePredictions:
    """One baseline's cached submission for an instance."""

    baseline: Baseline
    path: Path
    frame: pd.DataFrame
    fit_seconds: float


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
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            results.append(BaselinePredictions(baseline, path, frame, entry["fit_seconds"]))
    return results
