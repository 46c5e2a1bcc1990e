"""A corpus of hostile submissions, built from any case's valid sample submission.

Each entry is ``(name, bytes)``. The corpus does not know the answers: it only mangles a
well-formed file in the ways a careless or adversarial candidate would. A task type may add
entries of its own (:data:`TASK_ENTRIES`), each with the outcome it must end in
(:data:`TASK_EXPECTED`): a score, or an error with a given problem code.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from casekit.tasks.base import Task

FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert('x')</script>"
MARKUP = "[bold red]pwned[/bold red]"
ANSI = "\x1b[2J\x1b[31mred"
CYRILLIC_A = "\u0430"  # looks like Latin "a"
ZERO_WIDTH = "\u200b"
RTL_OVERRIDE = "\u202e"


def roles(task: Task, labels: tuple[str, ...]) -> tuple[str, str | None, str | None]:
    """The submission's id column, a column of text (a label, an item) and one of numbers
    (a probability, a rank), as far as the task's submission has them."""
    schema = task.spec.submission
    required, optional = task.submission_columns(labels)
    others = [column for column in required + optional if column != schema.id_column]
    text = schema.label_column if schema.label_column in others else None
    numbers = [column for column in others if column != text]
    return schema.id_column, text, numbers[0] if numbers else None


def build(valid: pd.DataFrame, id_column: str, text_column: str | None, number_column: str | None,
          task: str | None = None) -> list[tuple[str, bytes]]:
    """Hostile variants of ``valid`` (a well-formed submission with string cells).

    ``text_column`` is a column holding labels or other text (if any); ``number_column`` one
    holding numbers (a probability, a rank), if any. A ``task`` with entries of its own in
    :data:`TASK_ENTRIES` adds them (their expected outcomes are in :data:`TASK_EXPECTED`).
    """
    csv = valid.to_csv(index=False, lineterminator="\n")
    rows = csv.splitlines()
    header, body = rows[0], rows[1:]
    corpus: list[tuple[str, bytes]] = []

    def add(name: str, payload: str | bytes) -> None:
        corpus.append((name, payload.encode("utf-8") if isinstance(payload, str) else payload))

    def with_cell(column: str, value: str, row: int = 0) -> str:
        frame = valid.copy()
        frame[column] = frame[column].astype(object)
        frame.iloc[row, frame.columns.get_loc(column)] = value
        return frame.to_csv(index=False, lineterminator="\n")

    # Encoding and line structure.
    add("utf8-bom", b"\xef\xbb\xbf" + csv.encode())
    add("utf16-le", csv.encode("utf-16"))
    add("utf16-be", b"\xfe\xff" + csv.encode("utf-16-be"))
    add("latin1-byte", csv.encode().replace(b"\n", b"\xe9\n", 2))
    add("crlf", csv.replace("\n", "\r\n"))
    add("cr-only", csv.replace("\n", "\r"))
    add("nul-bytes", csv.replace("\n", "\x00\n", 3))
    add("trailing-blank-lines", csv + "\n\n\n")
    add("blank-line-inside", "\n".join([header, body[0], "", *body[1:]]) + "\n")
    add("unterminated-quote", "\n".join([header, '"' + body[0], *body[1:]]) + "\n")
    add("header-only", header + "\n")
    add("empty", b"")
    add("whitespace-only", "   \n\t\n")
    add("bom-only", b"\xef\xbb\xbf")
    add("binary-garbage", bytes(range(256)) * 40)

    # Header shape.
    add("duplicate-header", header + "," + header.split(",")[-1] + "\n" + "\n".join(b + ",x" for b in body))
    add("header-upper-case", "\n".join([header.upper(), *body]) + "\n")
    add("header-trailing-space", "\n".join([header.replace(",", " ,"), *body]) + "\n")
    add("trailing-comma", "\n".join(line + "," for line in rows) + "\n")
    add("semicolon-delimited", csv.replace(",", ";"))
    add("tab-delimited", csv.replace(",", "\t"))
    add("too-few-fields", "\n".join([header, body[0].rsplit(",", 1)[0], *body[1:]]) + "\n")
    add("too-many-fields", "\n".join([header, body[0] + ",extra,extra", *body[1:]]) + "\n")
    add("ten-thousand-columns", ",".join([header, *[f"c{i}" for i in range(10_000)]]) + "\n" + body[0] + "\n")

    # Ids.
    add("id-as-float", with_cell(id_column, "1.0"))
    add("id-with-spaces", with_cell(id_column, f"  {valid[id_column].iloc[0]}  "))
    add("id-lower-case", with_cell(id_column, str(valid[id_column].iloc[0]).lower() + "x"))
    add("id-lookalike", with_cell(id_column, str(valid[id_column].iloc[0]).replace("a", CYRILLIC_A)
                                  .replace("e", "\u0435")
                                  + CYRILLIC_A))
    add("id-empty", with_cell(id_column, ""))
    add("ids-duplicated-everywhere", "\n".join([header, *[body[0]] * len(body)]) + "\n")
    add("rows-shuffled", "\n".join([header, *reversed(body)]) + "\n")

    # Text and injection.
    if text_column:
        add("formula", with_cell(text_column, FORMULA))
        add("html-script", with_cell(text_column, SCRIPT))
        add("rich-markup", with_cell(text_column, MARKUP))
        add("ansi-escape", with_cell(text_column, ANSI))
        add("quoted-newline", with_cell(text_column, "line one\nline two"))
        add("zero-width", with_cell(text_column, str(valid[text_column].iloc[0]) + ZERO_WIDTH))
        add("rtl-override", with_cell(text_column, RTL_OVERRIDE + str(valid[text_column].iloc[0])))
        add("lookalike-label", with_cell(text_column, str(valid[text_column].iloc[0]).replace("a", CYRILLIC_A)
                                         .replace("e", "\u0435").replace("o", "\u043e") + ZERO_WIDTH))
        add("trailing-space-label", with_cell(text_column, str(valid[text_column].iloc[0]) + " "))
        add("label-null", with_cell(text_column, "NULL"))
        add("label-number", with_cell(text_column, "3"))
        add("very-long-cell", with_cell(text_column, "x" * 5_000_000))

    # Numbers.
    if number_column:
        for name, value in [("nan", "NaN"), ("inf", "inf"), ("minus-inf", "-inf"), ("negative", "-0.5"),
                            ("huge-exponent", "1e400"), ("comma-decimal", "0,5"), ("text", "high"),
                            ("fullwidth-digits", "\uff10.\uff15"), ("empty-number", ""), ("float-rank", "1.5"),
                            ("hex", "0x1")]:
            add(f"number-{name}", with_cell(number_column, value))

    if task in TASK_ENTRIES:
        corpus += TASK_ENTRIES[task](valid, id_column, text_column, number_column)
    return corpus


