"""Show highlights: cut a 5-minute recap of each day of a 24/7 reality show within its budget."""

from __future__ import annotations

from pathlib import Path

from casekit.cases.highlights.qvhighlights import DATASET as QVHIGHLIGHTS_DATASET
from casekit.cases.highlights.qvhighlights import FILES as QVHIGHLIGHTS_FILES
from casekit.cases.spec import Baseline, CaseSpec, DataSource, MetricSpec, SliceSpec
from casekit.cases.submission_schemas import SelectionSubmission

SELECTION_METRICS = (
    MetricSpec("f1_mean", "F1 (mean over editors)", "f1", params={"over_editors": "mean"}),
    MetricSpec("f1_max", "F1 (best editor)", "f1", params={"over_editors": "max"}),
    MetricSpec("importance_share", "Importance share"),
    MetricSpec("kendall_tau", "Kendall's tau"),
    MetricSpec("spearman_rho", "Spearman's rho"),
)

CASE = CaseSpec(
    slug="highlights",
    title="Show highlights",
    summary="Cut each day's 5-minute recap of a 24/7 reality show from its segments, within the budget.",
    task="selection",
    id_column="day_id",
    target="importance",
    submission=SelectionSubmission(group_column="day_id", item_column="segment_id"),
    metrics=SELECTION_METRICS,
    primary_metric="f1_mean",
    sources=(
        DataSource(
            name="synthetic",
            description="Seeded synthetic season of The House: 120 days of logged footage in 10-40 s segments "
                        "(~33k), three of five editors' ratings and cuts per day; the last 40 days are the test set.",
            load="casekit.cases.highlights.synthetic:load",
            synthetic=True,
            conformance_scale=0.3,
        ),
        DataSource(
            name="qvhighlights",
            description="QVHighlights validation split (its first 600 queries): 150-s YouTube videos in 2-s clips, "
                        "three raters' 0-4 saliency, Moment-DETR's predicted saliency; a 15% highlight reel per query.",
            load="casekit.cases.highlights.qvhighlights:load",
            synthetic=False,
            dataset=QVHIGHLIGHTS_DATASET,
            sample_units={"clips": "query_id"},
            conformance_scale=0.3,
            files=QVHIGHLIGHTS_FILES,
            licence="CC BY-NC-SA 4.0 (the annotations): non-commercial use only, share alike, attribution required.",
            citation=("Jie Lei, Tamara L. Berg, Mohit Bansal. QVHighlights: Detecting Moments and Highlights in "
                      "Videos via Natural Language Queries. NeurIPS 2021. arXiv:2107.09609"),
            overrides={
                "id_column": "query_id",
                "submission": SelectionSubmission(group_column="query_id", item_column="clip_id"),
                "metrics": (
                    *SELECTION_METRICS,
                    MetricSpec("hl_map_very_good", "HL-mAP (Very Good)", "highlight_map", params={"min_score": 4}),
                    MetricSpec("hl_hit1_very_good", "HIT@1 (Very Good)", "highlight_hit_at_1",
                               params={"min_score": 4}),
                ),
                "slices": (),
                "time_column": None,
            },
        ),
    ),
    prepare_ref="casekit.cases.highlights.prepare:prepare",
    baselines=(
        Baseline(
            "evenly_spaced",
            "Evenly spaced segments",
            "trivial",
            "The segments under evenly spaced instants of the day, as many as fit the budget; no scores.",
            "casekit.cases.highlights.baselines:evenly_spaced",
        ),
        Baseline(
            "hand_weighted",
            "Hand-weighted score + knapsack",
            "classical",
            "Loudness, laughter, faces and event tags weighted by hand (Moment-DETR's saliency on QVHighlights), "
            "then the most valuable cut within budget.",
            "casekit.cases.highlights.baselines:hand_weighted",
        ),
        Baseline(
            "lightgbm_knapsack",
            "LightGBM + knapsack with a redundancy penalty",
            "strong",
            "LightGBM on segment, scene and neighbour features predicting the editors' mean importance, then the "
            "most valuable cut within budget, two neighbouring segments of a scene penalised.",
            "casekit.cases.highlights.baselines:lightgbm_knapsack",
        ),
    ),
    folder=Path(__file__).parent,
    time_box_hours=4.0,
    # Eviction nights get a longer recap (420 s): a day's budget tells them apart.
    slices=(SliceSpec("budget", "Recap budget (s)", table="test", min_rows=4),),
    time_column="date",
)
