"""Where a candidate's tier shows in its report: its place in the batch and who it could not be told from.

Tiers need every candidate of the batch, so they are known only after each candidate's report
was written (on a worker, maybe by an earlier, resumed run): the section is put into every
scored candidate's latest report afterwards, and replaced by the next review.
"""

from __future__ import annotations

from casekit.files import atomic
from casekit.review.records import BatchReview


def add_to_reports(batch: BatchReview, tier_tests: dict[str, str]) -> None:
    """Write the tier section of every scored candidate's latest report.

    ``tier_tests`` gives, by slug, the sentence saying which comparison placed the candidate.
    """
    from casekit.outputs.report import put_section, render_page

    if batch.tiers is None:
        return
    names = {review.slug: review.name for review in batch.reviews}
    tiers = [standing.tier for standing in batch.tiers.standings.values()]
    for review in batch.reviews:
        if not review.report or not (batch.output / review.report).is_file():
            continue
        standing = batch.tiers.standings.get(review.slug)
        section = render_page("tier_section.html.j2", who=review.name, standing=standing,
                              tiers=max(tiers, default=0), basis=batch.tiers.basis,
                              tier_test=tier_tests.get(review.slug, batch.tiers.untiered.get(review.slug, "")),
                              alike=[names[slug] for slug in standing.not_told_from] if standing else [],
                              others=len(batch.tiers.standings) - 1)
        report = batch.output / review.report
        atomic.write_text(report, put_section(report.read_text(encoding="utf-8"), "tiers", section))
