"""``casekit new fake-news``: the synthetic and LIAR bundles, their split, determinism, no answers
in them, and the starter stages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import casekit

import cases
from evaluator.instances.bundle import BundleMetadata


def bundle_files(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}


def issue(tmp_path: Path, name: str, *extra: str, seed: int = 9) -> tuple[Path, Path]:
    keys = tmp_path / f"{name}-keys"
    project = tmp_path / name
    casekit("new", "fake-news", "--seed", str(seed), "-o", project, "--keys-dir", keys, *extra, check=True)
    return project, keys / BundleMetadata.read(project).instance_id


def contract_tests(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(project / "src")})


def test_the_synthetic_bundle_is_split_in_time(fake_news_project):
    train = pd.read_csv(fake_news_project / "data" / "train.csv", usecols=["published_at"])
    test = pd.read_csv(fake_news_project / "data" / "test.csv", usecols=["published_at"])
    assert pd.to_datetime(test["published_at"]).min() > pd.to_datetime(train["published_at"]).max()
    notes = BundleMetadata.read(fake_news_project).notes
    assert notes["train_until"] < notes["test_from"] and notes["test_rows"] == len(test)


def test_the_metadata_records_a_binary_case_with_its_primary_metric(fake_news_project):
    bundle = BundleMetadata.read(fake_news_project)
    assert (bundle.task, bundle.labels, bundle.primary_metric) == ("binary", ["fake", "real"], "roc_auc")
    assert (bundle.id_column, bundle.target, bundle.source) == ("post_id", "label", "synthetic")


@pytest.mark.parametrize("source", ["synthetic", "liar"])
def test_no_test_label_appears_anywhere_in_the_bundle(tmp_path, source, request):
    if source == "liar":
        request.getfixturevalue("liar_project")  # skips without the mirror
    project, key = issue(tmp_path, source, "--source", source)
    answers = pd.read_csv(key / "answers.csv", dtype=str)
    id_column = answers.columns[0]
    answer_rows = {f"{i},{label}" for i, label in zip(answers[id_column], answers["label"])}
    test = pd.read_csv(project / "data" / "test.csv", dtype=str)
    assert "label" not in test.columns and "rating" not in test.columns
    sample = pd.read_csv(project / "data" / "sample_submission.csv")
    assert sample["prob_fake"].nunique() == 1
    for relative, content in bundle_files(project).items():
        assert (key / "answers.csv").read_bytes() not in content, relative
        text = content.decode("utf-8", errors="ignore")
        assert not any(row in text for row in list(answer_rows)[:300]), relative
    train = pd.read_csv(project / "data" / "train.csv", dtype=str)
    assert not set(train[id_column]) & set(answers[id_column])


def test_same_seed_gives_byte_identical_files_and_key(tmp_path):
    first, first_key = issue(tmp_path / "a", "project", seed=21)
    second, second_key = issue(tmp_path / "b", "project", seed=21)
    assert bundle_files(first) == bundle_files(second)
    for name in ("answers.csv", "key.json", "inputs/train.csv", "inputs/test.csv"):
        assert (first_key / name).read_bytes() == (second_key / name).read_bytes()
    other, _ = issue(tmp_path / "c", "project", seed=22)
    assert (other / "data" / "test.csv").read_bytes() != (first / "data" / "test.csv").read_bytes()


def test_liar_binary_bundle_has_the_official_split_and_fresh_ids(liar_project):
    bundle = BundleMetadata.read(liar_project)
    assert (bundle.task, bundle.labels, bundle.id_column) == ("binary", ["fake", "real"], "statement_id")
    train = pd.read_csv(liar_project / "data" / "train.csv", dtype=str)
    test = pd.read_csv(liar_project / "data" / "test.csv", dtype=str)
    assert (len(train), len(test)) == (10_269 + 1_284, 1_283)
    assert train["statement_id"].str.match(r"^S-[0-9a-f]{10}$").all()
    assert "false_counts" in test.columns and "label" not in test.columns


def test_liar_six_way_bundle_asks_for_one_probability_per_rating(liar_six_way_project):
    bundle = BundleMetadata.read(liar_six_way_project)
    assert (bundle.task, bundle.primary_metric) == ("multiclass", "macro_f1")
    assert bundle.labels == ["pants-fire", "false", "barely-true", "half-true", "mostly-true", "true"]
    sample = pd.read_csv(liar_six_way_project / "data" / "sample_submission.csv")
    assert list(sample.columns) == ["statement_id", *(f"prob_{rating}" for rating in bundle.labels)]
    assert sample.drop(columns="statement_id").sum(axis=1).round(9).eq(1).all()


def test_the_readme_is_the_brief_with_the_liar_mapping(fake_news_project):
    readme = (fake_news_project / "README.md").read_text()
    assert readme.startswith("# Fake-news detection")
    assert "`pants-fire`, `false` and `barely-true` count as **fake**" in readme
    assert "decision.json" in readme and "## Clarifying questions" in readme


def test_the_brief_answers_the_clarifying_questions_and_says_how_it_is_scored():
    brief = cases.get("fake-news").brief_path.read_text()
    assert "How would you detect fake news on social media?" in brief
    for question in ("Which platforms?", "Do titles matter as well as the body?", "Is the content multilingual?",
                     "Who acts on a flag?"):
        assert f"- **{question}**" in brief, question
    assert "15% of the posts" in brief and "**three times** that of a wasted review" in brief
    for section in ("Objective", "Deliverables", "Submission format", "Time box", "How it is scored"):
        assert f"\n## {section}\n" in brief, section


@pytest.mark.parametrize("fixture", ["liar_project", "liar_six_way_project"])
def test_baseline_starter_contract_tests_pass_on_liar(request, fixture):
    project = request.getfixturevalue(fixture)
    result = contract_tests(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_empty_starter_contract_tests_fail_naming_the_stage(tmp_path):
    project, _ = issue(tmp_path, "empty", "--starter", "empty")
    package = project / "src" / "fake_news_solution"
    for stage in ("ingest", "features", "train", "predict"):
        source = (package / f"{stage}.py").read_text()
        assert "raise NotImplementedError" in source and "TODO(candidate)" in source, stage
    result = contract_tests(project)
    assert result.returncode == 1
    assert "stage 'ingest' is not implemented yet" in result.stdout
    assert "src/fake_news_solution/ingest.py" in result.stdout


def test_the_rendered_stages_name_the_columns_of_their_source(liar_project, fake_news_project):
    assert 'ID, TARGET = "statement_id", "label"' in (liar_project / "src/fake_news_solution/pipeline.py").read_text()
    pipeline = (fake_news_project / "src/fake_news_solution/pipeline.py").read_text()
    assert 'ID, TARGET = "post_id", "label"' in pipeline and 'sort_values("published_at"' in pipeline
    assert "{%" not in pipeline and "{{" not in pipeline
    assert 'DECISION = {"threshold": 0.5}' in pipeline
