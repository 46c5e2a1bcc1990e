"""Regression: one predicted number per row.

Submission columns: the id and the value column (the case names it, usually the target's
name), a finite number on every row. The predictions are scored on RMSE, MAE, R² and, when a
case asks for one, the pinball loss at a quantile (the predictions then estimate that
quantile). The report adds the residuals by decile of the prediction, a residual plot and a
predicted-against-actual plot.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field
from pydantic.dataclasses import dataclass as parameters

from casekit.cases.spec import MetricSpec
from casekit.cases.submission_schemas import RegressionSubmission
from casekit.metrics import regression
from casekit.submissions.checks import ValidationReport, add_row_problems, missing_cells, row_locator
from casekit.tasks.base import Decision, ReportTable, Task, TaskDetails
from casekit.tasks.hostile_files import SCORED, HostileSubmission, SubmissionRoles, csv_bytes, with_cells
from casekit.tasks.metric import PARAMETERS, MetricDefinition, MetricRegistry, NoParameters
from casekit.tasks.table_authoring import TableAuthoring, TableTarget

# The report's plots draw at most this many points, drawn with a fixed seed; the deciles use every row.
PLOTTED_POINTS = 2_000
DECILES = 10
# A target this skewed makes MAE an authored case's primary metric, not RMSE.
HEAVY_TAIL_SKEW = 3.0


@dataclass(frozen=True)
class ValueTruth:
    """The answer key as numbers, in the key's row order."""

    ids: pd.Index
    values: np.ndarray

    @property
    def n_units(self) -> int:
        return self.values.size

    def subset(self, mask: np.ndarray) -> ValueTruth:
        return replace(self, ids=self.ids[mask], values=self.values[mask])


@dataclass(frozen=True)
class ValuePredictions:
    """Predicted numbers aligned to the answer key's rows."""

    values: np.ndarray

    @property
    def n_units(self) -> int:
        return self.values.size

    def subset(self, mask: np.ndarray) -> ValuePredictions:
        return ValuePredictions(self.values[mask])


@dataclass(frozen=True)
class ValueScoring:
    """What the regression metrics read: the true and the predicted values, row by row."""

    y_true: np.ndarray
    y_pred: np.ndarray


@parameters(frozen=True, kw_only=True, config=PARAMETERS)
class AtQuantile:
    """The quantile ``q`` in (0, 1) the predictions estimate."""

    quantile: Annotated[float, Field(gt=0, lt=1)]


REGISTRY = MetricRegistry("regression", (
    MetricDefinition("rmse", "lower", "Root mean squared error, sqrt(mean((y - ŷ)²)), in the target's units: large "
                                      "errors weigh most.",
                     lambda s, p: regression.unweighted(regression.weighted_rmse, s.y_true, s.y_pred),
                     lambda s, p: lambda w: regression.weighted_rmse(w, s.y_true, s.y_pred), NoParameters),
    MetricDefinition("mae", "lower", "Mean absolute error, mean(|y - ŷ|), in the target's units.",
                     lambda s, p: regression.mae(s.y_true, s.y_pred),
                     lambda s, p: lambda w: regression.weighted_mae(w, s.y_true, s.y_pred), NoParameters),
    MetricDefinition("r2", "higher", "Coefficient of determination, 1 - SSE / SST: the share of the target's variance "
                                     "explained (0 for predicting the test mean; below 0 is worse than that).",
                     lambda s, p: regression.unweighted(regression.weighted_r2, s.y_true, s.y_pred),
                     lambda s, p: lambda w: regression.weighted_r2(w, s.y_true, s.y_pred), NoParameters),
    MetricDefinition("pinball", "lower", "Mean pinball loss at quantile q: q·(y - ŷ) when y ≥ ŷ, (1 - q)·(ŷ - y) "
                                         "otherwise; predicting the q-th quantile minimises it.",
                     lambda s, p: regression.pinball(s.y_true, s.y_pred, p.quantile),
                     lambda s, p: lambda w: regression.weighted_pinball(w, s.y_true, s.y_pred, p.quantile),
                     AtQuantile),
))


@dataclass(frozen=True)
class ResidualBin:
    """The rows whose prediction falls in one decile of the predictions: how far off they are."""

    low: float
    high: float
    rows: int
    mean_predicted: float
    mean_actual: float
    mean_absolute_error: float


