"""Figures for reports and MLflow, rendered to PNG bytes with matplotlib's Agg backend."""

from __future__ import annotations

import io

import numpy as np


def confusion_matrix_png(labels: list[str], matrix: list[list[int]]) -> bytes:
    """A heat map of the confusion matrix, rows normalised to recall, with raw counts."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    counts = np.asarray(matrix, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.nan_to_num(counts / counts.sum(axis=1, keepdims=True))
    size = max(4.0, 0.55 * len(labels) + 2.0)
    figure, axes = plt.subplots(figsize=(size + 1.0, size))
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
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()


def recall_curve_png(ks: list[int], recall: list[float], marked_k: int | None = None) -> bytes:
    """Mean recall@k against the list depth k, with a dotted line at ``marked_k``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(6.5, 4.0))
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
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()
