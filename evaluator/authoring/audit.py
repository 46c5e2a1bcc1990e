"""The leak audit: what would make a case's scores meaningless, checked before it is issued.

Each check reports findings, each naming its subject (a column, or ``duplicates``), the
evidence in figures, and what the author can do. A *blocking* finding stops
``casekit case new`` unless the author drops the column or accepts the risk
(``--accept-risk SUBJECT``); a *warning* is reported and does not stop it. The thresholds:

* **one column predicts the target**: a one-column model, cross-validated in
  :data:`FOLDS` folds on up to :data:`AUDIT_ROWS` rows, scores a ROC-AUC (classes; one-vs-rest
  macro for several) or an R² (numbers) of at least :data:`BLOCKING_SCORE` (blocking) or
  :data:`WARNING_SCORE` (warning). The model suits the column: a decision tree on numbers and
  datetimes, one-hot categories and a linear model, word TF-IDF and a linear model on
  text, character n-grams and a linear model on identifiers and near-unique codes (which
  catches an id such as ``CHURN-0042``);
* **identifier-like columns**: unique on every row (see the profile's rules), or whole
  numbers that are nearly all distinct and follow the file's row order or the time column
  (Spearman |rho| >= :data:`MONOTONE_RHO`): a counter that tracks the split. Blocking;
* **duplicates across the split**: test rows equal to a training row on every column but
  identifiers, exactly, or with text normalised (case, punctuation, spacing) and times left
  out (the same record entered again later), in the split drawn with seed 0. Blocking at
  :data:`DUPLICATE_SHARE` of the test rows or more. Only tables with a distinctive column
  (text, or values distinct on at least :data:`DISTINCTIVE_SHARE` of the rows) are checked:
  in a table of a few categories, equal rows are the nature of the data, not copies;
* **with a time column**: a datetime column later than the row's time on at least
  :data:`LATER_SHARE` of the rows (a value known only after the fact; blocking), and rows
  whose time is missing, before 1971 or in the future (they cannot be placed in the split,
  or land at its far end; blocking);
* **the target**: missing on some rows (those rows are left out; blocking), a class with
  fewer than :data:`MIN_CLASS_ROWS` rows (its test rows are too few to score; blocking) or
  without two training rows in the split (blocking). A target with a single value is an
  error, before any audit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from threadpoolctl import threadpool_limits

from casekit import tasks
from casekit.authoring.profile import ColumnKind, TableProfile
from casekit.cases.table_split import TableSplit, label_text

Severity = Literal["blocking", "warning"]

AUDIT_ROWS = 4000
FOLDS = 3
BLOCKING_SCORE = 0.98
WARNING_SCORE = 0.90
MONOTONE_RHO = 0.99
COUNTER_DISTINCT_SHARE = 0.9
DUPLICATE_SHARE = 0.01
DISTINCTIVE_SHARE = 0.5
LATER_SHARE = 0.01
MIN_CLASS_ROWS = 20
EARLIEST_TIME = pd.Timestamp("1971-01-01", tz="UTC")
AUDIT_SEED = 0
DUPLICATES = "duplicates"


@dataclass(frozen=True)
class Finding:
    """One thing the audit found: which check, about what, how sure, and what to do."""

    check: str
    subject: str
    severity: Severity
    evidence: str
    remedy: str
    accepted: bool = False

    @property
    def blocks(self) -> bool:
        return self.severity == "blocking" and not self.accepted

    def sentence(self) -> str:
        """The finding in one sentence, for the case's accepted risks and for reports."""
        return f"{self.subject}: {self.check}: {self.evidence}"


@dataclass(frozen=True)
class AuditPlan:
    """What is audited: the table as it would be split, and the author's choices."""

    split: TableSplit
    kinds: dict[str, ColumnKind]
    declared_id: str | None
    task: str