@dataclass(frozen=True)
class RegressionDetails(TaskDetails):
    """The residuals' summary, the residuals by decile of the prediction, and a sample of
    (predicted, actual) pairs for the plots."""

    rows: int
    mean_actual: float
    mean_predicted: float
    mean_residual: float
    residual_sd: float
    residual_quantiles: dict[str, float]
    max_absolute_error: float
    deciles: list[ResidualBin]
    predicted_sample: list[float]
    actual_sample: list[float]

    def tables(self) -> list[ReportTable]:
        summary = [
            ["rows", f"{self.rows:,}"],
            ["mean actual", _number(self.mean_actual)],
            ["mean predicted", _number(self.mean_predicted)],
            ["mean residual (actual − predicted; > 0: predictions too low)", _number(self.mean_residual, signed=True)],
            ["residual standard deviation", _number(self.residual_sd)],
            *[[f"residual, {name}", _number(value, signed=True)]
              for name, value in self.residual_quantiles.items()],
            ["largest absolute error", _number(self.max_absolute_error)],
        ]
        deciles = [[f"{_number(b.low)} to {_number(b.high)}", f"{b.rows:,}", _number(b.mean_predicted),
                    _number(b.mean_actual), _number(b.mean_actual - b.mean_predicted, signed=True),
                    _number(b.mean_absolute_error)] for b in self.deciles]
        return [
            ReportTable("Residuals (actual − predicted)", ["", "value"], summary),
            ReportTable(f"Residuals by decile of the prediction ({len(deciles)} bins of equal rows)",
                        ["predicted", "rows", "mean predicted", "mean actual", "mean residual", "MAE"], deciles),
        ]

    def figures(self) -> dict[str, bytes]:
        from casekit.tasks import figures as plots

        predicted, actual = np.asarray(self.predicted_sample), np.asarray(self.actual_sample)
        shown = f"{predicted.size:,} of {self.rows:,} rows" if predicted.size < self.rows else f"{self.rows:,} rows"
        return {
            "predicted_vs_actual.png": plots.predicted_vs_actual_png(predicted, actual, shown),
            "residuals.png": plots.residuals_png(predicted, actual - predicted, shown),
        }


PREDICT_TEMPLATE = '''\
"""Stage 4, predict: a number for each test row."""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }} import config


def predict(model, data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The submission for ``data["test"]``: ``config.ID`` and [[ column ]], the predicted value."""
    table = data["test"]
    return pd.DataFrame({config.ID: table[config.ID].to_numpy(),
                         [[ column ]]: model.predict(table.drop(columns=[config.ID]))})
'''
"""The baseline starter's predict stage of an authored case (see :class:`RegressionTableAuthoring`)."""


class RegressionTableAuthoring(TableAuthoring[RegressionSubmission]):
    """A regression case from a table: the predicted number, in a column named as the target.

    The primary metric is RMSE (in the target's units; large errors weigh most), or MAE when
    the target is heavy-tailed (skewness beyond :data:`HEAVY_TAIL_SKEW`: a few huge values
    would decide RMSE); R² says how much of the variance is explained.
    """

    classification = False
    metrics = (
        MetricSpec("rmse", "RMSE"),
        MetricSpec("mae", "MAE"),
        MetricSpec("r2", "R²"),
    )
    predict_template = PREDICT_TEMPLATE

    def submission(self, id_column: str, target: TableTarget) -> RegressionSubmission:
        return RegressionSubmission(id_column, value_column=target.name)

    def primary_metric(self, target: TableTarget) -> tuple[str, str]:
        skewness = target.stats["skewness"]
        if abs(skewness) > HEAVY_TAIL_SKEW:
            return "mae", (f"the target is heavy-tailed (skewness {skewness:+.1f}): MAE, in the target's units, is "
                           "not decided by the few extreme rows as RMSE would be")
        return "rmse", (f"RMSE is in the target's units and weighs large errors most; the target is not heavy-tailed "
                        f"(skewness {skewness:+.1f}), so a few rows do not decide it")

    def predict_context(self, schema: RegressionSubmission) -> dict[str, str]:
        return {"column": repr(schema.value_column)}

    def example(self, schema: RegressionSubmission, target: TableTarget) -> tuple[str, list[str]]:
        return schema.value_column, [f"{target.stats['median']:.6g}", f"{target.stats['p95']:.6g}"]


