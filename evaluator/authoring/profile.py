"""The profile of a table: what each column holds, and what the target asks for.

Every column gets a kind, by these rules (in order; ``--text``, ``--time`` and ``--id`` on
the command line override them):

* **datetime**: a datetime column, or text of which at least 95% of the filled cells are
  ISO-8601-like dates (``2024-03-01``, ``2024-03-01 10:30``, ``...T10:30:00Z``);
* **numeric**: numbers, or text whose filled cells all read as numbers (none with a leading
  zero such as ``007``, which is a code);
* **identifier**: unique on every row and never missing, and either whole numbers that are
  named like an id (``id``, ``..._id``, ``key``, ``number``) or count up densely, or single
  tokens of text (no spaces, at most 64 characters);
* **text**: text whose cells average at least 3 words, with more than 50 distinct values;
* **categorical**: any other text (or booleans).

The target decides the task unless ``--task`` does: text or booleans with two values are
*binary*, with more *multiclass*; numbers with two values are *binary*, with more
*regression*. A target with a single value is an error. The typed table (numbers as
numbers, datetimes as timestamps) is what the case package stores.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from casekit import tasks
from casekit.authoring.table import TableError
from casekit.cases.table_split import label_text

ColumnKind = Literal["numeric", "categorical", "text", "datetime", "identifier"]
TaskName = Literal["binary", "multiclass", "regression"]

DATE_SHARE = 0.95
TEXT_WORDS = 3.0
TEXT_DISTINCT = 50
TOKEN_LENGTH = 64
ID_NAME = re.compile(r"(^|[_\W])(id|key|number|no|uuid|guid)$|[a-z]Id$|^id[_\W]", re.IGNORECASE)
DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
LEADING_ZERO = re.compile(r"^[+-]?0\d")
POSITIVE_WORDS = ("1", "true", "yes", "y", "positive", "pos")


@dataclass(frozen=True)
class ColumnProfile:
    """One column: its kind (and why), missing share, distinct values and a summary of its values."""

    name: str
    kind: ColumnKind
    reason: str
    missing_share: float
    distinct: int
    summary: str


@dataclass(frozen=True)
class TargetProfile:
    """The target: the task it asks for (and why), and its distribution.

    ``classes`` lists ``(label, rows)`` from the most frequent (classification); ``stats``
    holds the mean, standard deviation, quantiles and skewness (regression).
    """

    name: str
    task: TaskName
    reason: str
    missing: int
    classes: tuple[tuple[str, int], ...] = ()
    positive_label: str | None = None
    positive_reason: str = ""
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def classification(self) -> bool:
        """Whether the target is a class (its task type says), rather than a number."""
        return tasks.table_authoring(self.task).classification


@dataclass(frozen=True)
class TableProfile:
    """The whole table: rows, every column (the target's too), and the target."""

    rows: int
    columns: tuple[ColumnProfile, ...]
    target: TargetProfile

    def column(self, name: str) -> ColumnProfile:
        return next(column for column in self.columns if column.name == name)

    def of_kind(self, kind: ColumnKind, among: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.kind == kind and column.name in among)


def typed_table(raw: pd.DataFrame, text: tuple[str, ...] = (), keep_text: tuple[str, ...] = ()) -> pd.DataFrame:
    """The table with each column as the values it holds: numbers, timestamps, or text.

    ``text`` columns stay text whatever they look like (the ``--text`` columns); so do
    ``keep_text`` ones (ids and the target of a classification, whose labels are text).
    """
    typed = {}
    for name in raw.columns:
        values = raw[name]
        if name in text or name in keep_text:
            typed[name] = _as_text(values)
        else:
            typed[name] = _as_datetime(values) if _looks_like_dates(values) else _as_number_or_text(values)
    return pd.DataFrame(typed, index=raw.index)


def profile_table(table: pd.DataFrame, target: str, *, task: TaskName | None = None,
                  declared: dict[str, ColumnKind] | None = None, positive: str | None = None) -> TableProfile:
    """Profile ``table`` (as :func:`typed_table` gives it) for predicting ``target``.

    ``declared`` kinds (from ``--text`` and ``--time``) win over the inferred ones; ``task``
    and ``positive`` (the positive class of a binary target) over the inferred ones.

    Raises
    ------
    TableError
        When the target is not a column, has a single value, or cannot be the ``task`` asked.
    """
    if target not in table.columns:
        raise TableError(f"no column {target!r} to predict (--target); the table's columns are: "
                         f"{', '.join(map(str, table.columns))}")
    declared = declared or {}
    columns = tuple(_profile_column(table[name], declared.get(name)) for name in table.columns)
    return TableProfile(len(table), columns, _profile_target(table[target], task, positive))


def _profile_column(values: pd.Series, declared: ColumnKind | None) -> ColumnProfile:
    name = str(values.name)
    present = values.dropna()
    missing_share = 1.0 - len(present) / len(values) if len(values) else 0.0
    distinct = int(present.nunique())
    if declared:
        kind, reason = declared, "declared on the command line"
    else:
        kind, reason = _infer_kind(values, present, distinct)
    return ColumnProfile(name, kind, reason, missing_share, distinct, _summary(present, kind, distinct))


def _infer_kind(values: pd.Series, present: pd.Series, distinct: int) -> tuple[ColumnKind, str]:
    rows = len(values)
    unique_everywhere = len(present) == rows and distinct == rows and rows > 1
    if pd.api.types.is_datetime64_any_dtype(values):
        return "datetime", "dates and times"
    if pd.api.types.is_bool_dtype(values):
        return "categorical", "true or false"
    if pd.api.types.is_numeric_dtype(values):
        whole = bool((present == np.floor(present)).all()) if len(present) else False
        if unique_everywhere and whole:
            dense = float(present.max() - present.min()) + 1 <= 2 * rows
            if ID_NAME.search(str(values.name)):
                return "identifier", "whole numbers, unique on every row, named like an id"
            if dense:
                return "identifier", "whole numbers, unique on every row, counting up densely"
        return "numeric", "numbers"
    texts = present.astype(str)
    words = float(texts.str.split().str.len().mean()) if len(texts) else 0.0
    if unique_everywhere and bool((~texts.str.contains(r"\s") & (texts.str.len() <= TOKEN_LENGTH)).all()):
        return "identifier", "single tokens, unique on every row"
    if words >= TEXT_WORDS and distinct > TEXT_DISTINCT:
        return "text", f"free text ({words:.1f} words per cell on average, {distinct:,} distinct values)"
    return "categorical", f"{distinct:,} distinct values" + (f", {words:.1f} words per cell" if words >= 2 else "")


def _summary(present: pd.Series, kind: ColumnKind, distinct: int) -> str:
    if present.empty:
        return "always missing"
    if kind == "datetime" and pd.api.types.is_datetime64_any_dtype(present):
        return f"{present.min():%Y-%m-%d} to {present.max():%Y-%m-%d}"
    if pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present):
        low, median, high = np.percentile(present.astype(float), [0, 50, 100])
        return f"min {_short(low)}, median {_short(median)}, max {_short(high)}"
    texts = present.astype(str)
    if kind == "text":
        words = texts.str.split().str.len()
        return f"{words.mean():.0f} words on average (max {words.max():,})"
    if kind == "identifier":
        return f"e.g. {_quote(texts.iloc[0])}"
    top = texts.value_counts().head(3)
    shown = ", ".join(f"{_quote(label)} ({count / len(texts):.0%})" for label, count in top.items())
    return shown + (", ..." if distinct > 3 else "")