@dataclass(frozen=True)
class Audit:
    """Every finding, the rows audited, and the split the cross-split checks used."""

    findings: tuple[Finding, ...]
    rows: int
    split: str

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.blocks)

    @property
    def accepted(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.accepted)

    @property
    def subjects(self) -> set[str]:
        return {finding.subject for finding in self.findings}

    def accept(self, subjects: set[str]) -> Audit:
        """The audit with the findings about ``subjects`` marked accepted."""
        return replace(self, findings=tuple(replace(finding, accepted=finding.subject in subjects)
                                            for finding in self.findings))


def audit_table(table: pd.DataFrame, profile: TableProfile, plan: AuditPlan) -> Audit:
    """Run every check on ``table`` (typed, with the dropped columns already gone)."""
    # The one-column models are small: BLAS threads spin-waiting beside another busy process
    # cost more than they give (a 900-row text table took 42 s with them, 8 s without). The
    # libraries are imported above, so that the limit reaches them.
    with threadpool_limits(limits=1):
        return _audit(table, profile, plan)


def _audit(table: pd.DataFrame, profile: TableProfile, plan: AuditPlan) -> Audit:
    split = plan.split
    findings: list[Finding] = []
    findings += _target_findings(table, profile, plan)
    rows, _ = split.usable_rows(table)
    in_test = split.test_mask(rows, np.random.default_rng(AUDIT_SEED))
    if profile.target.classification:
        findings += _class_split_findings(label_text(rows[split.target]), in_test)
    findings += _identifier_findings(table, plan)
    findings += _single_column_findings(rows, plan)
    findings += _duplicate_findings(rows, in_test, plan)
    if split.time_column:
        findings += _time_findings(table, plan)
    order = {"blocking": 0, "warning": 1}
    return Audit(tuple(sorted(findings, key=lambda finding: order[finding.severity])), len(table), split.description)


# -- the target ---------------------------------------------------------------------------------


def _target_findings(table: pd.DataFrame, profile: TableProfile, plan: AuditPlan) -> list[Finding]:
    target = profile.target
    findings = []
    if target.missing:
        findings.append(Finding(
            "target missing", target.name, "blocking",
            f"{target.missing:,} of {len(table):,} rows ({target.missing / len(table):.1%}) have no {target.name}",
            f"fill them in, or pass --accept-risk {target.name} to leave those rows out of the case"))
    rare = [(label, count) for label, count in target.classes if count < MIN_CLASS_ROWS]
    if rare:
        shown = ", ".join(f"{label!r} ({count:,} rows)" for label, count in rare[:5])
        findings.append(Finding(
            "rare class", target.name, "blocking",
            f"{len(rare)} class(es) with fewer than {MIN_CLASS_ROWS} rows: {shown}; the test set would hold about "
            f"{max(round(rare[0][1] * plan.split.test_size), 0)} row(s) of the rarest, too few to score it",
            f"merge rare classes, add rows, or pass --accept-risk {target.name}"))
    if not target.classification and target.stats.get("distinct", 99) < 5:
        findings.append(Finding(
            "few target values", target.name, "warning",
            f"the numeric target has only {int(target.stats['distinct'])} distinct values",
            "consider --task multiclass if the values are categories"))
    return findings


def _class_split_findings(labels: pd.Series, in_test: np.ndarray) -> list[Finding]:
    train_counts = labels[~in_test].value_counts()
    short = [label for label in sorted(set(labels)) if train_counts.get(label, 0) < 2]
    if not short:
        return []
    shown = ", ".join(f"{label!r} ({train_counts.get(label, 0)} training rows)" for label in short[:5])
    return [Finding("class missing from training", str(labels.name), "blocking",
                    f"in the split, {shown}: a model cannot learn a class it has not seen twice",
                    f"choose another split, or pass --accept-risk {labels.name}")]


# -- identifiers --------------------------------------------------------------------------------


