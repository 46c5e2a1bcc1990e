"""What casekit prints in the terminal: scorecards, validation problems, progress.

Text that came from a submission or a project (names, ids, labels) is passed to rich as
plain ``Text``, never as markup, so it is shown as written and cannot restyle the terminal.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from casekit.scoring.scorecard import Scorecard
from casekit.submissions.checks import ValidationReport

console = Console()
errors = Console(stderr=True)
_VERDICT_STYLE = {"beats": "bold green", "ties": "yellow", "loses to": "bold red"}


class StatusLine:
    """One line of progress: call it with what is happening; ``count`` fills its bar."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar, self._task = bar, task

    def __call__(self, message: str) -> None:
        self._bar.update(self._task, description=message)

    def count(self, done: int, total: int, what: str = "candidates") -> None:
        """Show ``done`` of ``total`` on the bar."""
        self._bar.update(self._task, completed=done, total=total, count=f"{done}/{total} {what}")


@contextmanager
def progress() -> Iterator[StatusLine]:
    """A spinner with elapsed time and, once counted, a bar; yields the :class:`StatusLine`."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
                  TimeElapsedColumn(), console=errors, transient=True) as bar:
        yield StatusLine(bar, bar.add_task("starting", total=None, count=""))


def fmt(value: float | None, signed: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:+.4f}" if signed else f"{value:.4f}"


def print_scorecard(card: Scorecard) -> None:
    who = card.candidate or "submission"
    percent = round(100 * card.bootstrap.confidence)
    metrics = Table(title=Text(f"{card.title}: {who}"), title_justify="left")
    metrics.add_column("metric")
    metrics.add_column("value", justify="right")
    metrics.add_column(f"{percent}% interval", justify="right")
    for metric in card.metrics:
        primary = metric.name == card.primary_metric
        interval = f"[{fmt(metric.ci_low)}, {fmt(metric.ci_high)}]" if metric.ci_low is not None else "-"
        metrics.add_row(Text(metric.title + (" (primary)" if primary else ""), style="bold" if primary else ""),
                        fmt(metric.value), interval)
    console.print(metrics)
    for note in card.notes:
        console.print(Text(note, style="dim"))

    if card.comparisons:
        table = Table(title=f"Compared with the baselines on {card.primary.title} (paired bootstrap)",
                      title_justify="left")
        for column in ("baseline", "tier"):
            table.add_column(column)
        for column in ("baseline score", "you − baseline", f"{percent}% interval"):
            table.add_column(column, justify="right")
        table.add_column("verdict")
        for c in card.comparisons:
            table.add_row(c.title, c.tier, fmt(c.baseline_value), fmt(c.delta, signed=True),
                          f"[{fmt(c.delta_low, signed=True)}, {fmt(c.delta_high, signed=True)}]",
                          Text(c.verdict, style=_VERDICT_STYLE[c.verdict]))
        console.print(table)
    if card.detectable:
        console.print(Text(card.detectable.describe(card.primary.title), style="dim"))


def print_problems(report: ValidationReport) -> None:
    errors.print(Text(f"{report.file}: invalid submission, {len(report.problems)} problem(s):", style="bold red"))
    for problem in report.problems:
        errors.print(Text(f"  - {problem.message}"))


def print_error(message: str) -> None:
    errors.print(Text("error: ", style="bold red") + Text(message))


def print_reused(card: Scorecard, folder: Path) -> None:
    """One line for a submission evaluated before: where that evaluation is, and its score."""
    primary = card.primary
    interval = f" [{fmt(primary.ci_low)}, {fmt(primary.ci_high)}]" if primary.ci_low is not None else ""
    console.print(f"evaluated before: {primary.title} {fmt(primary.value)}{interval}, in {folder} "
                  f"(same submission; --force scores it again)", highlight=False, soft_wrap=True)
