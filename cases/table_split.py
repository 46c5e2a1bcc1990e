"""One table split into a case instance: train, test inputs and answers, with fresh ids.

A case made from a single table (``casekit case new --from``) declares a :class:`TableSplit`
as its ``prepare``; any built-in case whose source is one table of rows can use it too. The
split is one of three, each the usual way to hold out data that looks like what the model
will meet:

* **random** (the default): a seeded draw of ``test_size`` of the rows, stratified by the
  target's class (classification) or by the target's decile (regression), so the test set
  has the target's distribution;
* **by time** (``time_column``): the latest ``test_size`` of the rows is the test set; rows
  that share the last training time stay in train, so every test row is later than every
  training row;
* **by group** (``group_column``): a seeded draw of whole groups (customers, users, ...)
  until ``test_size`` of the rows is reached, so no group is on both sides.

Rows whose target is missing cannot be scored or learnt from, and rows without a time cannot
be placed in a split by time: both are left out, and the notes say how many. Every row gets
a fresh id drawn from the seed (:func:`casekit.cases.prepared.fresh_ids`): the table's own ids, which
may encode an order or a label, never reach the candidate, and another seed gives other ids.
Datetime columns are written in ISO 8601.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from casekit.cases.errors import CaseSpecError, PrepareError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from casekit.cases.prepared import PreparedData

DECILES = 10


@dataclass(frozen=True)
class TableSplit:
    """How one table of rows becomes a case instance; call it as ``prepare(tables, seed)``.

    Attributes
    ----------
    table : str
        The name of the table in the source's tables.
    id_column : str
        The name of the issued id column (its values are fresh; a column of that name in the
        table is replaced).
    target : str
        The column to predict.
    features : tuple of str
        The columns the candidate gets, in this order.
    classification : bool
        Whether the target is a class (its values are issued as text, the split stratified by
        class) or a number (the split stratified by decile).
    time_column, group_column : str, optional
        Split by time, or by group (at most one of them).
    test_size : float
        The share of the rows held out as the test set.
    id_prefix : str
        What every issued id starts with.
    """

    table: str
    id_column: str
    target: str
    features: tuple[str, ...]
    classification: bool
    time_column: str | None = None
    group_column: str | None = None
    test_size: float = 0.25
    id_prefix: str = "R-"

    def __post_init__(self) -> None:
        if self.time_column and self.group_column:
            raise CaseSpecError("a table is split by time or by group, not both: declare time_column or group_column")
        if not 0 < self.test_size < 1:
            raise CaseSpecError(f"test_size {self.test_size} is not in (0, 1): declare the share of rows to test on")

    @property
    def description(self) -> str:
        """The split in a sentence, for the brief and the notes."""
        share = f"{self.test_size:.0%}"
        if self.time_column:
            return (f"by time: the latest {share} of the rows by {self.time_column} are the test set, and every test "
                    "row is later than every training row")
        if self.group_column:
            return (f"by group: whole {self.group_column} groups, drawn at random until {share} of the rows, are the "
                    f"test set, so no {self.group_column} is on both sides")
        by = "class" if self.classification else "decile of the target"
        return f"random: {share} of the rows, drawn at random within each {by}, are the test set"

    def __call__(self, tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
        """Split ``tables[self.table]`` for ``seed``: byte-identical for the same seed."""
        import numpy as np

        from casekit.cases.prepared import PreparedData, check_prepared, fresh_ids

        rows, dropped = self.usable_rows(tables[self.table])
        rng = np.random.default_rng(seed)
        in_test = self.test_mask(rows, rng)
        if in_test.all() or not in_test.any():
            raise PrepareError(f"the split of {len(rows):,} rows leaves {int(in_test.sum()):,} in the test set: it "
                               "needs rows on both sides")
        ids = fresh_ids(len(rows), self.id_prefix, rng)
        issued = _issued_columns(rows[[*self.features, self.target]], self.classification, self.target)
        issued.insert(0, self.id_column, ids)
        train = issued[~in_test].sort_values(self.id_column, ignore_index=True)
        test = issued[in_test].sort_values(self.id_column, ignore_index=True)
        labels = tuple(sorted(set(issued[self.target]))) if self.classification else ()
        prepared = PreparedData(
            inputs={"train": train, "test": test.drop(columns=self.target)},
            answers=test[[self.id_column, self.target]],
            labels=labels,
            notes={"split": self.description, "train_rows": len(train), "test_rows": len(test), **dropped},
        )
        check_prepared(prepared, id_column=self.id_column, target=self.target,
                       train_columns=[self.id_column, *self.features, self.target],
                       test_columns=[self.id_column, *self.features])
        return prepared

    def usable_rows(self, table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
        """The rows that can be issued (a target, and a time when split by time), and how many
        were left out, by reason."""
        missing = [column for column in (*self.features, self.target, self.time_column, self.group_column)
                   if column and column not in table.columns]
        if missing:
            raise PrepareError(f"table {self.table!r} has no column(s) {missing}; it has {list(table.columns)}")
        keep = table[self.target].notna()
        if not self.classification:
            keep &= _finite(table[self.target])
        dropped = {}
        if (~keep).any():
            dropped["rows_without_target"] = int((~keep).sum())
        if self.time_column:
            timed = _sortable(table[self.time_column]).notna()
            if (keep & ~timed).any():
                dropped["rows_without_time"] = int((keep & ~timed).sum())
            keep &= timed
        return table[keep].reset_index(drop=True), dropped

    def test_mask(self, rows: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
        """Which of ``rows`` (as :meth:`usable_rows` gives them) are in the test set."""
        if self.time_column:
            return _latest(_sortable(rows[self.time_column]), self.test_size)
        if self.group_column:
            return _whole_groups(rows[self.group_column], self.test_size, rng)
        strata = label_text(rows[self.target]) if self.classification else _deciles(rows[self.target])
        return _stratified(strata, self.test_size, rng)


def _latest(times: pd.Series, test_size: float) -> np.ndarray:
    ordered = times.sort_values(kind="stable", ignore_index=True)
    last_train = ordered.iloc[max(round(len(ordered) * (1 - test_size)) - 1, 0)]
    return (times > last_train).to_numpy()


def _whole_groups(groups: pd.Series, test_size: float, rng: np.random.Generator) -> np.ndarray:
    import numpy as np
    import pandas as pd

    # A row without a group is a group of its own: nothing ties it to another row.
    keys = groups.astype(object).where(groups.notna(), pd.Series([("(no group)", i) for i in range(len(groups))]))
    codes, uniques = pd.factorize(keys, sort=False)
    sizes = np.bincount(codes, minlength=len(uniques))
    order = rng.permutation(len(uniques))
    wanted = round(len(groups) * test_size)
    taken = order[: int(np.searchsorted(np.cumsum(sizes[order]), wanted)) + 1]
    chosen = np.zeros(len(uniques), dtype=bool)
    chosen[taken] = True
    return chosen[codes]


def _stratified(strata: pd.Series, test_size: float, rng: np.random.Generator) -> np.ndarray:
    import numpy as np

    mask = np.zeros(len(strata), dtype=bool)
    for _, positions in sorted(strata.groupby(strata.to_numpy(), sort=True).indices.items()):
        chosen = rng.permutation(positions)[: round(len(positions) * test_size)]
        mask[chosen] = True
    return mask


def _deciles(values: pd.Series) -> pd.Series:
    import numpy as np
    import pandas as pd

    ranks = pd.to_numeric(values).rank(method="first").to_numpy()
    return pd.Series(np.minimum((ranks - 1) * DECILES // len(values), DECILES - 1).astype(int))


def _finite(values: pd.Series) -> pd.Series:
    import numpy as np
    import pandas as pd

    return pd.Series(np.isfinite(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)), index=values.index)


def _sortable(values: pd.Series) -> pd.Series:
    """A time column as something ordered: numbers stay numbers, text is read as dates (UTC)."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values
    return pd.to_datetime(values, errors="coerce", utc=True, format="mixed")


