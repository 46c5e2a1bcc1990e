"""Stage 3, train: remember the training titles and where each row sits in TF-IDF space."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from {{ cookiecutter.package_name }} import config
from {{ cookiecutter.package_name }}.features import build_features, row_text


@dataclass
class NearestTitleModel:
    """A retrieval model: the title of the most similar training row (cosine of TF-IDF)."""

    vectorizer: TfidfVectorizer
    matrix: csr_matrix
    titles: np.ndarray


def train_model(data: dict[str, pd.DataFrame]) -> NearestTitleModel:
    rows = data["train"]
    vectorizer = build_features()
    matrix = normalize(vectorizer.fit_transform(row_text(rows)))
    return NearestTitleModel(vectorizer, matrix, rows[config.TARGET].astype(str).to_numpy())
