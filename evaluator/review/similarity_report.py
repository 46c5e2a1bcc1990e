"""Where similarity shows in a candidate's report: a section listing the flagged pairs.

Similarity needs every candidate of the batch, so it is known only after each candidate's
report was written (on a worker, maybe by an earlier, resumed run). The section is put into
the latest report of both candidates of every flagged pair, between markers, so the next
review replaces it rather than adding another.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from casekit.files import atomic
from casekit.review.records import BatchReview
from casekit.review.similarity import Passage, SimilarPair


@dataclass(frozen=True)
class ReportItem:
    """One similar candidate, as one candidate's report shows it."""

    other: str
    pair: SimilarPair
    mine: list[Passage]
    theirs: list[Passage]


def add_to_reports(batch: BatchReview) -> None:
    """Write (or clear) the similarity section of every scored candidate's latest report."""
    from casekit.outputs.report import put_section, render_page

    items: dict[str, list[ReportItem]] = defaultdict(list)
    for pair in batch.similar:
        if pair.flagged:
            items[pair.slug_a].append(ReportItem(pair.b, pair, pair.passages_a, pair.passages_b))
            items[pair.slug_b].append(ReportItem(pair.a, pair, pair.passages_b, pair.passages_a))
    for review in batch.reviews:
        if not review.report:
            continue
        report = batch.output / review.report
        if not report.is_file():
            continue
        section = render_page("similarity_section.html.j2", who=review.name, items=items[review.slug]) \
            if items[review.slug] else ""
        atomic.write_text(report, put_section(report.read_text(encoding="utf-8"), "similarity", section))
