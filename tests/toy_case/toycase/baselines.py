"""The three reference models: unfitted scikit-learn classifiers over the sensor readings."""

from lightgbm import LGBMClassifier
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler


def majority() -> DummyClassifier:
    return DummyClassifier(strategy="most_frequent")


def logistic() -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def lightgbm() -> LGBMClassifier:
    return LGBMClassifier(n_estimators=150, learning_rate=0.05, num_leaves=15, n_jobs=1, random_state=0, verbose=-1)
