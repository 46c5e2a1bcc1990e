"""The metrics of an authored case, and the primary one, chosen from the target's distribution.

* **binary**: ROC-AUC (how well the probabilities rank the rows, whatever the threshold), or
  PR-AUC when the positive class is under :data:`RARE_POSITIVE` of the rows (ROC-AUC then
  rewards ranking the many easy negatives); log loss, Brier score and calibration error
  score the probabilities, precision, recall and F1 the declared threshold;
* **multiclass**: macro-F1 when the classes are imbalanced (the largest more than
  :data:`IMBALANCE` times the smallest: every class then counts equally), else accuracy;
  weighted F1 and, when probabilities are sent, log loss;
* **regression**: RMSE (in the target's units; large errors weigh most), or MAE when the
  target is heavy-tailed (skewness beyond :data:`HEAVY_TAIL_SKEW`: a few huge values would
  decide RMSE); R² says how much of the variance is explained.

``--metric`` picks another primary metric among the case's.
"""

from __future__ import annotations

from dataclasses import dataclass

from casekit.authoring.profile import TargetProfile
from casekit.cases.spec import MetricSpec
from casekit.errors import UsageError

RARE_POSITIVE = 0.10
IMBALANCE = 1.5
HEAVY_TAIL_SKEW = 3.0

METRICS = {
    "binary": (
        MetricSpec("roc_auc", "ROC-AUC"),
        MetricSpec("pr_auc", "PR-AUC (average precision)"),
        MetricSpec("log_loss", "Log loss"),
        MetricSpec("brier", "Brier score"),
        MetricSpec("ece", "Expected calibration error (10 bins)"),
        MetricSpec("precision", "Precision at the threshold"),
        MetricSpec("recall", "Recall at the threshold"),
        MetricSpec("f1", "F1 at the threshold"),
    ),
    "multiclass": (
        MetricSpec("macro_f1", "Macro-F1"),
        MetricSpec("accuracy", "Accuracy"),
        MetricSpec("weighted_f1", "Weighted F1"),
        MetricSpec("log_loss", "Log loss"),
    ),
    "regression": (
        MetricSpec("rmse", "RMSE"),
        MetricSpec("mae", "MAE"),
        MetricSpec("r2", "R²"),
    ),
}


@dataclass(frozen=True)
class MetricChoice:
    """The case's metrics, its primary one, and why that one fits the target."""

    metrics: tuple[MetricSpec, ...]
    primary: str
    reason: str

    @property
    def primary_title(self) -> str:
        return next(metric.title for metric in self.metrics if metric.name == self.primary)


def choose_metrics(target: TargetProfile, override: str | None = None) -> MetricChoice:
    """The metrics for ``target``'s task, the primary one chosen as the module says (or ``override``)."""
    metrics = METRICS[target.task]
    if override is not None:
        names = [metric.name for metric in metrics]
        if override not in names:
            raise UsageError(f"--metric {override}: a {target.task} case's metrics are {', '.join(names)}")
        return MetricChoice(metrics, override, "chosen by the case's author (--metric)")
    primary, reason = _primary(target)
    return MetricChoice(metrics, primary, reason)


def _primary(target: TargetProfile) -> tuple[str, str]:
    if target.task == "binary":
        rows = sum(count for _, count in target.classes)
        positives = dict(target.classes)[str(target.positive_label)]
        share = positives / rows
        if share < RARE_POSITIVE:
            return "pr_auc", (f"only {share:.1%} of the rows are {target.positive_label!r}: PR-AUC measures how well "
                              "the probabilities find those few, where ROC-AUC would mostly reward ranking the many "
                              "easy negatives")
        return "roc_auc", (f"{share:.0%} of the rows are {target.positive_label!r}: ROC-AUC measures how well the "
                           "probabilities rank them above the others, whatever threshold the team then picks")
    if target.task == "multiclass":
        largest, smallest = target.classes[0][1], target.classes[-1][1]
        if largest > IMBALANCE * smallest:
            return "macro_f1", (f"the classes are imbalanced (the largest has {largest:,} rows, the smallest "
                                f"{smallest:,}): macro-F1 weighs every class equally, where accuracy would reward "
                                "predicting the large ones")
        return "accuracy", ("the classes are about balanced, so accuracy, the share of rows classed right, is the "
                            "plain measure and macro-F1 says nearly the same")
    skewness = target.stats["skewness"]
    if abs(skewness) > HEAVY_TAIL_SKEW:
        return "mae", (f"the target is heavy-tailed (skewness {skewness:+.1f}): MAE, in the target's units, is not "
                       "decided by the few extreme rows as RMSE would be")
    return "rmse", (f"RMSE is in the target's units and weighs large errors most; the target is not heavy-tailed "
                    f"(skewness {skewness:+.1f}), so a few rows do not decide it")
