"""The self-contained HTML report of one evaluation.

Everything a candidate wrote (their name, ids, labels, file names) reaches the page only
through Jinja2's autoescaping, and figures are inlined as base64, so the file can be mailed
or opened offline without running anything it did not come with.
"""

from __future__ import annotations

import base64
import math
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from casekit.scoring.scorecard import ModelResult, Scorecard

_environment = Environment(
    loader=PackageLoader("casekit.outputs", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_report(card: Scorecard, figures: dict[str, bytes], review: dict[str, Any] | None = None) -> str:
    """Return the HTML page for ``card``: its metrics, the task's and the slices' tables, and
    the PNG ``figures`` (the task's, rendered once by the caller, who also saves them).

    ``review`` holds what ``casekit review`` adds (final score, re-run, rubric); see
    ``templates/review_section.html.j2`` for its fields.
    """
    return _environment.get_template("report.html.j2").render(
        card=card,
        review=review,
        who=card.candidate or "submission",
        primary_title=card.primary.title,
        confidence_pct=round(100 * card.bootstrap.confidence),
        tables=card.details.tables() + (card.slices.tables() if card.slices else []),
        images=[(name, base64.b64encode(data).decode("ascii")) for name, data in figures.items()],
        fmt=_format,
        baseline_value=_baseline_value,
    )


def render_page(template: str, **context: object) -> str:
    """Render another page (the review's leaderboard) with the same escaping and number format."""
    return _environment.get_template(template).render(fmt=_format, **context)


def put_section(html: str, name: str, section: str) -> str:
    """``html`` with its section ``name`` replaced by ``section`` (removed when empty).

    Sections added after a report was written (by a review, which knows the whole batch) sit
    just before ``</body>`` between ``<!-- casekit:NAME -->`` markers, so writing one again
    replaces it rather than adding another.
    """
    start, end = f"<!-- casekit:{name} -->", f"<!-- /casekit:{name} -->"
    if start in html:
        html = html[:html.index(start)] + html[html.index(end) + len(end):]
    if section:
        html = html.replace("</body>", f"{start}\n{section}\n{end}\n</body>", 1)
    return html


def _format(value: float | None, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:+.4f}" if signed else f"{value:.4f}"


def _baseline_value(model: ModelResult, name: str) -> float | None:
    return next((metric.value for metric in model.metrics if metric.name == name), None)
