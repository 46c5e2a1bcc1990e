"""The leaderboard of a review: ranked rows, written as CSV, HTML and a terminal table.

Ranking: candidates are ordered by the primary metric (best first, in the metric's
direction), then by name, so the order is stable. Ties are shown where the confidence
intervals overlap: walking down the order, a candidate whose 95% bootstrap interval on the
primary metric overlaps the interval of the candidate just above it shares that candidate's
rank (so a tie can chain: A overlaps B, B overlaps C gives one group), and every member of a
group of two or more is marked ``=``. Overlap of intervals, rather than a paired test, is
used because candidates may answer different instances of a case, where pairing is
impossible. The final score is shown beside the rank, not mixed into it: it blends judgements
(rubric, engineering) that carry no interval.

Baselines appear as unranked reference rows at their place in the order, when every
candidate answered the same instance.

Everything a candidate wrote is escaped where it is written: CSV cells that a spreadsheet
would run as a formula are prefixed with ``'``, HTML goes through Jinja2's autoescaping,
and the terminal gets rich ``Text``, never markup.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from casekit.files import atomic
from casekit.review.final_score import ScoreWeights
from casekit.version import __version__

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from casekit.cases.spec import CaseSpec
    from casekit.review.batch_review import BatchReview
    from casekit.review.records import CandidateReview, ReviewOptions

TIE_RULE = ("ranked by the primary metric; a candidate whose 95% bootstrap interval overlaps that of the "
            "candidate above shares its rank (marked '=')")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One line of the leaderboard: a candidate, or a baseline for reference."""

    rank: str
    kind: str
    name: str
    review: CandidateReview | None
    value: float | None
    ci_low: float | None
    ci_high: float | None


def rank(batch: BatchReview) -> list[Row]:
    """Scored candidates in rank order with baselines interleaved, then the unscored ones."""
    sign = -1.0 if batch.higher_is_better else 1.0
    scored = sorted((r for r in batch.reviews if r.status == "scored"),
                    key=lambda r: (sign * _primary(r), r.name.casefold(), r.name, r.slug))
    ranks: list[int] = []
    for position, review in enumerate(scored):
        tied = position > 0 and _overlap(scored[position - 1], review)
        ranks.append(ranks[-1] if tied else position + 1)
    rows = [Row(f"{number}{'=' if ranks.count(number) > 1 else ''}", "candidate", review.name, review,
                review.primary_value, review.ci_low, review.ci_high)
            for number, review in zip(ranks, scored, strict=True)]
    for baseline in batch.baselines:
        row = Row("", "baseline", f"baseline: {baseline['name']}", None, baseline["value"], baseline["ci_low"],
                  baseline["ci_high"])
        # After every candidate at least as good, so the order stays stable.
        at = next((i for i, other in enumerate(rows) if sign * _value(other) > sign * _value(row)), len(rows))
        rows.insert(at, row)
    rows += [Row("", "candidate", review.name, review, None, None, None)
             for review in sorted((r for r in batch.reviews if r.status != "scored"), key=lambda r: r.name)]
    return rows


def _primary(review: CandidateReview) -> float:
    # Only scored reviews are ranked, and scoring sets the primary metric's value.
    assert review.primary_value is not None
    return review.primary_value


def _value(row: Row) -> float:
    # Only scored candidates and baselines are placed by value, and both have one.
    assert row.value is not None
    return row.value


def _overlap(above: CandidateReview, below: CandidateReview) -> bool:
    if above.ci_low is None or above.ci_high is None or below.ci_low is None or below.ci_high is None:
        return above.primary_value == below.primary_value
    return below.ci_high >= above.ci_low and above.ci_high >= below.ci_low


def write_leaderboard(batch: BatchReview, spec: CaseSpec, weights: ScoreWeights, options: ReviewOptions) -> None:
    """Write leaderboard.csv, leaderboard.html and summary.json into the review's folder, and the
    flagged similar pairs into both candidates' reports."""
    from casekit.review.similarity_report import add_to_reports

    add_to_reports(batch)
    rows = rank(batch)
    atomic.write_text(batch.output / "leaderboard.csv", to_csv(rows))
    atomic.write_text(batch.output / "leaderboard.html", to_html(rows, batch, spec, weights, options))
    atomic.write_text(batch.output / "summary.json", json.dumps(summary(rows, batch, spec, weights, options),
                                                                indent=2, default=str) + "\n")


CSV_COLUMNS = ["rank", "kind", "candidate", "input", "status", "metric", "value", "ci_low", "ci_high",
               "tier", "final_score", "metric_part", "rubric_part", "engineering_part", "rubric_scored",
               "rerun", "rerun_seconds", "rerun_peak_memory_mb", "report", "message"]


