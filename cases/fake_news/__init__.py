"""Fake-news detection: flag the posts that human fact-checkers should look at first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casekit.cases.fake_news import liar
from casekit.cases.spec import Baseline, CaseSpec, DataSource, MetricSpec, SliceSpec
from casekit.cases.submission_schemas import BinarySubmission, MulticlassSubmission

LIAR_LICENCE = (
    "Research use only (the LIAR README: \"You are allowed to use this dataset for research purposes "
    "only\"); the original sources retain the copyright of the statements."
)
LIAR_CITATION = (
    "William Yang Wang, \"Liar, Liar Pants on Fire\": A New Benchmark Dataset for Fake News Detection, "
    "ACL 2017 (short papers), pp. 422-426, doi:10.18653/v1/P17-2067."
)
LIAR_SLICES = (
    SliceSpec("party", "Party", min_rows=30, max_slices=8),
    SliceSpec("subject", "Subject", min_rows=60, max_slices=12, separator=","),
)



def liar_source(name: str, description: str, overrides: dict[str, Any]) -> DataSource:
    """A variant of LIAR: both read the same pinned release; they differ in task and prepare."""
    return DataSource(name=name, description=description, load="casekit.cases.fake_news.liar:load", synthetic=False,
                      dataset=liar.DATASET, files=liar.FILES, licence=LIAR_LICENCE, citation=LIAR_CITATION,
                      sample_units=dict.fromkeys(liar.ROWS), conformance_scale=0.3,
                      overrides=overrides)


CASE = CaseSpec(
    slug="fake-news",
    title="Fake-news detection",
    summary="Rank social-media news posts for human fact-checkers: probability of fake, calibrated.",
    task="binary",
    id_column="post_id",
    target="label",
    submission=BinarySubmission(id_column="post_id", probability_prefix="prob_", positive_label="fake"),
    metrics=(
        MetricSpec("roc_auc", "ROC-AUC"),
        MetricSpec("pr_auc", "PR-AUC (average precision)"),
        MetricSpec("log_loss", "Log loss"),
        MetricSpec("brier", "Brier score"),
        MetricSpec("ece", "Expected calibration error (10 bins)"),
        MetricSpec("precision", "Precision at the threshold"),
        MetricSpec("recall", "Recall at the threshold"),
        MetricSpec("f1", "F1 at the threshold"),
    ),
    primary_metric="roc_auc",
    sources=(
        DataSource(
            name="synthetic",
            description="16k seeded synthetic posts over a year, temporal split, drifting topics (offline).",
            load="casekit.cases.fake_news.synthetic:load",
            synthetic=True,
            conformance_scale=0.25,
        ),
        liar_source(
            name="liar",
            description="LIAR: 12.8k PolitiFact statements, binary (pants-fire, false, barely-true = fake).",
            overrides={
                "id_column": "statement_id",
                "submission": BinarySubmission(id_column="statement_id", probability_prefix="prob_",
                                               positive_label="fake"),
                "prepare_ref": "casekit.cases.fake_news.prepare:prepare_liar",
                "slices": LIAR_SLICES,
                "time_column": None,
                "review_capacity": None,  # LIAR's brief describes no review desk
            },
        ),
        liar_source(
            name="liar-6way",
            description="LIAR with its six Truth-O-Meter ratings: one probability per rating.",
            overrides={
                "task": "multiclass",
                "id_column": "statement_id",
                "submission": MulticlassSubmission(id_column="statement_id", probability_prefix="prob_",
                                                   probabilities_required=True),
                "metrics": (
                    MetricSpec("macro_f1", "Macro-F1"),
                    MetricSpec("accuracy", "Accuracy"),
                    MetricSpec("log_loss", "Log loss"),
                ),
                "primary_metric": "macro_f1",
                "prepare_ref": "casekit.cases.fake_news.prepare:prepare_liar_six_way",
                "slices": LIAR_SLICES,
                "time_column": None,
                "review_capacity": None,
            },
        ),
    ),
    prepare_ref="casekit.cases.fake_news.prepare:prepare_posts",
    baselines=(
        Baseline(
            "prior",
            "Constant prior",
            "trivial",
            "Gives every row the training share of each class.",
            "casekit.cases.fake_news.baselines:prior",
        ),
        Baseline(
            "tfidf_logreg",
            "TF-IDF + logistic regression",
            "classical",
            "Word and bigram TF-IDF of the text (title and text, or the statement) into a logistic regression.",
            "casekit.cases.fake_news.baselines:tfidf_logreg",
        ),
        Baseline(
            "lightgbm",
            "LightGBM on text (TF-IDF) and metadata",
            "strong",
            "LightGBM over the TF-IDF of the text's 5,000 most frequent words and bigrams, plus source, author, "
            "topic, shares and calendar (posts) or speaker, party, subjects and credit history (LIAR).",
            "casekit.cases.fake_news.baselines:lightgbm",
        ),
    ),
    folder=Path(__file__).parent,
    time_box_hours=4.0,
    slices=(SliceSpec("domain", "Domain", min_rows=60, max_slices=25),),
    time_column="published_at",
    # The brief: "the fact-checkers can review about 15% of the posts".
    review_capacity=0.15,
)
