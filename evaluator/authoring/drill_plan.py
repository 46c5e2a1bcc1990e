"""The starter drill plan of an authored case: ten decisions made from what ``casekit case new`` found.

Its anchors name the case's target, classes, primary metric, split and the audit's findings, so
the drill is about this table from the first run; the team is expected to edit it (the header
says so), and it reads under the same loader as a built-in case's plan
(:func:`casekit.drill.plan.read_plan`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from casekit.authoring.audit import Audit
from casekit.authoring.metric_choice import MetricChoice
from casekit.authoring.profile import TableProfile
from casekit.cases.spec import CaseSpec
from casekit.cases.table_split import TableSplit


@dataclass(frozen=True)
class _Level:
    question: str
    strong: list[str]
    weak: list[str]
    red_flags: list[str]


@dataclass(frozen=True)
class _Decision:
    key: str
    stage: str
    title: str
    levels: list[_Level]


def starter_plan(spec: CaseSpec, profile: TableProfile, audit: Audit, choice: MetricChoice, split: TableSplit) -> str:
    """The ``drill.toml`` text of a new case."""
    facts = _Facts(spec, profile, audit, choice, split)
    lines = [
        f"# The drill plan of {spec.title}: a starter made by 'casekit case new' from the table's profile, the chosen",
        "# metric and the leak audit. Edit it: add what your team knows about the problem (costs, capacity, users),",
        "# sharpen the anchors, add decisions. 'casekit drill' reads it; 'casekit case check' validates it.",
        "",
        "[plan]",
        f"case = {_string(spec.slug)}",
        "minutes = 60",
    ]
    for decision in facts.decisions():
        lines += ["", "[[decisions]]", f"key = {_string(decision.key)}", f"stage = {_string(decision.stage)}",
                  f"title = {_string(decision.title)}"]
        for level in decision.levels:
            lines += ["", "[[decisions.levels]]", f"question = {_string(level.question)}"]
            for name, points in (("strong", level.strong), ("weak", level.weak), ("red_flags", level.red_flags)):
                lines.append(f"{name} = [")
                lines += [f"    {_string(point)}," for point in points]
                lines.append("]")
    return "\n".join(lines) + "\n"


def _string(text: str) -> str:
    # A JSON string without ASCII escaping is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=False)


class _Facts:
    """The case's facts as sentences, and the ten decisions built from them."""

    def __init__(self, spec: CaseSpec, profile: TableProfile, audit: Audit, choice: MetricChoice,
                 split: TableSplit) -> None:
        self.spec, self.profile, self.audit, self.choice, self.split = spec, profile, audit, choice, split
        self.target = spec.target
        self.metric = spec.primary.title
        classes = profile.target.classes
        total = sum(count for _, count in classes) or 1
        self.balance = ", ".join(f"{label} {count / total:.0%}" for label, count in classes[:6])
        if split.time_column:
            self.held_out = f"the latest {split.test_size:.0%} of rows by {split.time_column!r}"
        elif split.group_column:
            self.held_out = f"{split.test_size:.0%} of the rows, no {split.group_column!r} value on both sides"
        else:
            self.held_out = f"a random {split.test_size:.0%} of the rows"
        self.findings = [finding.sentence() for finding in audit.findings]
        self.baselines = ", ".join(f"{baseline.title} ({baseline.tier})" for baseline in spec.baselines)

    def decisions(self) -> list[_Decision]:
        target, metric = self.target, self.metric
        distribution = f"the classes are {self.balance}" if self.balance else "the target is a number"
        audit_points = self.findings or ["The audit found nothing: says which leaks it checked for and which it "
                                             "cannot see (a column filled in after the outcome, under another name)."]
        return [
            _Decision("who_acts", "clarify", f"Who acts on the predicted {target}, and at what cost?", [
                _Level(f"Before modelling, what would you ask about who uses the predicted {target} and what each "
                       "error costs?",
                       [f"Asks who acts on {target}, when the prediction is made, and what a wrong one costs.",
                        f"Notes that {distribution}, and asks whether that holds in production."],
                       ["Asks only how much data there is."],
                       ["Starts modelling without asking what the output is for."]),
                _Level("Why does the moment of prediction matter for the columns you may use?",
                       [f"Only columns known before {target} is known may be used; the audit checks some of that."],
                       ["Uses every column as given."], ["Keeps a column filled in after the outcome."]),
                _Level("Why would the costs of the two kinds of error change your design?",
                       ["Unequal costs move the operating point and the metric that matters."],
                       ["Treats every error as equal without asking."],
                       ["Optimises accuracy on an imbalanced target."]),
            ]),
            _Decision("objective", "objective", "What is the model for?", [
                _Level("State the business objective and how you would measure it offline and online.",
                       [f"Offline: {metric} with its bootstrap interval on {self.held_out}.",
                        "Online: the decision the prediction drives, measured against the current process."],
                       ["Says 'high accuracy'."], ["Has no online measure."]),
                _Level("Why is the offline score only a proxy for the online one?",
                       ["The test rows are a past sample; users and the process change once the model acts."],
                       ["Assumes the offline score holds online."], ["Promises the offline number as the outcome."]),
                _Level("Why state the objective before choosing the metric?",
                       [f"{metric} was chosen because {self.choice.reason}; it must serve the objective."],
                       ["Picks the metric first."], ["Cannot say what the metric rewards."]),
            ]),
            _Decision("metric", "metric", f"Why {metric}?", [
                _Level(f"{metric} is the primary metric. Why is it right here, and what else would you report?",
                       [f"{metric}: {self.choice.reason}.", f"Reports {distribution}, and per-segment scores."],
                       ["Names the metric without saying what it measures."],
                       ["Proposes accuracy on a skewed target."]),
                _Level("Why report an interval beside the score?",
                       ["The test set is a sample; the interval shows whether a gap to a baseline is real."],
                       ["Reads the point estimate alone."], ["Claims a win inside the interval."]),
                _Level(f"When could a model win on {metric} and still serve the users worse?",
                       ["When the decision uses one operating point, or one segment matters more."],
                       ["Says a higher score is always better."], ["Ignores the operating point."]),
            ]),
            _Decision("audit_findings", "assumptions", "What does the leak audit say about the table?", [
                _Level("The leak audit reported on this table. What did it find, and what do you assume?",
                       audit_points, ["Has not read the audit."], ["Uses a column the audit flagged without a word."]),
                _Level("Why does a column that predicts the target alone worry you?",
                       ["It may be written after the outcome, or copy the label: it would not exist when predicting."],
                       ["Welcomes it as a strong feature."], ["Keeps it because it raises the score."]),
                _Level("Why would duplicates across the split inflate the score?",
                       ["The model is tested on rows it has seen under another id."],
                       ["Ignores duplicates."], ["Removes duplicates from test only."]),
            ]),
            _Decision("baselines", "baseline", "The baselines", [
                _Level(f"The case has three baselines: {self.baselines}. Which would you build first, and why?",
                       ["The trivial one fixes the floor; the classical one is the bar any model must clear."],
                       ["Goes straight to the strong model."], ["Reports a score with no baseline."]),
                _Level("Why compare with a baseline on the same resamples?",
                       ["Paired resamples make the interval of the difference narrow and fair."],
                       ["Compares two separate intervals."], ["Compares numbers from different test sets."]),
                _Level("Why could the strong baseline be hard to beat in the time box?",
                       ["Gradient boosting on a table is strong; gains come from features and framing."],
                       ["Tunes hyper-parameters at random."], ["Claims a win without an interval."]),
            ]),
            _Decision("features", "data_features", "Data and features", [
                _Level(f"The test set is {self.held_out}. How does that shape your validation and features?",
                       [f"Validates the same way: {self.held_out} of train.",
                        "Builds features only from what is known at prediction time."],
                       ["Uses random K-fold regardless."], ["Fits encoders or scalers on the test rows."]),
                _Level("Why must the validation split copy the test split?",
                       ["Otherwise validation and test scores differ, and choices are made on the wrong one."],
                       ["Says any split works."], ["Tunes on the test set."]),
                _Level("Which column would you engineer first, and why?",
                       ["Names a column of the table and the signal it carries for the target."],
                       ["Adds every transformation it knows."], ["Adds features that use the target."]),
            ]),
            _Decision("model", "model", "The model", [
                _Level("Which model would you choose, and why that one over the alternatives?",
                       ["A linear model or gradient boosting, argued from the columns' kinds and the row count."],
                       ["Names the fashionable model."], ["Chooses a model without a baseline to beat."]),
                _Level("Why not a deep network here?",
                       ["A table of this size favours trees; a network needs more rows and tuning for little gain."],
                       ["Prefers deep learning by default."], ["Ignores the time box."]),
                _Level("Why would you calibrate the model's scores, or not?",
                       ["Calibrate when a probability is shown or thresholded; check it on held-out rows."],
                       ["Assumes the scores are probabilities."], ["Calibrates on the training rows."]),
            ]),
            _Decision("tradeoffs", "tradeoffs", "Trade-offs", [
                _Level("What would you trade: accuracy, simplicity, latency, interpretability? Why?",
                       ["States which matters to the users of the prediction and gives up the rest knowingly."],
                       ["Wants all of them."], ["Ignores how the prediction is used."]),
                _Level("Why might a simpler model be the better choice?",
                       ["It is easier to explain, monitor and retrain, when its score is inside the other's interval."],
                       ["Always picks the top score."], ["Ships a model no one can explain."]),
                _Level("Why does the operating point belong to the business, not the model?",
                       ["It depends on the costs of the two errors and the capacity to act."],
                       ["Keeps the default threshold."], ["Never looks at the threshold."]),
            ]),
            _Decision("error_analysis", "optimisation", "Where the model fails", [
                _Level("How would you find where the model fails, and what would you do about it?",
                       ["Breaks the score down by segment with intervals and reads the worst errors."],
                       ["Tunes hyper-parameters first."], ["Reads only the overall number."]),
                _Level("Why read individual errors, not only segment scores?",
                       ["Errors show label noise, missing features and leaks that a score hides."],
                       ["Skips error analysis."], ["Drops the hard rows from test."]),
                _Level("Why stop optimising at some point?",
                       ["Once the gain is inside the interval, more tuning overfits the test set."],
                       ["Keeps tuning to the end of the time box."], ["Tunes on the test rows."]),
            ]),
            _Decision("deployment", "deployment_monitoring", "Deployment and monitoring", [
                _Level("How would you deploy the model and know that it still works?",
                       [f"Monitors the inputs' distributions, the predicted {target}'s distribution and {metric} on "
                        "fresh labels; retrains on a schedule or on drift."],
                       ["Deploys and forgets."], ["Has no fallback when the model fails."]),
                _Level("Why monitor the inputs when labels arrive late?",
                       ["Input drift is visible at once; the labels that confirm a drop may take weeks."],
                       ["Waits for labels."], ["Monitors nothing."]),
                _Level("Why roll out gradually?",
                       ["A shadow run or a small share first shows problems before they cost much."],
                       ["Switches everyone at once."], ["Has no way back."]),
            ]),
        ]
