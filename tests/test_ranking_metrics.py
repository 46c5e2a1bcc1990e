"""Ranking metrics: per-user values against ranx on random data, the conventions, the bootstrap."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from casekit.metrics import ranking

N_ITEMS = 300
# ranx compiles its kernels with numba on first use, a minute of CPU on a fresh install; its
# reference values for a few hundred users are as quick in plain Python. Set before ranx is imported.
os.environ.setdefault("NUMBA_DISABLE_JIT", "1")


def random_case(seed: int, n_users: int = 400, depth: int = 60):
    """Random relevant sets (1 to 25 items) and lists (0 to ``depth`` items, some users none),
    with a share of the list drawn from the relevant items so that hits occur at every depth."""
    rng = np.random.default_rng(seed)
    relevant_users, relevant_items = [], []
    recommended = np.full((n_users, depth), N_ITEMS, dtype=np.int32)
    for user in range(n_users):
        relevant = rng.choice(N_ITEMS, rng.integers(1, 26), replace=False)
        relevant_users += [user] * relevant.size
        relevant_items += relevant.tolist()
        length = 0 if rng.random() < 0.1 else int(rng.integers(1, depth + 1))
        pool = np.concatenate([relevant, rng.choice(N_ITEMS, 40, replace=False)])
        listed = rng.permutation(np.unique(pool))[:length]
        recommended[user, : listed.size] = listed
    relevant = ranking.RelevantSets.from_pairs(np.array(relevant_users), np.array(relevant_items), n_users)
    return recommended, relevant


def ranx_values(recommended: np.ndarray, relevant: ranking.RelevantSets, metrics: list[str]) -> dict[str, np.ndarray]:
    """ranx's per-user values through its standard Qrels / Run API (ids as text)."""
    from ranx import Qrels, Run, evaluate

    users = relevant.users
    qrels = pd.DataFrame({"q_id": users.astype(str), "doc_id": relevant.items.astype(str), "score": 1})
    rows, ranks = np.nonzero(recommended < N_ITEMS)
    run = pd.DataFrame({"q_id": rows.astype(str), "doc_id": recommended[rows, ranks].astype(str),
                        "score": (1000.0 - ranks)})
    values = evaluate(Qrels.from_df(qrels.astype({"q_id": object, "doc_id": object})),
                      Run.from_df(run.astype({"q_id": object, "doc_id": object})),
                      metrics, return_mean=False, make_comparable=True)
    # ranx orders queries by their id as text; put them back in user order.
    order = np.argsort(np.arange(relevant.n_users).astype(str))
    restored = {}
    for name, per_query in values.items():
        aligned = np.empty_like(per_query)
        aligned[order] = per_query
        restored[name] = aligned
    return restored


@pytest.fixture(scope="module", params=[0, 1])
def case(request):
    recommended, relevant = random_case(request.param)
    hits = ranking.hit_matrix(recommended, relevant, N_ITEMS)
    reference = ranx_values(recommended, relevant, ["ndcg@10", "ndcg@50", "map@10", "recall@10", "recall@50",
                                                    "precision@10", "hit_rate@10", "mrr"])
    return hits, relevant.counts, reference


def test_hit_matrix_marks_exactly_the_relevant_slots():
    recommended, relevant = random_case(2, n_users=50)
    hits = ranking.hit_matrix(recommended, relevant, N_ITEMS)
    for user in range(50):
        mine = set(relevant.items[relevant.indptr[user]:relevant.indptr[user + 1]])
        expected = [item in mine for item in recommended[user]]
        assert hits[user].tolist() == expected


def test_hit_matrix_is_the_same_whatever_the_block_size(monkeypatch):
    recommended, relevant = random_case(3, n_users=97)
    whole = ranking.hit_matrix(recommended, relevant, N_ITEMS)
    monkeypatch.setattr(ranking, "_TABLE_CELLS", 7 * (N_ITEMS + 1))  # blocks of 7 users
    assert np.array_equal(ranking.hit_matrix(recommended, relevant, N_ITEMS), whole)


@pytest.mark.parametrize("k", [10, 50])
def test_ndcg_matches_ranx(case, k):
    hits, counts, reference = case
    np.testing.assert_allclose(ranking.ndcg_at_k(hits, counts, k), reference[f"ndcg@{k}"], atol=1e-12)


def test_average_precision_matches_ranx_up_to_the_normaliser(case):
    # ranx divides by |relevant|, we by min(k, |relevant|): the values differ by that ratio only.
    hits, counts, reference = case
    ours = ranking.average_precision_at_k(hits, counts, 10)
    np.testing.assert_allclose(ours * np.minimum(counts, 10) / counts, reference["map@10"], atol=1e-12)


@pytest.mark.parametrize("k", [10, 50])
def test_recall_matches_ranx(case, k):
    hits, counts, reference = case
    np.testing.assert_allclose(ranking.recall_at_k(hits, counts, k), reference[f"recall@{k}"], atol=1e-12)


