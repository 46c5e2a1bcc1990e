"""Tables that cannot be a case get an error naming the file, and the row and column where there
is one; and nothing is half-written: the case folder appears complete, or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import casekit

from casekit.authoring.new_case import MIN_ROWS, AuthoringOptions, author_case
from casekit.authoring.table import TableError
from casekit.errors import UsageError


def good_table(rows: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"name": [f"n{i}" for i in rng.permutation(rows)], "amount": rng.gamma(2.0, 5.0, rows),
                         "label": rng.choice(["a", "b"], rows)})


def author(path: Path, output: Path | None = None, **settings):
    settings = {"target": "label", "id_column": "name", **settings}
    return author_case(AuthoringOptions(slug="bad", table=path, output=output or path.parent / "case", **settings))


def refused(path: Path, **settings) -> str:
    with pytest.raises(TableError) as error:
        author(path, **settings)
    assert not (path.parent / "case").exists()
    assert not [entry for entry in path.parent.iterdir() if entry.name.startswith(".case.")]  # no staging left
    return str(error.value)


def test_a_file_that_is_neither_csv_nor_parquet(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK\x03\x04 a spreadsheet")
    assert refused(path) == (f"{path}: a .xlsx file is not a table casekit reads; save it as CSV (UTF-8, a header "
                             "row) or Parquet")


def test_binary_bytes_in_a_csv(tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes(b"name,label\nx,a\n\x00\x01\x02,b\n")
    assert refused(path) == f"{path}: line 3: a NUL byte; this is not a text table (save it as CSV or Parquet)"


def test_undecodable_text_names_the_line_the_row_and_the_column(tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes(b'name,note,label\nx,"two\nlines",a\ny,caf\xe9,b\n')
    message = refused(path)
    assert message.startswith(f"{path}: line 4 (row 2), column 'note': byte 0xe9 at offset 37 is not valid UTF-8")


def test_a_ragged_csv_says_the_line(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("name,amount,label\nx,1,a\ny,2,b,extra\n")
    assert "Expected 3 fields in line 3, saw 4" in refused(path)


def test_a_missing_target_column_lists_the_columns(tmp_path):
    path = tmp_path / "table.csv"
    good_table().to_csv(path, index=False)
    assert refused(path, target="churn") == (f"{path}: --target churn: no such column; the table's columns are: "
                                             "name, amount, label")


def test_a_target_with_one_value(tmp_path):
    path = tmp_path / "table.csv"
    good_table().assign(label="a").to_csv(path, index=False)
    assert refused(path) == ("target 'label' has the single value 'a': there is nothing to predict (pick another "
                             "--target)")


def test_too_few_rows_for_a_split_says_the_minimum(tmp_path):
    path = tmp_path / "table.csv"
    good_table(60).to_csv(path, index=False)
    assert refused(path) == (f"{path}: 60 rows with a target; a case needs at least {MIN_ROWS} for a usable split (a "
                             "test set of 25% and a hold-out in train)")


def test_repeated_column_names_in_a_csv_header(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("name,label,name\nx,a,1\n")
    assert refused(path) == (f"{path}: the header repeats column names ('name' at columns 1, 3); every column needs "
                             "its own name")


def test_repeated_column_names_in_parquet(tmp_path):
    path = tmp_path / "table.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array([1, 2]), pa.array(["a", "b"]), pa.array([3, 4])],
                                        names=["amount", "label", "amount"]), path)
    assert "the header repeats column names ('amount' at columns 1, 3)" in refused(path)


def test_a_one_gigabyte_table_is_refused_saying_the_limit(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:  # sparse: takes no disk space
        stream.truncate(1024**3)
    assert refused(path) == (f"{path}: 1,024 MB is over the 512 MB limit of a case's table ($CASEKIT_MAX_TABLE_MB): "
                             "a take-home's data must fit on a candidate's laptop and in the case package. Sample the "
                             "rows you need (or raise the limit if you mean it)")


def test_an_empty_file_and_a_header_without_rows(tmp_path):
    empty, header = tmp_path / "empty.csv", tmp_path / "header.csv"
    empty.write_bytes(b"")
    header.write_text("name,label\n")
    assert refused(empty) == f"{empty}: the file is empty"
    assert refused(header) == f"{header}: the table has a header but no rows"


def test_an_existing_folder_is_left_alone_without_force_and_replaced_whole_with_it(tmp_path):
    path = tmp_path / "table.csv"
    good_table().to_csv(path, index=False)
    output = tmp_path / "case"
    output.mkdir()
    (output / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="already exists and is not empty; pass --force"):
        author(path, output)
    assert [entry.name for entry in output.iterdir()] == ["notes.txt"]
    author(path, output, force=True)
    assert not (output / "notes.txt").exists() and (output / "pyproject.toml").is_file()


def test_a_failure_while_writing_leaves_no_folder(tmp_path, monkeypatch):
    from casekit.authoring import new_case

    path = tmp_path / "table.csv"
    good_table().to_csv(path, index=False)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(new_case, "_check_round_trip", broken)
    with pytest.raises(OSError, match="disk full"):
        author(path)
    assert sorted(os.listdir(tmp_path)) == ["table.csv"]


def test_the_command_line_says_the_error_and_exits_1(tmp_path):
    path = tmp_path / "table.csv"
    good_table().assign(label="a").to_csv(path, index=False)
    result = casekit("case", "new", "bad", "--from", path, "-o", tmp_path / "case", "--target", "label")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "target 'label' has the single value 'a'" in result.stderr
    assert not (tmp_path / "case").exists()
