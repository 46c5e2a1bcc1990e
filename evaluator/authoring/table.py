"""Reading a team's table (CSV or Parquet), with an error that names the file, the line and the
column for every way a table can be unusable.

A table is refused when it is over the size limit (``CASEKIT_MAX_TABLE_MB``, default 512 MB:
a take-home's data must fit in a candidate's laptop, and the case package carries a copy), is
neither CSV nor Parquet, is not UTF-8, repeats a column name, or is not a well-formed CSV.
Everything else (missing cells, mixed types) is the profile's business, not an error.

A CSV is read as text, every cell a string: the profile decides what each column holds, so
that ``007`` is not read as ``7`` before anyone looked. A cell is missing when it is empty or
one of :data:`MISSING_TOKENS`; ``None`` and ``none`` are not among them (they are words, e.g.
a party of "none").
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from casekit.errors import CasekitError

if TYPE_CHECKING:
    import pandas as pd

MAX_TABLE_MB_ENV = "CASEKIT_MAX_TABLE_MB"
DEFAULT_MAX_TABLE_MB = 512
MISSING_TOKENS = ("", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A", "<NA>")
PARQUET_MAGIC = b"PAR1"


class TableError(CasekitError):
    """The table cannot be made into a case; the message names the file, and the row and
    column where there is one."""


def max_table_bytes() -> int:
    """The size limit of a table, in bytes (``$CASEKIT_MAX_TABLE_MB``, default 512 MB)."""
    return int(float(os.environ.get(MAX_TABLE_MB_ENV, DEFAULT_MAX_TABLE_MB)) * 1024 * 1024)


def read_table(path: Path) -> pd.DataFrame:
    """The table at ``path``: CSV cells as text (missing cells as NA), Parquet as typed.

    Raises
    ------
    TableError
        With the file, and the line and column where they apply.
    """
    if not path.exists():
        raise TableError(f"{path}: no such file")
    if not path.is_file():
        raise TableError(f"{path}: not a regular file")
    size = path.stat().st_size
    limit = max_table_bytes()
    if size > limit:
        raise TableError(f"{path}: {size / 2**20:,.0f} MB is over the {limit / 2**20:,.0f} MB limit of a case's table "
                         f"(${MAX_TABLE_MB_ENV}): a take-home's data must fit on a candidate's laptop and in the case "
                         "package. Sample the rows you need (or raise the limit if you mean it)")
    if size == 0:
        raise TableError(f"{path}: the file is empty")
    with path.open("rb") as stream:
        head = stream.read(4)
    suffix = path.suffix.lower()
    if head == PARQUET_MAGIC or suffix in (".parquet", ".pq"):
        return _read_parquet(path)
    if suffix in (".csv", ".txt", ".tsv") or suffix == "":
        return _read_csv(path)
    raise TableError(f"{path}: a {suffix} file is not a table casekit reads; save it as CSV (UTF-8, a header row) "
                     "or Parquet")


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as error:  # pyarrow raises several types for a file that is not Parquet
        raise TableError(f"{path}: not a readable Parquet file ({error})") from None
    _refuse_repeated(list(schema.names), path)
    try:
        table = pq.read_table(path).to_pandas()
    except Exception as error:
        raise TableError(f"{path}: the Parquet file cannot be read ({error})") from None
    if table.empty:
        raise TableError(f"{path}: the table has no rows")
    return table


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    payload = path.read_bytes()
    if payload[:4] == PARQUET_MAGIC:
        return _read_parquet(path)
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError(f"{path}: the file is UTF-16; save it as UTF-8")
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(_undecodable(path, payload, error)) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise TableError(f"{path}: line {line}: a NUL byte; this is not a text table (save it as CSV or Parquet)")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as error:
        raise TableError(f"{path}: line 1: the header is not a CSV row ({error})") from None
    if not any(name.strip() for name in header):
        raise TableError(f"{path}: line 1: no header row; the first line must name the columns")
    _refuse_repeated(header, path)
    blank = [position + 1 for position, name in enumerate(header) if not name.strip()]
    if blank:
        raise TableError(f"{path}: line 1: column(s) {blank} have no name; every column needs one")
    try:
        table = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            na_values=list(MISSING_TOKENS), engine="c")
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        raise TableError(f"{path}: not a well-formed CSV file: {error}") from None
    if table.empty:
        raise TableError(f"{path}: the table has a header but no rows")
    return table


def _refuse_repeated(names: list[str], path: Path) -> None:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        positions = {name: [position + 1 for position, other in enumerate(names) if other == name]
                     for name in repeated}
        where = "; ".join(f"'{name}' at columns {', '.join(map(str, spots))}" for name, spots in positions.items())
        raise TableError(f"{path}: the header repeats column names ({where}); every column needs its own name")


def _undecodable(path: Path, payload: bytes, error: UnicodeDecodeError) -> str:
    """Where the first byte that is not UTF-8 is: its line, its row (the header is not a row,
    and a quoted cell may span lines) and its column."""
    line = payload[: error.start].count(b"\n") + 1
    where = f"line {line}"
    try:
        records = list(csv.reader(io.StringIO(payload[: error.start].decode("utf-8", errors="replace"), newline="")))
    except csv.Error:
        records = []
    if records:
        header = records[0]
        row, fields = len(records) - 1, len(records[-1])
        if row == 0:
            where += " (the header)"
        elif 0 < fields <= len(header):
            where += f" (row {row}), column '{header[fields - 1]}'"
        else:
            where += f" (row {row})"
    return (f"{path}: {where}: byte {payload[error.start]:#04x} at offset {error.start:,} is not valid UTF-8; save "
            "the file as UTF-8 (for example: iconv -f latin1 -t utf-8)")
