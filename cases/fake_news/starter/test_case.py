{%- set liar = cookiecutter.source.startswith("liar") -%}
{%- set row = 'statement' if liar else 'post' -%}
"""Contract tests particular to fake-news detection: the features stage, and a model that gives
one probability per label."""

from __future__ import annotations

import numpy as np
from conftest import run_stage

from {{ cookiecutter.package_name }} import config


def test_ingest_reads_every_training_{{ row }}_with_its_label(data):
    assert data["train"][config.TARGET].notna().all()


def test_features_give_one_row_per_{{ row }}(sample):
    rows = sample["train"]
    transformer = run_stage("features", "build_features")
    matrix = transformer.fit_transform(rows.drop(columns=[config.TARGET]), rows[config.TARGET])
    assert matrix.shape[0] == len(rows)


def test_the_model_gives_one_probability_per_label(model, sample):
    rows = sample["train"]
    probabilities = model.predict_proba(rows.drop(columns=[config.TARGET]).head(20))
    assert set(model.classes_) == set(rows[config.TARGET])
    assert probabilities.shape == (20, len(model.classes_))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
