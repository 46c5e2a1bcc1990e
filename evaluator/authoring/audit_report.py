"""``audit.md``: the leak audit as a page the case's author reads (and keeps with the case)."""

from __future__ import annotations

from casekit.authoring import audit as checks
from casekit.authoring.audit import Audit


def render_audit(audit: Audit, *, slug: str, source_name: str) -> str:
    """The audit of case ``slug`` (from the table ``source_name``) in Markdown."""
    blocking, accepted = audit.blocking, audit.accepted
    if blocking:
        status = (f"**Blocked**: {len(blocking)} blocking finding(s). `casekit case new` wrote no case: drop the "
                  "columns named below (`--drop`), fix the table, or accept each risk with `--accept-risk SUBJECT` "
                  "(recorded in the case, its brief and every scorecard).")
    elif accepted:
        status = f"**Passed**, with {len(accepted)} accepted risk(s) (shown in the brief and in every scorecard)."
    else:
        status = "**Passed**: no blocking finding."
    lines = [
        f"# Leak audit: {slug}",
        "",
        f"Table: {source_name}, {audit.rows:,} rows. Split: {audit.split}.",
        "",
        status,
        "",
        "## Findings",
        "",
    ]
    if not audit.findings:
        lines.append("None.")
    else:
        lines += ["| severity | subject | check | evidence | what to do |", "|---|---|---|---|---|"]
        for finding in audit.findings:
            severity = "accepted risk" if finding.accepted else finding.severity
            lines.append(f"| {severity} | `{_cell(finding.subject)}` | {finding.check} | {_cell(finding.evidence)} | "
                         f"{_cell(finding.remedy)} |")
    lines += [
        "",
        "## What was checked, and the thresholds",
        "",
        f"- **A column that predicts the target alone**: a one-column model, cross-validated in {checks.FOLDS} folds "
        f"on up to {checks.AUDIT_ROWS:,} rows; ROC-AUC (classes) or R² (numbers) of {checks.BLOCKING_SCORE} or more "
        f"blocks, {checks.WARNING_SCORE} or more warns.",
        "- **Identifier-like columns**: unique on every row, or whole numbers that follow the row order or the time "
        f"column (Spearman |rho| >= {checks.MONOTONE_RHO}, at least {checks.COUNTER_DISTINCT_SHARE:.0%} distinct). "
        "Blocking.",
        "- **Duplicates across the split**: test rows equal to a training row on every column but identifiers, "
        "exactly or with text normalised and times left out, in the split drawn with seed "
        f"{checks.AUDIT_SEED}; blocking from {checks.DUPLICATE_SHARE:.0%} of the test rows (checked when a column is "
        f"text, or distinct on at least {checks.DISTINCTIVE_SHARE:.0%} of the rows).",
        "- **With a time column**: datetime columns later than the row's time (blocking from "
        f"{checks.LATER_SHARE:.0%} of the rows), and rows with no time, a time before 1971 or in the future "
        "(blocking).",
        f"- **The target**: missing values, classes under {checks.MIN_CLASS_ROWS} rows, classes without two training "
        "rows in the split (all blocking). A target with a single value is refused outright.",
        "",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
