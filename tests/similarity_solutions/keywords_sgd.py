"""Stages 2 and 3 of one candidate: keyword flags and character n-grams into a linear SVM."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier

TARGET = "category"
BUG_WORDS = ("error", "crash", "exception", "traceback", "fails", "broken", "regression", "segfault")
FEATURE_WORDS = ("support", "add", "option", "allow", "would be nice", "proposal", "enhancement")
QUESTION_WORDS = ("how do i", "how to", "is it possible", "why does", "what is", "?")


def clean(text: str) -> str:
    """Lower case, code blocks and URLs replaced by a marker, spaces squeezed."""
    text = text.lower()
    text = re.sub(r"```.*?```", " codeblock ", text, flags=re.S)
    text = re.sub(r"https?://\S+", " url ", text)
    return re.sub(r"\s+", " ", text).strip()


def keyword_flags(texts: pd.Series) -> sparse.csr_matrix:
    """How many words of each kind (bug, feature, question) a ticket uses."""
    columns = []
    for words in (BUG_WORDS, FEATURE_WORDS, QUESTION_WORDS):
        counts = texts.apply(lambda text: sum(text.count(word) for word in words))
        columns.append(np.log1p(counts.to_numpy(dtype=float)))
    return sparse.csr_matrix(np.column_stack(columns))


class KeywordModel:
    """Character n-grams of the cleaned text plus keyword counts, into a hinge-loss linear model."""

    def __init__(self, alpha: float = 2e-5, epochs: int = 30) -> None:
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True,
                                          max_features=200_000)
        self.classifier = SGDClassifier(loss="modified_huber", alpha=alpha, max_iter=epochs, random_state=7,
                                        class_weight="balanced")

    def _texts(self, tickets: pd.DataFrame) -> pd.Series:
        return (tickets["subject"].astype(str) + " . " + tickets["body"].astype(str)).map(clean)

    def fit(self, tickets: pd.DataFrame, labels: pd.Series) -> KeywordModel:
        texts = self._texts(tickets)
        matrix = sparse.hstack([self.vectorizer.fit_transform(texts), keyword_flags(texts)]).tocsr()
        self.classifier.fit(matrix, labels)
        return self

    def predict(self, tickets: pd.DataFrame) -> np.ndarray:
        texts = self._texts(tickets)
        matrix = sparse.hstack([self.vectorizer.transform(texts), keyword_flags(texts)]).tocsr()
        return self.classifier.predict(matrix)


def train_model(tickets: pd.DataFrame) -> KeywordModel:
    """Fit the keyword model on labelled tickets."""
    return KeywordModel().fit(tickets.drop(columns=[TARGET]), tickets[TARGET])