def _profile_target(values: pd.Series, task: TaskName | None, positive: str | None) -> TargetProfile:
    name = str(values.name)
    present = values.dropna()
    if pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present):
        present = present[np.isfinite(present.astype(float))]
    missing = len(values) - len(present)
    distinct = int(present.nunique())
    if distinct < 2:
        shown = f"the single value {present.iloc[0]!r}" if distinct else "no value at all"
        raise TableError(f"target {name!r} has {shown}: there is nothing to predict (pick another --target)")
    numeric = pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present)
    if task is None:
        if distinct == 2:
            task, reason = "binary", f"the target {name!r} has two values"
        elif numeric:
            task, reason = "regression", (f"the target {name!r} holds numbers ({distinct:,} distinct values); pass "
                                          "--task multiclass to treat them as classes")
        else:
            task, reason = "multiclass", f"the target {name!r} has {distinct:,} classes"
    else:
        reason = "--task on the command line"
        if task == "regression" and not numeric:
            example = present.astype(str)[pd.to_numeric(present.astype(str), errors="coerce").isna()].iloc[0]
            raise TableError(f"--task regression: the target {name!r} is not numeric (e.g. {example!r})")
        if task == "binary" and distinct != 2:
            raise TableError(f"--task binary: the target {name!r} has {distinct:,} values, not two")
    if task == "regression":
        numbers = present.astype(float)
        q = np.percentile(numbers, [0, 5, 50, 95, 100])
        stats = {"mean": float(numbers.mean()), "std": float(numbers.std()), "min": float(q[0]), "p5": float(q[1]),
                 "median": float(q[2]), "p95": float(q[3]), "max": float(q[4]), "skewness": _skewness(numbers),
                 "distinct": float(distinct)}
        return TargetProfile(name, task, reason, missing, stats=stats)
    labels = label_text(present)
    classes = tuple((str(label), int(count)) for label, count in labels.value_counts().items())
    chosen, why = (None, "")
    if task == "binary":
        chosen, why = _positive_label([label for label, _ in classes], positive, classes)
    elif positive is not None:
        raise TableError("--positive applies to a binary target only")
    return TargetProfile(name, task, reason, missing, classes=classes, positive_label=chosen, positive_reason=why)


