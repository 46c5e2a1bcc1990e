"""The figures task details draw for reports and MLflow, as PNG bytes.

Figures are matplotlib ``Figure`` objects made directly, not through pyplot: no global figure
registry to close, no backend to switch, and pyplot's import (a third of a second that every
``casekit evaluate`` paid) is not needed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from casekit.tasks.reliability import ReliabilityBin


def confusion_matrix_png(labels: list[str], matrix: list[list[int]]) -> bytes:
    """A heat map of the confusion matrix, rows normalised to recall, with raw counts."""
    counts = np.asarray(matrix, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.nan_to_num(counts / counts.sum(axis=1, keepdims=True))
    size = max(4.0, 0.55 * len(labels) + 2.0)
    figure, axes = _figure(figsize=(size + 1.0, size))
    image = axes.imshow(recall, cmap="Blues", vmin=0.0, vmax=1.0)
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title("Confusion matrix (colour: share of the true class)")
    if len(labels) <= 20:
        for (row, column), value in np.ndenumerate(counts):
            shade = "white" if recall[row, column] > 0.6 else "black"
            axes.text(column, row, f"{int(value)}", ha="center", va="center", fontsize=8, color=shade)
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    figure.tight_layout()
    return _png_bytes(figure)


def recall_curve_png(ks: list[int], recall: list[float], marked_k: int | None = None) -> bytes:
    """Mean recall@k against the list depth k, with a dotted line at ``marked_k``."""
    figure, axes = _figure(figsize=(6.5, 4.0))
    axes.plot(ks, recall, color="#2a6fb0")
    if marked_k is not None and marked_k <= len(ks):
        axes.axvline(marked_k, color="#888888", linestyle=":")
        axes.annotate(f"recall@{marked_k} = {recall[marked_k - 1]:.3f}", (marked_k, recall[marked_k - 1]),
                      textcoords="offset points", xytext=(8, -14), fontsize=9)
    axes.set_xlabel("list depth k")
    axes.set_ylabel("mean recall@k")
    axes.set_xlim(1, max(ks))
    axes.set_ylim(0, max(max(recall) * 1.1, 0.01))
    axes.set_title("Share of held-out items found in the top k")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    return _png_bytes(figure)


def roc_curve_png(fpr: list[float], tpr: list[float], operating_point: tuple[float, float], threshold: float) -> bytes:
    """The ROC curve with the chance diagonal and the point the declared threshold picks."""
    figure, axes = _square_axes()
    axes.plot(fpr, tpr, color="#1f5fa8", linewidth=2, label="ROC curve")
    axes.plot([0, 1], [0, 1], color="#9aa5b1", linestyle="--", linewidth=1, label="chance")
    _operating_point(axes, operating_point, threshold)
    axes.set_xlabel("false positive rate")
    axes.set_ylabel("true positive rate (recall)")
    axes.set_title("ROC curve")
    return _png(figure, axes)


def precision_recall_curve_png(
    recall: list[float], precision: list[float], prevalence: float, operating_point: tuple[float, float],
    threshold: float,
) -> bytes:
    """The precision-recall curve, the prevalence line a constant guess gets, the threshold's point."""
    figure, axes = _square_axes()
    axes.step(recall, precision, where="post", color="#1f5fa8", linewidth=2, label="precision-recall curve")
    axes.axhline(prevalence, color="#9aa5b1", linestyle="--", linewidth=1, label=f"prevalence {prevalence:.3f}")
    _operating_point(axes, operating_point, threshold)
    axes.set_xlabel("recall")
    axes.set_ylabel("precision")
    axes.set_title("Precision-recall curve")
    return _png(figure, axes)


def reliability_diagram_png(bins: Sequence[ReliabilityBin]) -> bytes:
    """Observed share of positives against the mean predicted probability, per bin, with counts."""
    figure, axes = _square_axes()
    filled = [b for b in bins if b.rows]
    axes.plot([0, 1], [0, 1], color="#9aa5b1", linestyle="--", linewidth=1, label="perfect calibration")
    axes.plot([b.mean_predicted for b in filled], [b.observed for b in filled], marker="o", color="#1f5fa8",
              linewidth=2, label="observed share per bin")
    counts = axes.twinx()
    counts.bar([(b.low + b.high) / 2 for b in bins], [b.rows for b in bins],
               width=bins[0].high - bins[0].low, color="#1f5fa8", alpha=0.12)
    counts.set_ylabel("rows per bin")
    axes.set_zorder(counts.get_zorder() + 1)
    axes.patch.set_visible(False)
    axes.set_xlabel("predicted probability")
    axes.set_ylabel("observed share of the positive class")
    axes.set_title("Reliability diagram")
    return _png(figure, axes)


