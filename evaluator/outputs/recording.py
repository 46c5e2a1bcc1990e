"""Recording a scored result: the one way evaluations and reviews reach MLflow.

A result (an evaluation, a candidate's review, a baseline) is first written to its folder
(scorecard, report, plots), atomically; recording then logs that folder as one MLflow run,
found by the result's content key before one is created (see :mod:`casekit.outputs.tracking`),
and writes the folder's ``tracking.json``:

- ``{"status": "logged", ...the run...}`` once the run is complete;
- ``{"status": "pending", "error": ..., "recipe": ...}`` when the store could not take it:
  the recipe is everything the run needs beyond the folder (its role, content key, extra tags
  and metrics), so ``casekit sync`` or the next review of the folder logs it as it would have been.

A content key is the sha256 of what decides the result: for an evaluation, the submission's
bytes, its declared decision, the instance, the resamples, casekit's version and the candidate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from casekit.files import atomic
from casekit.instances.instance import Instance
from casekit.outputs import tracking
from casekit.scoring.scorecard import Scorecard

STATUS_FILE = tracking.STATUS_FILE
SCORECARD_FILE = "scorecard.json"


@dataclass(frozen=True)
class RunRecipe:
    """What a result's run carries beyond its folder: enough to log it later, exactly as now."""

    role: str
    content_key: str
    baseline: str | None = None
    extra_tags: dict[str, str] = field(default_factory=dict)
    extra_metrics: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Recording:
    """Where a result landed: its run, or why it is pending."""

    run: tracking.TrackedRun | None
    error: str | None = None

    @property
    def pending(self) -> bool:
        return self.run is None


def content_key(parts: Mapping[str, object]) -> str:
    """The sha256 of ``parts`` as canonical JSON: equal parts, equal key, on any machine."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def record(folder: Path, card: Scorecard, recipe: RunRecipe, instance: Instance) -> Recording:
    """Log ``folder`` (holding ``card``) as the one run of ``recipe.content_key``; mark the folder
    logged, or pending with the reason when the store cannot take it."""
    try:
        run = tracking.log_evaluation(
            card, role=recipe.role, baseline=recipe.baseline, outputs=folder, test_set=instance.key.answers,
            test_source=instance.key.answers_path, target=instance.spec.target, content_key=recipe.content_key,
            extra_tags=recipe.extra_tags, extra_metrics=recipe.extra_metrics)
    except tracking.TrackingUnavailableError as error:
        return mark_pending(folder, recipe, str(error))
    atomic.write_text(folder / STATUS_FILE, json.dumps(
        {"status": "logged", "content_key": recipe.content_key, **asdict(run)}, indent=2) + "\n")
    return Recording(run)


def mark_pending(folder: Path, recipe: RunRecipe, error: str) -> Recording:
    """Keep ``folder``'s result for ``casekit sync``: the store could not take it (``error``)."""
    atomic.write_text(folder / STATUS_FILE, json.dumps(
        {"status": "pending", "tracking_uri": tracking.tracking_uri(), "error": error, "recipe": asdict(recipe)},
        indent=2) + "\n")
    return Recording(None, error)


def pending_folders(folders: Iterable[Path]) -> list[Path]:
    """Those of ``folders`` whose result waits to be logged."""
    return [folder for folder in folders if status_of(folder).get("status") == "pending"]


def record_pending(folder: Path, instance: Instance, recipe_of: Callable[[Scorecard], RunRecipe]) -> Recording:
    """Log a pending folder with the recipe it was saved with (``recipe_of(card)`` for a folder
    left pending by an earlier casekit, which saved none)."""
    card = Scorecard.from_json((folder / SCORECARD_FILE).read_text(encoding="utf-8"))
    saved = status_of(folder).get("recipe")
    recipe = RunRecipe(**saved) if isinstance(saved, dict) else recipe_of(card)
    return record(folder, card, recipe, instance)


def status_of(folder: Path) -> dict:
    """The folder's ``tracking.json`` (empty when there is none, or it cannot be read)."""
    try:
        status = json.loads((folder / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return status if isinstance(status, dict) else {}
