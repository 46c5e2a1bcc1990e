"""Similarity between candidates: planted copies are flagged, independent solutions are not.

Code: one candidate's solution (``similarity_solutions/keywords_sgd.py``, stages 2 and 3 of
the ticket case) is planted in other projects renamed, reordered, reformatted (``ast.unparse``)
and all three at once; another candidate's independent solution
(``similarity_solutions/title_bayes.py``) and the untouched baseline starter are the honest
ones. Predictions: the case's classical and strong baselines are two independent solutions;
a copy of the strong one with one row in twenty relabelled is planted.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from casekit.review.similarity import (
    CODE_THRESHOLD,
    PREDICTION_THRESHOLD,
    Entrant,
    boilerplate,
    compare_predictions,
    similar_pairs,
)

SOLUTIONS = Path(__file__).parent / "similarity_solutions"
PACKAGE = "src/tickets_solution"
RENAMES = {"clean": "normalise_text", "keyword_flags": "count_cues", "KeywordModel": "CueClassifier",
           "texts": "documents", "text": "doc", "words": "vocab", "columns": "feats", "matrix": "X",
           "vectorizer": "tfidf", "classifier": "clf", "alpha": "reg", "epochs": "n_iter", "tickets": "df",
           "labels": "y", "BUG_WORDS": "BUGGY", "counts": "n"}


def renamed(code: str) -> str:
    return re.sub(r"\b(" + "|".join(RENAMES) + r")\b", lambda match: RENAMES[match.group(1)], code)


def reordered(code: str) -> str:
    """The module's functions and classes in reverse order (imports and constants first)."""
    tree = ast.parse(code)
    lines = code.splitlines(keepends=True)
    head = [node for node in tree.body if not isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    definitions = [node for node in tree.body if node not in head]

    def chunk(node: ast.stmt) -> str:
        return "".join(lines[node.lineno - 1:node.end_lineno]) + "\n\n"

    return "".join(map(chunk, head)) + "\n" + "".join(map(chunk, reversed(definitions)))


def reformatted(code: str) -> str:
    return ast.unparse(ast.parse(code))


ORIGINAL = (SOLUTIONS / "keywords_sgd.py").read_text()
PLANTED = {"renamed": renamed(ORIGINAL), "reordered": reordered(ORIGINAL), "reformatted": reformatted(ORIGINAL),
           "all-three": reformatted(reordered(renamed(ORIGINAL)))}


@pytest.fixture(scope="module")
def pairs(nlbse_project, tmp_path_factory) -> dict[frozenset, object]:
    root = tmp_path_factory.mktemp("similarity")
    solutions = {"original": ORIGINAL, **PLANTED, "honest": (SOLUTIONS / "title_bayes.py").read_text(), "starter": None}
    entrants = []
    for name, code in solutions.items():
        project = root / name
        shutil.copytree(nlbse_project, project, ignore=shutil.ignore_patterns("data", "evaluation", "mlflow.db"))
        if code is not None:
            (project / PACKAGE / "train.py").write_text(code)
        entrants.append(Entrant(name, name, project))
    return {frozenset((pair.a, pair.b)): pair for pair in similar_pairs(entrants, boilerplate("tickets"), {})}


@pytest.mark.parametrize("planting", sorted(PLANTED))
def test_a_planted_copy_is_flagged(pairs, planting):
    pair = pairs[frozenset(("original", planting))]
    assert pair.code >= CODE_THRESHOLD and pair.flagged


def test_the_matching_passages_are_shown_in_both_projects(pairs):
    pair = pairs[frozenset(("original", "renamed"))]
    assert pair.passages_a and pair.passages_b
    original, copy = (pair.passages_a, pair.passages_b) if pair.a == "original" else (pair.passages_b, pair.passages_a)
    assert all(passage.file == f"{PACKAGE}/train.py" for passage in original + copy)
    assert any("keyword_flags" in passage.text for passage in original)
    assert any("count_cues" in passage.text for passage in copy)


@pytest.mark.parametrize("other", ["original", "all-three", "starter"])
def test_an_independent_solution_from_the_same_starter_is_not_flagged(pairs, other):
    pair = pairs[frozenset(("honest", other))]
    assert pair.code < CODE_THRESHOLD and not pair.flagged


def test_the_starter_code_itself_is_never_evidence(pairs):
    assert pairs[frozenset(("original", "starter"))].code == 0.0


@pytest.fixture(scope="module")
def predictions(nlbse_instance, nlbse_baselines, tmp_path_factory):
    files = {item.baseline.tier: item.path for item in nlbse_baselines}
    strong = pd.read_csv(files["strong"], dtype=str)
    rows = np.random.default_rng(5).random(len(strong)) < 0.05
    labels = sorted(strong["category"].unique())
    strong.loc[rows, "category"] = [labels[(labels.index(value) + 1) % len(labels)]
                                    for value in strong.loc[rows, "category"]]
    copy = tmp_path_factory.mktemp("planted") / "copy.csv"
    strong.to_csv(copy, index=False)
    files["planted"] = copy
    return compare_predictions(files, nlbse_instance.key.answers, nlbse_instance.task)


def test_a_planted_copy_of_predictions_is_flagged(predictions):
    assert predictions[("planted", "strong")] >= PREDICTION_THRESHOLD


def test_two_independent_models_agree_less_than_the_threshold(predictions):
    assert 0.2 < predictions[("classical", "strong")] < PREDICTION_THRESHOLD


def test_a_constant_prediction_agrees_with_nothing_beyond_its_score(predictions):
    assert abs(predictions[("strong", "trivial")]) < 0.05


def test_two_candidates_alike_only_as_a_baseline_is_are_not_flagged_on_predictions(nlbse_project):
    scores = {("a", "b"): 0.93, ("a", "baseline: x"): 0.92, ("b", "baseline: x"): 0.95}
    entrants = [Entrant("A", "a", None), Entrant("B", "b", None)]
    pair = similar_pairs(entrants, [], scores, ("baseline: x",))[0]
    assert pair.predictions >= PREDICTION_THRESHOLD and not pair.flagged
