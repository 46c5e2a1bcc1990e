"""Place recommendations: a maps app's "Places for you", where geography, time and habit meet."""

from __future__ import annotations

from pathlib import Path

from casekit.cases.places.flickr import DATASET as FLICKR_DATASET
from casekit.cases.places.flickr import FILES as FLICKR_FILES
from casekit.cases.spec import (
    AnswerFilter,
    Baseline,
    CaseMetric,
    CaseSpec,
    DataSource,
    MetricSpec,
    SliceSpec,
)
from casekit.cases.submission_schemas import RankingSubmission

# The places case's own diagnostic: the median distance between where a user asked from and
# the places of their top k (see casekit.cases.places.distance).
DISTANCE = CaseMetric(
    compute="casekit.cases.places.distance:median_distance_km",
    direction="lower",
    summary="Median distance in km between a user's request location and the places of their top k, over all the "
            "lists together (a diagnostic: no per-user interval).",
    reads={"places": ("place_id", "latitude", "longitude"),
           "test": ("user_id", "request_latitude", "request_longitude")},
)

CASE = CaseSpec(
    slug="places",
    title="Place recommendations",
    summary="Recommend places to each user when they open a maps app: distance, time of day, habit and discovery.",
    task="ranking",
    id_column="user_id",
    target="place_id",
    submission=RankingSubmission(user_column="user_id", item_column="place_id", rank_column="rank", max_list_length=50),
    metrics=(
        MetricSpec("ndcg_at_10", "NDCG@10", "ndcg", params={"k": 10}),
        # The business wants discovery: recall on the places new to the user is a headline
        # metric beside the primary (users without a new place in the answers are left out).
        MetricSpec("recall_new_at_10", "Recall@10 on new places", "recall",
                   params={"k": 10, "only": AnswerFilter("visit", "new")}),
        MetricSpec("recall_at_10", "Recall@10", "recall", params={"k": 10}),
        MetricSpec("map_at_10", "MAP@10", "map", params={"k": 10}),
        MetricSpec("hit_rate_at_10", "Hit rate@10", "hit_rate", params={"k": 10}),
        # A diagnostic, not a goal: how far from the request the top ten sends people.
        MetricSpec("median_distance_km_at_10", "Median distance of the top 10 (km)", DISTANCE,
                   params={"k": 10}, interval=False),
    ),
    primary_metric="ndcg_at_10",
    sources=(
        DataSource(
            name="synthetic",
            description="Seeded synthetic city: 400 places, 2k people, ~150k visits over 13 weeks (offline).",
            load="casekit.cases.places.synthetic:load",
            synthetic=True,
            conformance_scale=0.3,
        ),
        DataSource(
            name="flickr-poi",
            description="Flickr user-POI visits, Toronto (IJCAI 2015): 30 landmarks, 6k trips; the next places of a "
                        "trip from its first visit.",
            load="casekit.cases.places.flickr:load",
            synthetic=False,
            dataset=FLICKR_DATASET,
            sample_units={"visits": "user_id"},
            conformance_scale=0.5,
            files=FLICKR_FILES,
            licence=(
                "No licence published: visits derived from YFCC100M Flickr photos (each under its own Creative "
                "Commons licence) and Wikipedia POIs. Research use only; cite the papers; redistribution status "
                "unclear."
            ),
            citation=(
                "Kwan Hui Lim, Jeffrey Chan, Christopher Leckie, Shanika Karunasekera. 2015. Personalized Tour "
                "Recommendation based on User Interests and Points of Interest Visit Durations. IJCAI 2015, "
                "1778-1784."
            ),
        ),
    ),
    prepare_ref="casekit.cases.places.prepare:prepare",
    baselines=(
        Baseline(
            "most_visited",
            "Most visited places",
            "trivial",
            "The same list for everyone: the places with the most visits in train.",
            "casekit.cases.places.baselines:most_visited",
        ),
        Baseline(
            "nearby_and_habits",
            "Popular nearby, plus habits",
            "classical",
            "Popularity decayed by the distance from the request location, plus the user's own frequent places.",
            "casekit.cases.places.baselines:nearby_and_habits",
        ),
        Baseline(
            "lightgbm_reranker",
            "LightGBM LambdaRank re-ranker",
            "strong",
            "LightGBM LambdaRank over candidates from history, nearby popularity and co-visitation, with distance, "
            "category affinity, time-of-day popularity, opening hours and revisit features.",
            "casekit.cases.places.baselines:lightgbm_reranker",
        ),
    ),
    folder=Path(__file__).parent,
    time_box_hours=4.0,
    slices=(
        # Per answer: a user's week holds revisits and new places side by side.
        SliceSpec("visit", "Answer", table="answers", min_rows=30, per_answer=True),
        SliceSpec("train_interactions", "Visits before the cut-off", table="answers", min_rows=30, bins=(1, 10, 50)),
    ),
    time_column="visit_time",
)