def ranked_list_entries(valid: pd.DataFrame, user: str, item: str | None, rank: str | None) -> list[tuple[str, bytes]]:
    """Hostile variants particular to ranked lists (one row per recommended item, ranks 1..K).

    ``valid`` lists each user's items together, ranks 1, 2, 3, ... in order; ``item`` and
    ``rank`` are its text and number columns (a ranked list has both).
    """
    assert item is not None and rank is not None
    first = valid[valid[user] == valid[user].iloc[0]]
    entries: list[tuple[str, bytes]] = []

    def add(name: str, frame: pd.DataFrame) -> None:
        entries.append((name, frame.to_csv(index=False, lineterminator="\n").encode()))

    def with_cells(**cells: dict[int, str]) -> pd.DataFrame:
        frame = valid.astype(object)
        for column, values in cells.items():
            for row, value in values.items():
                frame.iloc[row, frame.columns.get_loc(column)] = value
        return frame

    last = len(first) - 1
    add("rank-negative-integer", with_cells(**{rank: {0: "-3"}}))
    add("rank-zero", with_cells(**{rank: {0: "0"}}))
    add("rank-fraction", with_cells(**{rank: {1: "2.5"}}))
    add("rank-beyond-k", with_cells(**{rank: {last: "101"}}))
    add("rank-huge-integer", with_cells(**{rank: {last: "99999999999999999999"}}))
    add("rank-repeated", with_cells(**{rank: {1: "1"}}))
    add("rank-gap", valid.drop(index=first.index[2]))
    add("rank-booleans", first.iloc[:2].assign(**{rank: ["True", "False"]}))
    add("ranks-as-decimals", valid.assign(**{rank: valid[rank] + ".0"}))
    add("ranks-listed-backwards", valid.iloc[::-1])
    add("item-repeated-in-a-list", with_cells(**{item: {1: valid[item].iloc[0]}}))
    add("item-unknown", with_cells(**{item: {0: "no-such-item"}}))
    add("item-as-float", with_cells(**{item: {0: f"{valid[item].iloc[0]}.0"}}))
    add("item-empty", with_cells(**{item: {0: ""}}))
    add("user-unknown", with_cells(**{user: {0: "no-such-user"}}))
    add("user-as-float", with_cells(**{user: {0: f"{valid[user].iloc[0]}.0"}}))
    add("user-without-a-list", valid.drop(index=first.index))
    add("one-user-only", first)
    add("users-of-another-instance", valid.assign(**{user: "other-" + valid[user]}))
    return entries


