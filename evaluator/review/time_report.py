"""Where a candidate's time on record shows in its report: issued, received, elapsed against
the box, and the candidate's own clock beside it, labelled as theirs.

The receipt and the grace belong to the review, not to the candidate's scoring (a worker
wrote the report, maybe in an earlier, resumed run): the section is put into every scored
candidate's latest report afterwards, and replaced by the next review.
"""

from __future__ import annotations

from casekit.files import atomic
from casekit.instances.time_record import format_minutes
from casekit.review.batch_review import BatchReview


def add_to_reports(batch: BatchReview) -> None:
    """Write the time section of every scored candidate's latest report."""
    from casekit.outputs.report import put_section, render_page

    for review in batch.reviews:
        time = batch.times.get(review.slug)
        if time is None or not review.report or not (batch.output / review.report).is_file():
            continue
        section = render_page("time_section.html.j2", who=review.name, time=time,
                              grace=format_minutes(time.grace_minutes))
        report = batch.output / review.report
        atomic.write_text(report, put_section(report.read_text(encoding="utf-8"), "time", section))
