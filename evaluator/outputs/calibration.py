"""What ``casekit calibrate`` prints: what to do next, or a reviewer's scores against the reference
and the panel's agreement."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from casekit.outputs.console import console
from casekit.review.agreement import RELIABLE_ALPHA, Agreement
from casekit.review.calibration import Calibration, Deviation, PanelCalibration, ReviewerCalibration


def print_calibration(calibration: Calibration, command: str) -> None:
    """``command`` is the command line that ran, to say what to run again."""
    if calibration.reviewer is None:
        answers = ", ".join(path.name for path in calibration.written if path.suffix == ".md")
        console.print(Text(f"wrote {len(calibration.written)} files into {calibration.folder}"))
        console.print(Text(f"next: read each gold answer ({answers or 'the .md files'}), score every criterion of "
                           f"its .toml 0-3 against the anchors, then run '{command}' again to see how far your "
                           "scores are from the reference"))
        return
    _print_reviewer(calibration.reviewer, calibration.case.slug)
    if calibration.panel is not None:
        _print_panel(calibration.panel)


def _print_reviewer(reviewer: ReviewerCalibration, slug: str) -> None:
    levels = list(reviewer.scores)
    table = Table(title=Text(f"{reviewer.reviewer} on the gold answers of {slug}: score vs reference (difference)"),
                  title_justify="left")
    table.add_column("criterion")
    for level in levels:
        table.add_column(level, justify="right")
    table.add_column("mean |difference|", justify="right")
    by_criterion: dict[str, list[Deviation]] = {}
    for deviation in reviewer.deviations:
        by_criterion.setdefault(deviation.criterion, []).append(deviation)
    for criterion, deviations in by_criterion.items():
        cells = [Text(f"{d.score} vs {d.reference} ({d.difference:+d})", style="bold" if d.difference else "")
                 for d in deviations]
        mean = sum(abs(d.difference) for d in deviations) / len(deviations)
        table.add_row(Text(criterion), *cells, f"{mean:.2f}")
    console.print(table)
    differing = [deviation for deviation in reviewer.deviations if deviation.difference]
    if differing:
        console.print(Text("Where your score differs, the reference's reasoning:", style="bold"))
    for deviation in differing:
        console.print(Text(f"{deviation.level}, {deviation.criterion}: you {deviation.score}, the reference "
                           f"{deviation.reference}: {deviation.reason}"))
    console.print(Text(f"mean absolute deviation: {reviewer.mean_absolute_deviation:.2f} levels ({len(differing)} of "
                       f"{len(reviewer.deviations)} scores differ from the reference); alpha with the reference: "
                       f"{_alpha(reviewer.alpha_with_reference)}"))


def _print_panel(panel: PanelCalibration) -> None:
    table = Table(title=f"The panel's calibration ({len(panel.reviewers)} reviewers)", title_justify="left")
    for header in ("reviewer", "mean |difference|", "alpha with the reference"):
        table.add_column(header, justify="left" if header == "reviewer" else "right")
    for reviewer in panel.reviewers:
        table.add_row(Text(reviewer.reviewer), f"{reviewer.mean_absolute_deviation:.2f}",
                      _alpha(reviewer.alpha_with_reference))
    console.print(table)
    console.print(Text(f"agreement (Krippendorff's alpha, ordinal; every answer x criterion a unit): among the "
                       f"reviewers {_agreement(panel.among_reviewers)}, with the reference as one more reviewer "
                       f"{_agreement(panel.with_reference)}; below {RELIABLE_ALPHA} the anchors are read differently"))
    for name, reason in panel.waiting.items():
        console.print(Text(f"not in the panel yet: {name}: {reason}", style="dim"))


def _agreement(agreement: Agreement) -> str:
    if agreement.interval is None:
        return _alpha(agreement.alpha)
    low, high = agreement.interval
    return f"{_alpha(agreement.alpha)} [{low:.3f}, {high:.3f}]"


def _alpha(value: float | None) -> str:
    return "undefined (every score the same)" if value is None else f"{value:.3f}"
