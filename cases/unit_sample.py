"""A seeded sample of a real source's units: a smaller instance of a public dataset.

A real dataset comes at its own size. A reviewer who wants a shorter take-home, or a test
suite that checks every case on every source, issues it at a scale below 1: the source keeps
that fraction of its units (a ticket, a user with all of their ratings, a query with all of
its clips) and drops the rest whole, so what is kept has the structure the case is about.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from casekit.cases.errors import DataSourceError

# Mixed into the seed: the sample's draws differ from the split's and the fresh ids', which use the same seed.
SALT = 0x5A3


def units_kept(n_units: int, fraction: float) -> int:
    """How many of ``n_units`` a sample of ``fraction`` keeps: the nearest count, at least one."""
    return max(1, round(n_units * fraction)) if n_units else 0


def sample_units(tables: Mapping[str, pd.DataFrame], units: Mapping[str, str | None], fraction: float,
                 seed: int, *, source: str = "source") -> dict[str, pd.DataFrame]:
    """Keep ``fraction`` of the units of each table named in ``units``; other tables stay whole.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The source's tables, as its loader returns them.
    units : mapping of str to str or None
        For each table to sample, the column whose values are its units (every row of a
        kept value is kept), or None when each row is a unit. Tables that name the same
        column keep the same values: a user kept in ``users`` keeps their ``rsvps``.
    fraction : float
        In (0, 1]: ``round(fraction * n)`` of the ``n`` units are kept (at least one).
    seed : int
        The same seed, tables and fraction keep the same units, in their original order.
    source : str
        The source's name, for error messages.

    Returns
    -------
    dict of str to DataFrame
        Every table, the sampled ones with their kept rows only (index reset).

    Examples
    --------
    >>> ratings = pd.DataFrame({"user_id": ["a", "a", "b", "c"], "rating": [1, 2, 3, 4]})
    >>> sample_units({"ratings": ratings}, {"ratings": "user_id"}, 0.34, seed=1)["ratings"]["user_id"].nunique()
    1
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")
    for name, column in units.items():
        if name not in tables:
            raise DataSourceError(f"{source}: no table {name!r} to sample (its tables: {sorted(tables)})")
        if column is not None and column not in tables[name].columns:
            raise DataSourceError(f"{source}: table {name!r} has no column {column!r} to sample by "
                                  f"(its columns: {list(tables[name].columns)})")
    rng = np.random.default_rng([seed, SALT])
    kept_values: dict[str, np.ndarray] = {}
    for column in sorted({column for column in units.values() if column is not None}):
        values = np.unique(np.concatenate([tables[name][column].astype(str).to_numpy()
                                           for name, named in sorted(units.items()) if named == column]))
        kept_values[column] = rng.choice(values, size=units_kept(len(values), fraction), replace=False)
    sampled = dict(tables)
    for name, column in sorted(units.items()):
        table = tables[name]
        if column is None:
            keep = np.zeros(len(table), dtype=bool)
            keep[rng.choice(len(table), size=units_kept(len(table), fraction), replace=False)] = True
        else:
            keep = table[column].astype(str).isin(kept_values[column]).to_numpy()
        sampled[name] = table[keep].reset_index(drop=True)
    return sampled
