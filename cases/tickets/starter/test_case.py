"""Contract tests particular to ticket routing: the text the features need, the features
stage, and a model that routes to known queues."""

from __future__ import annotations

from conftest import run_stage

from {{ cookiecutter.package_name }} import config


def test_ingest_reads_every_ticket_with_its_subject_body_and_label(data):
    tickets = data["train"]
    assert {config.ID, "subject", "body", config.TARGET} <= set(tickets.columns)
    assert tickets[config.TARGET].notna().all()


def test_features_give_one_row_per_ticket(sample):
    tickets = sample["train"]
    transformer = run_stage("features", "build_features")
    matrix = transformer.fit_transform(tickets.drop(columns=[config.TARGET]), tickets[config.TARGET])
    assert matrix.shape[0] == len(tickets)


def test_the_model_predicts_known_categories(model, sample):
    tickets = sample["train"]
    predicted = model.predict(tickets.drop(columns=[config.TARGET]).head(20))
    assert set(predicted) <= set(tickets[config.TARGET])
