"""Reviewer agreement: Krippendorff's alpha (ordinal) against his published examples, its bootstrap
interval over candidates, the panel's median score, third-reviewer flags and anchors to rewrite."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from casekit.review.agreement import (
    MIN_CANDIDATES_FOR_INTERVAL,
    PanelScores,
    PanelScoresError,
    anchors_to_rewrite,
    bootstrap_alpha,
    ordinal_alpha,
    panel_agreement,
    panel_scores,
    resampled_alphas,
)

N = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers
# (rows) code twelve units (columns) on a 1-5 scale, with missing values.
KRIPPENDORFF_2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
])
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def test_ordinal_alpha_of_krippendorffs_example_is_his_published_value():
    assert round(ordinal_alpha(KRIPPENDORFF_2011, levels=(1, 2, 3, 4, 5)), 3) == PUBLISHED["ordinal"]


@pytest.mark.parametrize("level", ["nominal", "interval", "ratio"])
def test_the_library_reproduces_krippendorffs_published_values_at_the_other_levels(level):
    value = krippendorff.alpha(reliability_data=KRIPPENDORFF_2011, level_of_measurement=level)
    assert round(value, 3) == PUBLISHED[level]


def test_alpha_is_undefined_when_every_paired_score_is_the_same():
    assert ordinal_alpha(np.array([[2, 2, 0], [2, 2, N]])) is None


def test_alpha_is_undefined_when_no_unit_is_scored_twice():
    assert ordinal_alpha(np.array([[1, N, 3], [N, 2, N]])) is None


def noisy_panel(candidates: int, reviewers: int, noise: float, seed: int, criteria: int = 4) -> np.ndarray:
    """True scores spread over 0-3; each reviewer moves a score by one level with probability ``noise``."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, size=(candidates, criteria))
    shifts = rng.choice([-1, 1], size=(reviewers, candidates, criteria)) * (rng.random((reviewers, candidates,
                                                                                         criteria)) < noise)
    return np.clip(truth + shifts, 0, 3).astype(float)


def test_the_interval_holds_the_alpha_and_is_the_same_for_the_same_seed():
    cube = noisy_panel(candidates=12, reviewers=3, noise=0.3, seed=1)
    first, again = bootstrap_alpha(cube, resamples=300, seed=5), bootstrap_alpha(cube, resamples=300, seed=5)
    assert first.interval is not None and first.interval[0] <= first.alpha <= first.interval[1]
    assert first == again and first.resamples == 300


def test_another_seed_draws_other_resamples():
    cube = noisy_panel(candidates=12, reviewers=3, noise=0.3, seed=1)
    assert bootstrap_alpha(cube, resamples=300, seed=5).interval != bootstrap_alpha(cube, resamples=300,
                                                                                    seed=6).interval


def test_fewer_than_five_candidates_get_no_interval():
    cube = noisy_panel(candidates=MIN_CANDIDATES_FOR_INTERVAL - 1, reviewers=3, noise=0.3, seed=1)
    agreement = bootstrap_alpha(cube, resamples=300)
    assert agreement.alpha is not None and agreement.interval is None and agreement.resamples == 0


def test_resamples_where_every_score_is_the_same_are_skipped_and_counted():
    # Four candidates scored 2 by both reviewers, one scored 1 and 3: a resample without that
    # one (a (4/5)^5 = 33% chance) has a single value, and no alpha.
    cube = np.array([[[2], [2], [2], [2], [1]], [[2], [2], [2], [2], [3]]], dtype=float)
    agreement = bootstrap_alpha(cube, resamples=1000, seed=3)
    expected, spread = 1000 * 0.8 ** 5, np.sqrt(1000 * 0.8 ** 5 * (1 - 0.8 ** 5))
    assert abs(agreement.degenerate - expected) < 5 * spread
    assert agreement.interval is not None


def test_more_noise_planted_gives_a_lower_alpha():
    alphas = [ordinal_alpha(noisy_panel(30, 3, noise, seed=7).reshape(3, -1)) for noise in (0.0, 0.2, 0.5)]
    assert alphas[0] == 1.0 and alphas[0] > alphas[1] > alphas[2]