def _positive_label(labels: list[str], positive: str | None,
                    classes: tuple[tuple[str, int], ...]) -> tuple[str, str]:
    if positive is not None:
        if positive not in labels:
            raise TableError(f"--positive {positive!r} is not a value of the target; its values are: "
                             f"{', '.join(map(repr, labels))}")
        return positive, "--positive on the command line"
    for word in POSITIVE_WORDS:
        matches = [label for label in labels if label.strip().lower() == word]
        if matches:
            return matches[0], f"{matches[0]!r} reads as the positive answer (pass --positive to choose the other)"
    rarer = min(classes, key=lambda item: (item[1], item[0]))[0]
    return rarer, f"{rarer!r} is the rarer class, usually the one to find (pass --positive to choose the other)"


def _skewness(numbers: pd.Series) -> float:
    from scipy.stats import skew

    value = float(skew(numbers.to_numpy(dtype=float)))
    return value if math.isfinite(value) else 0.0


def _looks_like_dates(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    present = values.dropna().astype(str).str.strip()
    if present.empty:
        return False
    return bool(present.str.match(DATE_LIKE).mean() >= DATE_SHARE)


def _as_datetime(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    text = values.astype(object).where(values.notna(), None)
    aware = text.dropna().astype(str).str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$").any()
    return pd.to_datetime(text, errors="coerce", utc=bool(aware), format="mixed")


def _as_number_or_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values
    present = values.dropna().astype(str).str.strip()
    numbers = pd.to_numeric(present, errors="coerce")
    if present.empty or numbers.isna().any() or present.str.match(LEADING_ZERO).any():
        return _as_text(values)
    parsed = pd.to_numeric(values.astype(object).where(values.notna(), None), errors="coerce")
    finite = parsed.dropna()
    if len(finite) and bool((finite == np.floor(finite)).all()) and finite.abs().max() < 2**53:
        return parsed.astype("Int64")
    return parsed.astype(float)


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), None).map(lambda cell: cell if cell is None else str(cell))


def _short(value: float) -> str:
    """A number as a data dictionary shows it: whole numbers in full (a year is 1997), others to 4 digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


def _quote(text: str, width: int = 30) -> str:
    text = " ".join(str(text).split())
    return f"'{text[:width]}…'" if len(text) > width else f"'{text}'"
