"""Time the ranking evaluator, each figure beside a peer measured in the same run.

    python bench/ranking.py [--repeat 5] [--users 100000]

1. 100k users x top-100, the seven accuracy metrics of the recommendations case (NDCG@10,
   MAP@10, recall@10, recall@50, precision@10, hit rate@10, MRR), on the same random data:

   - casekit from the tables (answer key and submission as text ids: coding, hit lookup,
     metrics)                                   vs ranx's standard API (``Qrels.from_df``,
                                                   ``Run.from_df``, ``evaluate``), input
                                                   building included     (target >= 20x faster)
   - casekit from integer codes (hit lookup and metrics, as the evaluator runs them)
                                                vs a plain numpy lower bound: the same lookup
                                                   and formulas inlined, with no dispatch,
                                                   no per-user arrays kept (target <= 2x)
   and, for reference, the metric arithmetic alone from a precomputed hit matrix.
2. Peak memory of the evaluator at 1M users x top-10 from text tables (answer key and a
   10M-row submission held in memory, coding, point metrics, 1,000 bootstrap resamples of
   NDCG@10, slices), in a child process (target <= 2 GB).
3. ``casekit evaluate`` end to end on a 1M-row submission file (10k users x 100 items) with
   1,000 resamples and three baselines paired (target < 10 s), on a synthetic shop with 25k
   customers, without and with MLflow logging. The baselines' lists are random (their
   training is a one-off per instance, not what is timed); so is the instance's first logged
   run, which creates the MLflow store and logs the baselines (printed apart).

ranx compiles its kernels with numba on first use; a warm-up on tiny data comes first, so the
compile time is not counted against it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

BIN = Path(sys.executable).parent
N_ITEMS = 20_000
ACCURACY = ["ndcg_at_10", "map_at_10", "recall_at_10", "recall_at_50", "precision_at_10", "hit_rate_at_10", "mrr"]
RANX_NAMES = ["ndcg@10", "map@10", "recall@10", "recall@50", "precision@10", "hit_rate@10", "mrr"]


def random_lists(n_users: int, depth: int, n_items: int, rng: np.random.Generator) -> np.ndarray:
    """``depth`` distinct items per user: a random offset plus a random stride coprime with
    ``n_items``, so every row is a different arithmetic progression modulo ``n_items``."""
    coprime = np.array([s for s in range(1, 200) if np.gcd(s, n_items) == 1])
    strides = rng.choice(coprime, n_users)
    offsets = rng.integers(0, n_items, n_users)
    return ((offsets[:, None] + strides[:, None] * np.arange(depth)) % n_items).astype(np.int32)


def random_codes(n_users: int, depth: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lists of ``depth`` distinct items per user, and 1 to 20 relevant items per user, a
    third of which are in the user's list (so hits land at every depth)."""
    rng = np.random.default_rng(seed)
    recommended = random_lists(n_users, depth, N_ITEMS, rng)
    counts = rng.integers(1, 21, n_users)
    users = np.repeat(np.arange(n_users), counts)
    items = rng.integers(0, N_ITEMS, users.size)
    from_list = rng.random(users.size) < 1 / 3
    items[from_list] = recommended[users[from_list], rng.integers(0, depth, from_list.sum())]
    pairs = np.unique(users.astype(np.int64) * N_ITEMS + items)
    return recommended, pairs // N_ITEMS, pairs % N_ITEMS


def as_tables(recommended: np.ndarray, rel_users: np.ndarray, rel_items: np.ndarray):
    """The same data as an answer key and a submission with text ids, and the catalogue."""
    user_ids = np.array([f"U{u:07d}" for u in range(len(recommended))], dtype=object)
    item_ids = np.array([f"I{i:05d}" for i in range(N_ITEMS)], dtype=object)
    answers = pd.DataFrame({"user_id": user_ids[rel_users], "item_id": item_ids[rel_items]})
    depth = recommended.shape[1]
    submission = pd.DataFrame({"user_id": np.repeat(user_ids, depth), "item_id": item_ids[recommended.ravel()],
                               "rank": np.tile(np.arange(1, depth + 1), len(recommended))})
    return answers, submission, tuple(item_ids)