def predicted_vs_actual_png(predicted: np.ndarray, actual: np.ndarray, shown: str) -> bytes:
    """Actual against predicted values, with the diagonal a perfect model would lie on."""
    figure, axes = _scatter_axes()
    axes.scatter(predicted, actual, s=6, alpha=0.35, color="#1f5fa8", linewidths=0, label=shown)
    finite = np.concatenate([predicted, actual])
    finite = finite[np.isfinite(finite)]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        axes.plot([low, high], [low, high], color="#9aa5b1", linestyle="--", linewidth=1, label="actual = predicted")
    axes.set_xlabel("predicted")
    axes.set_ylabel("actual")
    axes.set_title("Predicted against actual")
    return _png(figure, axes, legend="upper left")


def residuals_png(predicted: np.ndarray, residuals: np.ndarray, shown: str) -> bytes:
    """Residuals (actual - predicted) against the prediction, with the zero line."""
    figure, axes = _scatter_axes()
    axes.scatter(predicted, residuals, s=6, alpha=0.35, color="#1f5fa8", linewidths=0, label=shown)
    axes.axhline(0.0, color="#9aa5b1", linestyle="--", linewidth=1, label="no error")
    axes.set_xlabel("predicted")
    axes.set_ylabel("residual (actual − predicted)")
    axes.set_title("Residuals against the prediction")
    return _png(figure, axes, legend="upper right")


def _scatter_axes():
    figure, axes = _figure(figsize=(5.5, 5.0))
    axes.grid(alpha=0.3)
    return figure, axes


def _square_axes():
    figure, axes = _figure(figsize=(5.5, 5.0))
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.grid(alpha=0.3)
    return figure, axes


def _operating_point(axes, point: tuple[float, float], threshold: float) -> None:
    if all(np.isfinite(point)):
        axes.plot(*point, marker="o", markersize=9, color="#c0392b", linestyle="none",
                  label=f"threshold {threshold:g}")


def _png(figure, axes, legend: str = "lower right") -> bytes:
    axes.legend(loc=legend, fontsize=8)
    figure.tight_layout()
    return _png_bytes(figure)


def _figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float], squeeze: bool = True):
    """A new figure and its axes, as ``pyplot.subplots`` returns them."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize)
    return figure, figure.subplots(nrows, ncols, squeeze=squeeze)


def _png_bytes(figure, dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def selection_timelines_png(groups: Sequence[tuple[str, list[int], list[bool], dict[str, list[float]]]]) -> bytes:
    """One timeline strip per group: the submission's cut above each editor's, over the group's
    footage (items laid end to end by length). A fractional editor cut (tied scores at the edge
    of the budget) is drawn paler. Each strip is one image, one pixel column per second."""
    rows = sum(1 + len(cuts) for _, _, _, cuts in groups)
    height = 0.9 + 0.24 * rows + 0.35 * len(groups)
    figure, axes_list = _figure(len(groups), 1, figsize=(10.0, height), squeeze=False)
    colours = {True: np.array([0.76, 0.25, 0.05]), False: np.array([0.16, 0.44, 0.69])}
    for axes, (group, lengths, selected, cuts) in zip(axes_list[:, 0], groups, strict=True):
        labels = ["submission", *cuts]
        seconds = np.repeat(np.arange(len(lengths)), lengths)
        image = np.ones((len(labels), max(1, seconds.size), 3))
        for row, label in enumerate(labels):
            shares = np.asarray(selected if row == 0 else cuts[label], dtype=float)[seconds]
            image[row] = 1.0 - shares[:, None] * (1.0 - colours[row == 0])
        axes.imshow(image, aspect="auto", interpolation="nearest", extent=(0, max(1, seconds.size), len(labels), 0))
        axes.set_yticks(np.arange(len(labels)) + 0.5, labels, fontsize=7)
        axes.set_title(str(group), fontsize=8, loc="left")
        axes.tick_params(axis="x", labelsize=7)
    axes_list[-1, 0].set_xlabel("seconds of footage (items end to end)")
    figure.suptitle("The cut (orange) against each editor's (blue), group by group", fontsize=10)
    # Fixed margins: tight_layout would draw the whole figure once more to measure it.
    figure.subplots_adjust(left=0.1, right=0.98, top=1 - 0.5 / height, bottom=0.45 / height, hspace=0.9)
    return _png_bytes(figure, dpi=80)


def length_histogram_png(bins: list[str], texts: list[int], references: list[int]) -> bytes:
    """Side-by-side bars of the share of texts and of references in each length bin (words)."""
    positions = np.arange(len(bins))
    text_share = np.asarray(texts, dtype=float) / max(sum(texts), 1)
    reference_share = np.asarray(references, dtype=float) / max(sum(references), 1)
    figure, axes = _figure(figsize=(6.5, 4.0))
    axes.bar(positions - 0.2, text_share, width=0.4, color="#2a6fb0", label="submitted texts")
    axes.bar(positions + 0.2, reference_share, width=0.4, color="#b0b0b0", label="references")
    axes.set_xticks(positions, bins)
    axes.set_xlabel("length (words)")
    axes.set_ylabel("share")
    axes.set_title("Length of the texts and of the references")
    return _png(figure, axes)
