"""Stages 2 and 3 of another candidate: the title weighs double, complement naive Bayes, then a vote."""

from __future__ import annotations

import pandas as pd
from sklearn.ensemble import VotingClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.tree import DecisionTreeClassifier

LABEL = "category"
TITLE_REPEATS = 2


def weighted_document(frame: pd.DataFrame) -> list[str]:
    """The title repeated (titles say more per word), then the body, truncated to 3,000 characters."""
    titles = frame["subject"].fillna("").astype(str)
    bodies = frame["body"].fillna("").astype(str).str.slice(0, 3000)
    return [(" ".join([title] * TITLE_REPEATS) + " " + body) for title, body in zip(titles, bodies)]


def bag_of_words(binary: bool) -> CountVectorizer:
    return CountVectorizer(lowercase=True, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b", stop_words="english",
                           binary=binary, min_df=2, max_df=0.6)


def voter() -> VotingClassifier:
    """Naive Bayes on counts and a shallow tree on word presence, soft vote."""
    bayes = make_pipeline(FunctionTransformer(weighted_document), bag_of_words(False), ComplementNB(alpha=0.3))
    tree = make_pipeline(FunctionTransformer(weighted_document), bag_of_words(True),
                         DecisionTreeClassifier(max_depth=12, min_samples_leaf=5, random_state=3))
    return VotingClassifier([("bayes", bayes), ("tree", tree)], voting="soft", weights=[3, 1])


def train_model(tickets: pd.DataFrame):
    """The vote, fitted on every labelled ticket."""
    features = tickets.drop(columns=[LABEL])
    return voter().fit(features, tickets[LABEL])