def _issued_columns(frame: pd.DataFrame, classification: bool, target: str) -> pd.DataFrame:
    """The columns as the candidate gets them: datetimes in ISO 8601, class labels as text."""
    import pandas as pd

    issued = frame.copy()
    for column in issued.columns:
        values = issued[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            issued[column] = iso_8601(values)
    if classification:
        issued[target] = label_text(issued[target])
    return issued


def iso_8601(values: pd.Series) -> pd.Series:
    """Datetimes as ISO 8601 text: a date alone when every value is at midnight, ``Z`` for UTC.

    Examples
    --------
    >>> import pandas as pd
    >>> iso_8601(pd.Series(pd.to_datetime(["2024-01-02 10:30", None]))).tolist()
    ['2024-01-02T10:30:00', '']
    >>> iso_8601(pd.Series(pd.to_datetime(["2024-01-02", "2024-03-04"], utc=True))).tolist()
    ['2024-01-02', '2024-03-04']
    """
    present = values.dropna()
    if len(present) and (present == present.dt.normalize()).all():
        pattern = "%Y-%m-%d"
    else:
        pattern = "%Y-%m-%dT%H:%M:%S" + ("Z" if values.dt.tz is not None else "")
    if values.dt.tz is not None:
        values = values.dt.tz_convert("UTC")
    return values.dt.strftime(pattern).fillna("").astype(object)


def label_text(values: pd.Series) -> pd.Series:
    """Class labels as text: whole numbers without a decimal point (``1.0`` is ``"1"``).

    Examples
    --------
    >>> import pandas as pd
    >>> label_text(pd.Series([1.0, 0.0, 1.0])).tolist(), label_text(pd.Series(["yes", "no"])).tolist()
    (['1', '0', '1'], ['yes', 'no'])

    Booleans are ``True`` and ``False``, as a CSV reader that reads them back as booleans
    writes them again.
    """
    import pandas as pd

    if pd.api.types.is_bool_dtype(values):
        return values.map({True: "True", False: "False"}).astype(object)
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float)
        if (numbers == numbers.round()).all():
            return numbers.astype("int64").astype(str).astype(object)
        return numbers.map(repr).astype(object)
    return values.astype(str).astype(object)
