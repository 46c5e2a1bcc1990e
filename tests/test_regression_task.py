"""The regression task: its metrics are checked at load, its submissions checked cell by cell,
and its report shows the residuals."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter
from sklearn.metrics import mean_pinball_loss, root_mean_squared_error

from casekit import tasks
from casekit.cases.errors import CaseSpecError
from casekit.cases.spec import Baseline, CaseSpec, DataSource, MetricSpec
from casekit.cases.submission_schemas import MulticlassSubmission, RegressionSubmission
from casekit.tasks.regression import RegressionDetails


@pytest.fixture
def spec(tmp_path) -> CaseSpec:
    return CaseSpec(
        slug="delivery-time", title="Delivery time", summary="Hours from order to door.", task="regression",
        id_column="order_id", target="hours",
        submission=RegressionSubmission(id_column="order_id", value_column="hours"),
        metrics=(MetricSpec("rmse", "RMSE"), MetricSpec("mae", "MAE"), MetricSpec("r2", "R²"),
                 MetricSpec("pinball_90", "Pinball loss (q = 0.9)", "pinball", {"quantile": 0.9})),
        primary_metric="rmse", sources=(DataSource("orders", "orders", "unused:load", synthetic=False),),
        prepare_ref="unused:prepare",
        baselines=tuple(Baseline(tier, tier, tier, tier, "unused:build")
                        for tier in ("trivial", "classical", "strong")),
        folder=tmp_path,
    )


@pytest.fixture
def answers() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({"order_id": [f"O-{i:04d}" for i in range(400)],
                         "hours": np.round(rng.gamma(3.0, 8.0, 400), 2).astype(str)})


def write(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "predictions.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_pinball_loss_needs_its_quantile(spec):
    with pytest.raises(CaseSpecError, match=r"metric 'pinball' \(pinball\) needs parameter\(s\) quantile"):
        tasks.for_case(replace(spec, metrics=(*spec.metrics[:3], MetricSpec("pinball", "Pinball loss"))))


def test_a_quantile_outside_zero_and_one_fails_at_load(spec):
    metrics = (*spec.metrics[:3], MetricSpec("pinball_90", "Pinball", "pinball", {"quantile": 1.5}))
    with pytest.raises(CaseSpecError, match=r"parameter 'quantile': input should be less than 1, got 1.5"):
        tasks.for_case(replace(spec, metrics=metrics))


def test_a_regression_case_declaring_another_tasks_submission_is_refused_naming_the_case(spec):
    submission = MulticlassSubmission(id_column="order_id", label_column="hours")
    with pytest.raises(CaseSpecError, match="case 'delivery-time': a regression case declares its submission with "
                                            "RegressionSubmission, not MulticlassSubmission"):
        tasks.for_case(replace(spec, submission=submission))


def test_values_that_are_not_finite_numbers_are_named_with_the_row_the_id_and_the_column(spec, answers, tmp_path):
    task = tasks.for_case(spec)
    values = answers["hours"].tolist()
    values[0], values[3], values[7], values[9] = "NaN", "fast", "inf", "True"
    checked = task.check_submission(write(tmp_path, answers.assign(hours=values)), (), pd.Index(answers["order_id"]))
    messages = [(problem.code, problem.message) for problem in checked.report.problems]
    assert messages == [
        ("nan_value", "predictions.csv: row 1 (order_id='O-0000'), column 'hours': empty or NaN value"),
        ("not_a_number", "predictions.csv: row 4 (order_id='O-0003'), column 'hours': 'fast' is not a number"),
        ("not_a_number", "predictions.csv: row 10 (order_id='O-0009'), column 'hours': 'True' is not a number"),
        ("not_finite", "predictions.csv: row 8 (order_id='O-0007'), column 'hours': 'inf' is not a finite number"),
    ]


def test_scores_are_the_metric_functions_and_the_pinball_loss_uses_the_case_quantile(spec, answers, tmp_path):
    task = tasks.for_case(spec)
    truth = task.truth(answers, ())
    predicted = truth.values * 1.1 + 1.0
    submission = answers.assign(hours=predicted)
    checked = task.check_submission(write(tmp_path, submission), (), truth.ids)
    scores = task.point_metrics(truth, task.decode(checked.frame, (), truth.ids))
    assert scores["rmse"] == pytest.approx(root_mean_squared_error(truth.values, predicted))
    assert scores["pinball_90"] == pytest.approx(mean_pinball_loss(truth.values, predicted, alpha=0.9))
    resampled = task.resampled_metrics(truth, task.decode(checked.frame, (), truth.ids), {"rmse", "r2"})(
        np.ones((2, truth.n_units)))
    assert set(resampled) == {"rmse", "r2"} and resampled["rmse"] == pytest.approx([scores["rmse"]] * 2)


def test_the_report_shows_residuals_by_decile_a_residual_plot_and_predicted_against_actual(spec, answers):
    task = tasks.for_case(spec)
    truth = task.truth(answers, ())
    details = task.details(truth, type(task.decode(answers, (), truth.ids))(truth.values + 2.0))
    titles = [table.title for table in details.tables()]
    assert titles == ["Residuals (actual − predicted)", "Residuals by decile of the prediction (10 bins of equal rows)"]
    assert details.mean_residual == pytest.approx(-2.0)
    figures = details.figures()
    assert set(figures) == {"predicted_vs_actual.png", "residuals.png"}
    assert all(image.startswith(b"\x89PNG") for image in figures.values())


def test_the_details_survive_a_json_round_trip(spec, answers):
    import json
    from dataclasses import asdict

    task = tasks.for_case(spec)
    truth = task.truth(answers, ())
    details = task.details(truth, type(task.decode(answers, (), truth.ids))(truth.values[::-1].copy()))
    again = TypeAdapter(RegressionDetails).validate_python(json.loads(json.dumps(asdict(details))))
    assert again == details


def test_the_sample_submission_predicts_the_training_mean_everywhere(spec):
    task = tasks.for_case(spec)
    inputs = {"train": pd.DataFrame({"order_id": ["a", "b"], "hours": [1.0, 3.0]}),
              "test": pd.DataFrame({"order_id": ["c", "d", "e"]})}
    sample = task.sample_submission(inputs, ())
    assert sample.to_dict("list") == {"order_id": ["c", "d", "e"], "hours": [2.0, 2.0, 2.0]}
