"""Machine faults: a toy case of an existing task type (multiclass), registered from outside
casekit through the ``casekit.cases`` entry point. It is here to show, and to test, how little a
new case needs: this spec, its data, its baselines, its brief and three baseline stage bodies."""

from pathlib import Path

from casekit.cases import Baseline, CaseSpec, DataSource, MetricSpec, MulticlassSubmission

CASE = CaseSpec(
    slug="machine-faults",
    title="Machine faults",
    summary="Name the fault behind a machine's alarm from its sensor readings.",
    task="multiclass",
    id_column="reading_id",
    target="fault",
    submission=MulticlassSubmission(id_column="reading_id", label_column="fault", probability_prefix="proba_"),
    metrics=(MetricSpec("macro_f1", "Macro-F1"), MetricSpec("accuracy", "Accuracy"),
             MetricSpec("log_loss", "Log loss")),
    primary_metric="macro_f1",
    sources=(DataSource("synthetic", "Seeded sensor readings of 3,000 alarms (offline).", "toycase.data:load",
                        synthetic=True, conformance_scale=1.0),),
    prepare_ref="toycase.data:prepare",
    baselines=(
        Baseline("majority", "Majority fault", "trivial", "Always the most frequent fault.",
                 "toycase.baselines:majority"),
        Baseline("logistic", "Logistic regression", "classical", "Scaled readings into a logistic regression.",
                 "toycase.baselines:logistic"),
        Baseline("lightgbm", "LightGBM", "strong", "Gradient-boosted trees on the readings.",
                 "toycase.baselines:lightgbm"),
    ),
    folder=Path(__file__).parent,
)