def selection_entries(valid: pd.DataFrame, group: str, item: str, selected: str) -> list[tuple[str, bytes]]:
    """Hostile variants particular to selections under a budget.

    ``valid`` lists every item of every test group, the group's items together, with
    ``selected`` (1 or 0) and ``score``: the form that adds the rank metrics.
    """
    entries: list[tuple[str, bytes]] = []
    score = "score"

    def add(name: str, frame: pd.DataFrame) -> None:
        entries.append((name, frame.to_csv(index=False, lineterminator="\n").encode()))

    def with_cells(column: str, cells: dict[int, str]) -> pd.DataFrame:
        frame = valid.astype(object)
        for row, value in cells.items():
            frame.iloc[row, frame.columns.get_loc(column)] = value
        return frame

    first_group = valid[group] == valid[group].iloc[0]
    other = int(np.flatnonzero(~first_group.to_numpy())[0])
    chosen = valid[selected].astype(str) == "1"
    add("every-item-selected", valid.assign(**{selected: "1"}))
    add("item-of-another-group", with_cells(item, {0: valid[item].iloc[other]}))
    add("item-unknown", with_cells(item, {0: "no-such-item"}))
    add("item-empty", with_cells(item, {0: ""}))
    add("item-listed-twice", pd.concat([valid, valid.iloc[[0]]], ignore_index=True))
    add("group-unknown", with_cells(group, {0: "no-such-group"}))
    add("groups-of-another-instance", valid.assign(**{group: "other-" + valid[group]}))
    add("selected-two", with_cells(selected, {0: "2"}))
    add("selected-true-false", valid.assign(**{selected: valid[selected].map({"1": "True", "0": "False"})}))
    add("selected-as-decimals", valid.assign(**{selected: valid[selected].astype(str) + ".0"}))
    add("score-nan", with_cells(score, {0: "nan"}))
    add("score-infinite", with_cells(score, {0: "inf"}))
    add("score-text", with_cells(score, {0: "high"}))
    add("scores-negative", valid.assign(**{score: "-3.5"}))
    add("an-item-missing", valid.drop(index=valid.index[~chosen][0]))
    add("a-group-missing", valid[~first_group])
    add("selected-without-score", valid.drop(columns=[score]))
    add("nothing-selected", valid.assign(**{selected: "0"}))
    add("selected-items-only", valid[chosen][[group, item]])
    add("selected-items-only-one-group", valid[chosen & first_group][[group, item]])
    add("selected-items-only-everything", valid[[group, item]])
    add("rows-listed-backwards", valid.iloc[::-1])
    return entries


def _selection_entries(valid: pd.DataFrame, id_column: str, text_column: str | None,
                       number_column: str | None) -> list[tuple[str, bytes]]:
    assert text_column and number_column  # a selection names its item and its 'selected' column
    return selection_entries(valid, id_column, text_column, number_column)


