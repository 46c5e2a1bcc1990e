"""Time ``casekit review`` on Dask beside the process pool it replaced, and the sandbox's cost.

    python bench/review.py

1. An honest re-run (the ticket case's baseline starter on the real nlbse24 source): the
   pipeline step's seconds and peak memory in the bubblewrap sandbox vs without it
   (``--unsafe-no-sandbox``: the same limits, no isolation), medians of three alternating runs.
2. A review of 20 bare files and 4 re-runs on a 2-worker Dask ``LocalCluster``
   (``--cluster local:2``, which is what ``--jobs 2`` means now) vs the same candidates
   through the 2-process ``ProcessPoolExecutor`` that ``--jobs 2`` used before (the same
   ``review_candidate`` per candidate; only the scheduling differs).

The re-run environment is built once first and reused by every figure (its build is a
one-off per dependency spec). Datasets come from ``$CASEKIT_DATA_MIRROR`` (default
``../shared/datasets`` beside the checkout).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
LABELS = ["bug", "feature", "question"]
REPEAT = 3
# The peer: review_on_cluster replaced by the pool `--jobs N` used before Dask.
PROCESS_POOL = """
import multiprocessing, sys
from concurrent.futures import ProcessPoolExecutor
import casekit.review.batch as batch

def review_in_a_pool(tasks, review, cluster, store, rubric_of, say, counter=None):
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(review, tasks))

batch.review_on_cluster = review_in_a_pool
from casekit.cli import app
app(prog_name="casekit", args=sys.argv[1:])
"""


def casekit(*args: object, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casekit", *map(str, args)], env=env, capture_output=True,
                          text=True, check=True)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    return time.perf_counter() - started


def pipeline_figures(output: Path) -> tuple[float, float]:
    review = json.loads(next((output / "candidates" / "ada").glob("*/review.json")).read_text())
    assert review["rerun_status"] == "reproduced", review["rerun_summary"]
    return review["rerun_seconds"], review["rerun_peak_memory_mb"]


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="casekit-bench-review-"))
    env = {**os.environ, "CASEKIT_KEYS_DIR": str(root / "keys"), "CASEKIT_CACHE_DIR": str(root / "cache"),
           "CASEKIT_VENV_DIR": str(root / "venvs"), "MLFLOW_TRACKING_URI": f"sqlite:///{root / 'mlflow.db'}",
           "CASEKIT_DATA_MIRROR": os.environ.get("CASEKIT_DATA_MIRROR", str(REPO.parent / "shared" / "datasets"))}
    try:
        ada = root / "ada"
        casekit("new", "tickets", "--source", "nlbse24", "--seed", "7", "--candidate", "Ada", "-o", ada, env=env)
        subprocess.run(["make", "run", f"PYTHON={sys.executable}"], cwd=ada, env=env, check=True, capture_output=True)
        instance = json.loads((ada / "casekit.json").read_text())["instance_id"]
        print("building the re-run environment once (not timed) ...", flush=True)
        casekit("review", ada, "--rerun", "--no-track", "-o", root / "warm", env=env)

        print(f"\n1. an honest re-run, pipeline step (make run), median of {REPEAT} alternating runs")
        print(f"   {'':<28} {'seconds':>8} {'peak MB':>8}")
        modes = {"bubblewrap sandbox": [], "no sandbox (same limits)": ["--unsafe-no-sandbox"]}
        figures: dict[str, list[tuple[float, float]]] = {label: [] for label in modes}
        for repeat in range(REPEAT):
            for label, extra in modes.items():
                output = root / f"overhead-{len(extra)}-{repeat}"
                casekit("review", ada, "--rerun", *extra, "--no-track", "-o", output, env=env)
                figures[label].append(pipeline_figures(output))
        for label, values in figures.items():
            seconds = statistics.median(value[0] for value in values)
            peak = statistics.median(value[1] for value in values)
            print(f"   {label:<28} {seconds:>8.2f} {peak:>8.0f}")

        sample = pd.read_csv(ada / "data" / "sample_submission.csv", dtype=str)
        inputs = []
        for number in range(4):
            copy = root / f"project-{number}"
            shutil.copytree(ada, copy, ignore=shutil.ignore_patterns("mlflow.db", "mlruns", "evaluation"))
            inputs.append(f"rerun {number}={copy}")
        for number in range(20):
            path = root / f"bare-{number:02d}.csv"
            sample.assign(category=[LABELS[(row * (number + 1)) % 3] for row in range(len(sample))]).to_csv(
                path, index=False)
            inputs.append(f"bare {number:02d}={path}")
        arguments = ["review", *inputs, "--instance", instance, "--rerun", "--no-track"]
        dask = timed([sys.executable, "-m", "casekit", *arguments, "--cluster", "local:2", "-o",
                      str(root / "dask")], env)
        pool = timed([sys.executable, "-c", PROCESS_POOL, *arguments, "-o", str(root / "pool")], env)
        print("\n2. review of 20 bare files + 4 re-runs, 2 workers, wall time")
        print(f"   Dask LocalCluster (--cluster local:2 = --jobs 2)   {dask:7.1f} s")
        print(f"   ProcessPoolExecutor(2) (the former --jobs 2)       {pool:7.1f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