def test_precision_hit_rate_and_reciprocal_rank_match_ranx(case):
    hits, _, reference = case
    np.testing.assert_allclose(ranking.precision_at_k(hits, 10), reference["precision@10"], atol=1e-12)
    np.testing.assert_allclose(ranking.hit_rate_at_k(hits, 10), reference["hit_rate@10"], atol=1e-12)
    np.testing.assert_allclose(ranking.reciprocal_rank(hits), reference["mrr"], atol=1e-12)


def test_a_perfect_list_scores_one_even_with_fewer_relevant_items_than_k():
    hits = np.array([[True, True, True, False, False]])
    counts = np.array([3])
    assert ranking.ndcg_at_k(hits, counts, 10)[0] == pytest.approx(1.0)
    assert ranking.average_precision_at_k(hits, counts, 10)[0] == pytest.approx(1.0)


def test_lists_shorter_than_k_count_the_empty_slots_as_misses():
    hits = np.array([[True, False]])
    assert ranking.precision_at_k(hits, 10)[0] == pytest.approx(0.1)
    assert ranking.recall_at_k(hits, np.array([1]), 50)[0] == pytest.approx(1.0)


def test_the_long_tail_share_leaves_users_without_a_list_undefined():
    recommended = np.array([[0, 5, 6], [6, 6, 6]])
    values = ranking.long_tail_share_at_k(recommended, n_items=6, n_head=2, k=3)
    assert values[0] == pytest.approx(0.5) and np.isnan(values[1])


def test_resampled_metrics_with_unit_weights_equal_the_point_metrics():
    from casekit.tasks.ranking import RankedLists, RankingTruth

    recommended, relevant = random_case(4, n_users=120)
    truth = RankingTruth(ids=pd.Index([f"u{i}" for i in range(120)]), relevant=relevant,
                         items=pd.Index([f"i{i}" for i in range(N_ITEMS)]), history=None)
    lists = RankedLists(recommended=recommended, n_items=N_ITEMS)
    task = _ranking_task()
    points = task.point_metrics(truth, lists)
    draws = task.resampled_metrics(truth, lists, set(points) - {"coverage_at_10"})(np.ones((2, 120)))
    for name, values in draws.items():
        assert values == pytest.approx([points[name]] * 2), name


def _ranking_task():
    from casekit import tasks

    return tasks.load_case("recommendations")


def test_the_case_metrics_are_all_computed():
    from casekit.tasks.ranking import RankedLists, RankingTruth

    task = _ranking_task()
    recommended, relevant = random_case(5, n_users=30)
    truth = RankingTruth(ids=pd.Index([f"u{i}" for i in range(30)]), relevant=relevant,
                         items=pd.Index([f"i{i}" for i in range(N_ITEMS)]), history=None)
    points = task.point_metrics(truth, RankedLists(recommended, N_ITEMS))
    assert list(points) == [metric.name for metric in task.metrics]


def test_a_subset_of_users_keeps_exactly_their_relevant_items_and_lists():
    from casekit.tasks.ranking import RankedLists, RankingTruth

    task = _ranking_task()
    recommended, relevant = random_case(6, n_users=40)
    truth = RankingTruth(ids=pd.Index([f"u{i}" for i in range(40)]), relevant=relevant,
                         items=pd.Index([f"i{i}" for i in range(N_ITEMS)]), history=np.arange(40))
    lists = RankedLists(recommended, N_ITEMS)
    mask = np.arange(40) % 3 == 0
    kept = task.point_metrics(truth.subset(mask), lists.subset(mask))
    alone = RankingTruth(ids=truth.ids[mask], items=truth.items, history=np.arange(40)[mask],
                         relevant=ranking.RelevantSets.from_pairs(*_pairs_of(relevant, mask), int(mask.sum())))
    assert kept == task.point_metrics(alone, RankedLists(recommended[mask], N_ITEMS))


def _pairs_of(relevant, mask):
    users = relevant.users
    keep = mask[users]
    renumbered = np.cumsum(mask) - 1
    return renumbered[users[keep]], relevant.items[keep]


@pytest.mark.parametrize("dtype", [object, "str"])
def test_factorizing_runs_gives_what_pandas_factorize_gives(dtype):
    from casekit.tasks.ranking import factorize_runs

    rng = np.random.default_rng(7)
    values = np.repeat(rng.choice(["a", "b", "c", "", "d"], 300), rng.integers(1, 5, 300)).astype(object)
    values[rng.choice(values.size, 20, replace=False)] = None
    column = pd.Series(values, dtype=dtype)
    codes, distinct = factorize_runs(column)
    expected_codes, expected_distinct = pd.factorize(column)
    assert codes.tolist() == expected_codes.tolist()
    assert distinct.tolist() == list(expected_distinct)