def _identifier_findings(table: pd.DataFrame, plan: AuditPlan) -> list[Finding]:
    findings = []
    time_column = plan.split.time_column
    for column in plan.split.features:
        values = table[column]
        if plan.kinds[column] == "identifier":
            findings.append(Finding(
                "identifier-like", column, "blocking",
                f"unique on every one of the {len(table):,} rows ({_example(values)}): an identifier carries no "
                "signal that generalises, and may encode the order of the rows or their label",
                f"--drop {column}, or declare it as the row id with --id {column} (casekit replaces it with fresh "
                f"ids), or pass --accept-risk {column}"))
            continue
        counter = _counter_evidence(values, table[time_column] if time_column and column != time_column else None)
        if counter:
            findings.append(Finding(
                "counter tracking the split", column, "blocking", counter,
                f"--drop {column}, or pass --accept-risk {column} if it is known when the prediction is made"))
    return findings


def _counter_evidence(values: pd.Series, times: pd.Series | None) -> str | None:
    """Why ``values`` looks like a counter that follows the rows' order or time, if it does."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    present = values.dropna().astype(float)
    if len(present) < 10 or not (present == np.floor(present)).all():
        return None
    if present.nunique() < COUNTER_DISTINCT_SHARE * len(values):
        return None
    order = spearmanr(np.arange(len(present)), present.to_numpy()).statistic
    if abs(order) >= MONOTONE_RHO:
        return (f"whole numbers, {present.nunique():,} distinct on {len(values):,} rows, following the file's row "
                f"order (Spearman rho {order:+.3f}): a counter, which tells early rows from late ones")
    if times is not None:
        moments = _utc(times)
        both = present.index.intersection(moments.dropna().index)
        if len(both) >= 10:
            rho = spearmanr(present[both].to_numpy(), moments[both].astype("int64").to_numpy()).statistic
            if abs(rho) >= MONOTONE_RHO:
                return (f"whole numbers, {present.nunique():,} distinct on {len(values):,} rows, following the time "
                        f"column {times.name!r} (Spearman rho {rho:+.3f}): a counter that tells the test rows (the "
                        "latest) from the training rows")
    return None


# -- one column predicting the target -----------------------------------------------------------


def _single_column_findings(rows: pd.DataFrame, plan: AuditPlan) -> list[Finding]:
    split = plan.split
    sample = rows.sample(n=min(AUDIT_ROWS, len(rows)), random_state=AUDIT_SEED)
    classification = split.classification
    target = label_text(sample[split.target]) if classification else sample[split.target].astype(float)
    if classification:
        counts = target.value_counts()
        keep = target.isin(counts[counts >= FOLDS].index).to_numpy()
        sample, target = sample[keep], target[keep]
        if target.nunique() < 2:
            return []
    findings = []
    metric = "R²" if not classification else "ROC-AUC"
    for column in split.features:
        score = single_column_score(sample[column], target, plan.kinds[column], plan.task)
        if score is None or score < WARNING_SCORE:
            continue
        blocking = score >= BLOCKING_SCORE
        threshold = f"blocking at {BLOCKING_SCORE}" if blocking else f"warning at {WARNING_SCORE}"
        findings.append(Finding(
            "predicts the target alone", column, "blocking" if blocking else "warning",
            f"a model on {column!r} alone scores a cross-validated {metric} of {score:.3f} ({FOLDS} folds, "
            f"{len(sample):,} rows; {threshold})",
            f"check that {column!r} is known before the target is; if it is not, --drop {column}"
            + ("" if not blocking else f"; if it is, pass --accept-risk {column}")))
    return findings


def single_column_score(values: pd.Series, target: pd.Series, kind: ColumnKind, task: str) -> float | None:
    """The cross-validated score of a model that sees ``values`` alone (ROC-AUC or R²)."""
    classification = tasks.table_authoring(task).classification
    model = _one_column_model(values, kind, classification)
    if model is None:
        return None
    features = _one_column_input(values, kind)
    folds = (StratifiedKFold(FOLDS, shuffle=True, random_state=AUDIT_SEED) if classification
             else KFold(FOLDS, shuffle=True, random_state=AUDIT_SEED))
    y = target.to_numpy()
    if classification:
        proba = cross_val_predict(model, features, y, cv=folds, method="predict_proba")
        return _roc_auc(y, proba)
    return float(r2_score(y, cross_val_predict(model, features, y, cv=folds)))


def _one_column_model(values: pd.Series, kind: ColumnKind, classification: bool):
    tree = (DecisionTreeClassifier if classification else DecisionTreeRegressor)(
        max_leaf_nodes=64, min_samples_leaf=5, random_state=AUDIT_SEED)
    linear = LogisticRegression(C=10.0, max_iter=1000) if classification else Ridge(alpha=1.0)
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if kind in ("numeric", "datetime") or (kind == "identifier" and numeric):
        return tree
    present = values.dropna()
    if present.empty:
        return None
    if kind == "text":
        return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=20_000, sublinear_tf=True),
                             linear)
    if kind == "identifier" or present.nunique() > 0.5 * len(present):
        return make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), max_features=20_000,
                                             lowercase=False), linear)
    return make_pipeline(OneHotEncoder(handle_unknown="ignore"), linear)


def _one_column_input(values: pd.Series, kind: ColumnKind):
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if kind == "datetime":
        moments = _utc(values)
        return (moments - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy()[:, None]
    if kind in ("numeric", "identifier") and numeric:
        return values.astype(float).to_numpy()[:, None]
    text = values.astype(object).where(values.notna(), "").astype(str)
    if kind == "text" or kind == "identifier" or text.nunique() > 0.5 * len(text):
        return text.to_numpy()
    return text.to_numpy()[:, None]


def _roc_auc(y: np.ndarray, proba: np.ndarray) -> float:
    classes = np.unique(y)
    if len(classes) == 2:
        return float(roc_auc_score(y == classes[1], proba[:, 1]))
    return float(roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=classes))


# -- duplicates ---------------------------------------------------------------------------------


def _duplicate_findings(rows: pd.DataFrame, in_test: np.ndarray, plan: AuditPlan) -> list[Finding]:
    kinds = plan.kinds
    compared = [column for column in plan.split.features if kinds[column] != "identifier"]
    contents = [column for column in compared if kinds[column] != "datetime"]
    if not contents or not in_test.any():
        return []
    if not any(kinds[column] == "text" or rows[column].nunique() >= DISTINCTIVE_SHARE * len(rows)
               for column in contents):
        return []  # a table of a few categories repeats rows by nature: equal rows are not copies there
    exact = row_keys(rows[compared], kinds, normalise=False)
    near = row_keys(rows[contents], kinds, normalise=True)
    repeated = near.duplicated(keep=False)
    if not repeated.any():
        return []
    exact_copies = int(exact[in_test].isin(set(exact[~in_test])).sum())
    near_copies = int(near[in_test].isin(set(near[~in_test])).sum())
    tested = int(in_test.sum())
    share = near_copies / tested
    targets = label_text(rows[plan.split.target]) if plan.split.classification else rows[plan.split.target]
    groups = pd.DataFrame({"key": near[repeated].to_numpy(), "target": targets[repeated].to_numpy()}).groupby("key")
    disagree = int(groups["target"].nunique().gt(1).sum())
    blocking = share >= DUPLICATE_SHARE
    return [Finding(
        "duplicates across the split", DUPLICATES, "blocking" if blocking else "warning",
        f"{int(exact.duplicated(keep=False).sum()):,} rows are exact copies of another row, {int(repeated.sum()):,} "
        f"with text normalised and times left out ({groups.ngroups:,} groups, {disagree:,} disagreeing on the "
        f"target); {near_copies:,} of {tested:,} test rows ({share:.1%}) have a copy in train ({exact_copies:,} exact) "
        f"in the split drawn with seed {AUDIT_SEED} (blocking from {DUPLICATE_SHARE:.0%})",
        "pass --dedupe to keep one row of each group, or --group COLUMN to keep related rows on one side, or "
        f"--accept-risk {DUPLICATES}")]


def row_keys(frame: pd.DataFrame, kinds: dict[str, ColumnKind], normalise: bool) -> pd.Series:
    """One hash per row of ``frame``'s values; with ``normalise``, text compared without case,
    punctuation or extra spaces, and numbers to nine significant digits.

    Examples
    --------
    >>> frame = pd.DataFrame({"note": ["Card declined!", "card  declined", "refund"]})
    >>> keys = row_keys(frame, {"note": "text"}, normalise=True)
    >>> bool(keys[0] == keys[1]), bool(keys[0] == keys[2])
    (True, False)
    """
    parts = {}
    for column in frame.columns:
        values = frame[column]
        if normalise and kinds[column] in ("text", "categorical"):
            text = values.astype(object).where(values.notna(), "").astype(str).str.casefold()
            values = text.str.replace(r"[\W_]+", " ", regex=True).str.strip()
        elif normalise and pd.api.types.is_float_dtype(values):
            values = values.round(9 - int(np.floor(np.log10(max(float(values.abs().max() or 1.0), 1e-300)))))
        parts[column] = values.astype(object).where(values.notna(), None).astype(str)
    return pd.Series(pd.util.hash_pandas_object(pd.DataFrame(parts), index=False).to_numpy(), index=frame.index)


# -- time ---------------------------------------------------------------------------------------


def _time_findings(table: pd.DataFrame, plan: AuditPlan) -> list[Finding]:
    time_column = str(plan.split.time_column)
    times = _utc(table[time_column])
    findings = []
    missing = times.isna()
    now = pd.Timestamp(datetime.now(timezone.utc))
    early, late = (times < EARLIEST_TIME).fillna(False), (times > now).fillna(False)
    outside = []
    if missing.any():
        outside.append(f"{int(missing.sum()):,} row(s) have no readable time ({_row_example(table, missing)})")
    if early.any():
        outside.append(f"{int(early.sum()):,} row(s) are dated before 1971, a placeholder rather than a time "
                       f"({_row_example(table, early, time_column)})")
    if late.any():
        outside.append(f"{int(late.sum()):,} row(s) are dated in the future ({_row_example(table, late, time_column)})")
    if outside:
        findings.append(Finding(
            "rows outside the split", time_column, "blocking",
            "; ".join(outside) + ": rows without a time are left out, and the others land at the far ends of the "
                                 "split, whatever they are",
            f"correct the times, or pass --accept-risk {time_column}"))
    for column in plan.split.features:
        if column == time_column or plan.kinds[column] != "datetime":
            continue
        values = _utc(table[column])
        both = values.notna() & times.notna()
        if not both.any():
            continue
        later = both & (values > times)
        share = float(later.sum() / both.sum())
        if share == 0:
            continue
        blocking = share >= LATER_SHARE
        findings.append(Finding(
            "known only after the time", column, "blocking" if blocking else "warning",
            f"later than {time_column!r} on {int(later.sum()):,} of {int(both.sum()):,} rows ({share:.1%}), e.g. "
            f"{_row_example(table, later, time_column, column)}: a value recorded after the prediction is made "
            f"(blocking from {LATER_SHARE:.0%})",
            f"--drop {column}, or pass --accept-risk {column} if it is set before {time_column!r} after all"))
    return findings


def _utc(values: pd.Series) -> pd.Series:
    """Datetimes (or text) as UTC timestamps; a time without a zone is read as UTC."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize("UTC") if values.dt.tz is None else values.dt.tz_convert("UTC")
    if pd.api.types.is_numeric_dtype(values):
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    return pd.to_datetime(values, errors="coerce", utc=True, format="mixed")


def _row_example(table: pd.DataFrame, mask: pd.Series, *columns: str) -> str:
    position = int(np.flatnonzero(mask.to_numpy())[0])
    shown = ", ".join(f"{column}={table[column].iloc[position]}" for column in columns)
    return f"row {position + 1}" + (f": {shown}" if shown else "")


def _example(values: pd.Series) -> str:
    present = values.dropna()
    if len(present) < 2:
        return "a single row"
    first, last = (present.iloc[position] for position in (0, -1))
    quoted = (repr(str(value)) if isinstance(value, str) else str(value) for value in (first, last))
    return "e.g. " + ", ".join(quoted)
