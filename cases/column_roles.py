"""The roles of a table's feature columns: what the profile of ``casekit case new`` found each to
hold, and what the table baselines and their features are built from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnRoles:
    """The feature columns of a table, by what they hold."""

    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    datetime: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.numeric, *self.categorical, *self.text, *self.datetime)
