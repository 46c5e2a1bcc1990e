"""What ``casekit case new`` and ``casekit case check`` print: the profile, the audit, the checks.

Column names and values come from the author's table and are printed as plain ``Text``, never
as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import JustifyMethod
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from casekit.authoring.check import CaseCheck, CheckOutcome, planned
from casekit.authoring.new_case import AuthoredCase
from casekit.cases.spec import CaseSpec
from casekit.conformance.checks import Check
from casekit.outputs.console import console, errors, fmt

_SEVERITY_STYLE = {"blocking": "bold red", "warning": "yellow", "accepted risk": "magenta"}


def print_authored(authored: AuthoredCase) -> None:
    """The profile, the task and metric chosen (and why), the audit, and what was written."""
    profile, target = authored.profile, authored.profile.target
    columns = Table(title=f"Columns of the table ({profile.rows:,} rows)", title_justify="left")
    headers: list[tuple[str, JustifyMethod]] = [("column", "left"), ("kind", "left"), ("missing", "right"),
                                                 ("distinct", "right"), ("why", "left")]
    for header, justify in headers:
        columns.add_column(header, justify=justify)
    for column in profile.columns:
        kind = "target" if column.name == target.name else column.kind
        columns.add_row(Text(column.name), kind, f"{column.missing_share:.1%}", f"{column.distinct:,}",
                        Text(column.reason))
    console.print(columns)
    console.print(Text(f"task: {target.task} ({target.reason})"))
    if target.positive_label is not None:
        console.print(Text(f"positive class: {target.positive_label!r} ({target.positive_reason})"))
    console.print(Text(f"primary metric: {authored.choice.primary_title} ({authored.choice.reason})"))
    console.print(Text(f"split: {authored.split.description}"))
    for reason, count in authored.left_out.items():
        console.print(Text(f"left out: {count:,} {reason}"))

    audit = authored.audit
    if audit.findings:
        findings = Table(title="Leak audit", title_justify="left")
        for header in ("severity", "subject", "check", "evidence"):
            findings.add_column(header)
        for finding in audit.findings:
            severity = "accepted risk" if finding.accepted else finding.severity
            findings.add_row(Text(severity, style=_SEVERITY_STYLE[severity]), Text(finding.subject),
                             Text(finding.check), Text(f"{finding.evidence}. To do: {finding.remedy}"))
        console.print(findings)
    else:
        console.print("leak audit: no finding")
    audit_path = authored.path / "audit.md"
    if not authored.written:
        errors.print(Text(f"blocked: {len(audit.blocking)} blocking finding(s); no case was written. The audit is in "
                          f"{audit_path}", style="bold red"))
        return
    stored = f" (table {authored.stored_bytes / 1024:,.0f} KB, Parquet)" if authored.stored_bytes else ""
    console.print(Text(f"wrote the case package {authored.path}{stored}; audit: {audit_path}"))
    console.print(Text(f"next: write the TODO(author) parts of {authored.names.package}/brief.md and your gold "
                       f"answers in {authored.names.package}/gold/, then\n"
                       f"  pip install -e {authored.path}\n  casekit case check {authored.names.slug}"))


@contextmanager
def check_progress(case: CaseSpec) -> Iterator[tuple[Callable[[str, Check], None], Callable[[CheckOutcome], None]]]:
    """A progress bar over the checks; yields what to call when one starts and when it ends."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=errors, transient=True) as bar:
        task = bar.add_task(f"checking {case.slug}", total=len(planned(case)))

        def started(source: str, check: Check) -> None:
            bar.update(task, description=f"{case.slug} ({source}): {check.name.replace('_', ' ')}")

        def done(outcome: CheckOutcome) -> None:
            bar.advance(task)
            if not outcome.passed:
                bar.console.print(Text(f"failed: {outcome.check} ({outcome.source})", style="red"))

        yield started, done


def print_case_check(result: CaseCheck) -> None:
    """A table of every check's outcome, then the baseline ladder of each source."""
    table = Table(title=f"casekit case check {result.case.slug}", title_justify="left")
    headers: list[tuple[str, JustifyMethod]] = [("source", "left"), ("check", "left"), ("result", "left"),
                                                 ("seconds", "right"), ("what it found", "left")]
    for header, justify in headers:
        table.add_column(header, justify=justify)
    for outcome in result.outcomes:
        verdict = Text("passed", style="green") if outcome.passed else Text("FAILED", style="bold red")
        detail = outcome.detail if outcome.passed else "see below"
        table.add_row(outcome.source, outcome.check.replace("_", " "), verdict, f"{outcome.seconds:.1f}",
                      Text(detail))
    console.print(table)
    for outcome in result.outcomes:
        if not outcome.passed:  # in full, outside the table: a make run's output needs its width
            errors.print(Text(f"FAILED {outcome.check} ({outcome.source}): {outcome.description}", style="bold red"))
            errors.print(Text(outcome.detail))
    for source, ladder in result.ladders.items():
        rungs = Table(title=f"Baselines on {ladder.metric} ({source}), 95% intervals", title_justify="left")
        rungs.add_column("tier")
        rungs.add_column("baseline")
        rungs.add_column(ladder.metric, justify="right")
        rungs.add_column("interval", justify="right")
        for rung in ladder.rungs:
            rungs.add_row(rung.tier, Text(rung.title), fmt(rung.value), f"[{fmt(rung.low)}, {fmt(rung.high)}]")
        console.print(rungs)
        for step in ladder.steps:
            state = "distinct" if step.distinct else "NOT distinct"
            console.print(Text(f"  {step.upper} - {step.lower}: {fmt(step.delta, signed=True)} "
                               f"[{fmt(step.low, signed=True)}, {fmt(step.high, signed=True)}]: {state} tiers"))
    _print_gold(result)
    failed = [outcome for outcome in result.outcomes if not outcome.passed]
    if failed:
        errors.print(Text(f"{len(failed)} of {len(result.outcomes)} checks failed", style="bold red"))
    elif result.gold.problems:
        errors.print(Text(f"all {len(result.outcomes)} checks passed; the gold answers did not", style="bold red"))
    else:
        console.print(Text(f"all {len(result.outcomes)} checks passed", style="bold green"))


def _print_gold(result: CaseCheck) -> None:
    """The gold answers reviewers calibrate on: how many, why there are none, or what is wrong."""
    gold = result.gold
    if gold.missing:
        console.print(Text(f"gold answers: {gold.missing}. Write a weak, an adequate and a strong DESIGN.md answer "
                           f"with reference scores in gold/, so reviewers can calibrate ('casekit calibrate "
                           f"{result.case.slug} --reviewer NAME')", style="yellow"))
    for problem in gold.problems:
        errors.print(Text(f"FAILED gold answers: {problem}", style="bold red"))
    if gold.answers and not gold.problems:
        levels = ", ".join(answer.level for answer in gold.answers)
        console.print(Text(f"gold answers: {levels}, scored on every criterion and rising from weak to strong"))
