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