def to_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        review = row.review
        parts = {part.name: round(part.value, 4) for part in review.final.parts} if review and review.final else {}
        writer.writerow([safe_cell(cell) for cell in [
            row.rank, row.kind, row.name, review.kind if review else "", review.status if review else "",
            review.primary_title if review else "", _round(row.value), _round(row.ci_low), _round(row.ci_high),
            review.tier if review else "", _round(review.final.total) if review and review.final else "",
            parts.get("metric", ""), parts.get("rubric", ""), parts.get("engineering", ""),
            f"{review.rubric_scored}/{review.rubric_total}" if review and review.final else "",
            review.rerun_status if review else "", _round(review.rerun_seconds) if review else "",
            _round(review.rerun_peak_memory_mb) if review else "", (review.report or "") if review else "",
            review.message if review else "",
        ]])
    return buffer.getvalue()


def safe_cell(cell: object) -> object:
    """Text a spreadsheet would run as a formula (``=cmd|...``), made inert with a leading quote."""
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def _round(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def to_html(rows: list[Row], batch: BatchReview, spec: CaseSpec, weights: ScoreWeights,
            options: ReviewOptions) -> str:
    from casekit.outputs.report import render_page
    from casekit.review import similarity

    reports = {review.slug: review.report for review in batch.reviews if review.report}
    return render_page("leaderboard.html.j2", rows=rows, batch=batch, spec=spec, weights=weights, options=options,
                       tie_rule=TIE_RULE, counts=_counts(batch), similarity=similarity, reports=reports,
                       created=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def summary(rows: list[Row], batch: BatchReview, spec: CaseSpec, weights: ScoreWeights,
            options: ReviewOptions) -> dict:
    return {
        "casekit_version": __version__,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "case": spec.slug,
        "primary_metric": spec.primary_metric,
        "seconds": round(batch.seconds, 2),
        "counts": _counts(batch),
        "tie_rule": TIE_RULE,
        "weights": asdict(weights),
        "options": {"jobs": options.jobs, "cluster": options.cluster, "rerun": options.rerun,
                    "limits": asdict(options.rerun_limits),
                    "resamples": options.resamples, "tracked": options.track},
        "leaderboard": [{"rank": row.rank, "kind": row.kind, "name": row.name} for row in rows],
        "candidates": [asdict(review) for review in batch.reviews],
        "baselines": batch.baselines,
        "similar_pairs": [{"a": pair.a, "b": pair.b, "code": pair.code, "predictions": pair.predictions,
                           "predictions_as_alike_as_with_a_baseline": pair.baseline_predictions,
                           "flagged": pair.flagged} for pair in batch.similar],
    }


def _counts(batch: BatchReview) -> dict[str, int]:
    reviews = batch.reviews
    return {
        "candidates": len(reviews),
        "scored": sum(r.status == "scored" for r in reviews),
        "invalid": sum(r.status == "invalid" for r in reviews),
        "errors": sum(r.status == "error" for r in reviews),
        "re-runs that reproduced": sum(r.rerun_status == "reproduced" for r in reviews),
        "re-runs that did not": sum(r.rerun_status not in ("reproduced", "not re-run", "no code") for r in reviews
                                    if r.status == "scored"),
        "MLflow runs": sum(r.run_id is not None for r in reviews),
        "similar pairs flagged": sum(pair.flagged for pair in batch.similar),
    }


def print_leaderboard(batch: BatchReview) -> None:
    """The leaderboard and the batch summary in the terminal."""
    from rich.table import Table
    from rich.text import Text

    from casekit.outputs.console import console, fmt

    rows = rank(batch)
    title = next((r.primary_title for r in batch.reviews if r.primary_title), "primary metric")
    table = Table(title=Text(f"Leaderboard ({title}; '=' marks overlapping 95% intervals)"), title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("rank", "right"), ("candidate", "left"), (title, "right"), ("95% interval", "right"), ("tier", "left"),
        ("final", "right"), ("rubric", "right"), ("re-run", "left"))
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for row in rows:
        review = row.review
        interval = f"[{fmt(row.ci_low)}, {fmt(row.ci_high)}]" if row.ci_low is not None else ""
        if review is None:
            table.add_row("", Text(row.name, style="dim"), fmt(row.value), interval, "", "", "", "", style="dim")
        elif review.status != "scored":
            table.add_row("", Text(row.name), "", "", Text(f"{review.status}: {review.message}", style="red"),
                          "", "", "")
        else:
            assert review.final is not None  # a scored review has its final score
            table.add_row(row.rank, Text(row.name), fmt(row.value), interval, Text(review.tier),
                          fmt(review.final.total), f"{review.rubric_scored}/{review.rubric_total}",
                          Text(review.rerun_status))
    console.print(table)
    counts = ", ".join(f"{value} {name}" for name, value in _counts(batch).items())
    console.print(Text(f"{counts}; {batch.seconds:.1f} s"))
