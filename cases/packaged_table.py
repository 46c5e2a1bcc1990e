"""A table shipped inside a case package, pinned by sha256: the source of an authored case.

``casekit case new --from`` copies the team's table into the package it writes, as Parquet:
compressed (about a third of the CSV's size on text and rating tables), with the column types
the profile found (a number stays a number, a date a timestamp, an id with leading zeros
text), and read back the same way by every pandas and pyarrow. Its sha256 is written into
the package beside it, and checked on every load: a table edited after the case was authored
(and audited) is refused, not issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from casekit.cases.errors import DataSourceError
from casekit.files.fingerprint import sha256_file

if TYPE_CHECKING:
    import pandas as pd

@dataclass(frozen=True)
class PackagedTable:
    """The table at ``path`` (Parquet), which must have the sha256 ``sha256``.

    ``load`` is the loader of a real :class:`~casekit.cases.spec.DataSource`: it returns
    ``{name: table}`` and ignores the seed (the split draws from it).
    """

    path: Path
    sha256: str
    name: str = "table"

    def load(self, seed: int) -> dict[str, pd.DataFrame]:
        """The table, after checking its sha256; :class:`DataSourceError` if it is missing or altered."""
        import pandas as pd

        if not self.path.is_file():
            raise DataSourceError(f"{self.path}: the case's table is missing; reinstall the case package")
        digest = sha256_file(self.path)
        if digest != self.sha256:
            raise DataSourceError(f"{self.path}: sha256 {digest} does not match the {self.sha256} the case was "
                                  "authored (and audited) with; author the case again from the changed table")
        return {self.name: pd.read_parquet(self.path)}
