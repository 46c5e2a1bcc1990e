"""A corpus of hostile submissions, built from any case's valid sample submission.

The corpus does not know the answers: it only mangles a well-formed file in the ways a careless
or adversarial candidate would. Every file here can be made of any submission (encodings, line
structure, header shape, ids, and a text and a number column as far as the task's submission
has them: :meth:`~casekit.tasks.base.Task.hostile_roles`); the task type adds the files
particular to its format, each with the outcome it must end in
(:meth:`~casekit.tasks.base.Task.hostile_submissions`).
"""

from __future__ import annotations

import pandas as pd

from casekit.tasks.base import Task
from casekit.tasks.hostile_files import (
    ANSI,
    CYRILLIC_A,
    FORMULA,
    MARKUP,
    RTL_OVERRIDE,
    SCRIPT,
    ZERO_WIDTH,
    HostileSubmission,
    SubmissionRoles,
)


def corpus(task: Task, valid: pd.DataFrame, labels: tuple[str, ...]) -> list[HostileSubmission]:
    """Every hostile variant of ``valid`` (a well-formed submission of ``task`` with string
    cells): the generic ones (:func:`build`), then the task's own."""
    return build(valid, task.hostile_roles(labels)) + task.hostile_submissions(valid)


def build(valid: pd.DataFrame, roles: SubmissionRoles) -> list[HostileSubmission]:
    """The hostile variants of ``valid`` (a well-formed submission with string cells) that any
    submission has, mangling the columns ``roles`` names; each may end in a score or a clear error.
    """
    id_column, text_column, number_column = roles.id_column, roles.text_column, roles.number_column
    csv = valid.to_csv(index=False, lineterminator="\n")
    rows = csv.splitlines()
    header, body = rows[0], rows[1:]
    variants: list[HostileSubmission] = []

    def add(name: str, payload: str | bytes) -> None:
        variants.append(HostileSubmission(name, payload.encode("utf-8") if isinstance(payload, str) else payload))

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

    return variants


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
