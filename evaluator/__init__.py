"""casekit's evaluator: submission checks, metrics, statistics, key store, tracking, reports.

The generated projects use only the small public API below, for local validation; it is
imported lazily so that ``import casekit`` (and ``casekit --help``) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.3.0"
__all__ = ["__version__", "score_predictions", "validate_predictions"]

if TYPE_CHECKING:
    from casekit.public import score_predictions, validate_predictions


def __getattr__(name: str):
    if name in ("score_predictions", "validate_predictions"):
        from casekit import public

        return getattr(public, name)
    raise AttributeError(f"module 'casekit' has no attribute {name!r}")