def accuracy_task():
    """The recommendations case's ranking task, with only the metrics ranx computes too."""
    from casekit import cases, tasks

    spec = cases.get("recommendations")
    return tasks.for_case(replace(spec, metrics=tuple(m for m in spec.metrics if m.name in ACCURACY)))


def casekit_from_tables(answers: pd.DataFrame, submission: pd.DataFrame, labels, task) -> dict[str, float]:
    truth = task.truth(answers, labels)
    return task.point_metrics(truth, task.decode(submission, labels, truth.ids))


def ranx_from_tables(answers: pd.DataFrame, submission: pd.DataFrame) -> dict[str, float]:
    from ranx import Qrels, Run, evaluate

    qrels = Qrels.from_df(pd.DataFrame({"q_id": answers["user_id"].astype(object),
                                        "doc_id": answers["item_id"].astype(object), "score": 1}))
    run = Run.from_df(pd.DataFrame({"q_id": submission["user_id"].astype(object),
                                    "doc_id": submission["item_id"].astype(object),
                                    "score": (1000 - submission["rank"]).astype(float)}))
    return evaluate(qrels, run, RANX_NAMES, make_comparable=True)


def numpy_lower_bound(recommended: np.ndarray, rel_users: np.ndarray, rel_items: np.ndarray) -> dict[str, float]:
    """The seven means from integer codes, as plainly as numpy allows (pairs sorted by user)."""
    n_users, depth = recommended.shape
    counts = np.bincount(rel_users, minlength=n_users)
    starts = np.r_[0, np.cumsum(counts)]
    width = N_ITEMS + 1
    block = (1 << 22) // width
    table = np.zeros(block * width, dtype=bool)
    offsets = (np.arange(block) * width)[:, None]
    hits = np.empty((n_users, depth), dtype=bool)
    for start in range(0, n_users, block):
        stop = min(start + block, n_users)
        marks = (rel_users[starts[start]:starts[stop]] - start) * width + rel_items[starts[start]:starts[stop]]
        table[marks] = True
        hits[start:stop] = table[offsets[: stop - start] + recommended[start:stop]]
        table[marks] = False
    discount = 1 / np.log2(np.arange(2, 12))
    top = hits[:, :10]
    found10 = top.sum(1)
    ndcg = (top @ discount) / np.cumsum(discount)[np.minimum(counts, 10) - 1]
    ap = ((np.cumsum(top, 1) / np.arange(1, 11)) * top).sum(1) / np.minimum(counts, 10)
    first = hits.argmax(1)
    return {"ndcg_at_10": ndcg.mean(), "map_at_10": ap.mean(), "recall_at_10": (found10 / counts).mean(),
            "recall_at_50": (hits[:, :50].sum(1) / counts).mean(), "precision_at_10": found10.mean() / 10,
            "hit_rate_at_10": (found10 > 0).mean(), "mrr": np.where(hits.any(1), 1 / (first + 1), 0).mean()}


def arithmetic_only(hits: np.ndarray, counts: np.ndarray) -> float:
    """Reference: the metric formulas alone, given the hit matrix."""
    discount = 1 / np.log2(np.arange(2, 12))
    top = hits[:, :10]
    found10 = top.sum(1)
    values = [(top @ discount) / np.cumsum(discount)[np.minimum(counts, 10) - 1],
              ((np.cumsum(top, 1) / np.arange(1, 11)) * top).sum(1) / np.minimum(counts, 10),
              found10 / counts, hits[:, :50].sum(1) / counts, found10 / 10, found10 > 0,
              np.where(hits.any(1), 1 / (hits.argmax(1) + 1), 0)]
    return float(sum(v.mean() for v in values))