def panel(cube: list[list[list[float]]], candidates: str = "abcde", criteria: tuple[str, ...] = ("design",),
          ) -> PanelScores:
    return PanelScores(tuple(f"r{i + 1}" for i in range(len(cube))), tuple(candidates[:len(cube[0])]), criteria,
                       np.array(cube, dtype=float))


def test_the_panel_score_is_the_median_with_the_spread():
    score = panel_scores(panel([[[1]], [[2]], [[2]]]))[0]
    assert (score.median, score.spread, score.scores) == (2.0, 1, {"r1": 1, "r2": 2, "r3": 2})


def test_two_reviewers_one_level_apart_are_not_flagged():
    assert not panel_scores(panel([[[1]], [[2]]]))[0].flagged


def test_two_reviewers_two_levels_apart_are_flagged_for_a_third():
    score = panel_scores(panel([[[1]], [[3]]]))[0]
    assert score.flagged and score.awaits_third_reviewer


def test_a_third_reviewers_score_settles_the_flag_and_the_median():
    score = panel_scores(panel([[[1]], [[3]], [[3]]]))[0]
    assert score.flagged and not score.awaits_third_reviewer and score.median == 3.0


def test_a_reviewer_who_has_not_scored_is_left_out_of_the_median():
    score = panel_scores(panel([[[1]], [[N]], [[2]]]))[0]
    assert score.scores == {"r1": 1, "r3": 2} and score.median == 1.5


def test_a_criterion_below_the_threshold_has_anchors_to_rewrite_with_its_widest_pairs():
    agreeing = [[0, 3, 1, 2, 0], [0, 3, 1, 2, 1]]
    disagreeing = [[0, 3, 1, 2, 0], [2, 1, 1, 0, 3]]
    cube = np.stack([np.array(agreeing), np.array(disagreeing)], axis=-1).astype(float)
    scores = PanelScores(("r1", "r2"), tuple("abcde"), ("metrics", "design"), cube)
    rewrite = anchors_to_rewrite(scores, panel_agreement(scores, resamples=50), pairs=2)
    assert [entry.criterion for entry in rewrite] == ["design"]
    assert [(pair.candidate, pair.reviewers, pair.scores) for pair in rewrite[0].pairs] == [
        ("e", ("r1", "r2"), (0, 3)), ("a", ("r1", "r2"), (0, 2))]


def test_a_score_outside_the_anchors_is_refused():
    with pytest.raises(PanelScoresError, match="a rubric score is one of"):
        panel([[[1]], [[4]]])


def test_scores_of_the_wrong_shape_are_refused():
    with pytest.raises(PanelScoresError, match="expected"):
        PanelScores(("r1", "r2"), ("a",), ("design",), np.zeros((2, 2, 1)))


def test_a_panel_from_a_mapping_leaves_unscored_cells_missing():
    scores = PanelScores.from_mapping({"r1": {"ada": {"design": 2}}, "r2": {"ada": {"design": None}, "bo": {}}},
                                      criteria=("design", "metrics"))
    assert scores.candidates == ("ada", "bo")
    assert scores.scores[0, 0].tolist()[0] == 2 and np.isnan(scores.scores[1]).all()


def test_the_resampled_alphas_match_the_library_on_each_resample():
    cube = noisy_panel(candidates=8, reviewers=3, noise=0.4, seed=2)
    cube[0, 1, 2] = cube[2, 5, 0] = cube[1, 5, 0] = N  # missing scores, and a unit scored once
    draws = np.random.default_rng(0).integers(0, 8, size=(50, 8))
    fast = resampled_alphas(cube, draws)
    for drawn, value in zip(draws, fast, strict=True):
        assert value == pytest.approx(ordinal_alpha(cube[:, drawn, :].reshape(3, -1)), abs=1e-9)


def test_the_resampled_alpha_of_krippendorffs_example_is_his_published_value():
    cube = KRIPPENDORFF_2011[:, None, :]  # one candidate, its twelve criteria the units
    alpha = resampled_alphas(cube, np.array([[0]]), levels=(1, 2, 3, 4, 5))[0]
    assert round(alpha, 3) == PUBLISHED["ordinal"]


def test_a_resample_with_a_single_value_has_no_alpha():
    cube = np.array([[[2], [1]], [[2], [3]]], dtype=float)
    assert np.isnan(resampled_alphas(cube, np.array([[0, 0]]))).all()