def generated_text_entries(valid: pd.DataFrame, id_column: str, text: str | None,
                           number: str | None) -> list[tuple[str, bytes]]:
    """Hostile variants particular to generated texts (one line of text per id)."""
    assert text  # a generation case names its text column
    entries: list[tuple[str, bytes]] = []

    def add(name: str, value: str) -> None:
        frame = valid.astype(object)
        frame.iloc[0, frame.columns.get_loc(text)] = value
        entries.append((name, frame.to_csv(index=False, lineterminator="\n").encode()))

    add("text-empty", "")
    add("text-whitespace-only", " \u00a0 ")
    add("text-nan-marker", "NaN")
    add("text-over-the-cap", "disk full " * 1_000)
    add("text-crlf-inside", "disk full\r\non db-1")
    add("text-line-separator", "disk full\u2028on db-1")
    add("text-tab", "disk full\ton db-1")
    add("text-ansi-escape", ANSI + " disk full")
    add("text-html", "<img src=x onerror=alert(1)> " + SCRIPT)
    add("text-formula", FORMULA)
    add("text-markup", MARKUP)
    add("text-emoji-only", "\U0001f525\U0001f525\U0001f525")
    add("text-right-to-left", "\u062e\u0637\u0623 \u0641\u064a \u0627\u0644\u062e\u062f\u0645\u0629")
    add("text-bidi-override", RTL_OVERRIDE + "disk full")
    latin1 = valid.astype(object)
    latin1.iloc[0, latin1.columns.get_loc(text)] = "caf\u00e9 down"
    entries.append(("text-latin1-byte", latin1.to_csv(index=False, lineterminator="\n").encode("latin-1")))
    entries.append(("text-duplicate-id", pd.concat([valid, valid.iloc[:1]]).to_csv(
        index=False, lineterminator="\n").encode()))
    return entries