def median_time(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def speed(n_users: int, repeat: int) -> list[tuple]:
    from casekit.metrics import ranking as metrics

    task = accuracy_task()
    recommended, rel_users, rel_items = random_codes(n_users, 100, seed=0)
    answers, submission, labels = as_tables(recommended, rel_users, rel_items)
    truth = task.truth(answers, labels)
    lists = task.decode(submission, labels, truth.ids)

    small_answers, small_submission, _ = as_tables(*random_codes(50, 100, seed=1))
    ranx_from_tables(small_answers, small_submission)  # numba compiles here, not in the timing

    ours_tables, ours = median_time(lambda: casekit_from_tables(answers, submission, labels, task), repeat)
    ranx_seconds, theirs = median_time(lambda: ranx_from_tables(answers, submission), 1)
    ours_codes, _ = median_time(lambda: task.point_metrics(truth, lists), repeat)
    floor, plain = median_time(lambda: numpy_lower_bound(recommended, rel_users, rel_items), repeat)
    hits = metrics.hit_matrix(lists.recommended, truth.relevant, truth.n_items)
    arithmetic, _ = median_time(lambda: arithmetic_only(hits, truth.relevant.counts), repeat)

    # ranx divides AP by |relevant|, casekit by min(10, |relevant|): compare the rest exactly.
    for name, ranx_name in zip(ACCURACY, RANX_NAMES, strict=True):
        if name != "map_at_10":
            assert abs(ours[name] - theirs[ranx_name]) < 1e-9, (name, ours[name], theirs[ranx_name])
        assert abs(ours[name] - plain[name]) < 1e-9, name
    return [
        (f"metrics from tables, {n_users // 1000}k x 100", ours_tables, "ranx Qrels/Run.from_df + evaluate",
         ranx_seconds,
         f">= 20x faster: {'ok' if ranx_seconds / ours_tables >= 20 else 'MISSED'}"),
        (f"metrics from codes, {n_users // 1000}k x 100", ours_codes, "numpy lower bound (same codes)", floor,
         f"<= 2x: {'ok' if ours_codes / floor <= 2 else 'MISSED'}"),
        ("", None, "metric arithmetic alone (given hits)", arithmetic, "reference"),
    ]


def memory_child(n_users: int) -> None:
    """Run in a child process: evaluate 1M users x top-10 from text tables and print the peak
    resident memory of the evaluation, its inputs included.

    The peak is the kernel's high-water mark of this process (``VmHWM``), reset once the
    inputs are built, so that building the random data does not count. ``ru_maxrss`` would
    not do: a child started from a large parent inherits the parent's peak.
    """
    from casekit import tasks
    from casekit.metrics.bootstrap import bootstrap_metrics

    task = tasks.load_case("recommendations")
    answers, submission, labels = as_tables(*random_codes(n_users, 10, seed=2))
    inputs_mb = _resident_mb("VmRSS")
    reset = _reset_peak()
    started = time.perf_counter()
    truth = task.truth(answers, labels)
    lists = task.decode(submission, labels, truth.ids)
    task.point_metrics(truth, lists)
    draws = bootstrap_metrics(task.resampled_metrics(truth, lists, {"ndcg_at_10"}), n_users, 1000, seed=1)
    task.details(truth, lists)
    seconds = time.perf_counter() - started
    print(json.dumps({"peak_mb": _resident_mb("VmHWM"), "inputs_mb": inputs_mb, "peak_reset": reset,
                      "seconds": seconds, "draws": int(draws["ndcg_at_10"].size)}))


def _resident_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, in MB (Linux); else ``ru_maxrss``."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Reset this process's ``VmHWM`` to its current size (Linux >= 4.0); False if refused."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def memory(n_users: int) -> dict:
    result = subprocess.run([sys.executable, __file__, "--memory-child", str(n_users)], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def issue_instance(work: Path, env: dict[str, str]) -> Path:
    """A synthetic shop instance with a 1M-row submission and random lists cached as baselines."""
    from casekit.files.fingerprint import csv_bytes, sha256_file
    from casekit.instances.issue import new_project
    from casekit.scoring.baselines import RECORD_FILE

    os.environ.update(env)
    # 25k customers: enough test users (over 10k) for 10k lists of 100.
    created = new_project("recommendations", output=work / "shop", seed=1, scale=1.25, starter="empty")
    users = pd.read_csv(created.path / "data" / "test.csv", dtype=str)["user_id"].to_numpy()
    labels = np.array(created.bundle.labels, dtype=object)
    rng = np.random.default_rng(0)

    def lists(n_users: int) -> pd.DataFrame:
        picked = random_lists(n_users, 100, len(labels), rng)
        return pd.DataFrame({"user_id": np.repeat(users[:n_users], 100), "item_id": labels[picked.ravel()],
                             "rank": np.tile(np.arange(1, 101), n_users)})

    cache = created.key_folder / "baselines"
    cache.mkdir()
    record = {}
    for name in ("popularity", "item_knn", "lightgbm_reranker"):
        path = cache / f"{name}.csv"
        path.write_bytes(csv_bytes(lists(len(users))))
        record[name] = {"sha256": sha256_file(path), "fit_seconds": 0.0, "casekit_version": "bench"}
    (cache / RECORD_FILE).write_text(json.dumps(record))
    submission = lists(10_000)
    assert len(submission) == 1_000_000
    (created.path / "submission" / "predictions.csv").write_bytes(csv_bytes(submission))
    return created.path


def evaluate_end_to_end(repeat: int) -> tuple[float, float, float]:
    work = Path(tempfile.mkdtemp(prefix="casekit-bench-"))
    env = {**os.environ, "CASEKIT_KEYS_DIR": str(work / "keys"), "MLFLOW_TRACKING_URI": f"sqlite:///{work}/mlflow.db",
           "COLUMNS": "120"}
    try:
        project = issue_instance(work, env)
        command = [str(BIN / "casekit"), "evaluate", str(project)]

        def run(*extra: str) -> None:
            subprocess.run(command + list(extra), env=env, check=True, capture_output=True)

        run("--no-track")  # scores the baselines once (cached per instance) and warms the file cache
        untracked, _ = median_time(lambda: run("--no-track"), repeat)
        # The first logged run also creates the MLflow store and logs the three baselines.
        first_tracked, _ = median_time(run, 1)
        tracked, _ = median_time(run, repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return untracked, first_tracked, tracked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return

    print(f"load before: {os.getloadavg()[0]:.2f} (1-min load average, {os.cpu_count()} cores)")
    rows = speed(args.users, args.repeat)
    peak = memory(1_000_000)
    untracked, first_tracked, tracked = evaluate_end_to_end(args.repeat)

    print(f"{'what':<34} {'casekit':>9}   {'peer':<38} {'peer':>9} {'ratio':>8}   target")
    for name, ours, peer_name, peer, verdict in rows:
        ours_text = f"{ours:8.3f}s" if ours is not None else " " * 9
        ratio = f"{peer / ours:7.1f}x" if ours is not None else " " * 8
        print(f"{name:<34} {ours_text}   {peer_name:<38} {peer:8.3f}s {ratio}   {verdict}")
    since = "the inputs built" if peak["peak_reset"] else "the process start (peak reset refused)"
    print(f"peak memory, 1M users x top-10 from text tables (coding, metrics, 1,000 resamples, slices): "
          f"{peak['peak_mb']:,.0f} MB, of which the input tables {peak['inputs_mb']:,.0f} MB (peak since {since}), "
          f"in {peak['seconds']:.1f} s   target <= 2,048 MB: {'ok' if peak['peak_mb'] <= 2048 else 'MISSED'}")
    print(f"casekit evaluate, 1M-row submission, 1,000 resamples, 3 baselines: {untracked:.2f} s without MLflow, "
          f"{tracked:.2f} s logged (the instance's first logged run, which creates the store and logs the "
          f"baselines: {first_tracked:.2f} s)   target < 10 s: {'ok' if max(untracked, tracked) < 10 else 'MISSED'}")
    print(f"medians of {args.repeat} runs (ranx and the first logged evaluate: 1 run); load after: "
          f"{os.getloadavg()[0]:.2f}; Python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}")


if __name__ == "__main__":
    main()
