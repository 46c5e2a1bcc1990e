"""Contract tests particular to title generation: the text the features read, and titles that
are one line within the cap for every test row."""

from __future__ import annotations

from conftest import run_stage

from {{ cookiecutter.package_name }} import config

MAX_TITLE_LENGTH = 150


def test_ingest_keeps_every_training_title(data):
    titles = data["train"][config.TARGET]
    assert titles.notna().all() and (titles.astype(str).str.strip() != "").all()


def test_features_read_a_vocabulary_from_the_training_rows(sample):
    vectorizer = run_stage("features", "build_features")
    from {{ cookiecutter.package_name }}.features import row_text

    matrix = vectorizer.fit_transform(row_text(sample["train"]))
    assert matrix.shape[0] == len(sample["train"]) and matrix.shape[1] > 0


def test_titles_are_one_line_within_the_cap(submission):
    titles = submission[config.TARGET].astype(str)
    assert (titles.str.strip() != "").all()
    assert not titles.str.contains(r"[\n\r]").any()
    assert titles.str.len().max() <= MAX_TITLE_LENGTH