def predicted_value_entries(valid: pd.DataFrame, id_column: str, text_column: str | None,
                            number_column: str | None) -> list[tuple[str, bytes]]:
    """Hostile variants particular to predicted numbers (regression: one value per row)."""
    assert number_column is not None  # a regression submission has its value column
    entries: list[tuple[str, bytes]] = []

    def add(name: str, frame: pd.DataFrame) -> None:
        entries.append((name, frame.to_csv(index=False, lineterminator="\n").encode()))

    def with_value(value: str, row: int = 0) -> pd.DataFrame:
        frame = valid.astype(object)
        frame.iloc[row, frame.columns.get_loc(number_column)] = value
        return frame

    for name, value in [("nan-text", "NaN"), ("none", "None"), ("infinity", "Infinity"), ("minus-infinity", "-inf"),
                        ("overflowing", "1e400"), ("boolean", "True"), ("comma-decimal", "3,5"),
                        ("thousands-separator", "1,000.5"), ("hex", "0x1A"), ("with-unit", "12 kg"),
                        ("underscored", "1_000"), ("negative", "-3.5"), ("scientific", "2.5e3"),
                        ("leading-plus", "+4"), ("padded", " 3.5 "), ("huge-finite", "1e300"), ("tiny", "1e-300")]:
        add(f"value-{name}", with_value(value))
    add("values-all-empty", valid.assign(**{number_column: ""}))
    add("values-all-integers", valid.assign(**{number_column: "3"}))
    add("values-all-booleans", valid.assign(**{number_column: ["True", "False"] * (len(valid) // 2)
                                                + ["True"] * (len(valid) % 2)}))
    return entries


TASK_ENTRIES: dict[str, Callable[..., list[tuple[str, bytes]]]] = {
    "ranking": ranked_list_entries, "selection": _selection_entries, "generation": generated_text_entries,
    "regression": predicted_value_entries,
}
# What each task-specific entry must end in: a score, or an error with this problem code.
TASK_EXPECTED = {
    "ranking": {
        "rank-negative-integer": "rank_out_of_range", "rank-zero": "rank_out_of_range",
        "rank-fraction": "rank_not_an_integer", "rank-beyond-k": "rank_beyond_k",
        "rank-huge-integer": "rank_beyond_k", "rank-repeated": "duplicate_rank", "rank-gap": "missing_rank",
        "rank-booleans": "rank_not_an_integer", "ranks-as-decimals": "scored", "ranks-listed-backwards": "scored",
        "item-repeated-in-a-list": "duplicate_item", "item-unknown": "unknown_item", "item-as-float": "unknown_item",
        "item-empty": "empty_item", "user-unknown": "unknown_id", "user-as-float": "unknown_id",
        "user-without-a-list": "scored", "one-user-only": "scored", "users-of-another-instance": "wrong_instance",
    },
    "selection": {
        "every-item-selected": "over_budget", "item-of-another-group": "item_in_another_group",
        "item-unknown": "unknown_item", "item-empty": "empty_item", "item-listed-twice": "duplicate_item",
        "group-unknown": "unknown_id", "groups-of-another-instance": "wrong_instance",
        "selected-two": "invalid_selected",
        "selected-true-false": "invalid_selected", "selected-as-decimals": "scored", "score-nan": "invalid_score",
        "score-infinite": "invalid_score", "score-text": "invalid_score", "scores-negative": "scored",
        "an-item-missing": "missing_items", "a-group-missing": "missing_items",
        "selected-without-score": "missing_columns", "nothing-selected": "scored", "selected-items-only": "scored",
        "selected-items-only-one-group": "scored", "selected-items-only-everything": "over_budget",
        "rows-listed-backwards": "scored",
    },
    "generation": {
        "text-empty": "missing_text", "text-whitespace-only": "blank_text", "text-nan-marker": "missing_text",
        "text-over-the-cap": "text_too_long", "text-crlf-inside": "line_break", "text-line-separator": "line_break",
        "text-tab": "control_character", "text-ansi-escape": "control_character", "text-html": "scored",
        "text-formula": "scored", "text-markup": "scored", "text-emoji-only": "scored",
        "text-right-to-left": "scored", "text-bidi-override": "scored", "text-latin1-byte": "undecodable",
        "text-duplicate-id": "duplicate_id",
    },
    "regression": {
        "value-nan-text": "nan_value", "value-none": "nan_value", "value-infinity": "not_finite",
        "value-minus-infinity": "not_finite", "value-overflowing": "not_finite", "value-boolean": "not_a_number",
        "value-comma-decimal": "not_a_number", "value-thousands-separator": "not_a_number", "value-hex": "not_a_number",
        "value-with-unit": "not_a_number", "value-underscored": "not_a_number", "value-negative": "scored",
        "value-scientific": "scored", "value-leading-plus": "scored", "value-padded": "scored",
        "value-huge-finite": "scored", "value-tiny": "scored", "values-all-empty": "nan_value",
        "values-all-integers": "scored", "values-all-booleans": "not_a_number",
    },
}


def decision_files() -> list[tuple[str, bytes]]:
    """Hostile ``decision.json`` files, for tasks that read a decision beside the submission.

    Only the first two are acceptable (a byte-order mark, minus zero); the rest must be refused.
    """
    entries: list[tuple[str, str | bytes]] = [
        ("decision-utf8-bom", b"\xef\xbb\xbf" + b'{"threshold": 0.3}'),
        ("decision-negative-zero", '{"threshold": -0.0}'),
        ("decision-utf16", '{"threshold": 0.3}'.encode("utf-16")),
        ("decision-nan", '{"threshold": NaN}'),
        ("decision-infinity", '{"threshold": Infinity}'),
        ("decision-huge-exponent", '{"threshold": 1e400}'),
        ("decision-huge-integer", '{"threshold": ' + "9" * 5_000 + "}"),
        ("decision-boolean", '{"threshold": true}'),
        ("decision-null", '{"threshold": null}'),
        ("decision-string", '{"threshold": "0.5"}'),
        ("decision-duplicate-key", '{"threshold": 0.2, "threshold": 0.7}'),
        ("decision-nested-deeply", "[" * 30_000 + "]" * 30_000),
        ("decision-over-the-size-cap", '{"threshold": 0.5}' + " " * 100_000),
        ("decision-many-keys", "{" + ", ".join(f'"k{i}": {i}' for i in range(5_000)) + "}"),
        ("decision-ansi-key", '{"\\u001b[2J' + MARKUP + '": 1, "threshold": 0.5}'),
        ("decision-array", "[0.5]"),
        ("decision-empty", b""),
        ("decision-nul-byte", '{"threshold": 0.5}\x00'),
        ("decision-binary-garbage", bytes(range(256)) * 40),
    ]
    return [(name, payload.encode("utf-8") if isinstance(payload, str) else payload) for name, payload in entries]


def ten_million_rows(valid: pd.DataFrame) -> bytes:
    """A 10-million-row file: the valid rows repeated (duplicate ids, at scale)."""
    lines = valid.to_csv(index=False, header=False, lineterminator="\n").encode()
    full, rest = divmod(10_000_000, len(valid))
    tail = b"".join(lines.splitlines(keepends=True)[:rest])
    return (",".join(valid.columns) + "\n").encode() + lines * full + tail
