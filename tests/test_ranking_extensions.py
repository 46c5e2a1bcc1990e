"""The ranking task's generic extensions: a per-case list length, a catalogue table of the
test's own, metrics over the answers holding a value, per-answer slices and a diagnostic the
case computes itself (the places case's median distance), each against a reference
implementation or a hand count."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics.pairwise import haversine_distances

from casekit import cases, tasks
from casekit.cases.errors import CaseSpecError
from casekit.cases.places import DISTANCE
from casekit.cases.prepared import PreparedData, PrepareError, check_ranking_prepared
from casekit.cases.spec import AnswerFilter, CaseMetric, MetricSpec, SliceSpec
from casekit.cases.submission_schemas import RankingSubmission
from casekit.errors import InvalidAnswersError
from casekit.files.geodesy import EARTH_RADIUS_KM
from casekit.metrics import ranking
from casekit.metrics.bootstrap import bootstrap_metrics
from casekit.scoring.slices import answer_slice_members, score_slices
from casekit.tasks.ranking import RankedLists

N_USERS, N_ITEMS = 300, 80
RECOMMENDATIONS = cases.get("recommendations")


NEW = AnswerFilter("visit", "new")


def places_like(**changes) -> tasks.Task:
    """The recommendations case, its items called places, with the extensions the places case uses."""
    fields = {
        "target": "place_id",
        "submission": RankingSubmission("user_id", "place_id", "rank", max_list_length=50),
        "metrics": (
            MetricSpec("ndcg_at_10", "NDCG@10", "ndcg", params={"k": 10}),
            MetricSpec("recall_new", "Recall@10 on new", "recall", params={"k": 10, "only": NEW}),
            MetricSpec("ndcg_new", "NDCG@10 on new", "ndcg", params={"k": 10, "only": NEW}),
            MetricSpec("distance", "Median distance", DISTANCE, params={"k": 10}, interval=False),
        ),
        "primary_metric": "ndcg_at_10",
        "slices": (SliceSpec("visit", "Answer", table="answers", per_answer=True, min_rows=5),),
    }
    return tasks.for_case(replace(RECOMMENDATIONS, **{**fields, **changes}))


@pytest.fixture(scope="module")
def scored():
    """Random answers (each flagged new or revisit), random lists and random coordinates."""
    rng = np.random.default_rng(7)
    users = [f"u{i:03d}" for i in range(N_USERS)]
    items = tuple(f"i{i:02d}" for i in range(N_ITEMS))
    rows = [(user, items[item], "new" if rng.random() < 0.35 else "revisit")
            for user in users for item in rng.choice(N_ITEMS, rng.integers(1, 8), replace=False)]
    answers = pd.DataFrame(rows, columns=["user_id", "place_id", "visit"])
    lists = pd.DataFrame([(user, items[item], rank + 1) for user in users
                          for rank, item in enumerate(rng.choice(N_ITEMS, 20, replace=False))],
                         columns=["user_id", "place_id", "rank"])
    inputs = {"places": pd.DataFrame({"place_id": items, "latitude": rng.uniform(52.3, 52.4, N_ITEMS),
                                      "longitude": rng.uniform(4.8, 5.0, N_ITEMS)}),
              "test": pd.DataFrame({"user_id": users, "request_latitude": rng.uniform(52.3, 52.4, N_USERS),
                                    "request_longitude": rng.uniform(4.8, 5.0, N_USERS)})}
    task = places_like()
    truth = task.truth(answers, items, inputs)
    predictions = task.decode(lists.astype({"rank": str}), items, truth.ids)
    return task, truth, predictions, answers, lists, inputs


def reference_ndcg_recall(answers: pd.DataFrame, lists: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """Per-user NDCG@k and recall@k from their definitions, user by user."""
    values = {}
    for user, relevant in answers.groupby("user_id")["place_id"]:
        ranked = lists[lists["user_id"] == user].sort_values("rank")["place_id"].tolist()[:k]
        gains = [1.0 / np.log2(rank + 2) for rank, item in enumerate(ranked) if item in set(relevant)]
        ideal = sum(1.0 / np.log2(rank + 2) for rank in range(min(k, len(relevant))))
        values[user] = (sum(gains) / ideal, len(gains) / len(relevant))
    return pd.DataFrame.from_dict(values, orient="index", columns=["ndcg", "recall"])


def test_a_metric_over_the_new_answers_scores_only_them_and_leaves_out_users_without_any(scored):
    task, truth, predictions, answers, lists, _ = scored
    # One resample per user, holding that user alone: each user's own value.
    values = task.resampled_metrics(truth, predictions, {"recall_new", "ndcg_new"})(np.eye(truth.n_units))
    reference = reference_ndcg_recall(answers[answers["visit"] == "new"], lists).reindex(truth.ids)
    np.testing.assert_allclose(values["recall_new"], reference["recall"].to_numpy(), atol=1e-12)
    np.testing.assert_allclose(values["ndcg_new"], reference["ndcg"].to_numpy(), atol=1e-12)
    assert np.isnan(values["recall_new"]).sum() == truth.n_units - answers.loc[answers["visit"] == "new",
                                                                                  "user_id"].nunique()
    points = task.point_metrics(truth, predictions)
    assert points["recall_new"] == pytest.approx(reference["recall"].mean())


def test_the_median_distance_matches_sklearns_haversine(scored):
    task, truth, predictions, _, lists, inputs = scored
    top = lists[lists["rank"] <= 10]
    users = inputs["test"].set_index("user_id").loc[top["user_id"]]
    places = inputs["places"].set_index("place_id").loc[top["place_id"]]
    radians = np.radians(np.column_stack([users["request_latitude"], users["request_longitude"], places["latitude"],
                                          places["longitude"]]))
    distances = [haversine_distances(row[None, :2], row[None, 2:])[0, 0] for row in radians]
    expected = np.median(distances) * EARTH_RADIUS_KM
    assert task.point_metrics(truth, predictions)["distance"] == pytest.approx(expected, rel=1e-9)


def test_a_per_answer_slice_scores_each_users_answers_holding_its_value(scored):
    task, truth, predictions, answers, lists, _ = scored
    report = score_slices(task, pd.DataFrame(index=range(truth.n_units)), truth, predictions, 0.5,
                          resamples=200, seed=1, confidence=0.95)
    by_value = {row.value: row for row in report.slices}
    assert set(by_value) == {"new", "revisit"}
    for value in ("new", "revisit"):
        reference = reference_ndcg_recall(answers[answers["visit"] == value], lists)
        assert by_value[value].units == len(reference)
        assert by_value[value].point == pytest.approx(reference["ndcg"].mean())


def test_a_per_answer_slice_is_resampled_on_the_overall_draws(scored):
    task, truth, predictions, _, _, _ = scored
    (_, _, mask, restricted), = [member for member in answer_slice_members(truth, task.spec.slices)
                                 if member[1] == "new"]
    metric = task.resampled_metrics(restricted.subset(mask), predictions.subset(mask), {"ndcg_at_10"})
    whole = bootstrap_metrics(lambda weights: metric(weights[:, mask]), truth.n_units, 50, 3)["ndcg_at_10"]
    report = score_slices(task, pd.DataFrame(index=range(truth.n_units)), truth, predictions, 0.5,
                          resamples=50, seed=3, confidence=0.95)
    new = next(row for row in report.slices if row.value == "new")
    assert new.ci_low == pytest.approx(np.percentile(whole, 2.5))


def test_recommendations_scores_do_not_move(scored):
    # The case without the extensions: its metrics read no answer column and its lists stay 100 long.
    task = tasks.load_case("recommendations")
    _, truth, predictions, _, _, _ = scored
    answers = scored[3].rename(columns={"place_id": "item_id"})[["user_id", "item_id"]]
    plain = task.truth(answers, truth.items.to_numpy().tolist())
    assert task.max_list_length == 100 and not plain.answer_columns and not plain.inputs
    hits = ranking.hit_matrix(predictions.recommended, plain.relevant, plain.n_items)
    assert task.point_metrics(plain, predictions)["ndcg_at_10"] == pytest.approx(
        ranking.ndcg_at_k(hits, plain.relevant.counts, 10).mean())


@pytest.mark.parametrize(("column", "value"), [("visit", ""), ("", "new"), (" ", "new")])
def test_an_answer_filter_without_its_column_or_value_fails_where_it_is_declared(column, value):
    with pytest.raises(CaseSpecError, match="an answer filter names an answer-key column and the value"):
        AnswerFilter(column, value)


def test_an_answer_filter_written_as_text_fails_at_load():
    spec = replace(RECOMMENDATIONS, metrics=(MetricSpec("recall", "Recall", params={"k": 10, "only": "visit=new"}),),
                   primary_metric="recall", slices=())
    with pytest.raises(CaseSpecError, match=r"metric 'recall' \(recall\): parameter 'only': input should be an "
                                            r"instance of AnswerFilter, got 'visit=new'"):
        tasks.for_case(spec)


def test_a_case_metric_whose_function_does_not_exist_fails_at_load():
    missing = CaseMetric("casekit.cases.places.distance:no_such_function", "lower", "Nothing.")
    with pytest.raises(CaseSpecError, match=r"metric 'distance': its function "
                                            r"'casekit.cases.places.distance:no_such_function' cannot be found"):
        places_like(metrics=(MetricSpec("ndcg", "NDCG", params={"k": 10}),
                             MetricSpec("distance", "D", missing, params={"k": 10}, interval=False)),
                    primary_metric="ndcg")


def test_a_case_metric_must_be_declared_without_an_interval():
    with pytest.raises(CaseSpecError, match=r"metric 'distance' \(distance\) has no per-unit interval"):
        places_like(metrics=(MetricSpec("ndcg", "NDCG", params={"k": 10}),
                             MetricSpec("distance", "D", DISTANCE, params={"k": 10})),
                    primary_metric="ndcg")


def test_a_case_metric_on_a_task_that_drives_none_fails_at_load():
    tickets = cases.get("tickets")
    with pytest.raises(CaseSpecError, match=r"metric 'distance' is computed by the case's own function, which the "
                                            r"multiclass task does not drive"):
        tasks.for_case(replace(tickets, metrics=(*tickets.metrics, MetricSpec("distance", "D", DISTANCE,
                                                                                 interval=False))))


def test_a_metric_deeper_than_the_cases_list_length_fails_at_load():
    with pytest.raises(CaseSpecError, match=r"k=60 is outside 1..50"):
        places_like(metrics=(MetricSpec("ndcg", "NDCG", params={"k": 60}),), primary_metric="ndcg")


def test_a_per_answer_slice_needs_a_task_with_several_answers_per_unit():
    tickets = cases.get("tickets")
    with pytest.raises(CaseSpecError, match="per answer"):
        tasks.for_case(replace(tickets, slices=(SliceSpec("x", "X", table="answers", per_answer=True),)))
    with pytest.raises(CaseSpecError, match="reads the answer key"):
        SliceSpec("x", "X", per_answer=True)


def test_a_rank_beyond_the_cases_list_length_is_a_problem_naming_it(tmp_path: Path):
    task = places_like()
    path = tmp_path / "predictions.csv"
    pd.DataFrame({"user_id": ["u1"] * 51, "place_id": [f"i{i}" for i in range(51)], "rank": range(1, 52)}).to_csv(
        path, index=False)
    report = task.check_submission(path, tuple(f"i{i}" for i in range(60)), pd.Index(["u1"])).report
    assert report.codes == {"rank_beyond_k"}
    assert "row 51 (user 'u1'), column 'rank': rank 51 is beyond 50" in report.problems[0].message


def test_an_item_outside_the_catalogue_table_names_the_table(tmp_path: Path):
    spec = replace(RECOMMENDATIONS, submission=RankingSubmission("user_id", "item_id", "rank",
                                                                 catalogue_table="test_items"))
    path = tmp_path / "predictions.csv"
    pd.DataFrame({"user_id": ["u1", "u1"], "item_id": ["a", "past"], "rank": [1, 2]}).to_csv(path, index=False)
    report = tasks.for_case(spec).check_submission(path, ("a", "b"), pd.Index(["u1"])).report
    assert report.codes == {"unknown_item"}
    assert ("predictions.csv: row 2 (user 'u1'), column 'item_id': item 'past' is not in the items of "
            "test_items.csv, the only ones a list may name") in report.problems[0].message


def test_the_answers_must_carry_the_column_an_answer_filter_reads(scored):
    task, truth, _, answers, _, inputs = scored
    with pytest.raises(InvalidAnswersError, match=r"no column\(s\) \['visit'\]"):
        task.truth(answers.drop(columns="visit"), tuple(truth.items), inputs)


def past_and_next(**changes) -> PreparedData:
    parts = {"train": pd.DataFrame({"user_id": ["u1"], "item_id": ["old"]}),
             "past": pd.DataFrame({"item_id": ["old"]}), "next": pd.DataFrame({"item_id": ["new1", "new2"]}),
             "test": pd.DataFrame({"user_id": ["u1"]}),
             "answers": pd.DataFrame({"user_id": ["u1"], "item_id": ["new1"]})}
    parts.update(changes)
    return PreparedData(inputs={name: parts[name] for name in ("train", "past", "next", "test")},
                        answers=parts["answers"], labels=("new1", "new2"))


def check_past_and_next(prepared: PreparedData) -> None:
    check_ranking_prepared(prepared, user_column="user_id", item_column="item_id",
                           columns={"test": ["user_id"]}, answer_columns=["user_id", "item_id"],
                           catalogue_table="next", past_items_table="past")


def test_inputs_may_name_past_items_that_no_list_may_name():
    check_past_and_next(past_and_next())
    with pytest.raises(PrepareError, match="also in the catalogue"):
        check_past_and_next(past_and_next(past=pd.DataFrame({"item_id": ["old", "new2"]})))
    with pytest.raises(PrepareError, match="answers: names items"):
        check_past_and_next(past_and_next(answers=pd.DataFrame({"user_id": ["u1"], "item_id": ["old"]})))


def test_ranked_lists_keep_their_users_in_a_subset(scored):
    _, truth, predictions, _, _, _ = scored
    mask = np.arange(truth.n_units) % 2 == 0
    assert isinstance(predictions.subset(mask), RankedLists)
    assert truth.subset(mask).answer_values("visit").size == truth.subset(mask).relevant.items.size