class RegressionTask(Task[RegressionSubmission, ValueTruth, ValuePredictions]):
    """A number per row, scored on its errors."""

    name = "regression"
    schema_type = RegressionSubmission
    table_authoring = RegressionTableAuthoring()
    registry = REGISTRY
    details_type = RegressionDetails

    def describe_submission(self) -> str:
        schema = self.schema
        return (f"``{schema.id_column}`` and ``{schema.value_column}``, the predicted {self.spec.target} (a finite "
                "number)")

    def text_columns(self) -> list[str]:
        """The id, and the values too: they are parsed here, so that ``True`` or ``0x1`` is
        named as not a number rather than read as one by the CSV parser."""
        schema = self.schema
        return [schema.id_column, schema.value_column]

    def submission_columns(self, labels: tuple[str, ...]) -> tuple[list[str], list[str]]:
        return [self.schema.id_column, self.schema.value_column], []

    def check_values(self, frame: pd.DataFrame, labels: tuple[str, ...], name: str, report: ValidationReport) -> None:
        """Record values that are empty or NaN, not numbers, or infinite."""
        column = self.schema.value_column
        if column not in frame.columns:
            return
        id_column = self.schema.id_column
        ids, cells = frame[id_column], frame[column]
        numbers = _parse(cells)
        unparsed = np.isnan(numbers)
        missing = np.zeros(len(frame), dtype=bool)
        second_look = np.flatnonzero(unparsed)
        missing[second_look] = missing_cells(cells.iloc[second_look])
        infinite = ~unparsed & ~np.isfinite(numbers)
        rows = np.arange(1, len(frame) + 1)

        where = row_locator(name, ids, column, unit=f"{id_column}=")

        add_row_problems(report, "nan_value", missing, rows, ids, column,
                         lambda row, value: f"{where(row)}: empty or NaN value")
        add_row_problems(report, "not_a_number", unparsed & ~missing, rows, ids, column,
                         lambda row, value: f"{where(row)}: {value!r} is not a number", values=cells)
        add_row_problems(report, "not_finite", infinite, rows, ids, column,
                         lambda row, value: f"{where(row)}: {value!r} is not a finite number", values=cells)

    def truth(self, answers: pd.DataFrame, labels: tuple[str, ...]) -> ValueTruth:
        values = pd.to_numeric(answers[self.spec.target]).to_numpy(dtype=float)
        return ValueTruth(ids=pd.Index(answers[self.spec.id_column]), values=values)

    def decode(self, frame: pd.DataFrame, labels: tuple[str, ...], ids: pd.Index,
               decision: Decision | None = None) -> ValuePredictions:
        aligned = frame.set_index(self.schema.id_column).reindex(ids)
        return ValuePredictions(_parse(aligned[self.schema.value_column]))

    def scoring(self, truth: ValueTruth, predictions: ValuePredictions) -> ValueScoring:
        return ValueScoring(truth.values, predictions.values)

    def details(self, truth: ValueTruth, predictions: ValuePredictions) -> RegressionDetails:
        actual, predicted = truth.values, predictions.values
        residuals = actual - predicted
        quantiles = {"5th percentile": 5, "25th percentile": 25, "median": 50, "75th percentile": 75,
                     "95th percentile": 95}
        shown = np.arange(actual.size)
        if actual.size > PLOTTED_POINTS:
            shown = np.sort(np.random.default_rng(0).choice(actual.size, PLOTTED_POINTS, replace=False))
        return RegressionDetails(
            rows=int(actual.size),
            mean_actual=float(actual.mean()),
            mean_predicted=float(predicted.mean()),
            mean_residual=float(residuals.mean()),
            residual_sd=_standard_deviation(residuals),
            residual_quantiles={name: float(np.percentile(residuals, q)) for name, q in quantiles.items()},
            max_absolute_error=float(np.abs(residuals).max()),
            deciles=_deciles(actual, predicted),
            predicted_sample=[_round(value) for value in predicted[shown]],
            actual_sample=[_round(value) for value in actual[shown]],
        )

    def sample_submission(self, inputs: dict[str, pd.DataFrame], labels: tuple[str, ...]) -> pd.DataFrame:
        """A well-formed submission that predicts the training mean for every test row."""
        mean = float(pd.to_numeric(inputs["train"][self.spec.target]).mean())
        return pd.DataFrame({self.schema.id_column: inputs["test"][self.spec.id_column],
                             self.schema.value_column: _round(mean)})

    def baseline_submission(self, estimator: Any, inputs: dict[str, pd.DataFrame],
                            labels: tuple[str, ...]) -> pd.DataFrame:
        """Fit ``estimator`` (a scikit-learn regressor) on the train table; predict the test table."""
        spec = self.spec
        train, test = inputs["train"], inputs["test"]
        estimator.fit(train.drop(columns=[spec.id_column, spec.target]), pd.to_numeric(train[spec.target]))
        predicted = np.asarray(estimator.predict(test.drop(columns=[spec.id_column])), dtype=float)
        return pd.DataFrame({self.schema.id_column: test[spec.id_column].to_numpy(),
                             self.schema.value_column: predicted})

    # -- hostile submissions -------------------------------------------------------------------

    def hostile_roles(self, labels: tuple[str, ...]) -> SubmissionRoles:
        return SubmissionRoles(self.schema.id_column, number_column=self.schema.value_column)

    def hostile_submissions(self, valid: pd.DataFrame) -> list[HostileSubmission]:
        """Hostile predicted numbers (one value per row): markers of no number, infinities,
        numbers as other languages and tools write them, and numbers in forms Python reads."""
        column = self.schema.value_column
        values = [("nan-text", "NaN", "nan_value"), ("none", "None", "nan_value"),
                  ("infinity", "Infinity", "not_finite"), ("minus-infinity", "-inf", "not_finite"),
                  ("overflowing", "1e400", "not_finite"), ("boolean", "True", "not_a_number"),
                  ("comma-decimal", "3,5", "not_a_number"), ("thousands-separator", "1,000.5", "not_a_number"),
                  ("hex", "0x1A", "not_a_number"), ("with-unit", "12 kg", "not_a_number"),
                  ("underscored", "1_000", "not_a_number"), ("negative", "-3.5", SCORED),
                  ("scientific", "2.5e3", SCORED), ("leading-plus", "+4", SCORED), ("padded", " 3.5 ", SCORED),
                  ("huge-finite", "1e300", SCORED), ("tiny", "1e-300", SCORED)]
        entries = [HostileSubmission(f"value-{name}", csv_bytes(with_cells(valid, column, {0: value})), expected)
                   for name, value, expected in values]
        booleans = ["True", "False"] * (len(valid) // 2) + ["True"] * (len(valid) % 2)
        columns = [("values-all-empty", "", "nan_value"), ("values-all-integers", "3", SCORED),
                   ("values-all-booleans", booleans, "not_a_number")]
        return [*entries, *(HostileSubmission(name, csv_bytes(valid.assign(**{column: cells})), expected)
                            for name, cells, expected in columns)]


def _parse(cells: pd.Series) -> np.ndarray:
    """The cells (text) as floats, NaN where a cell is not a number as pandas reads numbers."""
    return pd.to_numeric(cells.astype(str).str.strip(), errors="coerce").to_numpy(dtype=float)


def _deciles(actual: np.ndarray, predicted: np.ndarray) -> list[ResidualBin]:
    order = np.argsort(predicted, kind="stable")
    bins = []
    for part in np.array_split(order, min(DECILES, actual.size)):
        if part.size == 0:
            continue
        bins.append(ResidualBin(
            low=float(predicted[part].min()), high=float(predicted[part].max()), rows=int(part.size),
            mean_predicted=float(predicted[part].mean()), mean_actual=float(actual[part].mean()),
            mean_absolute_error=float(np.abs(actual[part] - predicted[part]).mean()),
        ))
    return bins


def _standard_deviation(values: np.ndarray) -> float:
    """The standard deviation, computed on values divided by their largest magnitude (no overflow)."""
    scale = float(np.abs(values).max(initial=0.0)) or 1.0
    return float((values / scale).std() * scale)


def _round(value: float) -> float:
    """Seven significant digits: enough to draw and to read, small in JSON."""
    return float(f"{value:.7g}")


def _number(value: float, signed: bool = False) -> str:
    """Four significant digits (the target's units vary from cents to millions)."""
    if not np.isfinite(value):
        return "n/a"
    return f"{value:+,.4g}" if signed else f"{value:,.4g}"
