"""Event recommendations: next week's "Events for you" email, where every event is new."""

from __future__ import annotations

from pathlib import Path

from casekit.cases.events.meetup import DATASET as MEETUP_DATASET
from casekit.cases.events.meetup import FILES as MEETUP_FILES
from casekit.cases.spec import Baseline, CaseSpec, DataSource, MetricSpec, SliceSpec
from casekit.cases.submission_schemas import RankingSubmission

CASE = CaseSpec(
    slug="events",
    title="Event recommendations",
    summary="Recommend next week's events to each member from past RSVPs: every event is new (item cold start).",
    task="ranking",
    id_column="user_id",
    target="event_id",
    submission=RankingSubmission(user_column="user_id", item_column="event_id", rank_column="rank",
                                 max_list_length=50, catalogue_table="test_events"),
    metrics=(
        MetricSpec("ndcg_at_10", "NDCG@10", "ndcg", params={"k": 10}),
        MetricSpec("map_at_10", "MAP@10", "map", params={"k": 10}),
        MetricSpec("recall_at_10", "Recall@10", "recall", params={"k": 10}),
        MetricSpec("hit_rate_at_10", "Hit rate@10", "hit_rate", params={"k": 10}),
        # How much of next week's programme the emails show at all: a property of all the
        # lists together, without a per-member interval.
        MetricSpec("coverage_at_10", "Catalogue coverage@10", "coverage", params={"k": 10}, interval=False),
    ),
    primary_metric="ndcg_at_10",
    sources=(
        DataSource(
            name="synthetic",
            description="Seeded synthetic city: 6k members, 240 groups, ~2.4k events and ~45k RSVPs over 12 weeks "
                        "(offline).",
            load="casekit.cases.events.synthetic:load",
            synthetic=True,
            conformance_scale=0.4,
        ),
        DataSource(
            name="meetup",
            description="Meetup Chicago (ACDA, ICTIR 2018): 22.9k RSVPs by 8.1k members to 9.1k events, crawled "
                        "in April 2016.",
            load="casekit.cases.events.meetup:load",
            synthetic=False,
            dataset=MEETUP_DATASET,
            sample_units={"users": "user_id", "rsvps": "user_id"},
            conformance_scale=0.3,
            files=MEETUP_FILES,
            licence=(
                "No licence published: RSVPs crawled from the Meetup API by the authors (Meetup's API terms "
                "applied). Research use only; cite the paper; redistribution status unclear."
            ),
            citation=(
                "Yogesh Jhamb, Travis Ebesu, Yi Fang. 2018. Attentive Contextual Denoising Autoencoder for "
                "Recommendation. ICTIR '18, 27-34. https://doi.org/10.1145/3234944.3234956"
            ),
        ),
    ),
    prepare_ref="casekit.cases.events.prepare:prepare",
    baselines=(
        Baseline(
            "group_popularity",
            "Most popular groups",
            "trivial",
            "The same list for everyone: the window's events of the groups with the most past yes RSVPs.",
            "casekit.cases.events.baselines:group_popularity",
        ),
        Baseline(
            "content_membership",
            "Content and membership score",
            "classical",
            "A hand-weighted score: the member's groups, TF-IDF similarity of the event's text to their past "
            "yes events, and distance from home to the venue.",
            "casekit.cases.events.baselines:content_and_membership",
        ),
        Baseline(
            "lightgbm_reranker",
            "LightGBM LambdaRank re-ranker",
            "strong",
            "LightGBM LambdaRank over the content score's candidates, with group, venue, time, text, distance and "
            "friends' early RSVP features, trained on the same split made one week earlier.",
            "casekit.cases.events.baselines:lightgbm_reranker",
        ),
    ),
    folder=Path(__file__).parent,
    time_box_hours=4.0,
    slices=(
        SliceSpec("train_interactions", "Past RSVPs", table="answers", min_rows=30, bins=(1, 4)),
        # Per answer: a member may say yes to one event of their own group and one of another.
        SliceSpec("group_member", "Member of the event's group", table="answers", min_rows=30, per_answer=True),
    ),
    time_column="rsvp_time",
)
